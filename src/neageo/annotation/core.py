"""The in-memory annotation: the columns asked for, and a frame annotated chunk by chunk.

:func:`annotate_frame` takes a pandas or GeoPandas frame and a prepared
:class:`~neageo.annotation.index.LayerIndex` and adds the columns of the
groups asked for (:data:`GROUPS`), chunk by chunk, in threads if asked.  The
public entry point is :func:`neageo.annotate`; the Dask path and the file
path (:mod:`~neageo.annotation.dask`, :mod:`~neageo.annotation.files`) run
each partition or chunk through :func:`annotate_frame`, so every road gives
the same answers.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from .._errors import QueryError
from .index import LayerIndex
from .points import point_coordinates

__all__ = ["COLUMNS", "DEFAULT_CHUNK_ROWS", "GROUPS", "annotate_frame", "default_workers", "empty_result",
           "output_columns", "resolve_columns"]

#: The column groups :func:`~neageo.annotate` can add, and the columns of each.
GROUPS: dict[str, tuple[str, ...]] = {
    "country": ("country",),
    "province": ("province_id", "province"),
    "border": ("border_km", "border_pair", "border_segment"),
    "gate": ("gate", "gate_km"),
    "river": ("river", "river_km"),
    "place": ("place", "place_km"),
}
#: Every column :func:`~neageo.annotate` adds, in order (``outside`` always comes first).
COLUMNS: tuple[str, ...] = ("outside", *(c for cols in GROUPS.values() for c in cols))
#: pandas' default dtype for text (``str`` in pandas 3, as Dask makes it; object before).
_TEXT = pd.Series(["text"]).dtype
_FLOAT_COLUMNS = frozenset({"border_km", "gate_km", "river_km", "place_km"})
#: Rows processed at once (bounds memory on big inputs).
DEFAULT_CHUNK_ROWS = 200_000


def resolve_columns(columns) -> tuple[str, ...]:
    """The groups a ``columns=`` value asks for (groups or column names; default all)."""
    if columns is None:
        return tuple(GROUPS)
    if isinstance(columns, str):
        columns = [c.strip() for c in columns.split(",") if c.strip()]
    wanted: list[str] = []
    for name in columns:
        group = name if name in GROUPS else next((g for g, cols in GROUPS.items() if name in cols), None)
        if group is None:
            if name == "outside":
                continue
            raise QueryError(f"unknown annotation column {name!r}; choose from: {', '.join(dict.fromkeys([*GROUPS, *COLUMNS[1:]]))}")
        if group not in wanted:
            wanted.append(group)
    return tuple(g for g in GROUPS if g in wanted)


def output_columns(groups, prefix: str = "") -> list[str]:
    """Names of the columns :func:`annotate` adds for ``groups``."""
    return [prefix + c for c in ("outside", *(c for g in groups for c in GROUPS[g]))]


def empty_result(groups, prefix: str = "", index=None) -> pd.DataFrame:
    """A zero-row (or all-null) frame with the added columns and their dtypes."""
    index = pd.RangeIndex(0) if index is None else index
    out: dict[str, Any] = {}
    for c in output_columns(groups):
        if c == "outside":
            out[prefix + c] = pd.array([pd.NA] * len(index), dtype="boolean")
        elif c in _FLOAT_COLUMNS:
            out[prefix + c] = np.full(len(index), np.nan)
        else:
            out[prefix + c] = np.full(len(index), None, dtype=object)
    return pd.DataFrame(out, index=index)


def default_workers() -> int:
    """Threads used when ``workers`` is not given: the number of cores, at most 4."""
    return max(1, min(os.cpu_count() or 1, 4))


def _workers(workers: int | None, chunks: int) -> int:
    if workers is None:
        workers = default_workers()
    if not isinstance(workers, int) or workers < 1:
        raise QueryError(f"workers must be a whole number >= 1, not {workers!r}")
    return max(1, min(workers, chunks))


def annotate_frame(data, index: LayerIndex, *, groups, lon=None, lat=None, prefix: str = "",
                   chunk_rows: int = DEFAULT_CHUNK_ROWS, workers: int | None = 1):
    """:func:`annotate` for an in-memory frame and a prepared :class:`LayerIndex`."""
    if not isinstance(data, pd.DataFrame):
        raise QueryError(f"annotate takes a GeoDataFrame or a DataFrame with lon/lat columns, not {type(data).__name__}")
    added = output_columns(groups, prefix)
    clash = [c for c in added if c in data.columns]
    if clash:
        raise QueryError(f"the data already has column(s) {', '.join(map(repr, clash))}; "
                         f"rename them or add a prefix (prefix='neageo_'; CLI: --prefix neageo_)")
    x, y = point_coordinates(data, lon=lon, lat=lat)
    starts = range(0, len(x), chunk_rows)

    def run(start: int) -> dict[str, np.ndarray]:
        return index.annotate_xy(x[start:start + chunk_rows], y[start:start + chunk_rows], groups)

    workers = _workers(workers, len(starts))
    if workers > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(workers, thread_name_prefix="neageo-annotate") as pool:
            parts = list(pool.map(run, starts))
    else:
        parts = [run(s) for s in starts]
    result = {c: np.concatenate([p[c] for p in parts]) for c in output_columns(groups)} if parts else {}
    frame = empty_result(groups, prefix, index=data.index)
    for c, values in result.items():
        if c == "outside":
            frame[prefix + c] = pd.array(values, dtype="boolean")
        else:
            frame[prefix + c] = values
    out = data.copy()
    for c in frame.columns:
        if c == prefix + "outside":
            out[c] = frame[c].array
        elif frame[c].dtype == object:
            out[c] = pd.array(frame[c].to_numpy(), dtype=_TEXT)  # type: ignore[arg-type]  # stubs want a dtype name
        else:
            out[c] = frame[c].to_numpy()
    return out
