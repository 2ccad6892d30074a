"""Geodesic measurement on the WGS84 ellipsoid and the regional projection.

Nothing in neageo measures in degrees: lengths and distances come from
:class:`pyproj.Geod`; metric geometry work uses :data:`neageo.settings.REGIONAL_CRS`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import Geod, Transformer

from .settings import REGIONAL_CRS, STORAGE_CRS

__all__ = ["GEOD", "length_km", "distance_km_lonlat", "area_km2", "to_regional", "from_regional"]

GEOD = Geod(ellps="WGS84")


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

