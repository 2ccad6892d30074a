"""The build's step for the web maps: the admin coverage, simplified once and stored in the GeoPackage.

Countries and provinces simplified as one topology over every map's box (the boxes of the maps'
data file, :func:`neageo.maps.specs.map_boxes`) take most of the time a map takes to render; the
build does it here, so the first map of a session reads it (:mod:`neageo._coverage`).  It is made
from the layers as written (read back from the file), so its fingerprint is that of the geometries
the maps will read.

The simplification needs only countries and provinces, which are final after the build's first
step, so :func:`start_map_coverage` runs it in a worker thread while the other steps run (GEOS
releases the GIL); :func:`add_map_coverage` then stores it.  The worker writes the two layers to a
scratch GeoPackage exactly as the writer does and reads them back, so it simplifies the very
geometries of the final file; the stored fingerprint is checked against the final file all the
same, and on any difference the coverage is made again from the file.  Either way the result is a
function of the inputs only: the GeoPackage stays byte-for-byte reproducible.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyogrio

from .._coverage import COVERAGE_LAYERS, fingerprint, to_records
from ..gpkg import write_map_coverage, writing
from ..maps.specs import map_boxes
from .layer import Layer

__all__ = ["add_map_coverage", "start_map_coverage"]

log = logging.getLogger(__name__)

Records = dict[str, dict[str, object]]


def _geoms(path: Path) -> dict[str, np.ndarray]:
    return {layer: np.asarray(pyogrio.read_dataframe(path, layer=layer, columns=[], use_arrow=True).geometry.values,
                              dtype=object) for layer in COVERAGE_LAYERS}


def _from_layers(layers: dict[str, Layer], write: Callable[[Path, Layer], None]) -> Records:
    with tempfile.TemporaryDirectory(prefix="neageo-coverage-") as tmp:
        scratch = Path(tmp) / "admin.gpkg"
        for name in COVERAGE_LAYERS:
            write(scratch, layers[name])
        geoms = _geoms(scratch)
    return to_records(geoms, map_boxes())


def start_map_coverage(layers: dict[str, Layer], write: Callable[[Path, Layer], None]) -> Future[Records]:
    """Begin simplifying ``layers`` (countries and provinces, by name) in a worker thread; ``write``
    writes one layer to a GeoPackage as the build does."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="neageo-coverage")
    future = pool.submit(_from_layers, layers, write)
    pool.shutdown(wait=False)
    return future


def add_map_coverage(path: Path, started: Future[Records] | None = None) -> None:
    """Store the maps' admin coverage in the GeoPackage ``path``: the one ``started`` if it was made
    from these very geometries, else one made now from the file."""
    geoms = _geoms(path)
    records = started.result() if started is not None else None
    fp = fingerprint(geoms, map_boxes())
    if records is None or any(r["fingerprint"] != fp for r in records.values()):
        if records is not None:
            log.warning("the map coverage simplified during the build was made from other geometries than "
                        "the file's; simplifying again")
        records = to_records(geoms, map_boxes())
    with writing(path) as con:
        write_map_coverage(con, records)
