"""The publish step: the QGIS project, codebook and reports are made from a built GeoPackage, atomically."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

import neageo
from helpers.common import md5
from neageo import BuildError, DataError, SourceError
from neageo.publishing import OUTPUTS


def _copy_build(built, folder):
    """The session's GeoPackage and everything published beside it, copied into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("neageo.gpkg", *OUTPUTS):
        shutil.copyfile(built.parent / name, folder / name)
    return folder / "neageo.gpkg"


def test_publishing_a_copy_gives_the_builds_files_byte_for_byte(built, tmp_path):
    gpkg = tmp_path / "neageo.gpkg"
    shutil.copyfile(built, gpkg)
    before = md5(gpkg)
    report = neageo.publish(gpkg)
    assert [p.name for p in report.paths] == list(OUTPUTS)
    for name in OUTPUTS:
        assert md5(tmp_path / name) == md5(built.parent / name), f"{name} differs from the build's"
    assert md5(gpkg) == before, "publishing must not touch the GeoPackage"
    assert not list(tmp_path.glob(".*.tmp")), "temporary file left behind"


def test_cli_publish_writes_beside_the_named_geopackage(built, tmp_path):
    gpkg = tmp_path / "other" / "mine.gpkg"
    gpkg.parent.mkdir()
    shutil.copyfile(built, gpkg)
    result = subprocess.run([sys.executable, "-m", "neageo.cli", "publish", "--gpkg", str(gpkg)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "wrote 6 files beside" in result.stdout
    # the QGIS project takes the GeoPackage's name and opens it by a relative path
    assert (gpkg.parent / "mine.qgz").is_file() and not (gpkg.parent / "neageo.qgz").exists()
    for name in ("datapackage.json", "paper_check.md", "paper_check.csv", "fidelity.md", "fidelity.csv"):
        assert (gpkg.parent / name).is_file(), name


def test_a_failed_publish_leaves_every_earlier_output_as_it_was(built, sources_copy, tmp_path):
    gpkg = _copy_build(built, tmp_path / "out")
    def files() -> dict[str, str]:  # every file but the lock the build and publish take (an empty file)
        return {p.name: md5(p) for p in gpkg.parent.iterdir() if p.name != ".neageo.gpkg.lock"}

    before = files()
    table = sources_copy / "fidelity" / "province_areas.csv"
    table.write_text(table.read_text(encoding="utf-8").replace("adm1_code,", "adm1,", 1), encoding="utf-8")
    with pytest.raises(SourceError, match=r"province_areas.csv: missing column\(s\) 'adm1_code'"):
        neageo.publish(gpkg, sources=sources_copy)
    assert files() == before, "a failed publish changed or left files"


def test_publish_needs_a_built_geopackage(tmp_path):
    with pytest.raises(DataError, match="GeoPackage not found"):
        neageo.publish(tmp_path / "missing.gpkg")
    fake = tmp_path / "neageo.gpkg"
    fake.write_text("not a database\n")
    with pytest.raises(DataError, match="not a readable GeoPackage"):
        neageo.publish(fake)
    empty = tmp_path / "empty" / "neageo.gpkg"
    empty.parent.mkdir()
    with sqlite3.connect(empty) as con:
        con.execute("PRAGMA application_id = 0x47504B47")
        con.execute("CREATE TABLE gpkg_contents (table_name TEXT, data_type TEXT, identifier TEXT, description TEXT)")
        con.execute("CREATE TABLE gpkg_geometry_columns (table_name TEXT, geometry_type_name TEXT)")
    with pytest.raises(DataError):
        neageo.publish(empty)
    assert sorted(p.name for p in empty.parent.iterdir() if not p.name.startswith(".")) == ["neageo.gpkg"]


def test_maps_are_published_so_they_need_the_publish_step(tmp_path):
    with pytest.raises(BuildError, match="maps=True needs publish=True"):
        neageo.build(out=tmp_path, publish=False, maps=True)
    result = subprocess.run([sys.executable, "-m", "neageo.cli", "build", "--out", str(tmp_path), "--no-publish",
                             "--maps"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == "neageo: error: --maps needs the publish step: drop --no-publish"
    assert not list(tmp_path.iterdir()), "nothing may be written"
