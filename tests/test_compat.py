"""Older GIS software reads the GeoPackage: GDAL 3.6 (Debian 12, QGIS 3.22) without a warning."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from neageo.builder.layer import Layer
from neageo.builder.writer import GPKG_VERSIONS, write_gpkg

#: Debian's GDAL (gdal-bin) and its own copy of the OGC validator (python3-gdal), as QGIS 3.22 users have them.
OGRINFO = shutil.which("ogrinfo")
DEBIAN_VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")


def _gdal_version() -> str:
    return subprocess.run([OGRINFO, "--version"], capture_output=True, text=True).stdout.strip()


def _ogrinfo(path) -> subprocess.CompletedProcess:
    return subprocess.run([OGRINFO, "-so", "-al", str(path)], capture_output=True, text=True, timeout=120)


def test_geopackage_is_version_1_3(built):
    with sqlite3.connect(built) as con:
        assert con.execute("PRAGMA application_id").fetchone() == (0x47504B47,)
        assert con.execute("PRAGMA user_version").fetchone() == (10300,)


def test_debian_ogrinfo_reads_every_layer_without_a_warning(built):
    if OGRINFO is None:
        pytest.skip("Debian's ogrinfo is not installed (apt-get install gdal-bin)")
    result = _ogrinfo(built)
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    assert "Warning" not in said and "ERROR" not in said, said[:2000]
    with sqlite3.connect(built) as con:
        (tables,) = con.execute("SELECT COUNT(*) FROM gpkg_contents").fetchone()
    assert said.count("Layer name:") == tables  # every layer and table
    assert "Layer name: customs_gates" in said and "Feature Count: 7" in said


def test_debian_validator_accepts_it(built):
    """Debian's validate_gpkg.py 3.6 (Requirement 75 included) passes the 1.3 spatial-index triggers."""
    if not DEBIAN_VALIDATOR.exists() or shutil.which("python3") is None:
        pytest.skip("Debian's python3-gdal validator is not installed (apt-get install python3-gdal)")
    result = subprocess.run(["/usr/bin/python3", str(DEBIAN_VALIDATOR), str(built)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


@pytest.mark.parametrize("version", GPKG_VERSIONS)
def test_the_version_is_a_choice(tmp_path, version):
    """1.3 by default; 1.4 behind a flag, which GDAL 3.6 reads with its 'partially supported' warning."""
    frame = gpd.GeoDataFrame({"name_en": ["a"]}, geometry=[shapely.Point(130, 45)], crs=4326)
    layer = Layer(name="places", frame=frame, title="Places", description="A test layer.", sources=(),
                  columns={"name_en": "Name"})
    out = write_gpkg(tmp_path / "v.gpkg", [layer], sources=[], metadata={"title": "test"}, version=version)
    with sqlite3.connect(out) as con:
        assert con.execute("PRAGMA user_version").fetchone() == ({"1.3": 10300, "1.4": 10400}[version],)
        triggers = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    # the 1.3 spatial-index triggers (update1) or the 1.4 ones (update6/update7)
    assert ("rtree_places_geom_update1" in triggers) == (version == "1.3")
    if OGRINFO is not None and _gdal_version().startswith("GDAL 3.6"):
        warned = "may only be partially supported" in _ogrinfo(out).stderr
        assert warned == (version == "1.4")
