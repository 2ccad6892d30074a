"""Packaging: which GeoPackage is read, the data version, the codebook, GeoParquet, citation, versions."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tomllib
from pathlib import Path

import pyogrio
import pytest

import neageo
from neageo import DataError
from neageo.codebook import datapackage

REPO = Path(__file__).resolve().parents[1]
GPKG = REPO / "geodata" / "neageo.gpkg"


def _run(code: str, *, env_extra: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run Python with this checkout's code and no NEAGEO_* variables unless given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEAGEO_")}
    env["PYTHONPATH"] = str(REPO / "src")
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, check=False)


def _cli(*args: str, env_extra: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return _run(f"import sys; from neageo.cli import main; main({list(args)!r})", env_extra=env_extra, cwd=cwd)


# -- which GeoPackage is read --------------------------------------------------------------------------

CHOICE = "from neageo.settings import gpkg_choice; p, why = gpkg_choice(); print(p); print(why)"


def test_read_order_env_then_checkout_then_packaged(tmp_path):
    # a checkout (the one the code runs from) wins over the packaged copy
    out = _run(CHOICE, cwd=tmp_path)
    path, why = out.stdout.splitlines()
    assert Path(path) == GPKG and why.startswith("the checkout")
    # NEAGEO_GPKG wins over the checkout
    other = tmp_path / "other.gpkg"
    shutil.copy(GPKG, other)
    out = _run(CHOICE, env_extra={"NEAGEO_GPKG": str(other)})
    assert out.stdout.splitlines() == [str(other), "NEAGEO_GPKG"]
    # NEAGEO_HOME names the checkout; one without a built GeoPackage falls through to the packaged copy
    home = tmp_path / "home"
    (home / "geodata" / "sources").mkdir(parents=True)
    out = _run(CHOICE, env_extra={"NEAGEO_HOME": str(home)})
    path, why = out.stdout.splitlines()
    assert Path(path) == REPO / "src" / "neageo" / "data" / "geodata" / "neageo.gpkg"
    assert why == "the copy packaged with neageo"
    shutil.copy(GPKG, home / "geodata" / "neageo.gpkg")
    out = _run(CHOICE, env_extra={"NEAGEO_HOME": str(home)})
    assert out.stdout.splitlines() == [str(home / "geodata" / "neageo.gpkg"), f"the checkout {home}"]


def test_packaged_copy_is_the_checkouts_file():
    packaged = REPO / "src" / "neageo" / "data" / "geodata"
    assert packaged.is_symlink() and packaged.resolve() == (REPO / "geodata").resolve()


def test_gpkg_argument_wins_and_reports_it(tmp_path):
    other = tmp_path / "copy.gpkg"
    shutil.copy(GPKG, other)
    facts = neageo.about(gpkg=other)
    assert facts["gpkg"] == str(other) and facts["chosen_by"] == "gpkg="


def test_missing_geopackage_hints_are_not_circular(tmp_path):
    missing = tmp_path / "nope.gpkg"
    out = _cli("layers", env_extra={"NEAGEO_GPKG": str(missing)})
    assert out.returncode == DataError.exit_code
    line = out.stderr.strip()
    assert line.count("\n") == 0 and "NEAGEO_GPKG" in line and "neageo build" not in line
    out = _cli("layers", "--gpkg", str(missing))
    assert "check the path" in out.stderr and "Traceback" not in out.stderr


def test_without_a_checkout_build_and_maps_ask_for_an_output_folder(tmp_path, monkeypatch):
    """An installed package never writes into site-packages: no checkout and no --out is a clear error."""
    from neageo import settings

    monkeypatch.delenv("NEAGEO_HOME", raising=False)
    monkeypatch.setattr(settings, "checkout", lambda: None)
    for call in (settings.build_target, settings.maps_dir):
        with pytest.raises(DataError, match=r"--out DIR"):
            call()
    assert settings.sources_dir() == settings.packaged_geodata() / "sources"


# -- data version and neageo info ----------------------------------------------------------------------

def test_data_version_is_stored_and_reported():
    meta = tomllib.loads((REPO / "src/neageo/data/layers.toml").read_text(encoding="utf-8"))
    expected = meta["dataset"]["data_version"]
    assert neageo.data_version(gpkg=GPKG) == expected
    parts = expected.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)
    out = _cli("info")
    assert out.returncode == 0, out.stderr
    assert str(GPKG) in out.stdout and f"data version  {expected}" in out.stdout and "checkout" in out.stdout


def test_data_version_of_an_unversioned_file_says_what_to_do(tmp_path):
    old = tmp_path / "old.gpkg"
    shutil.copy(GPKG, old)
    with sqlite3.connect(old) as con:
        con.execute("UPDATE gpkg_metadata SET metadata = json_remove(metadata, '$.data_version') "
                    "WHERE md_standard_uri = 'https://neageo.invalid/metadata/v1'")
    with pytest.raises(DataError, match=r"no data version.*neageo build"):
        neageo.data_version(gpkg=old)


def test_one_version_everywhere():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in pyproject["project"]["dynamic"] and "version" not in pyproject["project"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "neageo._version.__version__"}
    out = _cli("--version")
    assert out.stdout.strip() == f"neageo, version {neageo.__version__}"
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{neageo.__version__}]" in changelog
    assert f"data {neageo.data_version(gpkg=GPKG)}" in changelog


# -- licence and citation --------------------------------------------------------------------------------

def test_citation_cff_is_valid_cff_1_2():
    pytest.importorskip("cffconvert", reason="pip install cffconvert")
    out = subprocess.run([sys.executable, "-m", "cffconvert.cli.cli", "--validate", "-i", str(REPO / "CITATION.cff")],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0 and "No module named" in out.stderr:
        out = subprocess.run([shutil.which("cffconvert") or "cffconvert", "--validate", "-i",
                              str(REPO / "CITATION.cff")], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    import yaml

    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == neageo.__version__ and cff["license"] == "MIT"
    # the release date, as the changelog gives it for this version
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    import re

    (released,) = re.findall(rf"^## \[{re.escape(neageo.__version__)}\] — (\d{{4}}-\d{{2}}-\d{{2}})", changelog, flags=re.M)
    assert str(cff["date-released"]) == released
    paper = cff["references"][0]
    assert paper["type"] == "article" and paper["authors"][0]["family-names"] == "Kim"
    assert "Cooperation and Conflict among Provinces" in paper["title"]


def test_licence_file_is_mit_and_in_the_wheel_metadata():
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"].startswith("MIT AND ") and "LICENSE" in pyproject["project"]["license-files"]


# -- the codebook ----------------------------------------------------------------------------------------

def test_frictionless_validates_the_codebook_and_the_file_it_describes(tmp_path):
    """`frictionless validate geodata/datapackage.json` passes; a changed GeoPackage fails it (bytes and hash)."""
    exe = shutil.which("frictionless", path=str(Path(sys.executable).parent)) or shutil.which("frictionless")
    if exe is None:
        pytest.skip("the Frictionless framework is not installed (pip install frictionless)")
    ok = subprocess.run([exe, "validate", "--json", str(REPO / "geodata" / "datapackage.json")],
                        capture_output=True, text=True, check=False, timeout=300)
    report = json.loads(ok.stdout)
    assert ok.returncode == 0 and report["valid"], ok.stdout[-3000:]
    assert len(report["tasks"]) == len(neageo.layers(gpkg=GPKG)) and all(t["type"] == "file" for t in report["tasks"])
    # the same codebook beside a GeoPackage that is not the one it describes
    shutil.copy(REPO / "geodata" / "datapackage.json", tmp_path / "datapackage.json")
    shutil.copy(GPKG, tmp_path / GPKG.name)
    with open(tmp_path / GPKG.name, "ab") as fh:
        fh.write(b"\0")
    bad = subprocess.run([exe, "validate", "--json", str(tmp_path / "datapackage.json")],
                         capture_output=True, text=True, check=False, timeout=300)
    errors = {e["type"] for t in json.loads(bad.stdout)["tasks"] for e in t["errors"]}
    assert bad.returncode != 0 and {"hash-count", "byte-count"} <= errors


def test_datapackage_lists_every_table_and_field_of_the_geopackage():
    pkg = datapackage(GPKG)
    by_layer = {r["layer"]: r for r in pkg["resources"]}
    con = sqlite3.connect(f"file:{GPKG}?mode=ro", uri=True)
    tables = [t for (t,) in con.execute("SELECT table_name FROM gpkg_contents")]
    assert sorted(by_layer) == sorted(tables)
    assert {name for name, _ in pyogrio.list_layers(GPKG)} <= set(by_layer)
    for table in tables:
        res = by_layer[table]
        columns = [(r[1], r[2]) for r in con.execute(f'PRAGMA table_info("{table}")')]
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == [c for c, _ in columns], table
        for field, (_, declared) in zip(fields, columns):
            assert field["description"], (table, field["name"])
            assert field["type"] in {"string", "integer", "number", "boolean", "date", "datetime", "any"}
            if declared.upper().startswith("TEXT"):
                assert field["type"] == "string"
            elif declared.upper() in ("INTEGER", "MEDIUMINT", "SMALLINT", "TINYINT"):
                assert field["type"] == "integer"
            elif declared.upper() in ("REAL", "FLOAT", "DOUBLE"):
                assert field["type"] == "number"
        (rows,) = con.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()
        assert res["layerRows"] == rows
        assert res["licenses"] and all(lic.get("name") and lic.get("title") for lic in res["licenses"])
        assert res["path"] == GPKG.name and res["mediatype"] == "application/geopackage+sqlite3"
    # layer fields are described exactly as in gpkg_data_columns (what QGIS shows)
    described = {(t, c): d for t, c, d in con.execute(
        "SELECT table_name, column_name, description FROM gpkg_data_columns")}
    for (table, column), text in described.items():
        field = next(f for f in by_layer[table]["schema"]["fields"] if f["name"] == column)
        assert field["description"] == text
    # per-layer licences follow the sources: GeoNames is CC-BY 4.0
    assert any(lic["name"] == "CC-BY-4.0" and "GeoNames" in lic["title"] for lic in by_layer["places"]["licenses"])
    assert any(lic["name"] == "other-pd" for lic in by_layer["countries"]["licenses"])
    assert pkg["version"] == neageo.data_version(gpkg=GPKG)


def test_committed_datapackage_is_the_one_the_build_writes():
    committed = json.loads((REPO / "geodata" / "datapackage.json").read_text(encoding="utf-8"))
    assert committed == datapackage(GPKG)


def test_every_source_has_a_data_licence():
    from neageo.metadata import data_licence, layer_catalogue

    for info in layer_catalogue().values():
        for source in info.sources:
            assert data_licence(source)["name"]


# -- GeoParquet -------------------------------------------------------------------------------------------

def test_geoparquet_export_reads_back_with_crs_in_geopandas_and_duckdb(tmp_path):
    import geopandas as gpd
    import pyarrow.parquet as pq

    paths = neageo.export(fmt="parquet", out=tmp_path, layers=["customs_gates", "rivers", "paper_tables"], gpkg=GPKG)
    assert [p.name for p in paths] == ["customs_gates.parquet", "rivers.parquet", "paper_tables.parquet",
                                       "codebook.csv"]  # export() returns every file, the codebook included
    gates = gpd.read_parquet(tmp_path / "customs_gates.parquet")
    original = neageo.read("customs_gates", gpkg=GPKG)
    assert gates.crs.to_epsg() == 4326 and len(gates) == len(original)
    assert list(gates.columns) == list(original.columns)  # geopandas hides the bbox covering column
    assert gates.geometry.geom_equals(original.geometry).all()
    geo = json.loads(pq.read_metadata(tmp_path / "rivers.parquet").metadata[b"geo"])
    assert geo["version"] == "1.1.0"
    assert geo["columns"]["geometry"]["covering"]["bbox"]["xmin"] == ["bbox", "xmin"]
    assert geo["columns"]["geometry"]["crs"]["id"] == {"authority": "EPSG", "code": 4326}
    duckdb = pytest.importorskip("duckdb", reason="pip install duckdb")
    con = duckdb.connect()
    f = tmp_path / "customs_gates.parquet"
    east = con.execute(f"SELECT name_en FROM read_parquet('{f}') WHERE bbox.xmin > 131 ORDER BY name_en").fetchall()
    assert [r[0] for r in east] == sorted(original.loc[original.geometry.x > 131, "name_en"])
    (count,) = con.execute(f"SELECT count(*) FROM read_parquet('{tmp_path / 'paper_tables.parquet'}')").fetchone()
    assert count == len(neageo.read("paper_tables", gpkg=GPKG))


def test_cli_exports_parquet(tmp_path):
    out = _cli("export", "--format", "parquet", "--layers", "places", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "places.parquet").is_file()
