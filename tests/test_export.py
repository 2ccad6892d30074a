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
from neageo import ExportError, LayerNotFound, OutputError
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
        assert "2037013.0" not in (out / "places.csv").read_text(encoding="utf-8")
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


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "fgb", "shp"])
def test_integer_columns_stay_integers_in_every_format(built, tmp_path, fmt):
    neageo.export(fmt=fmt, out=tmp_path, layers=["places", "projects"], gpkg=built)
    if fmt == "gpkg":
        back = neageo.read("projects", gpkg=tmp_path / "neageo.gpkg")
        assert str(back["start_year"].dtype) == "Int64"
        info = pyogrio.read_info(tmp_path / "neageo.gpkg", layer="places")
    elif fmt == "shp":
        info = pyogrio.read_info(tmp_path / "places.shp")
        fields = dict(zip(info["fields"], info["dtypes"]))
        assert fields["geonames_i"].startswith("int")
        parts = [pyogrio.read_info(tmp_path / f"projects_{k}.shp") for k in ("point", "line", "polygon")]
        assert all(dict(zip(p["fields"], p["dtypes"]))["start_year"].startswith("int") for p in parts)
        return
    else:
        info = pyogrio.read_info(tmp_path / f"places{FORMATS[fmt][1]}")
    fields = dict(zip(info["fields"], info["dtypes"]))
    assert fields["geonames_id"].startswith("int") and fields["population"].startswith("int"), fields
    if fmt == "geojson":
        text = (tmp_path / "projects.geojson").read_text(encoding="utf-8")
        assert '"start_year": 2002,' in text and "2002.0" not in text


