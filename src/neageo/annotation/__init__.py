"""Annotate users' rows with the paper's geography: country, province, border, gate, river, place.

:func:`annotate` takes a GeoDataFrame (any CRS) or a DataFrame with lon/lat
columns and returns the same rows, in the same order and with the same index,
with columns added (see :data:`COLUMNS`).  Everything is vectorised over the
rows: prepared polygons for point-in-polygon, and for the nearest border,
river, gate and place the certified geodesic search of :mod:`neageo._nearest`
(k-d tree candidates in Earth-centred coordinates, exact pyproj distances).

Rules
-----
- Non-point geometries are annotated at :func:`shapely.point_on_surface`
  (a point on the line or inside the polygon, computed in lon/lat).
- The *region* is the study box (:data:`neageo.settings.STUDY_BBOX`) plus the
  provinces the GeoPackage holds.  Rows outside it get ``outside=True`` and
  nulls in every other added column; null or empty geometries (or null lon/lat)
  get nulls everywhere, ``outside`` included.
- ``province``: the province whose polygon covers the point (boundary
  included; on a shared boundary the first in layer order).  ``country`` is
  that province's country, else the country polygon covering the point (null
  at sea or outside neageo's countries).
- A line's edges are geodesics between its vertices, as in neageo's lengths.  Ties (a tripoint, a point equidistant from two gates) go to the
  feature first in layer order.
- ``year=Y``: borders in force in year Y (``valid_from``/``valid_to``) and, for
  land in the ``territory_changes`` layer that changed hands after Y, the
  country and province it belonged to then.

The package
-----------
:mod:`~neageo.annotation.core` annotates an in-memory frame chunk by chunk;
:mod:`~neageo.annotation.points` reads and checks the input coordinates;
:mod:`~neageo.annotation.index` prepares neageo's layers (:class:`~neageo.annotation.index.LayerIndex`);
:mod:`~neageo.annotation.dask` runs the same code partition by partition on Dask;
:mod:`~neageo.annotation.files` streams a file through it in bounded memory (``neageo annotate``).
"""

from __future__ import annotations

from pathlib import Path

from .core import COLUMNS, GROUPS, annotate_frame, resolve_columns
from .index import layer_index

__all__ = ["COLUMNS", "GROUPS", "annotate"]


def annotate(
    data,
    *,
    columns: list[str] | tuple[str, ...] | str | None = None,
    year: int | None = None,
    lon: str | None = None,
    lat: str | None = None,
    prefix: str = "",
    workers: int | None = None,
    gpkg: str | Path | None = None,
):
    """Add country, province, border, gate, river and place columns to each row.

    Parameters
    ----------
    data
        A GeoDataFrame (any CRS; points, or other geometries annotated at a
        point on their surface), a DataFrame with longitude/latitude columns in
        degrees (WGS84), or a dask-geopandas / dask DataFrame of either (then
        the result is a lazy dask frame; see the README's Dask section).
    columns
        Groups or column names to add (default all): ``country``,
        ``province`` (``province_id``, ``province``), ``border`` (``border_km``,
        ``border_pair``, ``border_segment``), ``gate`` (``gate``, ``gate_km``),
        ``river`` (``river``, ``river_km``), ``place`` (``place``, ``place_km``).
        ``outside`` is always added.
    year
        Use the borders (and the territory) of that year; default today's.
    lon, lat
        Coordinate columns of a plain DataFrame (default: the first of
        lon/lng/long/longitude/x and lat/latitude/y, any case).
    prefix
        Prepended to every added column name (e.g. ``"neageo_"``) to avoid
        clashes with columns the data already has.
    workers
        Threads for an in-memory frame of more than one chunk (200,000 rows);
        default: the number of cores, at most 4.  The nearest-feature searches
        (k-d trees, pyproj, numpy) run in parallel; the point-in-polygon tests
        share prepared GEOS geometries, which are not safe to query from two
        threads at once, so they take turns.  Dask frames are parallel by
        partition instead.
    gpkg
        GeoPackage to read instead of the default.

    Returns
    -------
    same type as ``data``
        The same rows, order and index, with the added columns.  Distances
        (``*_km``) are geodesic on WGS84, in km.

    Raises
    ------
    QueryError
        for a missing coordinate column, a bad coordinate (the message names
        the row), an unknown column group, or an added column that already exists.

    Examples
    --------
    >>> events = pd.DataFrame({"lon": [130.70, 124.39], "lat": [42.43, 40.10]})   # doctest: +SKIP
    >>> neageo.annotate(events, columns=["province", "border"])                  # doctest: +SKIP
    """
    groups = resolve_columns(columns)
    if _is_dask(data):
        from .dask import annotate_dask

        return annotate_dask(data, groups=groups, year=year, lon=lon, lat=lat, prefix=prefix, gpkg=gpkg)
    index = layer_index(gpkg=gpkg, year=year)
    return annotate_frame(data, index, groups=groups, lon=lon, lat=lat, prefix=prefix, workers=workers)


def _is_dask(data) -> bool:
    return type(data).__module__.split(".")[0] in ("dask", "dask_geopandas", "dask_expr")
