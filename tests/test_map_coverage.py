"""The maps' admin coverage stored by the build (neageo._coverage, table neageo_map_coverage).

The build simplifies countries and provinces once, over every map's box, and stores the result; the
maps read it.  What is stored must be what the maps would compute, a GeoPackage without it (or with
a stale or damaged one) must give the same pages by simplifying in memory, and the table must stay
out of sight of GIS software.
"""

from __future__ import annotations

import json
import logging
import lzma
import shutil
import sqlite3

import numpy as np
import pyogrio
import pytest
import shapely
import shapely.affinity

import neageo
from neageo import _coverage, gpkg
from neageo._coverage import COVERAGE_LAYERS, FORMAT, TOLERANCE_M, compute, coverage_for, fingerprint, from_record
from neageo.gpkg import MAP_COVERAGE
from neageo.maps.specs import load_specs, map_boxes


def _geoms(path) -> dict[str, np.ndarray]:
    """The layers' geometries as the maps read them."""
    return {name: np.asarray(neageo.read(name, gpkg=path).geometry.values, dtype=object) for name in COVERAGE_LAYERS}


def _stored(path) -> dict[str, dict | None]:
    with gpkg.read_only(path) as con:
        return {name: gpkg.map_coverage(con, name) for name in COVERAGE_LAYERS}


@pytest.fixture(scope="module")
def recomputed(built):
    """The coverage of the build's layers, simplified now in memory (the costly step, done once here)."""
    return compute(_geoms(built), map_boxes())


@pytest.fixture()
def counted_compute(monkeypatch, built, recomputed):
    """Replace the in-memory simplification by the fixture's result for the build's own inputs, and count
    the calls: a test of a stale or damaged file then shows that the maps recomputed, without paying
    for it again (the recompute itself is checked against the stored coverage below)."""
    calls = []
    expected = fingerprint(_geoms(built), map_boxes())

    def fake(geoms, boxes, *, tolerance_m=TOLERANCE_M):
        calls.append(fingerprint(geoms, boxes, tolerance_m))
        assert calls[-1] == expected, "recomputed for other inputs than the build's"
        return recomputed

    monkeypatch.setattr(_coverage, "compute", fake)
    return calls


def test_the_build_stores_the_coverage_of_every_maps_box(built):
    with sqlite3.connect(f"file:{built}?mode=ro", uri=True) as con:
        rows = {r[0]: r[1:] for r in con.execute(
            f"SELECT layer, format, fingerprint, features, tolerance_m, boxes FROM {MAP_COVERAGE}")}
    assert set(rows) == set(COVERAGE_LAYERS)
    geoms = _geoms(built)
    spec_boxes = sorted({tuple(spec.box) for spec in load_specs().values()})  # maps.toml, read here on its own
    for name, (fmt, fp, features, tolerance, boxes) in rows.items():
        assert fmt == FORMAT and tolerance == TOLERANCE_M and features == len(geoms[name])
        assert [tuple(b) for b in json.loads(boxes)] == spec_boxes == list(map_boxes())
        assert fp == fingerprint(geoms, spec_boxes)


def test_the_stored_coverage_equals_an_in_memory_recompute(built, recomputed):
    stored = _stored(built)
    for name in COVERAGE_LAYERS:
        rows, geoms = from_record(stored[name])
        want_rows, want = recomputed[name]
        np.testing.assert_array_equal(rows, want_rows)
        assert len(geoms) == len(want) > 0
        for got, exp in zip(geoms, want):  # the same coordinates, bit for bit, and the same types
            assert got.geom_type == exp.geom_type and shapely.equals_exact(got, exp, tolerance=0.0)
            assert shapely.to_wkb(got) == shapely.to_wkb(exp)
            assert shapely.get_precision(got) == shapely.get_precision(exp)


def test_the_table_is_a_registered_extension_and_no_layer(built):
    with sqlite3.connect(f"file:{built}?mode=ro", uri=True) as con:
        ext = con.execute("SELECT column_name, extension_name, definition, scope FROM gpkg_extensions "
                          "WHERE table_name = ?", (MAP_COVERAGE,)).fetchall()
        listed = con.execute("SELECT COUNT(*) FROM gpkg_contents WHERE table_name = ?", (MAP_COVERAGE,)).fetchone()
    assert len(ext) == 1
    column, extension, definition, scope = ext[0]
    assert column is None and extension == "neageo_map_coverage" and scope == "read-write"
    assert "neageo._coverage" in definition
    assert listed == (0,)
    # GDAL lists the layers, not neageo's own tables (QGIS opens a GeoPackage with LIST_ALL_TABLES=YES and
    # lists every table not named gpkg_*, rtree_* or sqlite_*, the lookup grids' as well: see the README)
    names = {name for name, _ in pyogrio.list_layers(built)}
    assert MAP_COVERAGE not in names and "neageo_lookup_grids" not in names and "countries" in names
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo:
        import subprocess

        said = subprocess.run([ogrinfo, "-ro", "-q", str(built)], capture_output=True, text=True, timeout=120)
        assert said.returncode == 0 and MAP_COVERAGE not in said.stdout + said.stderr
        assert "Warning" not in said.stderr and "ERROR" not in said.stderr, said.stderr


def test_the_maps_read_the_stored_coverage_without_simplifying(built, counted_compute, caplog):
    from neageo.maps.data import _simplified_admin

    _simplified_admin.cache_clear()
    with caplog.at_level(logging.INFO, logger="neageo._coverage"):
        neageo.web_map("tumen", gpkg=built)
    assert counted_compute == [] and "in memory" not in caplog.text


