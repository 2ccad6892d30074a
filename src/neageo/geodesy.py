"""Geodesic measurement on the WGS84 ellipsoid and the regional projection.

Nothing in neageo measures in degrees: lengths and distances come from
:class:`pyproj.Geod`; metric geometry work uses :data:`neageo.settings.REGIONAL_CRS`.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString

from .settings import REGIONAL_CRS, STORAGE_CRS

__all__ = [
    "GEOD",
    "STEP_KM",
    "area_km2",
    "distance_km_lonlat",
    "from_regional",
    "geodesic_line",
    "length_km",
    "split_antimeridian",
    "to_regional",
]

GEOD = Geod(ellps="WGS84")
#: Vertex spacing of great-circle lines, km.
STEP_KM = 20.0


def length_km(geom) -> float:
    """Geodesic length of a (multi)line in lon/lat, in km."""
    if geom is None or geom.is_empty:
        return 0.0
    return GEOD.geometry_length(geom) / 1000.0


def distance_km_lonlat(lon1, lat1, lon2, lat2):
    """Geodesic distance between lon/lat points (scalars or arrays), in km."""
    _, _, d = GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(d) / 1000.0 if np.ndim(d) else d / 1000.0


def area_km2(geom) -> float:
    """Geodesic area of a (multi)polygon in lon/lat, in km²."""
    if geom is None or geom.is_empty:
        return 0.0
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


@lru_cache(maxsize=2)
def _transformer(forward: bool) -> Transformer:
    src, dst = (STORAGE_CRS, REGIONAL_CRS) if forward else (REGIONAL_CRS, STORAGE_CRS)
    return Transformer.from_crs(src, dst, always_xy=True)


def to_regional(geoms):
    """Project lon/lat shapely geometries (array or scalar) to the regional CRS (metres)."""
    return shapely.transform(geoms, lambda xy: np.column_stack(_transformer(True).transform(xy[:, 0], xy[:, 1])))


def from_regional(geoms):
    """Inverse of :func:`to_regional`."""
    return shapely.transform(geoms, lambda xy: np.column_stack(_transformer(False).transform(xy[:, 0], xy[:, 1])))


def split_antimeridian(lons: np.ndarray, lats: np.ndarray) -> LineString | MultiLineString:
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


def geodesic_line(points: list[tuple[float, float]], step_km: float = STEP_KM) -> LineString | MultiLineString:
    """Great-circle polyline through lon/lat points, densified every ``step_km``."""
    lons, lats = [points[0][0]], [points[0][1]]
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        _, _, dist = GEOD.inv(x1, y1, x2, y2)
        n = max(int(dist / 1000 / step_km) - 1, 0)
        if n:
            mid = GEOD.npts(x1, y1, x2, y2, n)
            lons += [p[0] for p in mid]
            lats += [p[1] for p in mid]
        lons.append(x2)
        lats.append(y2)
    return split_antimeridian(np.asarray(lons), np.asarray(lats))
