"""The GeoPackage and the project in real QGIS (Debian qgis + python3-qgis, offscreen)."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from helpers.qgis_runner import probe
from neageo.style import STYLES

ARTIFACTS = Path(__file__).parent / "artifacts"


def test_layer_styles_are_stored_the_way_qgis_reads_them(built):
    with sqlite3.connect(built) as con:
        rows = con.execute("SELECT f_table_schema, f_table_name, f_geometry_column, useAsDefault, styleQML "
                           "FROM layer_styles").fetchall()
        spatial = {t for (t,) in con.execute("SELECT table_name FROM gpkg_geometry_columns")}
        meta = con.execute("SELECT r.table_name, m.metadata FROM gpkg_metadata m JOIN gpkg_metadata_reference r "
                           "ON r.md_file_id = m.id WHERE m.md_standard_uri = 'http://mrcc.com/qgis.dtd'").fetchall()
    defaults = {t for s, t, g, d, q in rows if d == 1}
    assert defaults == spatial  # every spatial layer has exactly one default style
    assert all(s == "" and g == "geom" for s, t, g, d, q in rows)
    qml = {t: q for s, t, g, d, q in rows if d == 1}
    assert 'attr="segment"' in qml["borders"] and "categorizedSymbol" in qml["borders"]
    assert 'fieldName="name_en"' in qml["places"] and 'labelsEnabled="1"' in qml["customs_gates"]
    assert "255,217,47" in qml["customs_gates"]  # the web maps' gate yellow, #ffd92f
    assert {t for t, _ in meta} == spatial
    assert all("<license>" in m and "<title>" in m for _, m in meta)


def test_project_uses_relative_paths(built):
    qgz = built.with_suffix(".qgz")
    with zipfile.ZipFile(qgz) as z:
        (name,) = z.namelist()
        xml = z.read(name).decode("utf-8")
    assert "./neageo.gpkg|layername=places" in xml
    assert str(built.parent) not in xml  # nothing absolute
    assert '<Absolute type="bool">false</Absolute>' in xml


@pytest.mark.qgis
def test_project_opens_styled_in_qgis_from_a_moved_folder(qgis_python, built, tmp_path):
    moved = tmp_path / "somewhere" / "else"
    moved.mkdir(parents=True)
    shutil.copy(built, moved / "neageo.gpkg")
    shutil.copy(built.with_suffix(".qgz"), moved / "neageo.qgz")
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "qgis_project.png"
    out = probe(qgis_python, moved / "neageo.qgz", moved / "neageo.gpkg", png)
    assert out["read"]
    layers = out["layers"]
    import pyogrio

    counts = {n: pyogrio.read_info(built, layer=n)["features"] for n, _ in pyogrio.list_layers(built)}
    for lid, info in layers.items():
        assert info["valid"], lid
        assert str(moved) in info["source"], info["source"]  # resolved against the moved project
        table = info["source"].split("layername=")[1].split("|")[0]
        if "geometrytype" not in info["source"]:
            assert info["features"] == counts[table], lid
        style = STYLES[table]
        # the renderer is neageo's, not a random default
        if style.by and style.categories:
            assert info["renderer"] == "categorizedSymbol" and info["attr"] == style.by, lid
        else:
            assert info["renderer"] == "singleSymbol", lid
            expected = (style.default.fill if info["geometry"] in (0, 2) and style.default.fill else style.default.stroke)
            assert info["colours"][0].lower() == expected.lower(), (lid, info["colours"])
        if table in ("places", "customs_gates", "rivers", "provinces"):
            assert info["labels"], f"{lid} should be labelled"
    order = out["tree_order"]
    assert order.index("neageo_customs_gates") < order.index("neageo_countries")  # points above the basemap
    assert out["png_saved"] and out["png_colours"] > 30, "the rendered PNG looks empty"
    assert png.stat().st_size > 50_000


@pytest.mark.qgis
def test_geopackage_layers_open_with_their_default_style_in_qgis(qgis_python, built, tmp_path):
    out = probe(qgis_python, built.with_suffix(".qgz"), built, tmp_path / "x.png")
    direct = out["direct"]
    for name, info in direct.items():
        assert info["valid"] and info["style_loaded"], name
        assert info["metadata_title"], name
        assert info["metadata_licences"], name
    assert direct["borders"]["renderer"] == "categorizedSymbol"
    assert direct["customs_gates"]["colour"] == "#ffd92f" and direct["customs_gates"]["labels"]
    assert direct["places"]["alias_name_en"] == "Name (English)"
