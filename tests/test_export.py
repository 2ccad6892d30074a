"""Exports to files and to a real PostGIS server."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import geopandas as gpd
import pyogrio
import pytest

import neageo
from neageo import ExportError, LayerNotFound
from neageo.exports import FORMATS, shapefile_fields


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_keeps_features_and_utf8_names(built, tmp_path, fmt):
    out = tmp_path / fmt
    written = neageo.export(fmt=fmt, out=out, layers=["places", "customs_gates", "paper_tables"], gpkg=built)
    assert written and all(p.is_relative_to(out) for p in written)
    places = neageo.read("places", gpkg=built)
    if fmt == "gpkg":
        back = pyogrio.read_dataframe(out / "neageo.gpkg", layer="places")
    elif fmt == "csv":
        back = list(csv.DictReader((out / "places.csv").open(encoding="utf-8")))
        assert len(back) == len(places)
        assert {r["name_ko"] for r in back} >= {"하얼빈", "신의주"} and "wkt" in back[0]
        assert back[0]["geonames_id"] == "2037013"  # integers stay integers
        return
    elif fmt == "shp":
        back = pyogrio.read_dataframe(out / "places.shp", encoding="UTF-8")
        assert (out / "places.cpg").read_text().strip() == "UTF-8"
        fields = dict(list(csv.reader((out / "places.fieldmap.csv").open(encoding="utf-8")))[1:])
        assert fields["province_match"] == "province_m"
        assert all(len(v) <= 10 for v in fields.values())
    elif fmt == "parquet":  # GDAL may lack its Parquet driver; GeoParquet is read back in test_package.py too
        back = gpd.read_parquet(out / "places.parquet")
        assert back.crs.to_epsg() == 4326 and (out / "paper_tables.parquet").exists()
    else:
        back = pyogrio.read_dataframe(out / f"places{FORMATS[fmt][1]}")
    assert len(back) == len(places)
    zh = "name_zh" if fmt != "kml" else None
    if zh:
        assert set(back[zh]) == set(places["name_zh"])
    else:  # KML keeps the name element plus the attributes
        assert "신의주" in (out / "places.kml").read_text(encoding="utf-8")
    assert (out / "paper_tables.csv").exists() or fmt in ("gpkg", "parquet")  # attribute tables go to CSV


def test_csv_lonlat_for_points(built, tmp_path):
    neageo.export(fmt="csv", out=tmp_path, layers=["customs_gates"], gpkg=built, csv_geometry="lonlat")
    rows = list(csv.DictReader((tmp_path / "customs_gates.csv").open(encoding="utf-8")))
    assert {"lon", "lat"} <= set(rows[0]) and 124 < float(rows[-1]["lon"]) < 125


def test_mixed_geometry_shapefiles_are_split(built, tmp_path):
    written = neageo.export(fmt="shp", out=tmp_path, layers=["projects"], gpkg=built)
    names = {p.name for p in written}
    assert {"projects_point.shp", "projects_line.shp", "projects_polygon.shp", "projects.fieldmap.csv"} <= names
    total = sum(len(pyogrio.read_dataframe(tmp_path / f"projects_{k}.shp")) for k in ("point", "line", "polygon"))
    assert total == len(neageo.read("projects", gpkg=built))


def test_shapefile_field_names_are_predictable():
    m = shapefile_fields(["partner_distance_km", "partner_iso", "partner_town", "partner_dist", "name_en"])
    assert list(m.values()) == ["partner_di", "partner_is", "partner_to", "partner__1", "name_en"]
    assert len(set(m.values())) == len(m)


@pytest.mark.parametrize("layer", ["../../etc/passwd", "places/../../x", "/abs", "a b"])
def test_paths_cannot_escape_the_output_folder(built, tmp_path, layer):
    with pytest.raises(LayerNotFound):
        neageo.export(fmt="geojson", out=tmp_path / "out", layers=[layer], gpkg=built)
    assert not any(tmp_path.parent.glob("passwd*"))


def test_unsafe_names_are_refused_even_if_a_table_has_them(tmp_path):
    from neageo.exports import _inside

    with pytest.raises(ExportError, match="refusing"):
        _inside(tmp_path, "../x", ".csv")
    with pytest.raises(ExportError, match="refusing"):
        _inside(tmp_path, "x/../../y", ".csv")


def test_cli_export(built, tmp_path):
    r = subprocess.run([sys.executable, "-m", "neageo.cli", "export", "--gpkg", str(built), "--format", "fgb",
                        "--layers", "rivers", "--out", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert len(pyogrio.read_dataframe(tmp_path / "rivers.fgb")) == 6
    r = subprocess.run([sys.executable, "-m", "neageo.cli", "export", "--gpkg", str(built), "--format", "xls",
                        "--out", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 2 and "Invalid value" in r.stderr


# -- PostGIS -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pg_url():
    url = os.environ.get("NEAGEO_TEST_PG")
    if not url:
        pytest.skip("no PostgreSQL + PostGIS test server (scripts/test.sh starts one and sets NEAGEO_TEST_PG)")
    try:
        import geoalchemy2  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("pip install 'neageo[postgis]'")
    return url


@pytest.mark.postgis
def test_postgis_round_trip(built, pg_url):
    from neageo.exports import read_postgis

    counts = neageo.export_postgis(pg_url, schema="neageo_rt", if_exists="replace", gpkg=built)
    assert counts["places"] == 41 and "paper_tables" in counts
    for layer in ("places", "borders", "rivers", "projects", "paper_tables"):
        a = neageo.read(layer, gpkg=built)
        b = read_postgis(layer, pg_url, schema="neageo_rt")
        assert len(a) == len(b), layer
        cols = [c for c in a.columns if c != "geometry"]
        assert list(b[cols].astype(str).values.tolist()) == list(a[cols].astype(str).values.tolist()), layer
        if "geometry" in a:
            assert all(x.equals_exact(y, 1e-9) for x, y in zip(a.geometry, b.geometry)), layer
            assert b.crs.to_epsg() == 4326
    import sqlalchemy

    engine = sqlalchemy.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as con:
        indexes = {r[0] for r in con.exec_driver_sql(
            "SELECT tablename FROM pg_indexes WHERE schemaname = 'neageo_rt' AND position('gist' in lower(indexdef)) > 0")}
    engine.dispose()
    assert {"places", "borders", "rivers", "provinces"} <= indexes


@pytest.mark.postgis
def test_postgis_if_exists_and_read_via_read(built, pg_url):
    neageo.export_postgis(pg_url, schema="neageo_ie", if_exists="replace", layers=["customs_gates"], gpkg=built)
    with pytest.raises(ExportError, match="already exist"):
        neageo.export_postgis(pg_url, schema="neageo_ie", layers=["customs_gates"], gpkg=built)
    neageo.export_postgis(pg_url, schema="neageo_ie", if_exists="append", layers=["customs_gates"], gpkg=built)
    from neageo.exports import read_postgis

    neageo.export_postgis(pg_url, if_exists="replace", layers=["customs_gates"], gpkg=built)  # public schema
    via_read = neageo.read("customs_gates", source=pg_url, bbox=(124, 39, 126, 41))
    assert list(via_read["gate_id"]) == ["dandong_sinuiju"]

    assert len(read_postgis("customs_gates", pg_url, schema="neageo_ie")) == 14


@pytest.mark.postgis
def test_postgis_errors_are_one_line(built, pg_url, tmp_path):
    bad = pg_url.replace(":neageo_test@", ":wrong-password@", 1)
    r = subprocess.run([sys.executable, "-m", "neageo.cli", "export", "--gpkg", str(built), "--to", bad],
                       capture_output=True, text=True)
    assert r.returncode == 7 and len(r.stderr.strip().splitlines()) == 1
    assert "password authentication failed" in r.stderr and "wrong-password" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "neageo.cli", "export", "--gpkg", str(built), "--to",
                        "postgresql://nobody:x@127.0.0.1:1/none"], capture_output=True, text=True)
    assert r.returncode == 7 and "cannot connect" in r.stderr and "Traceback" not in r.stderr
