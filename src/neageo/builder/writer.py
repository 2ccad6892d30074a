"""Writing the GeoPackage: every layer, its description and where it came from, atomically.

The file is first written next to its destination under a temporary name,
checked (SQLite integrity check, every layer readable with the right count)
and only then moved over the old file with :func:`os.replace`, which is atomic
on POSIX file systems.  The build holds :func:`neageo._atomic.output_lock` while
it writes, so concurrent builds (and publishes) take turns.  An
interrupted or failed build therefore leaves the last good GeoPackage as it
was; a stale temporary file is removed by the next build.

Every table's row count is recorded in the dataset metadata (``row_counts``)
and in GDAL's ``gpkg_ogr_contents``, whose triggers keep it true through later
edits (``layer_styles``, written here by SQL, gets the same triggers), so a
reader can tell a damaged file from an edited one (see :mod:`neageo.io`).

The file is a GeoPackage 1.3 by default: GDAL 3.6 (Debian 12, QGIS 3.22) warns
that a 1.4 file "may only be partially supported", and GDAL writes the 1.3 form
of the spatial-index triggers, which older validators accept.  ``version="1.4"``
writes the newer form.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pyogrio

from .._atomic import atomic_target, ensure_folder
from .._errors import BuildError
from ..gpkg import (
    DEFAULT_VERSION,
    VERSIONS,
    add_metadata,
    create_metadata_tables,
    keep_feature_counts,
    metadata_documents,
    read_only,
    register_metadata_extension,
    replace_metadata,
    row_counts,
    write_data_columns,
    writing,
)
from ..metadata import METADATA_URI, Described, data_column_rows, table_catalogue
from .layer import Layer

__all__ = ["DEFAULT_GPKG_VERSION", "FIXED_TIMESTAMP", "GPKG_VERSIONS", "write_gpkg", "write_layer"]

log = logging.getLogger(__name__)

#: GDAL stamps ``gpkg_contents.last_change`` with the current time; a fixed
#: stamp (or ``SOURCE_DATE_EPOCH``) keeps two builds of the same sources identical.
FIXED_TIMESTAMP = "2026-01-01T00:00:00.000Z"
#: GeoPackage versions the build writes (:data:`neageo.gpkg.VERSIONS`), 1.3 unless asked otherwise.
GPKG_VERSIONS = VERSIONS
DEFAULT_GPKG_VERSION = DEFAULT_VERSION


def _timestamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return pd.Timestamp(int(epoch), unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return FIXED_TIMESTAMP


def write_layer(path: Path, layer: Layer, version: str = DEFAULT_GPKG_VERSION) -> None:
    """Write one layer into the GeoPackage ``path`` (created if missing), as every layer of the build is."""
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
    with read_only(path) as con:
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
    sources
        Rows for the ``sources`` table: source, package, licence, attribution, sha256, note.
    metadata
        Dataset-level metadata (JSON-serialisable), stored in ``gpkg_metadata``.
    finish
        Steps run on the complete new file before it is checked and moved into place
        (e.g. :func:`neageo.qgis.write_qgis_support`); each reads what it needs from the file.
    version
        GeoPackage version, one of :data:`GPKG_VERSIONS` (default 1.3).
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
                write_layer(tmp, layer, version)
            _write_provenance(tmp, layers, sources)
            _write_metadata(tmp, metadata)
            with writing(tmp) as con:
                described: list[Described] = [*layers, *(table_catalogue()[t] for t in ("sources", "layer_sources"))]
                write_data_columns(con, data_column_rows(described))
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
    with read_only(path) as con:
        ((_, doc),) = metadata_documents(con, METADATA_URI, scope="geopackage")
    return dict(json.loads(doc))


def _record_row_counts(path: Path) -> None:
    """Every table's row count in the dataset metadata (``row_counts``), and kept by GDAL's triggers."""
    doc = _read_metadata(path)
    with writing(path) as con:
        counts = row_counts(con)
        keep_feature_counts(con, counts)
        doc["row_counts"] = counts
        replace_metadata(con, METADATA_URI, _metadata_json(doc))


def _write_metadata(path: Path, metadata: dict) -> None:
    """Dataset metadata as a JSON document in ``gpkg_metadata`` (GeoPackage metadata extension)."""
    doc = _metadata_json(metadata)
    with writing(path) as con:
        create_metadata_tables(con)
        add_metadata(con, doc, standard_uri=METADATA_URI, mime_type="application/json", scope="geopackage",
                          table=None, timestamp=_timestamp())
        register_metadata_extension(con)
