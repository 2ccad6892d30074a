"""The points to annotate: longitude and latitude arrays from a GeoDataFrame or from lon/lat columns.

Coordinates are checked on the way in: a value that is not a number, or a
longitude or latitude out of range, is a :class:`~neageo.QueryError` naming the
row.  Non-point geometries are annotated at :func:`shapely.point_on_surface`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from .._errors import QueryError

__all__ = ["find_lonlat_columns", "point_coordinates"]

_LON_NAMES = ("lon", "lng", "long", "longitude", "x")
_LAT_NAMES = ("lat", "latitude", "y")


def find_lonlat_columns(columns, lon: str | None, lat: str | None) -> tuple[str, str]:
    """The longitude and latitude column names (given, or detected by common names)."""
    cols = [str(c) for c in columns]
    lower = {c.lower(): c for c in cols}
    found = []
    for given, names, what in ((lon, _LON_NAMES, "longitude"), (lat, _LAT_NAMES, "latitude")):
        if given is not None:
            if given not in cols:
                raise QueryError(f"no column {given!r} in the data (for the {what}); it has: {', '.join(cols)}")
            found.append(given)
            continue
        name = next((lower[n] for n in names if n in lower), None)
        if name is None:
            opt = "lon" if what == "longitude" else "lat"
            raise QueryError(f"cannot find a {what} column among: {', '.join(cols)}; name it with {opt}=... "
                             f"(CLI: --{opt} NAME)")
        found.append(name)
    return found[0], found[1]


def _bad_row(data, mask) -> str:
    pos = int(np.flatnonzero(mask)[0])
    return f"row {data.index[pos]}"


def point_coordinates(data: pd.DataFrame, *, lon=None, lat=None) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude arrays (NaN for nulls) of a GeoDataFrame or a lon/lat DataFrame."""
    import geopandas as gpd

    if isinstance(data, gpd.GeoDataFrame) and lon is None and lat is None and data._geometry_column_name in data:
        return _geometry_coordinates(data.geometry)
    lon_col, lat_col = find_lonlat_columns(data.columns, lon, lat)
    out = []
    for col, what, limit in ((lon_col, "longitude", 180.0), (lat_col, "latitude", 90.0)):
        raw = data[col]
        values = pd.to_numeric(raw, errors="coerce")
        if pd.api.types.is_bool_dtype(raw.dtype):
            raise QueryError(f"column {col!r} holds true/false values, not {what}s")
        arr = np.array(values, dtype=float)
        unparsable = np.isnan(arr) & raw.notna().to_numpy()
        if pd.api.types.is_object_dtype(raw.dtype) or pd.api.types.is_string_dtype(raw.dtype):
            blank = raw.astype("string").str.strip().fillna("").eq("").to_numpy()
            unparsable &= ~blank
        if unparsable.any():
            pos = int(np.flatnonzero(unparsable)[0])
            raise QueryError(f"{_bad_row(data, unparsable)}: {what} {raw.iloc[pos]!r} in column {col!r} is not a number")
        bad = ~np.isnan(arr) & ~(np.abs(arr) <= limit)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise QueryError(f"{_bad_row(data, bad)}: {what} {arr[pos]:g} in column {col!r} is outside "
                             f"-{limit:g}..{limit:g} (coordinates must be WGS84 degrees)")
        out.append(arr)
    x, y = out
    missing = np.isnan(x) | np.isnan(y)
    x[missing] = np.nan
    y[missing] = np.nan
    return x, y


def _geometry_coordinates(geoms) -> tuple[np.ndarray, np.ndarray]:
    if geoms.crs is None:
        raise QueryError("the GeoDataFrame has no CRS; set it first, e.g. frame.set_crs(4326)")
    if not geoms.crs.equals(4326):
        geoms = geoms.to_crs(4326)
    arr = np.asarray(geoms.values, dtype=object).copy()
    arr[shapely.is_empty(arr)] = None
    types = shapely.get_type_id(arr)
    pts = arr.copy()
    pts[types != 0] = None
    other = types > 0
    if other.any():
        pts[other] = shapely.point_on_surface(arr[other])
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    bad = (~np.isnan(x)) & ((np.abs(x) > 180) | (np.abs(y) > 90) | ~np.isfinite(x) | ~np.isfinite(y))
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise QueryError(f"row {geoms.index[pos]}: ({x[pos]:g}, {y[pos]:g}) is not a lon/lat position after "
                         "transforming to EPSG:4326; check the data's CRS")
    return x.astype(float), y.astype(float)
