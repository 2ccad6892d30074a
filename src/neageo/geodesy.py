"""Geodesic measurement on the WGS84 ellipsoid and the regional projection.

Nothing in neageo measures in degrees: lengths and distances come from
:class:`pyproj.Geod`; metric geometry work uses :data:`neageo.settings.REGIONAL_CRS`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, TypeVar, overload

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, Polygon
from shapely.geometry.base import BaseGeometry, BaseMultipartGeometry

from .settings import REGIONAL_CRS, STORAGE_CRS

__all__ = [
    "GEOD", "length_km", "distance_km_lonlat", "area_km2", "to_regional", "from_regional",
    "geodesic_line", "geodesic_circle", "STEP_KM",
]

GEOD = Geod(ellps="WGS84")
#: Vertex spacing of great-circle lines, km.
STEP_KM = 20.0

_G = TypeVar("_G", bound=BaseGeometry)


def length_km(geom: BaseGeometry | None) -> float:
    """Geodesic length of a (multi)line in lon/lat, in km."""
    if geom is None or geom.is_empty:
        return 0.0
    if geom.geom_type == "LineString":  # the common case, without pyproj's per-vertex Python loop
        lon, lat = shapely.get_coordinates(geom).T
        return float(GEOD.line_length(lon, lat)) / 1000.0
    return GEOD.geometry_length(geom) / 1000.0


def distance_km_lonlat(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> Any:
    """Geodesic distance between lon/lat points (scalars or arrays), in km."""
    _, _, d = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(d) / 1000.0 if np.ndim(d) else d / 1000.0


def area_km2(geom: BaseGeometry | None) -> float:
    """Geodesic area of a (multi)polygon in lon/lat, in km²."""
    if geom is None or geom.is_empty:
        return 0.0
    return abs(_area_m2(geom)) / 1e6


def _area_m2(geom: BaseGeometry) -> float:
    """Signed geodesic area, m²: :meth:`pyproj.Geod.geometry_area_perimeter`'s sums in its order,
    with coordinates taken as arrays (not vertex by vertex in Python)."""
    if isinstance(geom, LineString):  # and LinearRing, a LineString that closes
        lon, lat = shapely.get_coordinates(geom).T
        return float(GEOD.polygon_area_perimeter(lon, lat)[0])
    if isinstance(geom, Polygon):
        total = _area_m2(geom.exterior)
        for hole in geom.interiors:
            total += _area_m2(hole)
        return total
    if isinstance(geom, BaseMultipartGeometry):  # Multi* and GeometryCollection
        total = 0.0
        for part in geom.geoms:
            total += _area_m2(part)
        return total
    return float(GEOD.geometry_area_perimeter(geom)[0])


@lru_cache(maxsize=2)
def _transformer(forward: bool) -> Transformer:
    src, dst = (STORAGE_CRS, REGIONAL_CRS) if forward else (REGIONAL_CRS, STORAGE_CRS)
    return Transformer.from_crs(src, dst, always_xy=True)


@overload
def to_regional(geoms: _G) -> _G: ...
@overload
def to_regional(geoms: Any) -> np.ndarray[Any, np.dtype[np.object_]]: ...
def to_regional(geoms: Any) -> Any:
    """Project lon/lat shapely geometries (array or scalar) to the regional CRS (metres)."""
    return shapely.transform(geoms, lambda xy: np.column_stack(_transformer(True).transform(xy[:, 0], xy[:, 1])))


@overload
def from_regional(geoms: _G) -> _G: ...
@overload
def from_regional(geoms: Any) -> np.ndarray[Any, np.dtype[np.object_]]: ...
def from_regional(geoms: Any) -> Any:
    """Inverse of :func:`to_regional`."""
    return shapely.transform(geoms, lambda xy: np.column_stack(_transformer(False).transform(xy[:, 0], xy[:, 1])))



def _split_antimeridian(lons: np.ndarray, lats: np.ndarray) -> LineString | MultiLineString:
    """Split a densified line where it jumps across ±180°; return LineString or MultiLineString."""
    parts, cur = [], [(lons[0], lats[0])]
    for i in range(1, len(lons)):
        if abs(lons[i] - lons[i - 1]) > 180:
            sign = 1 if lons[i - 1] > 0 else -1
            # interpolate the latitude at the crossing
            lon2 = lons[i] + 360 * sign
            t = (180 * sign - lons[i - 1]) / (lon2 - lons[i - 1])
            lat_x = lats[i - 1] + t * (lats[i] - lats[i - 1])
            cur.append((180.0 * sign, lat_x))
            parts.append(cur)
            cur = [(-180.0 * sign, lat_x)]
        cur.append((lons[i], lats[i]))
    parts.append(cur)
    lines = [LineString(p) for p in parts if len(p) >= 2]
    return lines[0] if len(lines) == 1 else MultiLineString(lines)


def geodesic_line(points: Sequence[tuple[float, float]], step_km: float = STEP_KM) -> LineString | MultiLineString:
    """Great-circle polyline through lon/lat points, densified every ``step_km``.

    A line crossing the antimeridian comes back as a MultiLineString split there.
    """
    lons, lats = [points[0][0]], [points[0][1]]
    for (x1, y1), (x2, y2) in zip(points[:-1], points[1:]):
        _, _, dist = GEOD.inv(x1, y1, x2, y2)
        n = max(int(dist / 1000 / step_km) - 1, 0)
        if n:
            mid = GEOD.npts(x1, y1, x2, y2, n)
            lons += [p[0] for p in mid]
            lats += [p[1] for p in mid]
        lons.append(x2)
        lats.append(y2)
    return _split_antimeridian(np.asarray(lons), np.asarray(lats))


def geodesic_circle(lon: float, lat: float, area_km2: float, n: int = 72) -> Polygon:
    """A polygon of ``n`` vertices at equal geodesic distance from (lon, lat), enclosing about ``area_km2``."""
    radius_m = math.sqrt(area_km2 / math.pi) * 1000
    az = np.linspace(0, 360, n, endpoint=False)
    x, y, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_m))
    return Polygon(zip(x, y))
