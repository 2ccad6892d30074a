"""Geometry for the web: clipped to the map, simplified, rounded; and how far simplification moved it.

Lines and single polygon layers are simplified here, each on its own (Douglas-Peucker in the
regional projection, so the tolerance is in metres).  Countries and provinces, which share edges,
are simplified as one topology by :func:`neageo._coverage.simplify_coverage` (stored in the
GeoPackage by the build).  Coordinates are rounded to :data:`DECIMALS` places.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import shapely
import shapely.errors

from .._coverage import DECIMALS, TOLERANCE_M, round_geoms, simplify_coverage
from ..geodesy import from_regional, to_regional

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

__all__ = ["TOLERANCE_M", "DECIMALS", "simplify_coverage", "simplify_lines", "round_points", "displacement_m"]


def simplify_lines(frame: gpd.GeoDataFrame, *, box=None, tolerance_m: float = TOLERANCE_M) -> gpd.GeoDataFrame:
    """Clip, simplify (metres) and round a line or polygon layer on its own."""
    out = frame.clip(box) if box else frame.copy()
    out = out[~out.geometry.is_empty].reset_index(drop=True)
    if out.empty:
        return out
    g = to_regional(out.geometry.values)
    g = shapely.simplify(g, tolerance_m, preserve_topology=True)
    out["geometry"] = round_geoms(from_regional(g))
    return out[~out.geometry.is_empty].reset_index(drop=True)


def round_points(frame: gpd.GeoDataFrame, decimals: int = 5) -> gpd.GeoDataFrame:
    out = frame.copy()
    out["geometry"] = round_geoms(out.geometry.values, decimals)
    return out


def drop_small_parts(frame: gpd.GeoDataFrame, min_km2: float) -> gpd.GeoDataFrame:
    """Leave out islands (polygon parts) smaller than ``min_km2``: invisible on continental-scale maps."""
    out = frame.copy()
    geoms = np.empty(len(out), dtype=object)
    for i, g in enumerate(out.geometry.values):
        parts = shapely.get_parts(g)
        areas = shapely.area(to_regional(parts)) / 1e6
        keep = parts[areas >= min_km2]
        if len(keep) == 0:  # never drop a feature entirely: keep its largest part
            keep = parts[[int(np.argmax(areas))]]
        geoms[i] = shapely.multipolygons(keep) if len(keep) > 1 else keep[0]
    out["geometry"] = gpd.GeoSeries(geoms, index=out.index, crs=out.crs)
    return out


def displacement_m(original, simplified, *, step_m: float = 250.0) -> float:
    """Largest distance (m) between an original geometry and its simplified form (Hausdorff).

    Both are densified in degrees first, so that straight edges in lon/lat
    (clip edges) are compared as the curves they are, not as chords; then
    points every ``step_m`` along each outline are measured to the nearest
    segment of the other (a k-d style STRtree search, so large outlines such as
    Russia's take seconds, not the minutes of an all-pairs comparison).
    """
    a = to_regional(_densify(original, 0.05))
    b = to_regional(_densify(simplified, 0.05))
    return max(_directed_m(a, b, step_m), _directed_m(b, a, step_m))


def _densify(geom, step: float):
    """``shapely.segmentize``, leaving alone a line that rounding collapsed to one repeated point."""
    try:
        return shapely.segmentize(geom, step)
    except shapely.errors.GEOSException:
        return geom


def _outline(geom):
    return shapely.boundary(geom) if shapely.get_dimensions(geom) == 2 else geom


def _directed_m(a, b, step_m: float) -> float:
    """Largest distance from a point of ``a``'s outline to ``b``'s outline."""
    pts = shapely.points(shapely.get_coordinates(_densify(_outline(a), step_m)))
    coords, ring = shapely.get_coordinates(shapely.get_parts(_outline(b)), return_index=True)
    same = ring[1:] == ring[:-1]
    segs = np.asarray(shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], axis=1)), dtype=object)
    pts = np.asarray(pts, dtype=object)
    if not len(pts) or not len(segs):
        return 0.0 if len(pts) == len(segs) else float("inf")
    _, dist = shapely.STRtree(segs).query_nearest(pts, return_distance=True, all_matches=False)
    return float(dist.max())