def test_export_returns_every_file_it_writes_and_the_cli_counts_them(built, tmp_path):
    for fmt in ("shp", "geojson"):
        out = tmp_path / fmt
        written = neageo.export(fmt=fmt, out=out, gpkg=built)
        on_disk = set(out.iterdir())
        assert set(written) == on_disk and len(written) == len(on_disk)
    assert {"places.shp", "places.shx", "places.dbf", "places.prj", "places.cpg", "places.qml",
            "places.fieldmap.csv", "codebook.csv"} <= {p.name for p in (tmp_path / "shp").iterdir()}
    r = subprocess.run([sys.executable, "-m", "neageo.cli", "export", "--gpkg", str(built), "--format", "shp",
                        "--out", str(tmp_path / "cli")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"wrote {len(list((tmp_path / 'cli').iterdir()))} files to {tmp_path / 'cli'}"


def test_every_format_carries_styles_and_descriptions(built, tmp_path):
    written = neageo.export(fmt="fgb", out=tmp_path, layers=["customs_gates", "projects"], gpkg=built)
    assert tmp_path / "customs_gates.qml" in written
    assert "255,217,47" in (tmp_path / "customs_gates.qml").read_text(encoding="utf-8")  # the gate yellow
    rows = list(csv.DictReader((tmp_path / "codebook.csv").open(encoding="utf-8")))
    gates = {r["column"]: r for r in rows if r["layer"] == "customs_gates"}
    assert gates[""]["alias"] == "Customs gates" and gates[""]["description"]
    assert gates["gate_id"]["type"] == "text" and gates["gate_id"]["description"]
    assert {r["column"]: r["type"] for r in rows if r["layer"] == "projects"}["start_year"] == "integer"


def test_gpkg_export_keeps_styles_metadata_and_descriptions(built, tmp_path):
    import sqlite3

    neageo.export(fmt="gpkg", out=tmp_path, layers=["places", "projects", "paper_tables"], gpkg=built)
    out = tmp_path / "neageo.gpkg"
    with sqlite3.connect(out) as con:
        styles = con.execute("SELECT f_table_schema, f_table_name, f_geometry_column, useAsDefault FROM layer_styles"
                             ).fetchall()
        meta = dict(con.execute("SELECT r.table_name, m.md_standard_uri FROM gpkg_metadata m JOIN "
                                "gpkg_metadata_reference r ON r.md_file_id = m.id").fetchall())
        columns = dict(con.execute("SELECT column_name, description FROM gpkg_data_columns WHERE table_name = 'places'"
                                   ).fetchall())
        about = dict(con.execute("SELECT table_name, description FROM gpkg_contents").fetchall())
        geometry = dict(con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall())
    with sqlite3.connect(built) as con:
        src_columns = dict(con.execute("SELECT column_name, description FROM gpkg_data_columns "
                                       "WHERE table_name = 'places'").fetchall())
        src_about = dict(con.execute("SELECT table_name, description FROM gpkg_contents").fetchall())
    assert sorted(styles) == [("", "places", "geom", 1), ("", "projects", "geom", 1)]
    assert meta["places"] == meta["projects"] == "http://mrcc.com/qgis.dtd" and None in meta  # + dataset metadata
    assert columns == src_columns and columns["geonames_id"]
    assert all(about[t] == src_about[t] for t in ("places", "projects", "paper_tables"))
    assert geometry == {"places": "geom", "projects": "geom"}
    assert {n for n, _ in pyogrio.list_layers(out)} == {"places", "projects", "paper_tables", "layer_styles"}
    import importlib.util

    spec = importlib.util.find_spec("osgeo_utils")
    if spec is None:
        pytest.skip("GDAL's validate_gpkg.py (pip install gdal-utils) is needed to check conformance")
    from pathlib import Path

    script = Path(spec.submodule_search_locations[0]) / "samples" / "validate_gpkg.py"
    result = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr  # still a conformant GeoPackage


def test_kml_placemarks_have_names_and_neageo_styles(built, tmp_path):
    import xml.etree.ElementTree as ET

    layers = ["customs_gates", "borders", "projects", "lakes", "waterways", "trade_flows", "events"]
    neageo.export(fmt="kml", out=tmp_path, layers=layers, gpkg=built)
    k = "{http://www.opengis.net/kml/2.2}"
    for layer in layers:
        root = ET.parse(tmp_path / f"{layer}.kml").getroot()
        styles = {s.get("id"): s for s in root.iter(f"{k}Style")}
        placemarks = list(root.iter(f"{k}Placemark"))
        assert placemarks and styles
        for pm in placemarks:
            assert (pm.findtext(f"{k}name") or "").strip(), layer
            assert pm.findtext(f"{k}styleUrl").lstrip("#") in styles
            assert pm.find(f"{k}Style") is None  # GDAL's inline default (red) style is gone
    root = ET.parse(tmp_path / "customs_gates.kml").getroot()
    assert "Hunchun" in {pm.findtext(f"{k}name") for pm in root.iter(f"{k}Placemark")}
    assert root.find(f".//{k}IconStyle/{k}color").text == "ff2fd9ff"  # #ffd92f as aabbggrr
    root = ET.parse(tmp_path / "borders.kml").getroot()
    line_colours = {s.findtext(f"{k}LineStyle/{k}color") for s in root.iter(f"{k}Style")}
    assert "ff2b18b2" in line_colours  # land border #b2182b
    assert "ff0000ff" not in line_colours
    assert "CHN-RUS border on the Amur" in {pm.findtext(f"{k}name") for pm in root.iter(f"{k}Placemark")}
    names = {pm.findtext(f"{k}name") for pm in ET.parse(tmp_path / "waterways.kml").getroot().iter(f"{k}Placemark")}
    assert {"Amur", "Songhua"} <= names


def test_unwritable_output_folder_is_an_output_error(built, tmp_path):
    with pytest.raises(OutputError, match="/proc/forbidden: cannot create the folder"):
        neageo.export(fmt="geojson", out="/proc/forbidden", gpkg=built)
    r = subprocess.run([sys.executable, "-m", "neageo.cli", "export", "--gpkg", str(built), "--format", "geojson",
                        "--out", "/proc/forbidden"], capture_output=True, text=True)
    assert r.returncode == OutputError.exit_code == 8 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        ("neageo: error: /proc/forbidden: cannot create the folder (no such file or directory); "
         "choose a folder you can write to")]
    afile = tmp_path / "file"
    afile.write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        neageo.export(fmt="csv", out=afile, gpkg=built)


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
    from neageo.exports.common import inside

    with pytest.raises(ExportError, match="refusing"):
        inside(tmp_path, "../x", ".csv")
    with pytest.raises(ExportError, match="refusing"):
        inside(tmp_path, "x/../../y", ".csv")


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
    from neageo.io import read_postgis

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
def test_postgis_tables_have_a_key_one_gist_index_comments_and_integers(built, pg_url):
    from neageo.io import read_postgis

    counts = neageo.export_postgis(pg_url, schema="neageo_pk", if_exists="replace", gpkg=built)
    import sqlalchemy

    engine = sqlalchemy.create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as con:
        keys = dict(con.exec_driver_sql(
            "SELECT c.relname, a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND n.nspname = 'neageo_pk'").fetchall())
        gist = dict(con.exec_driver_sql(
            "SELECT tablename, count(*) FROM pg_indexes WHERE schemaname = 'neageo_pk' "
            "AND indexdef ILIKE '%%USING gist%%' GROUP BY tablename").fetchall())
        spatial = {r[0] for r in con.exec_driver_sql(
            "SELECT f_table_name FROM geometry_columns g JOIN information_schema.tables t ON "
            "t.table_schema = g.f_table_schema AND t.table_name = g.f_table_name "
            "WHERE f_table_schema = 'neageo_pk' AND t.table_type = 'BASE TABLE'")}
        table_comment = con.exec_driver_sql("SELECT obj_description('neageo_pk.places'::regclass, 'pg_class')").scalar()
        column_comment = con.exec_driver_sql(
            "SELECT col_description('neageo_pk.places'::regclass, attnum) FROM pg_attribute "
            "WHERE attrelid = 'neageo_pk.places'::regclass AND attname = 'geonames_id'").scalar()
        types = dict(con.exec_driver_sql(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'neageo_pk' "
            "AND table_name = 'projects'").fetchall())
    engine.dispose()
    assert set(keys) == set(counts) and set(keys.values()) == {"fid"}  # every table, spatial or not
    assert spatial and gist == dict.fromkeys(spatial, 1)  # exactly one GiST index per spatial table
    assert table_comment.startswith("Places named in the paper") and "GeoNames" in column_comment
    assert types["start_year"] == "bigint" and types["geom"] == "USER-DEFINED"
    back = read_postgis("projects", pg_url, schema="neageo_pk")
    assert str(back["start_year"].dtype) == "Int64" and "fid" not in back.columns
    assert back.set_index("project_id").loc["sinuiju_sar", "start_year"] == 2002
    places = read_postgis("places", pg_url, schema="neageo_pk")
    assert str(places["geonames_id"].dtype) == "Int64"
    a = neageo.read("places", gpkg=built)
    assert places["geonames_id"].equals(a["geonames_id"])
    with engine.connect() as con:
        views = dict(con.exec_driver_sql(
            "SELECT f_table_name, type FROM geometry_columns WHERE f_table_schema = 'neageo_pk' "
            "AND f_table_name LIKE 'projects_%%'").fetchall())
        per_kind = sum(con.exec_driver_sql(f'SELECT count(*) FROM neageo_pk."{v}"').scalar() for v in views)
    engine.dispose()
    assert views == {"projects_point": "MULTIPOINT", "projects_line": "MULTILINESTRING",
                     "projects_polygon": "MULTIPOLYGON"}
    assert per_kind == counts["projects"]
    # replacing works although views depend on the table; append adds rows under the same key, and one index
    neageo.export_postgis(pg_url, schema="neageo_pk", if_exists="replace", layers=["projects"], gpkg=built)
    neageo.export_postgis(pg_url, schema="neageo_pk", if_exists="append", layers=["customs_gates"], gpkg=built)
    assert len(read_postgis("customs_gates", pg_url, schema="neageo_pk")) == 2 * counts["customs_gates"]


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
