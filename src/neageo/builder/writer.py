"""Writing the GeoPackage: every layer, its description and where it came from, atomically.

The file is first written next to its destination under a temporary name,
checked (SQLite integrity check, every layer readable with the right count)
and only then moved over the old file with :func:`os.replace`, which is atomic
on POSIX file systems.  Every table's row count is recorded in the dataset
metadata (``row_counts``), so a reader can tell a damaged file from a small one
(see :func:`neageo.io.gpkg_path`).

The file is a GeoPackage 1.3 by default: GDAL 3.6 (Debian 12, QGIS 3.22) warns
that a 1.4 file "may only be partially supported", and GDAL writes the 1.3 form
of the spatial-index triggers, which older validators accept.  ``version="1.4"``
writes the newer form.  A lock file serialises concurrent builds.  An
interrupted or failed build therefore leaves the last good GeoPackage as it
was; a stale temporary file is removed by the next build.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pyogrio

from .._atomic import atomic_target, ensure_folder
from .._errors import BuildError
from ..metadata import METADATA_URI, LayerInfo, column_alias, table_catalogue
from .layer import Layer

__all__ = ["DEFAULT_GPKG_VERSION", "FIXED_TIMESTAMP", "GPKG_VERSIONS", "build_lock", "write_data_columns",
           "write_gpkg"]

log = logging.getLogger(__name__)

#: GDAL stamps ``gpkg_contents.last_change`` with the current time; a fixed
#: stamp (or ``SOURCE_DATE_EPOCH``) keeps two builds of the same sources identical.
FIXED_TIMESTAMP = "2026-01-01T00:00:00.000Z"
#: GeoPackage versions the build writes (GDAL's ``VERSION`` creation option).
GPKG_VERSIONS = ("1.3", "1.4")
#: Read without warnings by GDAL 3.6, QGIS 3.22 and older validators.
DEFAULT_GPKG_VERSION = "1.3"


def _timestamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return pd.Timestamp(int(epoch), unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return FIXED_TIMESTAMP


@contextlib.contextmanager
def build_lock(target: Path):
    """Hold an exclusive lock beside ``target`` for the duration of a build."""
    ensure_folder(target.parent)
    lock_path = target.with_name(f".{target.name}.lock")
    with open(lock_path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _write_layer(path: Path, layer: Layer, version: str) -> None:
    frame = layer.frame
    options = {"DESCRIPTION": f"{layer.title}. {layer.description}", "IDENTIFIER": layer.title}
    if layer.spatial:
        options["SPATIAL_INDEX"] = "YES"
        options["GEOMETRY_NAME"] = "geom"
    append = path.exists()
    pyogrio.write_dataframe(
        frame, path, layer=layer.name, driver="GPKG", layer_options=options, append=append,
        dataset_options=None if append else {"VERSION": version},
    )


def _write_provenance(path: Path, layers: list[Layer], sources: list[dict]) -> None:
    """Attribution tables: ``sources`` (one row per source) and ``layer_sources``."""
    tables = table_catalogue()
    src = pd.DataFrame(sources, columns=list(tables["sources"].columns))
    links = pd.DataFrame(
        [{"layer": lyr.name, "source": s} for lyr in layers for s in lyr.sources],
        columns=list(tables["layer_sources"].columns),
    )
    for name, frame in (("sources", src), ("layer_sources", links)):
        info = tables[name]
        pyogrio.write_dataframe(
            frame, path, layer=name, driver="GPKG", append=True,
            layer_options={"DESCRIPTION": info.description, "IDENTIFIER": info.title},
        )


def _check(path: Path, layers: list[Layer]) -> None:
    with contextlib.closing(sqlite3.connect(path)) as con:
        (status,) = con.execute("PRAGMA integrity_check").fetchone()
        if status != "ok":
            raise BuildError(f"the new GeoPackage failed SQLite's integrity check ({status})")
    info = dict(_layer_counts(path))
    for layer in layers:
        if info.get(layer.name) != len(layer.frame):
            raise BuildError(
                f"layer {layer.name!r} has {info.get(layer.name)} rows in the new GeoPackage, expected {len(layer.frame)}"
            )
    recorded = _read_metadata(path).get("row_counts", {})
    for name, count in info.items():
        if recorded.get(name) != count:
            raise BuildError(f"table {name!r}: {count} rows, but {recorded.get(name)} recorded in the metadata")


def _layer_counts(path: Path):
    for name, _ in pyogrio.list_layers(path):
        yield name, pyogrio.read_info(path, layer=name)["features"]


def write_gpkg(
    target: Path,
    layers: list[Layer],
    *,
    sources: list[dict],
    metadata: dict,
    finish: Sequence[Callable[[Path], None]] = (),
    version: str = DEFAULT_GPKG_VERSION,
) -> Path:
    """Write ``layers`` to ``target`` atomically and return ``target``.

    Parameters
    ----------
    version
        GeoPackage version, one of :data:`GPKG_VERSIONS` (default 1.3).
    sources
        Rows for the ``sources`` table: source, package, licence, attribution, sha256, note.
    metadata
        Dataset-level metadata (JSON-serialisable), stored in ``gpkg_metadata``.
    finish
        Steps run on the complete new file before it is checked and moved into place
        (e.g. :func:`neageo.qgis.write_qgis_support`); each reads what it needs from the file.
    """
    if version not in GPKG_VERSIONS:
        raise BuildError(f"GeoPackage version {version!r} is not one neageo writes; choose {' or '.join(GPKG_VERSIONS)}")
    target = Path(target)
    ensure_folder(target.parent)
    for stale in target.parent.glob(f".{target.name}.*.tmp.gpkg"):
        with contextlib.suppress(OSError):
            stale.unlink()
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _timestamp()})
    try:
        with atomic_target(target, suffix=".tmp.gpkg", fsync=True) as tmp:
            for layer in layers:
                log.debug("writing layer %s (%d rows)", layer.name, len(layer.frame))
                _write_layer(tmp, layer, version)
            _write_provenance(tmp, layers, sources)
            _write_metadata(tmp, metadata)
            write_data_columns(tmp, [*layers, *(table_catalogue()[t] for t in ("sources", "layer_sources"))])
            for step in finish:
                step(tmp)
            _record_row_counts(tmp)
            _check(tmp, layers)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return target


def _metadata_json(metadata: dict) -> str:
    return json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True)


def _read_metadata(path: Path) -> dict:
    with contextlib.closing(sqlite3.connect(path)) as con:
        (doc,) = con.execute("SELECT metadata FROM gpkg_metadata WHERE md_standard_uri = ? ORDER BY id LIMIT 1",
                             (METADATA_URI,)).fetchone()
    return json.loads(doc)


def _record_row_counts(path: Path) -> None:
    """Store every table's row count in the dataset metadata (``row_counts``), for readers to check against.

    GDAL keeps a count per table it wrote in ``gpkg_ogr_contents``, with triggers that follow every insert
    and delete; a table written here by SQL (``layer_styles``) gets the same row and triggers, so every
    table's count stays true through later edits (QGIS saving a style) and a reader can tell an edit from
    damage.
    """
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        tables = [name for (name,) in con.execute("SELECT table_name FROM gpkg_contents ORDER BY table_name")]
        counts = {name: con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in tables}
        counted = {t.lower() for (t,) in con.execute("SELECT table_name FROM gpkg_ogr_contents")}
        for name in tables:
            if name.lower() not in counted:
                _count_with_triggers(con, name, counts[name])
        doc = _read_metadata(path)
        doc["row_counts"] = counts
        con.execute("UPDATE gpkg_metadata SET metadata = ? WHERE md_standard_uri = ?", (_metadata_json(doc), METADATA_URI))


def _count_with_triggers(con: sqlite3.Connection, table: str, count: int) -> None:
    """A ``gpkg_ogr_contents`` row for ``table`` and GDAL's two triggers that keep it current."""
    con.execute("INSERT INTO gpkg_ogr_contents (table_name, feature_count) VALUES (?, ?)", (table, count))
    quoted, literal = table.replace('"', '""'), table.replace("'", "''")
    for event, step in (("insert", "+ 1"), ("delete", "- 1")):
        con.execute(
            f'CREATE TRIGGER "trigger_{event}_feature_count_{quoted}" AFTER {event.upper()} ON "{quoted}" '
            f"BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count {step} "
            f"WHERE lower(table_name) = lower('{literal}'); END"
        )


