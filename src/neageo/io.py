"""Reading neageo's GeoPackage: which layers it has, and any layer as a (Geo)DataFrame.

Every reader here takes ``gpkg=`` (default, in order: ``$NEAGEO_GPKG``, the
checkout's ``geodata/neageo.gpkg``, the copy packaged with neageo; see
:func:`neageo.settings.gpkg_choice`).  Errors from GDAL/pyogrio are translated at this
boundary into :class:`neageo.DataError` / :class:`neageo.LayerNotFound` with a
message that says what to do.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

from ._errors import DataError, LayerNotFound, QueryError
from .settings import gpkg_choice

__all__ = ["gpkg_path", "layers", "read"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: GeoPackage's SQLite application_id ("GPKG").
_GPKG_APPLICATION_ID = 0x47504B47


def gpkg_path(gpkg: str | Path | None = None) -> Path:
    """Resolve and check the GeoPackage to read; raise :class:`DataError` if unusable."""
    path, chosen_by = (Path(gpkg), "gpkg=") if gpkg is not None else gpkg_choice()
    if not path.is_file():
        hints = {
            "gpkg=": "check the path",
            "NEAGEO_GPKG": "point NEAGEO_GPKG at an existing neageo.gpkg, or unset it to use the packaged data",
        }
        hint = hints.get(chosen_by, "this installation lacks its packaged data: reinstall neageo from a wheel "
                                    "(which includes it), or set NEAGEO_GPKG to a neageo.gpkg")
        raise DataError(f"{path}: GeoPackage not found; {hint}")
    stat = path.stat()
    _catalogue(str(path), stat.st_mtime_ns, stat.st_size)  # validates, cached while the file is unchanged
    return path


@lru_cache(maxsize=8)
def _catalogue(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    """Table name, kind, description, geometry type and count of a GeoPackage (cached per file version)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
            (app_id,) = con.execute("PRAGMA application_id").fetchone()
            rows = con.execute(
                "SELECT c.table_name, c.data_type, c.identifier, c.description, g.geometry_type_name "
                "FROM gpkg_contents c LEFT JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
                "ORDER BY c.table_name"
            ).fetchall()
            counts = {}
            for name, *_ in rows:
                (counts[name],) = con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()
    except sqlite3.DatabaseError as exc:
        raise DataError(f"{path}: not a readable GeoPackage ({exc}); rebuild it with `neageo build`") from None
    if app_id != _GPKG_APPLICATION_ID:
        raise DataError(f"{path}: not a GeoPackage (SQLite application_id {app_id:#x}); rebuild it with `neageo build`")
    frame = pd.DataFrame(rows, columns=["name", "kind", "title", "description", "geometry_type"])
    frame["kind"] = frame["kind"].map({"features": "spatial", "attributes": "table"}).fillna(frame["kind"])
    frame["features"] = frame["name"].map(counts)
    return frame


def layers(*, gpkg: str | Path | None = None) -> pd.DataFrame:
    """List the GeoPackage's layers and tables.

    Returns
    -------
    pandas.DataFrame
        One row per table: ``name``, ``kind`` (spatial or table), ``title``,
        ``description``, ``geometry_type``, ``features``.

    Examples
    --------
    >>> import neageo
    >>> neageo.layers()[["name", "features"]].head(3)  # doctest: +SKIP
    """
    path = gpkg_path(gpkg)
    stat = path.stat()
    return _catalogue(str(path), stat.st_mtime_ns, stat.st_size).copy()


def read(
    layer: str,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    where: str | None = None,
    gpkg: str | Path | None = None,
    source: str | None = None,
    year: int | None = None,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read one layer as a GeoDataFrame (EPSG:4326), or a table as a DataFrame.

    Parameters
    ----------
    layer
        Layer name (see :func:`layers`).
    bbox
        ``(west, south, east, north)`` in degrees: only features intersecting it.
    where
        An SQL ``WHERE`` expression on the layer's columns, e.g. ``"iso_a3 = 'PRK'"``.
    gpkg
        GeoPackage to read instead of the default.
    source
        A ``postgresql://`` URL to read the layer from PostGIS instead (see :mod:`neageo.exports`).
    year
        Only features in force in that year, for layers with ``valid_from`` / ``valid_to``
        columns (``borders``): ``valid_from`` is null or <= year, and ``valid_to`` is null or
        > year.  Without it, every version is returned (the borders layer then holds the
        Heixiazi / Bolshoy Ussuriysky stretch twice: before and after 2008).

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        A GeoDataFrame for a layer with geometry, a DataFrame for a table
        without (``paper_tables``, ``paper_checks``, ...).  Narrow it with
        ``isinstance(frame, geopandas.GeoDataFrame)`` where the kind matters.

    Examples
    --------
    >>> rivers = neageo.read("rivers")                      # doctest: +SKIP
    >>> gates = neageo.read("customs_gates", where="border = 'CHN-RUS'")  # doctest: +SKIP
    >>> borders_2005 = neageo.read("borders", year=2005)    # doctest: +SKIP
    """
    if year is not None:
        where = _year_where(layer, year, where)
    if source is not None:
        from .exports import read_postgis

        return read_postgis(layer, source, bbox=bbox, where=where)
    import pyogrio

    path = gpkg_path(gpkg)
    stat = path.stat()
    cat = _catalogue(str(path), stat.st_mtime_ns, stat.st_size)
    if layer not in set(cat["name"]):
        names = ", ".join(cat["name"])
        raise LayerNotFound(f"{path.name} has no layer {layer!r}; it has: {names}")
    if bbox is not None:
        bbox = _check_bbox(bbox)
    try:
        frame: gpd.GeoDataFrame | pd.DataFrame = pyogrio.read_dataframe(
            path, layer=layer, bbox=bbox, where=where, use_arrow=True
        )
        return frame
    except Exception as exc:  # pyogrio raises several classes; all mean the same to a user here
        if (where is not None and "where" in str(exc).lower()) or "SQL" in str(exc):
            raise QueryError(f"invalid where clause {where!r}: {exc}") from None
        raise DataError(f"{path}: cannot read layer {layer!r} ({exc}); rebuild it with `neageo build`") from None


#: Layers whose features carry validity years.
DATED_LAYERS = ("borders",)


def _year_where(layer: str, year: Any, where: str | None) -> str:
    """SQL for "in force in ``year``", combined with the caller's ``where``."""
    if layer not in DATED_LAYERS:
        raise QueryError(f"layer {layer!r} has no validity years; year= works with: {', '.join(DATED_LAYERS)}")
    import operator

    try:
        if isinstance(year, bool):
            raise TypeError
        y = operator.index(year)
    except TypeError:
        raise QueryError(f"year must be a whole number such as 2005, not {year!r}") from None
    clause = f"(valid_from IS NULL OR valid_from <= {y}) AND (valid_to IS NULL OR {y} < valid_to)"
    return clause if where is None else f"({where}) AND {clause}"


def _check_bbox(bbox: Any) -> tuple[float, float, float, float]:
    import math

    try:
        w, s, e, n = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise QueryError("bbox must be four numbers: (west, south, east, north)") from None
    if not all(math.isfinite(v) for v in (w, s, e, n)) or w > e or s > n or s < -90 or n > 90:
        raise QueryError(f"bbox {bbox!r} is not a valid (west, south, east, north) box in degrees")
    return (w, s, e, n)
