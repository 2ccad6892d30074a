"""A damaged GeoPackage is an error, never an empty or short result."""

from __future__ import annotations

import json
import shutil
import sqlite3
import struct
import subprocess
import sys

import pytest

import neageo
from neageo import DataError
from neageo.metadata import METADATA_URI


def _pages(path, table: str) -> tuple[int, int, list[int]]:
    """Page size, root page and every page of ``table`` (SQLite's dbstat)."""
    with sqlite3.connect(path) as con:
        (size,) = con.execute("PRAGMA page_size").fetchone()
        (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        pages = [p for (p,) in con.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", (table,))]
    return size, root, pages


def _write_page(path, page: int, size: int, data: bytes) -> None:
    assert len(data) == size
    with open(path, "r+b") as fh:
        fh.seek((page - 1) * size)
        fh.write(data)


def empty_leaf(path, table: str) -> None:
    """Replace ``table``'s b-tree root with an empty table-leaf page, as a torn write or bad sector can leave it."""
    size, root, _ = _pages(path, table)
    header = bytes([0x0D]) + struct.pack(">HHH", 0, 0, size % 65536) + b"\0"  # leaf, no cells, content at the end
    _write_page(path, root, size, header + b"\0" * (size - len(header)))


def zero_page(path, table: str) -> None:
    """Overwrite the last page of ``table`` with zeros."""
    size, _, pages = _pages(path, table)
    _write_page(path, pages[-1], size, b"\0" * size)


def truncate(path) -> None:
    """Cut the file in half, like an interrupted copy or download."""
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 2)


@pytest.fixture()
def copy(built, tmp_path):
    dst = tmp_path / "neageo.gpkg"
    shutil.copy(built, dst)
    return dst


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "neageo.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize(("damage", "says"), [
    (lambda p: empty_leaf(p, "places"), "layer 'places' is damaged (0 rows read where the file records 41)"),
    (lambda p: zero_page(p, "places"), "layer 'places' is damaged"),
    (truncate, "the file is truncated"),
], ids=["empty-leaf-page", "zeroed-page", "truncated"])
def test_damaged_geopackage_is_an_error_naming_the_damage(copy, tmp_path, damage, says):
    assert len(neageo.read("places", gpkg=copy)) == 41  # intact first (and now cached)
    damage(copy)
    with pytest.raises(DataError, match="rebuild it with `neageo build`") as err:
        neageo.read("places", gpkg=copy)
    assert says in str(err.value) and str(copy) in str(err.value)
    with pytest.raises(DataError):
        neageo.layers(gpkg=copy)
    # the CLI: a non-zero exit, one line, and nothing written
    out = tmp_path / "export"
    r = _cli("export", "--format", "geojson", "--out", out, "--layers", "places", "--gpkg", copy)
    assert r.returncode == DataError.exit_code == 5, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) <= 3 and "Traceback" not in r.stderr and lines[0].startswith("neageo: error: ")
    assert not out.exists() or not any(out.iterdir())


def test_a_one_page_table_emptied_is_caught_by_the_recorded_counts(copy):
    """quick_check sees nothing wrong when a one-page table's root becomes an empty leaf: the counts do."""
    table = "layer_sources"
    _, _, pages = _pages(copy, table)
    assert len(pages) == 1
    with sqlite3.connect(copy) as con:
        (rows,) = con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
    empty_leaf(copy, table)
    with sqlite3.connect(copy) as con:
        assert con.execute("PRAGMA quick_check").fetchone() == ("ok",)
    with pytest.raises(DataError, match=f"layer '{table}' is damaged \\(0 rows read where the file records {rows}\\)"):
        neageo.read("places", gpkg=copy)  # any read: the file is checked as a whole


def test_an_edited_geopackage_is_not_damaged(copy):
    """Edits through SQLite (QGIS, GDAL, plain SQL) keep the recorded counts true: only lost pages are damage."""
    import pyogrio

    places = neageo.read("places", gpkg=copy)
    pyogrio.write_dataframe(places.head(2).assign(place_id=["new_a", "new_b"]), copy, layer="places", append=True)
    with sqlite3.connect(copy) as con:  # a style saved from QGIS, a row deleted by hand
        con.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                    "styleName, styleQML, useAsDefault) VALUES ('', '', 'places', 'geom', 'mine', '<qgis/>', 0)")
        con.execute("DELETE FROM customs_gates WHERE gate_id = 'hulin'")
    assert len(neageo.read("places", gpkg=copy)) == 43
    assert len(neageo.read("customs_gates", gpkg=copy)) == 6
    counts = neageo.layers(gpkg=copy).set_index("name")["features"]
    assert counts["layer_styles"] == 16


def test_the_build_records_every_tables_row_count(built):
    with sqlite3.connect(built) as con:
        (doc,) = con.execute("SELECT metadata FROM gpkg_metadata WHERE md_standard_uri = ?", (METADATA_URI,)).fetchone()
        tables = [t for (t,) in con.execute("SELECT table_name FROM gpkg_contents")]
        actual = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    assert json.loads(doc)["row_counts"] == actual
    assert {"places", "layer_styles", "sources"} <= set(actual)
    with sqlite3.connect(built) as con:  # and every table has GDAL's trigger-kept count, layer_styles included
        assert dict(con.execute("SELECT table_name, feature_count FROM gpkg_ogr_contents")) == actual


def test_a_geopackage_without_recorded_counts_is_still_read(copy):
    """Files built before the counts were recorded are checked by SQLite alone."""
    with sqlite3.connect(copy) as con:
        (doc,) = con.execute("SELECT metadata FROM gpkg_metadata WHERE md_standard_uri = ?", (METADATA_URI,)).fetchone()
        meta = json.loads(doc)
        del meta["row_counts"]
        con.execute("UPDATE gpkg_metadata SET metadata = ? WHERE md_standard_uri = ?", (json.dumps(meta), METADATA_URI))
    assert len(neageo.read("places", gpkg=copy)) == 41


def test_the_check_runs_once_per_file_version(copy, monkeypatch):
    from neageo import io

    calls = []
    real = io._quick_check
    monkeypatch.setattr(io, "_quick_check", lambda con, path: (calls.append(path), real(con, path)))
    for _ in range(3):
        neageo.read("places", gpkg=copy)
    assert len(calls) == 1
    with sqlite3.connect(copy) as con:  # a change to the file (new mtime and size) is checked again
        con.execute("CREATE TABLE scratch (x)")
        con.execute("INSERT INTO scratch VALUES (zeroblob(100000))")
    neageo.read("places", gpkg=copy)
    assert len(calls) == 2
