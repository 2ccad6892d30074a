"""GeoPackage-level SQL: the tables that describe the others inside a GeoPackage file.

GDAL writes a layer's rows, ``gpkg_contents`` and ``gpkg_geometry_columns``;
everything else that describes the layers is plain SQLite written and read
here, and nowhere else:

``gpkg_contents``
    each table's title (``identifier``) and description;
``gpkg_data_columns`` (schema extension)
    each column's alternative name and description (QGIS shows them as the
    field alias and tooltip);
``gpkg_metadata`` / ``gpkg_metadata_reference`` (metadata extension)
    documents about the whole file (neageo's dataset document) or one table
    (QGIS layer metadata);
``layer_styles``
    QGIS default styles (QML), in the table QGIS itself creates;
``gpkg_ogr_contents``
    GDAL's row count per table, kept true by triggers through every insert and
    delete: what a reader checks a table against (:func:`feature_counts`);
``neageo_lookup_grids`` (neageo's extension, registered in ``gpkg_extensions``)
    the point-in-polygon lookup grids of the provinces and countries (:mod:`neageo._grid`);
``neageo_map_coverage`` (neageo's extension, registered in ``gpkg_extensions``)
    the provinces and countries simplified as one coverage for the web maps (:mod:`neageo._coverage`).

neageo's own tables are registered as extensions and kept out of ``gpkg_contents``: GDAL and QGIS
do not list them as layers.

The build (:mod:`neageo.builder.writer`, and the QGIS styles of
:mod:`neageo.qgis`), the publish step and the exports use these functions; none
of them writes this SQL itself.  Writers take an open connection (the caller
commits); readers take a connection or a path, opened read-only.  Only the
standard library is used.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from urllib.parse import quote

__all__ = [
    "DEFAULT_VERSION",
    "VERSIONS",
    "LAYER_STYLES_DDL",
    "QGIS_METADATA_URI",
    "add_layer_style",
    "add_metadata",
    "contents",
    "copy_descriptions",
    "create_layer_styles",
    "create_metadata_tables",
    "data_columns",
    "default_styles",
    "feature_counts",
    "geometry_columns",
    "lookup_grid",
    "keep_feature_counts",
    "map_coverage",
    "metadata_documents",
    "read_only",
    "writing",
    "register_metadata_extension",
    "replace_metadata",
    "row_counts",
    "table_columns",
    "tables",
    "write_data_columns",
    "write_lookup_grids",
    "write_map_coverage",
]

#: The ``layer_styles`` table as QGIS creates it in a GeoPackage.
LAYER_STYLES_DDL = (
    "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), "
    "f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), "
    "styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
    "update_time DATETIME DEFAULT CURRENT_TIMESTAMP)"
)
#: GeoPackage versions neageo writes (GDAL's ``VERSION`` creation option).
VERSIONS = ("1.3", "1.4")
#: The version written unless asked otherwise: GDAL 3.6 (Debian 12, QGIS 3.22) opens a 1.3 file without
#: warning that it "may only be partially supported", and GDAL writes the 1.3 spatial-index triggers,
#: which older validators accept.
DEFAULT_VERSION = "1.3"
#: ``md_standard_uri`` of QGIS layer metadata documents in ``gpkg_metadata``.
QGIS_METADATA_URI = "http://mrcc.com/qgis.dtd"

_METADATA_DDL = (
    ("CREATE TABLE IF NOT EXISTS gpkg_metadata (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
     "md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL, "
     "mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '')"),
    ("CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (reference_scope TEXT NOT NULL, "
     "table_name TEXT, column_name TEXT, row_id_value INTEGER, "
     "timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), "
     "md_file_id INTEGER NOT NULL, md_parent_id INTEGER, "
     "CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id), "
     "CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id))"),
)
_METADATA_EXTENSION = "http://www.geopackage.org/spec120/#extension_metadata"

_DATA_COLUMNS_DDL = (
    ("CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
     "name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, "
     "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))"),
    ("CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL, "
     "constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, "
     "max_is_inclusive BOOLEAN, description TEXT, "
     "CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))"),
)


# -- opening ------------------------------------------------------------------------------------------

@contextlib.contextmanager
def read_only(path: str | os.PathLike[str]) -> Iterator[sqlite3.Connection]:
    """An SQLite connection to the GeoPackage at ``path`` that cannot write, closed afterwards."""
    con = sqlite3.connect(f"file:{quote(os.fspath(path))}?mode=ro", uri=True)
    try:
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def writing(path: str | os.PathLike[str]) -> Iterator[sqlite3.Connection]:
    """An SQLite connection to the GeoPackage at ``path``: committed if the block succeeds, then closed."""
    con = sqlite3.connect(os.fspath(path))
    try:
        with con:
            yield con
    finally:
        con.close()


# -- reading ------------------------------------------------------------------------------------------

def tables(con: sqlite3.Connection) -> set[str]:
    """Names of every table in the file (GeoPackage tables and SQLite's own)."""
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def contents(con: sqlite3.Connection) -> dict[str, tuple[str | None, str | None]]:
    """``gpkg_contents``: table -> (identifier, description), in the order the tables were added."""
    return {t: (i, d) for t, i, d in
            con.execute("SELECT table_name, identifier, description FROM gpkg_contents ORDER BY rowid")}


def geometry_columns(con: sqlite3.Connection) -> dict[str, tuple[str, str, int]]:
    """``gpkg_geometry_columns``: table -> (geometry column, geometry type name, srs id)."""
    return {t: (c, g, s) for t, c, g, s in con.execute(
        "SELECT table_name, column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns")}


def table_columns(con: sqlite3.Connection, table: str) -> list[tuple[str, str, bool]]:
    """(column, declared type, is part of the primary key) of ``table``, in order."""
    return [(r[1], r[2], bool(r[5])) for r in con.execute(f'PRAGMA table_info("{table}")')]


def data_columns(con: sqlite3.Connection) -> dict[str, dict[str, tuple[str | None, str | None]]]:
    """``gpkg_data_columns``: table -> column -> (name, description); empty if the file has none."""
    out: dict[str, dict[str, tuple[str | None, str | None]]] = {}
    if "gpkg_data_columns" not in tables(con):
        return out
    for table, column, name, description in con.execute(
            "SELECT table_name, column_name, name, description FROM gpkg_data_columns ORDER BY rowid"):
        out.setdefault(table, {})[column] = (name, description)
    return out


def metadata_documents(con: sqlite3.Connection, standard_uri: str, *,
                       scope: str | None = None) -> list[tuple[str | None, str]]:
    """(table, document) of every ``gpkg_metadata`` document with ``standard_uri``, in the order written.

    ``scope`` keeps only references of that ``reference_scope`` (``geopackage``: the
    whole file, table ``None``; ``table``: one table).  Empty if the file has no
    metadata tables.
    """
    if not {"gpkg_metadata", "gpkg_metadata_reference"} <= tables(con):
        return []
    sql = ("SELECT r.table_name, m.metadata FROM gpkg_metadata m JOIN gpkg_metadata_reference r "
           "ON r.md_file_id = m.id WHERE m.md_standard_uri = ?")
    params: tuple[str, ...] = (standard_uri,)
    if scope is not None:
        sql += " AND r.reference_scope = ?"
        params += (scope,)
    return [(t, doc) for t, doc in con.execute(sql + " ORDER BY m.id", params)]


def row_counts(con: sqlite3.Connection) -> dict[str, int]:
    """The rows of every table in ``gpkg_contents`` as counted now, by name."""
    names = [t for (t,) in con.execute("SELECT table_name FROM gpkg_contents ORDER BY table_name")]
    return {t: int(con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in names}


def feature_counts(con: sqlite3.Connection) -> dict[str, int]:
    """``gpkg_ogr_contents``: table -> the row count its triggers keep (empty without the table)."""
    if "gpkg_ogr_contents" not in tables(con):
        return {}
    return {str(t): int(n) for t, n in con.execute(
        "SELECT table_name, feature_count FROM gpkg_ogr_contents WHERE feature_count IS NOT NULL")}


def default_styles(con: sqlite3.Connection) -> dict[str, str]:
    """``layer_styles``: table -> its default QML (the newest default style); empty without the table."""
    styles: dict[str, str] = {}
    if "layer_styles" not in tables(con):
        return styles
    for table, qml in con.execute("SELECT f_table_name, styleQML FROM layer_styles "
                                  "ORDER BY useAsDefault DESC, update_time DESC, id DESC"):
        styles.setdefault(table, qml)
    return styles


# -- writing ------------------------------------------------------------------------------------------

def create_metadata_tables(con: sqlite3.Connection) -> None:
    """Create ``gpkg_metadata`` and ``gpkg_metadata_reference`` (metadata extension) if missing."""
    for ddl in _METADATA_DDL:
        con.execute(ddl)


def register_metadata_extension(con: sqlite3.Connection) -> None:
    """Record the metadata extension's two tables in ``gpkg_extensions`` (once)."""
    for table in ("gpkg_metadata", "gpkg_metadata_reference"):
        con.execute(
            "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
            "VALUES (?, NULL, 'gpkg_metadata', ?, 'read-write')", (table, _METADATA_EXTENSION))


def add_metadata(con: sqlite3.Connection, document: str, *, standard_uri: str, mime_type: str, scope: str,
                 table: str | None, timestamp: str) -> int:
    """Store ``document`` in ``gpkg_metadata`` and reference it (``scope`` ``geopackage`` or ``table``).

    Returns the document's id.  The metadata tables must exist
    (:func:`create_metadata_tables`).
    """
    cur = con.execute("INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) "
                      "VALUES ('dataset', ?, ?, ?)", (standard_uri, mime_type, document))
    doc_id = cur.lastrowid
    if doc_id is None:  # pragma: no cover - an INSERT always sets it
        raise sqlite3.DatabaseError("gpkg_metadata: the new document has no id")
    con.execute("INSERT INTO gpkg_metadata_reference (reference_scope, table_name, column_name, row_id_value, "
                "timestamp, md_file_id) VALUES (?, ?, NULL, NULL, ?, ?)", (scope, table, timestamp, doc_id))
    return doc_id


def replace_metadata(con: sqlite3.Connection, standard_uri: str, document: str) -> None:
    """Replace the text of the ``gpkg_metadata`` document(s) with ``standard_uri``."""
    con.execute("UPDATE gpkg_metadata SET metadata = ? WHERE md_standard_uri = ?", (document, standard_uri))


def keep_feature_counts(con: sqlite3.Connection, counts: dict[str, int]) -> None:
    """Give each table of ``counts`` that GDAL did not write a ``gpkg_ogr_contents`` row and GDAL's triggers.

    GDAL counts the rows of every table it writes there and keeps the count true
    with an insert and a delete trigger; a table written by SQL (``layer_styles``)
    gets the same, so every table's count survives later edits (QGIS saving a style).
    """
    con.execute("CREATE TABLE IF NOT EXISTS gpkg_ogr_contents (table_name TEXT NOT NULL PRIMARY KEY, "
                "feature_count INTEGER DEFAULT NULL)")
    counted = {t.lower() for (t,) in con.execute("SELECT table_name FROM gpkg_ogr_contents")}
    for table, count in counts.items():
        if table.lower() in counted:
            continue
        con.execute("INSERT INTO gpkg_ogr_contents (table_name, feature_count) VALUES (?, ?)", (table, count))
        quoted, literal = table.replace('"', '""'), table.replace("'", "''")
        for event, step in (("insert", "+ 1"), ("delete", "- 1")):
            con.execute(
                f'CREATE TRIGGER "trigger_{event}_feature_count_{quoted}" AFTER {event.upper()} ON "{quoted}" '
                f"BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count {step} "
                f"WHERE lower(table_name) = lower('{literal}'); END"
            )


def create_layer_styles(con: sqlite3.Connection, *, title: str, description: str) -> str:
    """Create ``layer_styles`` and list it in ``gpkg_contents``; return the file's last-change stamp.

    The table is stamped with the newest ``last_change`` of the other tables, so
    the file stays reproducible; the styles written next take the same stamp.
    """
    con.execute(LAYER_STYLES_DDL)
    con.execute("INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
                "SELECT 'layer_styles', 'attributes', ?, ?, (SELECT MAX(last_change) FROM gpkg_contents)",
                (title, description))
    (stamp,) = con.execute("SELECT MAX(last_change) FROM gpkg_contents").fetchone()
    return str(stamp)


def add_layer_style(con: sqlite3.Connection, table: str, *, name: str, qml: str, default: bool, description: str,
                    owner: str, timestamp: str) -> None:
    """One QML style of ``table`` (geometry column ``geom``) in ``layer_styles``, the default one if ``default``."""
    con.execute(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
        "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
        "VALUES ('', '', ?, 'geom', ?, ?, '', ?, ?, ?, NULL, ?)",
        (table, name, qml, 1 if default else 0, description, owner, timestamp),
    )


def write_data_columns(con: sqlite3.Connection, rows: Iterable[tuple[str, str, str, str]]) -> None:
    """Column descriptions in ``gpkg_data_columns`` (schema extension): rows of (table, column, name, description).

    GDAL reads ``name`` as a field's alternative name and ``description`` as
    its comment; QGIS shows them as the field alias and tooltip.  ``title`` is
    the name too.
    """
    for ddl in _DATA_COLUMNS_DDL:
        con.execute(ddl)
    for table in ("gpkg_data_columns", "gpkg_data_column_constraints"):
        con.execute(  # NULL column_name defeats the UNIQUE constraint: insert only once
            "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
            "SELECT ?, NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write' "
            "WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name = ? AND extension_name = 'gpkg_schema')",
            (table, table),
        )
    for table, column, name, description in rows:
        con.execute(
            "INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description) VALUES (?, ?, ?, ?, ?)",
            (table, column, name, name, description),
        )


# -- copying ------------------------------------------------------------------------------------------

def copy_descriptions(target: str | os.PathLike[str], source: str | os.PathLike[str], names: list[str]) -> None:
    """Copy what describes the tables ``names`` from the GeoPackage ``source`` into the GeoPackage ``target``.

    Column descriptions (``gpkg_data_columns``, with the source's own DDL, so
    keys and constraints stay), default styles (``layer_styles``), metadata
    documents of the file and of those tables (``gpkg_metadata``) and the
    extensions they belong to.
    """
    marks = ",".join("?" * len(names))
    with writing(target) as con:
        con.execute("ATTACH DATABASE ? AS src", (f"file:{quote(os.fspath(source))}?mode=ro",))
        src_tables = {r[0] for r in con.execute("SELECT name FROM src.sqlite_master WHERE type = 'table'")}
        if "gpkg_data_columns" in src_tables:
            for ddl_table in ("gpkg_data_columns", "gpkg_data_column_constraints"):
                row = con.execute("SELECT sql FROM src.sqlite_master WHERE name = ?", (ddl_table,)).fetchone()
                if row:  # the source's own DDL keeps the keys and constraints the schema extension asks for
                    con.execute(row[0].replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
            con.execute(f"INSERT OR REPLACE INTO gpkg_data_columns SELECT * FROM src.gpkg_data_columns "
                        f"WHERE table_name IN ({marks})", names)
        if "layer_styles" in src_tables:
            con.execute(LAYER_STYLES_DDL)
            con.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
                "styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                "SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, "
                f"styleSLD, useAsDefault, description, owner, ui, update_time FROM src.layer_styles "
                f"WHERE f_table_name IN ({marks}) ORDER BY id", names)
            con.execute("INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, "
                        "last_change) SELECT table_name, data_type, identifier, description, last_change "
                        "FROM src.gpkg_contents WHERE table_name = 'layer_styles'")
        if "gpkg_metadata" in src_tables:
            for ddl_table in ("gpkg_metadata", "gpkg_metadata_reference"):
                (ddl,) = con.execute("SELECT sql FROM src.sqlite_master WHERE name = ?", (ddl_table,)).fetchone()
                con.execute(ddl.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
            refs = con.execute(
                "SELECT reference_scope, table_name, column_name, row_id_value, timestamp, md_file_id "
                f"FROM src.gpkg_metadata_reference WHERE table_name IS NULL OR table_name IN ({marks}) "
                "ORDER BY md_file_id", names).fetchall()
            for scope, table, column, row_id, stamp, md_id in refs:
                doc = con.execute("SELECT md_scope, md_standard_uri, mime_type, metadata FROM src.gpkg_metadata "
                                  "WHERE id = ?", (md_id,)).fetchone()
                cur = con.execute("INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) "
                                  "VALUES (?, ?, ?, ?)", doc)
                con.execute("INSERT INTO gpkg_metadata_reference (reference_scope, table_name, column_name, "
                            "row_id_value, timestamp, md_file_id) VALUES (?, ?, ?, ?, ?, ?)",
                            (scope, table, column, row_id, stamp, cur.lastrowid))
        if "layer_styles" in src_tables:  # the copied styles' count, kept true like GDAL's tables
            keep_feature_counts(con, {"layer_styles": int(con.execute("SELECT COUNT(*) FROM layer_styles").fetchone()[0])})
        con.execute(
            "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
            "SELECT table_name, column_name, extension_name, definition, scope FROM src.gpkg_extensions "
            "WHERE table_name IN ('gpkg_metadata', 'gpkg_metadata_reference', 'gpkg_data_columns', "
            "'gpkg_data_column_constraints') AND table_name IN (SELECT name FROM sqlite_master)")


# -- lookup grids (neageo's extension) ----------------------------------------------------------------

#: The table of lookup grids: one row per layer, the cells' codes as zlib-compressed little-endian arrays.
LOOKUP_GRIDS = "neageo_lookup_grids"
_LOOKUP_EXTENSION = "neageo_lookup_grid"
_LOOKUP_DEFINITION = ("neageo: point-in-polygon lookup grids, one row per layer (resolution, extent, the fingerprint "
                      "of the geometries it was built for, the cells' codes); see neageo._grid")
_LOOKUP_COLUMNS = (
    ("layer", "TEXT PRIMARY KEY NOT NULL"), ("format", "INTEGER NOT NULL"), ("fingerprint", "TEXT NOT NULL"),
    ("features", "INTEGER NOT NULL"), ("west", "DOUBLE NOT NULL"), ("south", "DOUBLE NOT NULL"),
    ("east", "DOUBLE NOT NULL"), ("north", "DOUBLE NOT NULL"), ("cell_deg", "DOUBLE NOT NULL"),
    ("block", "INTEGER NOT NULL"), ("inside_cells", "INTEGER NOT NULL"), ("outside_cells", "INTEGER NOT NULL"),
    ("boundary_cells", "INTEGER NOT NULL"), ("fine_dtype", "TEXT NOT NULL"), ("coarse", "BLOB NOT NULL"),
    ("blocks", "BLOB NOT NULL"),
)


def _own_table(con: sqlite3.Connection, table: str, columns: tuple[tuple[str, str], ...], extension: str,
               definition: str) -> None:
    """Create one of neageo's tables and register it in ``gpkg_extensions`` (once)."""
    con.execute(f'CREATE TABLE IF NOT EXISTS "{table}" ({", ".join(f"{c} {t}" for c, t in columns)})')
    con.execute(
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
        "SELECT ?, NULL, ?, ?, 'read-write' WHERE NOT EXISTS "
        "(SELECT 1 FROM gpkg_extensions WHERE table_name = ? AND extension_name = ?)",
        (table, extension, definition, table, extension))


def _write_records(con: sqlite3.Connection, table: str, columns: tuple[tuple[str, str], ...],
                   records: dict[str, dict[str, object]]) -> None:
    names = [c for c, _ in columns]
    for layer, record in records.items():
        row = {**record, "layer": layer}
        con.execute(f'INSERT OR REPLACE INTO "{table}" ({", ".join(names)}) '
                    f'VALUES ({", ".join("?" * len(names))})', [row[c] for c in names])


def _read_record(con: sqlite3.Connection, table: str, layer: str) -> dict[str, object] | None:
    if table not in tables(con):
        return None
    cur = con.execute(f'SELECT * FROM "{table}" WHERE layer = ?', (layer,))
    row = cur.fetchone()
    return None if row is None else dict(zip([d[0] for d in cur.description], row))


def write_lookup_grids(con: sqlite3.Connection, records: dict[str, dict[str, object]]) -> None:
    """Store lookup grids (layer -> the grid's record, :meth:`neageo._grid.CellGrid.to_record`), replacing any
    stored for those layers, and register the extension (once)."""
    _own_table(con, LOOKUP_GRIDS, _LOOKUP_COLUMNS, _LOOKUP_EXTENSION, _LOOKUP_DEFINITION)
    _write_records(con, LOOKUP_GRIDS, _LOOKUP_COLUMNS, records)


def lookup_grid(con: sqlite3.Connection, layer: str) -> dict[str, object] | None:
    """The stored lookup grid record of ``layer`` (column -> value), or None if the file has none."""
    return _read_record(con, LOOKUP_GRIDS, layer)


# -- the maps' admin coverage (neageo's extension) ----------------------------------------------------

#: The table of the web maps' simplified admin coverage: one row per layer, the rows kept and their
#: geometry (ISO WKB, coordinates in grid steps of 1/scale when scale is not 0) as lzma-compressed
#: little-endian arrays.
MAP_COVERAGE = "neageo_map_coverage"
_COVERAGE_EXTENSION = "neageo_map_coverage"
_COVERAGE_DEFINITION = ("neageo: the provinces and countries simplified as one coverage for the web maps, one row "
                        "per layer (the algorithm's format, the fingerprint of the geometries, boxes and tolerance "
                        "it was made for, the rows kept and their geometry, a digest of the content); "
                        "see neageo._coverage")
_COVERAGE_COLUMNS = (
    ("layer", "TEXT PRIMARY KEY NOT NULL"), ("format", "INTEGER NOT NULL"), ("fingerprint", "TEXT NOT NULL"),
    ("features", "INTEGER NOT NULL"), ("kept", "INTEGER NOT NULL"), ("tolerance_m", "DOUBLE NOT NULL"),
    ("boxes", "TEXT NOT NULL"), ("scale", "DOUBLE NOT NULL"), ("rows", "BLOB NOT NULL"), ("sizes", "BLOB NOT NULL"), ("wkb", "BLOB NOT NULL"),
    ("precision", "BLOB NOT NULL"), ("digest", "TEXT NOT NULL"),
)


def write_map_coverage(con: sqlite3.Connection, records: dict[str, dict[str, object]]) -> None:
    """Store the maps' admin coverage (layer -> record, :func:`neageo._coverage.to_records`), replacing
    any stored for those layers, and register the extension (once)."""
    _own_table(con, MAP_COVERAGE, _COVERAGE_COLUMNS, _COVERAGE_EXTENSION, _COVERAGE_DEFINITION)
    _write_records(con, MAP_COVERAGE, _COVERAGE_COLUMNS, records)


def map_coverage(con: sqlite3.Connection, layer: str) -> dict[str, object] | None:
    """The stored map coverage record of ``layer`` (column -> value), or None if the file has none."""
    return _read_record(con, MAP_COVERAGE, layer)