def _copy(built, tmp_path, name="mine.gpkg"):
    path = tmp_path / name
    shutil.copy(built, path)
    return path


def test_without_the_table_the_maps_recompute_and_give_the_same_page(built, tmp_path, caplog):
    """A GeoPackage of one's own (or an older neageo's) has no coverage: the real in-memory simplification
    gives the very page the stored coverage gives."""
    path = _copy(built, tmp_path)
    with sqlite3.connect(path) as con:
        con.execute(f"DROP TABLE {MAP_COVERAGE}")
        con.execute("DELETE FROM gpkg_extensions WHERE table_name = ?", (MAP_COVERAGE,))
    assert _stored(path) == dict.fromkeys(COVERAGE_LAYERS)
    with caplog.at_level(logging.INFO, logger="neageo._coverage"):
        page = neageo.web_map("overview", gpkg=path).page()
    assert "stores no map coverage" in caplog.text
    assert page == neageo.web_map("overview", gpkg=built).page()


def _damage(path, sql: str, *params) -> None:
    with sqlite3.connect(path) as con:
        con.execute(sql, params)


@pytest.mark.parametrize(("sql", "params", "says"), [
    (f"UPDATE {MAP_COVERAGE} SET wkb = x'00ff' WHERE layer = 'countries'", (), "damaged coverage"),
    (f"UPDATE {MAP_COVERAGE} SET wkb = substr(wkb, 1, length(wkb) / 2) WHERE layer = 'provinces'", (), "damaged"),
    # well-formed content that is not what was stored: a valid stream of other geometry
    (f"UPDATE {MAP_COVERAGE} SET wkb = ? WHERE layer = 'countries'",
     (lzma.compress(shapely.to_wkb(shapely.box(0, 0, 1, 1), flavor="iso") * 6),), "does not match its digest"),
    (f"UPDATE {MAP_COVERAGE} SET rows = ? WHERE layer = 'provinces'",
     (lzma.compress(np.zeros(30, dtype="<i4").tobytes()),), "does not match its digest"),
    (f"UPDATE {MAP_COVERAGE} SET scale = 1000.0 WHERE layer = 'countries'", (), "does not match its digest"),
    (f"UPDATE {MAP_COVERAGE} SET kept = kept - 1 WHERE layer = 'countries'", (), "arrays do not match"),
    (f"UPDATE {MAP_COVERAGE} SET digest = 'x' WHERE layer = 'countries'", (), "does not match its digest"),
])
def test_a_damaged_coverage_is_a_clean_recompute_never_a_wrong_map(built, tmp_path, counted_compute, caplog,
                                                                    sql, params, says):
    path = _copy(built, tmp_path)
    _damage(path, sql, *params)
    with caplog.at_level(logging.WARNING, logger="neageo._coverage"):
        page = neageo.web_map("overview", gpkg=path).page()
    assert "not usable" in caplog.text and says in caplog.text
    assert len(counted_compute) == 1
    assert page == neageo.web_map("overview", gpkg=built).page()


def test_a_stale_fingerprint_is_detected(built, tmp_path, counted_compute, caplog):
    # the stored record says it was made for other inputs
    path = _copy(built, tmp_path)
    _damage(path, f"UPDATE {MAP_COVERAGE} SET fingerprint = ? WHERE layer = 'provinces'", "0" * 64)
    with caplog.at_level(logging.INFO, logger="neageo._coverage"):
        page = neageo.web_map("overview", gpkg=path).page()
    assert "made for other geometries, boxes, tolerance or algorithm" in caplog.text
    assert len(counted_compute) == 1 and page == neageo.web_map("overview", gpkg=built).page()
    # another algorithm version
    stored, geoms = _stored(built), _geoms(built)
    older = {k: {**v, "format": FORMAT - 1} for k, v in stored.items()}
    coverage_for(older, geoms, map_boxes())
    assert len(counted_compute) == 2


def test_edited_layers_or_other_boxes_are_simplified_anew(built, tmp_path, monkeypatch, caplog):
    """A layer edited after the build (in QGIS, say) or a map box moved in maps.toml: the stored coverage
    no longer fits, so the inputs' own coverage is computed (here on the inputs changed)."""
    stored, geoms = _stored(built), _geoms(built)
    calls = []
    monkeypatch.setattr(_coverage, "compute", lambda g, b, **kw: calls.append((g, b)) or "computed")
    edited = {**geoms, "provinces": geoms["provinces"].copy()}
    edited["provinces"][0] = shapely.affinity.translate(edited["provinces"][0], xoff=0.01)
    with caplog.at_level(logging.INFO, logger="neageo._coverage"):
        assert coverage_for(stored, edited, map_boxes()) == "computed"
    assert "made for other" in caplog.text
    moved = [*map_boxes()[:-1], (90.0, 28.0, 180.0, 76.0)]
    assert coverage_for(stored, geoms, moved) == "computed"
    assert coverage_for(stored, geoms, map_boxes(), tolerance_m=TOLERANCE_M / 2) == "computed"
    assert len(calls) == 3 and calls[0][0] is edited and calls[1][1] == moved
    assert coverage_for(stored, geoms, map_boxes()) != "computed"  # unchanged inputs: read, not computed
    # a changed layer in the file itself: its fingerprint no longer matches
    path = _copy(built, tmp_path)
    frame = neageo.read("provinces", gpkg=built)
    frame.loc[0, "geometry"] = edited["provinces"][0]
    pyogrio.write_dataframe(frame, path, layer="provinces")
    assert fingerprint(_geoms(path), map_boxes()) != stored["provinces"]["fingerprint"]