def _write_metadata(path: Path, metadata: dict) -> None:
    """Dataset metadata as a JSON document in ``gpkg_metadata`` (GeoPackage metadata extension)."""
    doc = _metadata_json(metadata)
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_metadata (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "
            "md_scope TEXT NOT NULL DEFAULT 'dataset', md_standard_uri TEXT NOT NULL, "
            "mime_type TEXT NOT NULL DEFAULT 'text/xml', metadata TEXT NOT NULL DEFAULT '')"
        )
        con.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (reference_scope TEXT NOT NULL, "
            "table_name TEXT, column_name TEXT, row_id_value INTEGER, "
            "timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), "
            "md_file_id INTEGER NOT NULL, md_parent_id INTEGER, "
            "CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id), "
            "CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id))"
        )
        cur = con.execute(
            "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) VALUES (?, ?, ?, ?)",
            ("dataset", METADATA_URI, "application/json", doc),
        )
        con.execute(
            "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, column_name, row_id_value, "
            "timestamp, md_file_id) VALUES ('geopackage', NULL, NULL, NULL, ?, ?)",
            (_timestamp(), cur.lastrowid),
        )
        con.execute(
            "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
            "VALUES ('gpkg_metadata', NULL, 'gpkg_metadata', 'http://www.geopackage.org/spec120/#extension_metadata', 'read-write')"
        )
        con.execute(
            "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
            "VALUES ('gpkg_metadata_reference', NULL, 'gpkg_metadata', 'http://www.geopackage.org/spec120/#extension_metadata', 'read-write')"
        )


def write_data_columns(path: Path, layers: Sequence[Layer | LayerInfo]) -> None:
    """Column descriptions in ``gpkg_data_columns`` (GeoPackage schema extension).

    GDAL reads ``name`` as a field's alternative name and ``description`` as
    its comment; QGIS shows them as the field alias and tooltip.
    """
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, "
            "name TEXT, title TEXT, description TEXT, mime_type TEXT, constraint_name TEXT, "
            "CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name), CONSTRAINT gdc_tn UNIQUE (table_name, name))"
        )
        con.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_data_column_constraints (constraint_name TEXT NOT NULL, "
            "constraint_type TEXT NOT NULL, value TEXT, min NUMERIC, min_is_inclusive BOOLEAN, max NUMERIC, "
            "max_is_inclusive BOOLEAN, description TEXT, "
            "CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))"
        )
        for table in ("gpkg_data_columns", "gpkg_data_column_constraints"):
            con.execute(  # NULL column_name defeats the UNIQUE constraint: insert only once
                "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
                "SELECT ?, NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write' "
                "WHERE NOT EXISTS (SELECT 1 FROM gpkg_extensions WHERE table_name = ? AND extension_name = 'gpkg_schema')",
                (table, table),
            )
        for layer in layers:
            for column, description in layer.columns.items():
                alias = column_alias(column)
                con.execute(
                    "INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (layer.name, column, alias, alias, description),
                )
