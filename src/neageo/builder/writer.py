"""Writing the GeoPackage: every layer, its description and where it came from, atomically.

The file is first written next to its destination under a temporary name,
checked (SQLite integrity check, every layer readable with the right count)
and only then moved over the old file with :func:`os.replace`, which is atomic
on POSIX file systems.  The build holds :func:`neageo._atomic.output_lock` while
it writes, so concurrent builds (and publishes) take turns.  An
interrupted or failed build therefore leaves the last good GeoPackage as it
was; a stale temporary file is removed by the next build.
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

from .._atomic import atomic_target
from .._errors import BuildError
from ..gpkg import (
    add_metadata,
    create_metadata_tables,
    read_only,
    register_metadata_extension,
    write_data_columns,
    writing,
)
from ..metadata import METADATA_URI, Described, data_column_rows, table_catalogue
from .layer import Layer

__all__ = ["FIXED_TIMESTAMP", "write_gpkg"]

log = logging.getLogger(__name__)

#: GDAL stamps ``gpkg_contents.last_change`` with the current time; a fixed
#: stamp (or ``SOURCE_DATE_EPOCH``) keeps two builds of the same sources identical.
FIXED_TIMESTAMP = "2026-01-01T00:00:00.000Z"


def _timestamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return pd.Timestamp(int(epoch), unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return FIXED_TIMESTAMP


def _write_layer(path: Path, layer: Layer) -> None:
    frame = layer.frame
    options = {"DESCRIPTION": f"{layer.title}. {layer.description}", "IDENTIFIER": layer.title}
    if layer.spatial:
        options["SPATIAL_INDEX"] = "YES"
        options["GEOMETRY_NAME"] = "geom"
    pyogrio.write_dataframe(
        frame, path, layer=layer.name, driver="GPKG", layer_options=options, append=path.exists(),
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
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f".{target.name}.*.tmp.gpkg"):
        with contextlib.suppress(OSError):
            stale.unlink()
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _timestamp()})
    try:
        with atomic_target(target, suffix=".tmp.gpkg", fsync=True) as tmp:
            for layer in layers:
                log.debug("writing layer %s (%d rows)", layer.name, len(layer.frame))
                _write_layer(tmp, layer)
            _write_provenance(tmp, layers, sources)
            _write_metadata(tmp, metadata)
            with writing(tmp) as con:
                described: list[Described] = [*layers, *(table_catalogue()[t] for t in ("sources", "layer_sources"))]
                write_data_columns(con, data_column_rows(described))
            for step in finish:
                step(tmp)
            _check(tmp, layers)
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return target


def _write_metadata(path: Path, metadata: dict) -> None:
    """Dataset metadata as a JSON document in ``gpkg_metadata`` (GeoPackage metadata extension)."""
    doc = json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True)
    with writing(path) as con:
        create_metadata_tables(con)
        add_metadata(con, doc, standard_uri=METADATA_URI, mime_type="application/json", scope="geopackage",
                          table=None, timestamp=_timestamp())
        register_metadata_extension(con)
