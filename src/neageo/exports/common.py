"""What every exporter shares: the layers asked for, safe output paths, atomic GDAL writes, and errors.

Output paths are built from checked layer names and must resolve inside the
output folder (:func:`inside`); an output folder that cannot be written is an
:class:`~neageo.OutputError`, and so are files an export would replace unless
``overwrite=True`` (:func:`existing_outputs`); GDAL writes to a temporary name
that is moved into place only when complete (:func:`gdal_write`); GDAL,
pyogrio, SQLite and file-system errors become :class:`~neageo.ExportError`
(:func:`writing`).
What describes the layers (titles, column descriptions, default styles) is read
from the source GeoPackage by :func:`descriptions`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .._atomic import ensure_folder
from .._errors import ExportError, LayerNotFound, NeageoError, OutputError, shown
from .._postgis import SAFE_NAME
from ..gpkg import contents, data_columns, default_styles, read_only
from ..io import layer_names
from ..io import layers as list_layers

__all__ = ["PARTS", "descriptions", "existing_outputs", "gdal_write", "inside", "narrow_integers", "out_folder",
           "selected", "writing"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: Geometry type -> the kind a mixed layer is split by (shapefiles, PostGIS views).
PARTS = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line",
         "Polygon": "polygon", "MultiPolygon": "polygon"}
#: The files of one shapefile, moved into place together.
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
#: Tables that describe the others; never exported as layers of their own.
_DESCRIPTIVE = ("layer_styles",)


def inside(out: Path, name: str, suffix: str) -> Path:
    """``out/name+suffix``, refusing names that could leave ``out``."""
    if not SAFE_NAME.match(name):
        raise ExportError(f"refusing layer name {name!r} as a file name (letters, digits, _ and - only)")
    target = (out / f"{name}{suffix}").resolve()
    if not target.is_relative_to(out.resolve()):
        raise ExportError(f"refusing to write {target} outside {out}")
    return target


def selected(layers: str | Sequence[str] | None, gpkg: str | Path | None) -> list[str]:
    """The layers to export: ``layers`` (one name or several; checked, in order, once each), or every layer."""
    catalogue = list_layers(gpkg=gpkg)
    available = [n for n in catalogue["name"] if n not in _DESCRIPTIVE]
    names = layer_names(layers)
    if not names:
        return available
    unknown = [n for n in names if n not in available]
    if unknown:
        raise LayerNotFound(f"no layer(s) {', '.join(map(shown, unknown))}; available: {', '.join(available)}")
    return list(dict.fromkeys(names))


def out_folder(out: str | Path) -> Path:
    """The output folder, created if needed; :class:`~neageo.OutputError` (path and reason) when it cannot be."""
    return ensure_folder(out)


def existing_outputs(folder: Path, names: Sequence[str], *, single: str | None = None) -> list[Path]:
    """Files in ``folder`` an export of ``names`` would replace: the layers' own files (``<name>.*``, a split
    shapefile's ``<name>_point.*`` ...) and ``codebook.csv``; or only ``single`` (a GeoPackage export)."""
    if single is not None:
        return [folder / single] if (folder / single).exists() else []
    stems = {f"{n}{part}" for n in names for part in ("", "_point", "_line", "_polygon")}
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and (p.name == "codebook.csv" or p.name.split(".", 1)[0] in stems))


def refuse_replacing(existing: list[Path]) -> None:
    """:class:`~neageo.OutputError` naming the first file an export would replace, and how many more."""
    if existing:
        more = f" (and {len(existing) - 1} more files this export writes)" if len(existing) > 1 else ""
        raise OutputError(f"{existing[0]} exists{more}; pass --force (overwrite=True) to replace them, "
                          "or choose another --out")


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Translate GDAL/pyogrio and file-system errors while writing ``path`` into :class:`ExportError`."""
    import pyogrio.errors

    try:
        yield
    except NeageoError:
        raise
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, sqlite3.Error) as exc:
        raise ExportError(f"could not write {path.name} ({str(exc).strip().splitlines()[0]})") from None


def narrow_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """64-bit integers (nullable or not) that fit in 32 bits as 32-bit ones.

    GDAL's file drivers all write a 32-bit integer as an integer; KML writes a 64-bit one
    as a string (``border_id`` became ``type="string"``), and shapefiles widen it.
    """
    out = frame.copy()
    for col in out.columns:
        dtype = out[col].dtype
        nullable = isinstance(dtype, pd.Int64Dtype)
        if not nullable and not (getattr(dtype, "kind", "") == "i" and getattr(dtype, "itemsize", 0) == 8):
            continue
        vals = out[col].dropna()
        if vals.empty or (vals.abs() < 2**31).all():
            out[col] = out[col].astype("Int32" if nullable else "int32")
    return out


def gdal_write(frame: pd.DataFrame, path: Path, driver: str, **options: Any) -> list[Path]:
    """Write ``frame`` with GDAL to a temporary name, then move it (and a shapefile's companions) into place."""
    import pyogrio

    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    moved: list[Path] = []
    try:
        with writing(path):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                pyogrio.write_dataframe(narrow_integers(frame), tmp, driver=driver, **options)
            for w in caught:  # e.g. DBF's 254-character limit: log, do not print
                log.info("%s: %s", path.name, w.message)
            if driver == "ESRI Shapefile":  # a shapefile is several files: move each companion too
                for ext in _SHAPEFILE_PARTS:
                    part = tmp.with_suffix(ext)
                    if part.exists():
                        os.replace(part, path.with_suffix(ext))
                        moved.append(path.with_suffix(ext))
            else:
                os.replace(tmp, path)
                moved.append(path)
    finally:
        for leftover in tmp.parent.glob(f"{tmp.stem}.*"):
            leftover.unlink(missing_ok=True)
    return moved


def descriptions(path: Path) -> tuple[dict[str, tuple[str, str]], dict[str, dict[str, tuple[str, str]]], dict[str, str]]:
    """(layer -> (title, description), layer -> column -> (alias, description), layer -> default QML)."""
    with read_only(path) as con:
        about = {t: (i or t, d or "") for t, (i, d) in contents(con).items()}
        columns = {t: {c: (n or c, text or "") for c, (n, text) in cols.items()} for t, cols in data_columns(con).items()}
        styles = default_styles(con)
    return about, columns, styles
