"""Exports that keep what the GeoPackage says: types, row order, CRS; losses announced; nothing replaced silently."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import warnings

import pyogrio
import pytest

import neageo
from neageo import OutputError
from neageo.exports import FORMATS, ShapefileLimits

LAYERS = ["customs_gates", "borders", "places"]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "neageo.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def _kinds(built, layer: str) -> dict[str, str]:
    """Column -> 'int', 'float' or 'str' as the GeoPackage holds it."""
    frame = neageo.read(layer, gpkg=built)
    out = {}
    for col, dtype in frame.dtypes.items():
        if col == "geometry":
            continue
        out[str(col)] = {"i": "int", "u": "int", "f": "float"}.get(getattr(dtype, "kind", "O"), "str")
    return out


def test_kml_simplefield_types_follow_the_columns(built, tmp_path):
    neageo.export(fmt="kml", out=tmp_path, layers=LAYERS, gpkg=built)
    kml_kind = {"int": "int", "float": "float", "double": "float", "string": "str", "bool": "int"}
    for layer in LAYERS:
        text = (tmp_path / f"{layer}.kml").read_text(encoding="utf-8")
        declared = dict(re.findall(r'<SimpleField name="([^"]+)" type="([^"]+)"', text))
        expected = _kinds(built, layer)
        for col, kind in expected.items():
            assert kml_kind[declared[col]] == kind, (layer, col, declared[col], kind)
    gates = dict(re.findall(r'<SimpleField name="([^"]+)" type="([^"]+)"',
                            (tmp_path / "customs_gates.kml").read_text(encoding="utf-8")))
    assert gates["border_id"] == "int" and gates["partner_distance_km"] == "float"


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "fgb", "shp", "csv", "kml"])
def test_every_format_reads_back_with_the_same_types(built, tmp_path, fmt):
    neageo.export(fmt=fmt, out=tmp_path, layers=LAYERS, gpkg=built)
    for layer in LAYERS:
        if fmt == "gpkg":
            info = pyogrio.read_info(tmp_path / "neageo.gpkg", layer=layer)
            names = {c: c for c in info["fields"]}
        elif fmt == "shp":
            info = pyogrio.read_info(tmp_path / f"{layer}.shp")
            fieldmap = (tmp_path / f"{layer}.fieldmap.csv").read_text(encoding="utf-8").splitlines()[1:]
            names = dict(line.split(",") for line in fieldmap)
        else:
            info = pyogrio.read_info(tmp_path / f"{layer}{FORMATS[fmt][1]}")
            names = {c: c for c in info["fields"]}
        back = dict(zip(info["fields"], info["dtypes"]))
        for col, kind in _kinds(built, layer).items():
            got = back[names[col]]
            if fmt in ("geojson", "kml") and kind == "int":
                assert got.startswith(("int", "bool")), (fmt, layer, col, got)  # a 0/1 column may read as bool
                continue
            assert {"int": got.startswith("int"), "float": got.startswith("float"),
                    "str": got == "object"}[kind], (fmt, layer, col, got, kind)


def test_flatgeobuf_keeps_the_geopackage_row_order(built, tmp_path):
    layers = ["borders", "waterways", "places", "lakes"]
    neageo.export(fmt="fgb", out=tmp_path, layers=layers, gpkg=built)
    for layer in layers:
        source = neageo.read(layer, gpkg=built)
        back = pyogrio.read_dataframe(tmp_path / f"{layer}.fgb")
        key = source.columns[0]
        assert list(back[key]) == list(source[key]), layer


@pytest.mark.parametrize("geometry", ["wkt", "lonlat"])
def test_csv_states_its_crs_and_types(built, tmp_path, geometry):
    neageo.export(fmt="csv", out=tmp_path, layers=["customs_gates", "paper_tables"], gpkg=built,
                  csv_geometry=geometry)
    assert 'AUTHORITY["EPSG","4326"]' in (tmp_path / "customs_gates.prj").read_text(encoding="utf-8")
    assert not (tmp_path / "paper_tables.prj").exists()  # a table without geometry has no CRS to state
    info = pyogrio.read_info(tmp_path / "customs_gates.csv")
    assert info["crs"] == "EPSG:4326" and info["geometry_type"] in ("Point", "Unknown")
    fields = dict(zip(info["fields"], info["dtypes"]))
    assert fields["border_id"].startswith("int") and fields["partner_distance_km"] == "float64"
    back = pyogrio.read_dataframe(tmp_path / "customs_gates.csv")
    assert back.crs.to_epsg() == 4326 and back.geometry.notna().all()
    codebook = (tmp_path / "codebook.csv").read_text(encoding="utf-8")
    assert "EPSG:4326" in codebook
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo:  # Debian's GDAL 3.6 (QGIS 3.22) reads the same
        said = subprocess.run([ogrinfo, "-so", "-al", str(tmp_path / "customs_gates.csv")], capture_output=True,
                              text=True).stdout
        assert "WGS 84" in said and "border_id: Integer" in said


def test_shapefile_losses_are_announced(built, tmp_path):
    with pytest.warns(ShapefileLimits, match=r"customs_gates\.shp: \d+ field names cut to 10 characters") as rec:
        written = neageo.export(fmt="shp", out=tmp_path, layers=["customs_gates"], gpkg=built)
    note = str(rec[0].message)
    assert "partner_distance_km -> partner_di" in note and "customs_gates.fieldmap.csv" in note
    long = neageo.read("customs_gates", gpkg=built)["crossing_source"].str.encode("utf-8").str.len() > 254
    assert f"{int(long.sum())} values of crossing_source cut to 254 bytes" in note
    assert tmp_path / "customs_gates.fieldmap.csv" in written
    with warnings.catch_warnings():  # nothing to say about a layer whose names fit
        warnings.simplefilter("error", ShapefileLimits)
        neageo.export(fmt="shp", out=tmp_path / "lakes", layers=["lakes"], gpkg=built)
    r = _cli("export", "--format", "shp", "--layers", "customs_gates", "--out", tmp_path / "cli", "--gpkg", built)
    assert r.returncode == 0 and r.stderr.startswith("neageo: note: customs_gates.shp: "), r.stderr


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp"])
def test_an_earlier_export_is_not_replaced_silently(built, tmp_path, fmt):
    first = neageo.export(fmt=fmt, out=tmp_path, layers="places", gpkg=built)
    stamps = {p: p.stat().st_mtime_ns for p in first}
    with pytest.raises(OutputError, match=r"exists.*pass --force \(overwrite=True\)"):
        neageo.export(fmt=fmt, out=tmp_path, layers="places", gpkg=built)
    assert {p: p.stat().st_mtime_ns for p in first} == stamps
    r = _cli("export", "--format", fmt, "--layers", "places", "--out", tmp_path, "--gpkg", built)
    assert r.returncode == 8 and len(r.stderr.strip().splitlines()) == 1 and "--force" in r.stderr
    again = neageo.export(fmt=fmt, out=tmp_path, layers="places", gpkg=built, overwrite=True)
    assert set(again) == set(first)
    r = _cli("export", "--format", fmt, "--layers", "places", "--out", tmp_path, "--gpkg", built, "--force")
    assert r.returncode == 0, r.stderr


def test_an_existing_annotate_output_is_refused_without_force(built, tmp_path):
    src = tmp_path / "points.csv"
    src.write_text("lon,lat\n130.7,42.3\n")
    out = tmp_path / "annotated.csv"
    out.write_text("mine\n")
    r = _cli("annotate", src, "--out", out, "--gpkg", built)
    assert r.returncode == 8 and "--force" in r.stderr and out.read_text() == "mine\n"
    r = _cli("annotate", src, "--out", out, "--gpkg", built, "--force")
    assert r.returncode == 0 and out.read_text().startswith("lon,lat,outside")


def test_geopackage_export_is_1_3_and_checkable(built, tmp_path):
    neageo.export(fmt="gpkg", out=tmp_path, layers=["places", "customs_gates"], gpkg=built)
    exported = tmp_path / "neageo.gpkg"
    with sqlite3.connect(exported) as con:
        assert con.execute("PRAGMA user_version").fetchone() == (10300,)
        counts = dict(con.execute("SELECT table_name, feature_count FROM gpkg_ogr_contents"))
    assert counts["layer_styles"] == 2  # the copied styles' count, kept by triggers like GDAL's tables
    assert len(neageo.read("places", gpkg=exported)) == 41
