"""Layer metadata is one packaged data file, read back from the GeoPackage by every output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from neageo import BuildError
from neageo.builder.borders import FOLLOW_M, MIN_RUN_KM, NEAR_M
from neageo.builder.layer import described
from neageo.metadata import layer_catalogue, layer_info, own_sources, read_written

REPO = Path(__file__).resolve().parents[1]
GPKG = REPO / "geodata" / "neageo.gpkg"


def _template_regex(text: str) -> re.Pattern:
    parts = re.split(r"\{[^}]*\}", text)
    return re.compile("^" + ".+?".join(re.escape(p) for p in parts) + "$", re.DOTALL)


def test_every_layer_in_the_geopackage_is_described_by_the_data_file():
    written = read_written(GPKG)
    catalogue = layer_catalogue()
    assert list(written.layers) == list(catalogue), "data file order = build order = GeoPackage order"
    for name, info in written.layers.items():
        template = catalogue[name]
        assert _template_regex(template.title).match(info.title)
        assert _template_regex(template.description).match(info.description), name
        assert list(info.columns) == list(template.columns), name
        for column, text in info.columns.items():
            assert _template_regex(template.columns[column]).match(text), (name, column)


def test_sources_named_by_layers_exist():
    registry = {r["source"] for r in json.loads((REPO / "geodata/sources/provenance.json").read_text())}
    known = registry | {s["source"] for s in own_sources()}
    for info in layer_catalogue().values():
        assert info.sources and set(info.sources) <= known, info.name


def test_prose_numbers_come_from_the_constants():
    written = read_written(GPKG).layers["borders"]
    assert f"within {FOLLOW_M / 1000:g} km" in written.description
    assert f"under {MIN_RUN_KM:g} km" in written.description
    assert f"within {NEAR_M / 1000:g} km" in written.columns["river_within_2km_pct"]
    assert not layer_info("borders").description.count("3 km"), "the number is a placeholder, not typed"


def test_placeholders_and_values_must_agree():
    frame = gpd.GeoDataFrame({"border_id": [1]}, geometry=[Point(0, 0)], crs=4326)
    with pytest.raises(BuildError, match="placeholders without a value"):
        described("borders", frame)
    with pytest.raises(BuildError, match="values without a placeholder"):
        described("countries", frame, follow_km=3)
    with pytest.raises(BuildError, match=r"no \[layers.nope\] entry"):
        described("nope", frame)


def test_a_column_missing_from_the_data_file_fails_the_build_check():
    frame = gpd.GeoDataFrame({"length_km": [1.0], "extra": [1]}, geometry=[Point(0, 0)], crs=4326)
    layer = described("coastline", frame)
    with pytest.raises(BuildError, match=r"without a description .*\['extra'\]"):
        layer.check_columns()


def test_qgis_metadata_and_aliases_come_from_the_written_file():
    import sqlite3

    con = sqlite3.connect(GPKG)
    aliases = dict(con.execute(
        "SELECT column_name, name FROM gpkg_data_columns WHERE table_name = 'rivers'").fetchall())
    (qml,) = con.execute("SELECT styleQML FROM layer_styles WHERE f_table_name = 'rivers'").fetchone()
    for column, alias in aliases.items():
        assert f'field="{column}"' in qml and f'name="{alias}"' in qml
    (doc,) = con.execute(
        "SELECT m.metadata FROM gpkg_metadata m JOIN gpkg_metadata_reference r ON r.md_file_id = m.id "
        "WHERE r.table_name = 'places'").fetchone()
    assert "CC-BY 4.0" in doc and read_written(GPKG).layers["places"].title in doc


def test_builder_writer_does_not_import_qgis():
    code = "import sys, neageo.builder.writer; print('neageo.qgis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_metadata_is_package_data():
    from importlib.resources import files

    assert files("neageo").joinpath("data/layers.toml").is_file()
