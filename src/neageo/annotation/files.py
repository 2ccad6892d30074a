"""Annotate a file of rows (CSV, Parquet/GeoParquet, GeoPackage, GeoJSON) in bounded memory.

:func:`annotate_file` streams the input in chunks of ``chunk_rows`` rows,
annotates each with :func:`neageo.annotate`'s in-memory code and appends it to
the output, so memory stays flat whatever the file's size.  The output is
written beside its target and renamed over it only when complete.

CSV columns are read and written back as text (values round-trip unchanged);
coordinates come from the lon/lat columns.  Geometry files keep their geometry
and CRS; a CSV written from one gets a WKT ``geometry`` column, a GeoPackage or
GeoJSON written from a CSV gets points from lon/lat (EPSG:4326).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from .._atomic import atomic_target, ensure_folder
from .._errors import DataError, ExportError, OutputError, QueryError
from .core import DEFAULT_CHUNK_ROWS, annotate_frame, default_workers, output_columns, resolve_columns
from .index import layer_index
from .points import find_lonlat_columns

__all__ = ["FORMATS", "AnnotateReport", "annotate_file"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: File formats by suffix.
FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".gz": "csv",
    ".parquet": "parquet", ".geoparquet": "parquet", ".pq": "parquet",
    ".gpkg": "gpkg",
    ".geojson": "geojson", ".json": "geojson",
}

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class AnnotateReport:
    """What :func:`annotate_file` did."""

    path: Path
    rows: int
    outside: int
    chunks: int


def file_format(path: Path, fmt: str | None = None) -> str:
    """The format of ``path`` (from ``fmt`` or its suffix)."""
    if fmt:
        if fmt not in set(FORMATS.values()):
            raise QueryError(f"unknown format {fmt!r}; choose from: {', '.join(sorted(set(FORMATS.values())))}")
        return fmt
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise QueryError(f"{path}: cannot tell the format from {suffix or 'no suffix'!r}; use one of "
                         f"{', '.join(sorted(FORMATS))} or pass --format")
    return FORMATS[suffix]


# ------------------------------------------------------------------------------------------------ readers


def _read_chunks(path: Path, fmt: str, chunk_rows: int, progress: Progress | None) -> Iterator[pd.DataFrame]:
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        if fmt == "csv":
            yield from _csv_chunks(path, chunk_rows, progress)
        elif fmt == "parquet":
            yield from _parquet_chunks(path, chunk_rows, progress)
        else:
            yield from _ogr_chunks(path, chunk_rows, progress)
    except (QueryError, DataError, ExportError):
        raise
    except (OSError, ValueError, UnicodeDecodeError, RuntimeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{path}: cannot read it as {fmt} ({reason})") from None
    except Exception as exc:  # pyogrio/pyarrow/pandas raise many classes for a damaged file
        if type(exc).__module__.split(".")[0] in ("pyogrio", "pyarrow", "pandas"):
            raise DataError(f"{path}: cannot read it as {fmt} ({str(exc).splitlines()[0]})") from None
        raise


def _csv_chunks(path, chunk_rows, progress):
    sep = "\t" if path.suffix.lower() == ".tsv" or path.name.lower().endswith(".tsv.gz") else ","
    total = path.stat().st_size
    with open(path, "rb") as raw:
        reader = pd.read_csv(raw, sep=sep, dtype=str, chunksize=chunk_rows, compression="infer"
                             if path.suffix.lower() != ".gz" else "gzip", encoding="utf-8")
        for chunk in reader:
            yield chunk
            if progress:
                progress(raw.tell(), total)


def _parquet_chunks(path, chunk_rows, progress):
    import pyarrow.parquet as pq
    import shapely

    pf = pq.ParquetFile(path)
    meta = pf.schema_arrow.metadata or {}
    geo = json.loads(meta[b"geo"]) if b"geo" in meta else None
    total, done = pf.metadata.num_rows, 0
    for batch in pf.iter_batches(batch_size=chunk_rows):
        frame = batch.to_pandas()
        if geo:
            import geopandas as gpd

            col = geo.get("primary_column", "geometry")
            crs = geo["columns"][col].get("crs", "OGC:CRS84")
            geoms = shapely.from_wkb(frame[col].to_numpy(dtype=object))
            frame = gpd.GeoDataFrame(frame.drop(columns=col), geometry=geoms,
                                     crs=4326 if crs in (None, "OGC:CRS84") else crs)
            frame = frame.rename_geometry(col) if col != "geometry" else frame
        done += len(frame)
        yield frame
        if progress:
            progress(done, total)


def _ogr_chunks(path, chunk_rows, progress):
    import geopandas as gpd
    import pyogrio
    import shapely
    from pyogrio.raw import open_arrow

    total = pyogrio.read_info(path).get("features")
    done = 0
    with open_arrow(path, batch_size=chunk_rows, use_pyarrow=True) as (meta, reader):
        geom_col = meta.get("geometry_name") or "wkb_geometry"
        crs = meta.get("crs") or "EPSG:4326"
        for batch in reader:
            frame = batch.to_pandas()
            geoms = shapely.from_wkb(frame.pop(geom_col).to_numpy(dtype=object)) if geom_col in frame else None
            frame = gpd.GeoDataFrame(frame, geometry=geoms, crs=crs)
            done += len(frame)
            yield frame
            if progress:
                progress(done, total if total and total > 0 else None)


# ------------------------------------------------------------------------------------------------ writers


class _Writer:
    def __init__(self, tmp: Path, fmt: str, layer: str):
        self.tmp, self.fmt, self.layer = tmp, fmt, layer
        self.count = 0
        self._pq: Any = None  # a pyarrow.parquet.ParquetWriter (pyarrow has no type information)
        self._schema: Any = None  # its pyarrow.Schema
        self._fh: TextIO | None = None
        self._wrote = False  # a GeoJSON feature was written (the next needs a comma)

    def write(self, frame: pd.DataFrame) -> None:
        getattr(self, f"_{self.fmt}")(frame)
        self.count += 1

    def _csv(self, frame):
        import geopandas as gpd

        if isinstance(frame, gpd.GeoDataFrame):
            geom = frame.geometry.name
            frame = pd.DataFrame(frame).assign(**{str(geom): frame.geometry.to_wkt()})
        frame.to_csv(self.tmp, mode="a" if self.count else "w", header=not self.count, index=False,
                     lineterminator="\n")

    def _parquet(self, frame):
        import geopandas as gpd
        import pyarrow as pa
        import pyarrow.parquet as pq

        geo = None
        if isinstance(frame, gpd.GeoDataFrame):
            col = frame.geometry.name
            wkb = frame.geometry.to_wkb()
            crs = frame.crs.to_json_dict() if frame.crs is not None else None
            types = sorted(set(frame.geometry.geom_type.dropna().unique()))
            geo = {"version": "1.0.0", "primary_column": col,
                   "columns": {col: {"encoding": "WKB", "geometry_types": types, "crs": crs}}}
            frame = pd.DataFrame(frame).assign(**{str(col): wkb})
        table = pa.Table.from_pandas(frame, preserve_index=False)
        if self._schema is None:
            fields = [pa.field(f.name, pa.string() if pa.types.is_null(f.type) else f.type) for f in table.schema]
            meta = dict(table.schema.metadata or {})
            if geo:
                meta[b"geo"] = json.dumps(geo).encode()
            self._schema = pa.schema(fields, metadata=meta)
            self._pq = pq.ParquetWriter(self.tmp, self._schema)
        self._pq.write_table(table.cast(self._schema))

    def _gpkg(self, frame):
        import pyogrio

        pyogrio.write_dataframe(_as_geo(frame), self.tmp, layer=self.layer, driver="GPKG", append=bool(self.count))

    def _geojson(self, frame):
        geo = _as_geo(frame)
        if geo.crs is not None and not geo.crs.equals(4326):
            geo = geo.to_crs(4326)  # RFC 7946: GeoJSON is lon/lat WGS84
        if self._fh is None:
            self._fh = open(self.tmp, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
            self._fh.write('{"type": "FeatureCollection", "features": [\n')
        features = json.loads(geo.to_json(drop_id=True, na="null", ensure_ascii=False))["features"]
        text = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
        if text:
            self._fh.write((",\n" if self._wrote else "") + text)
            self._wrote = True

    def close(self, *, empty_frame: pd.DataFrame | None = None) -> None:
        if self.count == 0 and empty_frame is not None:
            self.write(empty_frame)
        if self._pq is not None:
            self._pq.close()
        if self._fh is not None:
            self._fh.write("\n]}\n")
            self._fh.close()


def _as_geo(frame):
    import geopandas as gpd

    if isinstance(frame, gpd.GeoDataFrame):
        return frame
    lon, lat = frame.attrs["_neageo_lonlat"]
    x = pd.to_numeric(frame[lon], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(frame[lat], errors="coerce").to_numpy(dtype=float)
    import shapely

    pts = shapely.points(x, y)
    pts[np.isnan(x) | np.isnan(y)] = None
    return gpd.GeoDataFrame(frame, geometry=pts, crs=4326)


# ---------------------------------------------------------------------------------------------- the driver


def annotate_file(
    src: str | Path,
    out: str | Path,
    *,
    columns=None,
    year: int | None = None,
    lon: str | None = None,
    lat: str | None = None,
    prefix: str = "",
    in_format: str | None = None,
    out_format: str | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    gpkg: str | Path | None = None,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> AnnotateReport:
    """Annotate every row of ``src`` and write the result to ``out``, streaming in chunks.

    Rows are numbered from 1 in error messages (the first data row of a CSV is row 1).  An existing
    ``out`` is replaced only with ``overwrite=True`` (CLI ``--force``); otherwise it is an
    :class:`~neageo.OutputError`, before any work.

    Returns
    -------
    AnnotateReport
        The output path, the number of rows, how many were outside the region, and of chunks.
    """
    src, out = Path(src), Path(out)
    fin, fout = file_format(src, in_format), file_format(out, out_format)
    if src.resolve() == out.resolve():
        raise ExportError(f"{out}: the output would overwrite the input; choose another --out")
    if out.exists() and not overwrite:
        raise OutputError(f"{out} exists; pass --force (overwrite=True) to replace it, or choose another --out")
    ensure_folder(out.parent)
    if chunk_rows < 1:
        raise QueryError(f"chunk size must be at least 1 row, not {chunk_rows}")
    groups = resolve_columns(columns)
    index = layer_index(gpkg=gpkg, year=year)
    rows = outside = chunks = 0
    first_empty = None
    with atomic_target(out, suffix=out.suffix) as tmp:
        writer = _Writer(tmp, fout, layer=out.stem)
        try:
            for chunk in _read_chunks(src, fin, chunk_rows, progress):
                chunk.index = pd.RangeIndex(rows + 1, rows + 1 + len(chunk))
                if not hasattr(chunk, "geometry") or lon is not None:
                    chunk.attrs["_neageo_lonlat"] = find_lonlat_columns(chunk.columns, lon, lat)
                # each chunk is shared out between the cores (threads; see annotate's ``workers``)
                done = annotate_frame(chunk, index, groups=groups, lon=lon, lat=lat, prefix=prefix,
                                      chunk_rows=max(-(-len(chunk) // default_workers()), 1), workers=None)
                if chunks == 0 and fout == "csv":
                    _check_csv_columns(done)
                outside += int(done[prefix + "outside"].sum())
                rows += len(chunk)
                chunks += 1
                if len(done):
                    writer.write(done)
                elif first_empty is None:
                    first_empty = done
        finally:
            writer.close(empty_frame=first_empty if writer.count == 0 else None)
        if writer.count == 0 and first_empty is None:
            raise DataError(f"{src}: the file has no rows and no columns to annotate")
    log.info("annotated %d rows of %s in %d chunks -> %s", rows, src, chunks, out)
    return AnnotateReport(path=out, rows=rows, outside=outside, chunks=chunks)


def _check_csv_columns(frame: pd.DataFrame) -> None:
    names = [str(c) for c in frame.columns]
    if len(set(names)) != len(names):
        raise QueryError("the input has duplicate column names; rename them first")


def added_columns(columns=None, prefix: str = "") -> list[str]:
    """The columns :func:`annotate_file` adds (for the CLI's summary)."""
    return output_columns(resolve_columns(columns), prefix)
