"""Streaming a file through the annotation: reading, annotating and writing overlap, in bounded memory.

:func:`run_pipeline` reads the next chunk while the current one is annotated (its rows shared
between the cores) and the previous one is written; at most three chunks are in memory at once.
Reading, writing (pyarrow) and most of the annotation (numpy, scipy, pyproj) release the GIL, so
the stages run in parallel on threads.

:func:`annotate_csv_rows` is the CSV-to-CSV road of ``neageo annotate``: every row's text is
written back exactly as read, with the added cells after it (:mod:`~neageo.annotation.csvrows`);
only the coordinate columns are parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._errors import DataError, QueryError
from .core import concat_parts, default_workers, output_columns
from .csvrows import CsvFormatError, CsvRows, RowBlock, RowWriter, coded_text, csv_text
from .index import Coded, LayerIndex
from .points import find_lonlat_columns, point_coordinates

__all__ = ["annotate_csv_rows", "annotate_xy_shared", "run_pipeline"]

In = TypeVar("In")
Out = TypeVar("Out")


def run_pipeline(chunks: Iterable[In], annotate: Callable[[In], Out], write: Callable[[In, Out], None]) -> None:
    """``write(chunk, annotate(chunk))`` for every chunk, in order: the next chunk read ahead, the last one
    written behind (one thread each), so that at most three chunks are held at once."""
    it: Iterator[In] = iter(chunks)
    done = object()
    with ThreadPoolExecutor(1, thread_name_prefix="neageo-read") as reader, \
            ThreadPoolExecutor(1, thread_name_prefix="neageo-write") as writer:
        ahead: Future[Any] = reader.submit(next, it, done)
        behind: Future[None] | None = None
        try:
            while (chunk := ahead.result()) is not done:
                ahead = reader.submit(next, it, done)
                result = annotate(chunk)
                if behind is not None:
                    behind.result()
                behind = writer.submit(write, chunk, result)
            if behind is not None:
                behind.result()
        finally:  # on an error: let the read ahead finish before the threads are joined
            ahead.cancel()


def annotate_xy_shared(index: LayerIndex, x: np.ndarray, y: np.ndarray, groups,
                       workers: int | None = None) -> dict[str, np.ndarray | Coded]:
    """:meth:`LayerIndex.annotate_xy` of one chunk, its rows shared between ``workers`` threads (default: cores)."""
    workers = workers or default_workers()
    step = max(-(-len(x) // workers), 1)
    starts = list(range(0, len(x), step))
    if len(starts) <= 1:
        return index.annotate_xy(x, y, groups)
    with ThreadPoolExecutor(len(starts), thread_name_prefix="neageo-annotate") as pool:
        parts = list(pool.map(lambda s: index.annotate_xy(x[s:s + step], y[s:s + step], groups), starts))
    return concat_parts(parts)


def _coordinates(block: RowBlock, lon: str, lat: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of a block's rows: parsed by Arrow, or, for anything Arrow's number parser
    does not take, by the in-memory path's checks (which name the row of a bad value)."""
    try:
        x, y = (pc.cast(block.columns.column(c), pa.float64()).to_numpy(zero_copy_only=False) for c in (lon, lat))
        x, y = np.array(x, dtype=float), np.array(y, dtype=float)
        if ((np.abs(x) <= 180) | np.isnan(x)).all() and ((np.abs(y) <= 90) | np.isnan(y)).all():
            missing = np.isnan(x) | np.isnan(y)
            x[missing], y[missing] = np.nan, np.nan
            return x, y
    except pa.ArrowInvalid:
        pass
    frame = block.columns.to_pandas()
    frame.index = pd.RangeIndex(block.first_row, block.first_row + len(block))
    return point_coordinates(frame, lon=lon, lat=lat)


def _cells(columns: dict[str, np.ndarray | Coded], groups, sep: str) -> list[pa.Array]:
    """The added cells of a block as CSV text, in the order of :func:`output_columns`."""
    cells = []
    for name in output_columns(groups):
        col = columns[name]
        if name == "outside":
            valid = np.asarray(columns["valid"])
            cells.append(csv_text(pa.array(np.asarray(col), mask=~valid), sep=sep))
        elif isinstance(col, Coded):
            cells.append(coded_text(col.codes, col.values, sep=sep))
        else:
            cells.append(csv_text(np.asarray(col), sep=sep))
    return cells


def annotate_csv_rows(src: Path, tmp: Path, index: LayerIndex, *, groups, sep: str, lon: str | None,
                      lat: str | None, prefix: str, chunk_rows: int,
                      progress: Callable[[int, int | None], None] | None) -> tuple[int, int, int]:
    """Annotate the CSV ``src`` into the CSV ``tmp``, rows kept as text; returns (rows, outside, chunks)."""
    total = src.stat().st_size
    counts = [0, 0, 0]
    try:
        with CsvRows(src, sep=sep, chunk_rows=chunk_rows) as reader, open(tmp, "wb") as fh:
            names = reader.names
            if not names:
                raise DataError(f"{src}: the file has no rows and no columns to annotate")
            if len(set(names)) != len(names):
                raise QueryError("the input has duplicate column names; rename them first")
            lon_col, lat_col = find_lonlat_columns(names, lon, lat)
            added = output_columns(groups, prefix)
            clash = [c for c in added if c in names]
            if clash:
                raise QueryError(f"the data already has column(s) {', '.join(map(repr, clash))}; "
                                 f"rename them or add a prefix (CLI: --prefix neageo_)")
            writer = RowWriter(fh, reader.header, added, sep=sep)

            def annotate(block: RowBlock) -> dict[str, np.ndarray | Coded]:
                x, y = _coordinates(block, lon_col, lat_col)
                return annotate_xy_shared(index, x, y, groups)

            def write(block: RowBlock, columns: dict[str, np.ndarray | Coded]) -> None:
                writer.write(block.rows, _cells(columns, groups, sep))
                counts[0] += len(block)
                counts[1] += int(np.count_nonzero(np.asarray(columns["outside"])))
                counts[2] += 1
                if progress:
                    progress(reader.raw_bytes_read, total)

            run_pipeline(reader.blocks([lon_col, lat_col]), annotate, write)
    except CsvFormatError as exc:
        raise DataError(f"{src}: cannot read it as csv ({exc})") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{src}: cannot read it as csv ({exc.reason})") from None
    return counts[0], counts[1], counts[2]
