"""Dask path of :func:`neageo.annotate`: the same annotation, partition by partition.

The prepared layers (:class:`neageo.annotation.index.LayerIndex`, a few MB) are shipped
to the workers once: with a ``dask.distributed`` client they are scattered
(broadcast) before the graph is built; without one they become a single
delayed object that every partition task depends on.  Each partition is then
annotated with the in-memory code, so both paths give identical results.

Install with ``pip install "neageo[dask]"``.
"""

from __future__ import annotations

import logging

import pandas as pd

from .._errors import QueryError
from .core import annotate_frame, empty_result, output_columns
from .index import layer_index
from .points import find_lonlat_columns

__all__ = ["annotate_dask"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


def _import_dask():
    try:
        import dask
        import dask.dataframe as dd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError('annotating a Dask frame needs dask: pip install "neageo[dask]"') from None
    return dask, dd


def _partition(part: pd.DataFrame, index, groups, lon, lat, prefix):
    # one chunk per partition, one thread: the partition's size is the user's choice of memory per task,
    # and Dask runs the partitions in parallel
    return annotate_frame(part, index, groups=groups, lon=lon, lat=lat, prefix=prefix,
                          chunk_rows=max(len(part), 1), workers=1)


def _ship(index):
    """The index as something every partition task can depend on, sent to the workers once."""
    dask, _ = _import_dask()
    try:
        from distributed import default_client

        client = default_client()
    except (ImportError, ValueError):
        client = None
    if client is not None:
        future = client.scatter(index, broadcast=True, hash=False)
        log.info("scattered the neageo layers to %d workers", len(client.scheduler_info()["workers"]))
        return future
    return dask.delayed(index, pure=True, traverse=False)


def annotate_dask(data, *, groups, year=None, lon=None, lat=None, prefix="", gpkg=None):
    """Lazily annotate a dask(-geopandas) DataFrame; returns a frame of the same kind."""
    _, dd = _import_dask()
    if not isinstance(data, dd.DataFrame):
        raise QueryError(f"annotate takes a Dask DataFrame here, not {type(data).__name__}")
    meta = data._meta
    is_geo = hasattr(meta, "geometry") and getattr(meta, "_geometry_column_name", None) in meta
    if not is_geo or lon is not None or lat is not None:
        find_lonlat_columns(meta.columns, lon, lat)  # fail now, on the client, with a clear message
    added = output_columns(groups, prefix)
    clash = [c for c in added if c in meta.columns]
    if clash:
        raise QueryError(f"the data already has column(s) {', '.join(map(repr, clash))}; "
                         f"rename them or add a prefix (prefix='neageo_'; CLI: --prefix neageo_)")
    index = layer_index(gpkg=gpkg, year=year)
    out_meta = meta.copy()
    extra = empty_result(groups, prefix, index=meta.index)
    for c in extra.columns:
        out_meta[c] = extra[c].array if c == prefix + "outside" else extra[c].to_numpy()
    shipped = _ship(index)
    return data.map_partitions(_partition, shipped, groups, lon, lat, prefix, meta=out_meta,
                               align_dataframes=False, enforce_metadata=False)

