"""Geometry for the web: clipped to the map, simplified, rounded; and how far simplification moved it.

Lines and single polygon layers are simplified here, each on its own (Douglas-Peucker in the
regional projection, so the tolerance is in metres).  Countries and provinces, which share edges,
are simplified as one topology by :func:`neageo._coverage.simplify_coverage` (stored in the
GeoPackage by the build).  Coordinates are rounded to :data:`DECIMALS` places.

The wide maps also carry a coarser level of detail for zoomed-out views (:func:`coarse_level`,
:func:`coarse_geometry`): the vertices Douglas-Peucker keeps at half a screen pixel, measured in Web
Mercator, the projection the page draws in.
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
import shapely.errors

from .._coverage import DECIMALS, TOLERANCE_M, round_geoms, simplify_coverage
from ..geodesy import from_regional, to_regional
from .codec import pack, unpack

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

__all__ = ["TOLERANCE_M", "DECIMALS", "COARSE_BELOW", "simplify_coverage", "simplify_lines", "round_points",
           "displacement_m", "coarse_below", "coarse_level", "coarse_geometry", "web_mercator", "pixel"]

#: Below this zoom the shared polygon edges are drawn from a coarser copy (see :func:`coarse_level`).
COARSE_BELOW = 6.5
#: Web Mercator units (the page's own projection) per pixel at zoom 0 (256-pixel tiles), at any latitude.
_M_PER_PX_Z0 = 2 * np.pi * 6_378_137 / 256
#: The narrowest screen a map is planned for (CSS pixels): how far out a phone may zoom.
_NARROW_PX = 320


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


def coarse_below(box, *, below: float = COARSE_BELOW) -> float | None:
    """The zoom below which a map draws its coarser level, or None when the map (``box``: west,
    south, east, north) cannot be seen that far out, even on a narrow phone."""
    w, _, e, _ = box
    widest_zoom = np.log2(_NARROW_PX * 360.0 / (256.0 * max(e - w, 1e-9)))
    return below if widest_zoom < below else None


def web_mercator(lonlat: np.ndarray) -> np.ndarray:
    """Longitude/latitude (degrees) in Web Mercator units, the projection the page draws in: a
    distance there divided by :func:`pixel` is pixels on screen, at any latitude."""
    lon, lat = np.radians(lonlat[:, 0]), np.radians(np.clip(lonlat[:, 1], -85.06, 85.06))
    r = 6_378_137.0
    return np.column_stack([r * lon, r * np.log(np.tan(np.pi / 4 + lat / 2))])


def pixel(zoom: float) -> float:
    """Web Mercator units per screen pixel at a zoom."""
    return float(_M_PER_PX_Z0 / 2**zoom)


def _kept(pts: np.ndarray, scale: int, tolerance: float) -> list[int]:
    """Indices of the vertices of a line (integers, 1 / ``scale`` degree) Douglas-Peucker keeps at
    ``tolerance`` Web Mercator units; all of them for a ring it would flatten."""
    if len(pts) <= 2:
        return list(range(len(pts)))
    full = web_mercator(pts.astype(float) / scale)
    simple = shapely.get_coordinates(shapely.simplify(shapely.linestrings(full), tolerance, preserve_topology=False))
    # Douglas-Peucker keeps original vertices, in order: find them (a vertex met twice, as a ring's start
    # and end, is matched in order along the line)
    fc, sc = full[:, 0] + 1j * full[:, 1], simple[:, 0] + 1j * simple[:, 1]
    idx = np.flatnonzero(np.isin(fc, sc)).tolist()
    if len(idx) != len(sc) or not np.array_equal(fc[idx], sc):
        idx, j = [], 0
        for i, z in enumerate(fc):
            if j < len(sc) and z == sc[j]:
                idx.append(i)
                j += 1
        if j != len(sc):
            return list(range(len(pts)))
    closed = bool((pts[0] == pts[-1]).all())
    if not idx or idx[0] != 0 or idx[-1] != len(pts) - 1 or (closed and len(idx) < 4):
        return list(range(len(pts)))
    return idx


def _keep_text(idx: list[int], n: int) -> str:
    return "" if len(idx) == n else pack(np.diff(np.asarray([0, *idx])))


def _tolerance(below: float) -> float:
    """Half a pixel at zoom ``below`` (Web Mercator units): less at every zoom the coarse level is drawn at."""
    return 0.5 * pixel(below)


def coarse_level(lines: list[np.ndarray], below: float | None, *, scale: int) -> dict[str, Any] | None:
    """A coarser level of shared arcs, drawn below zoom ``below``: ``{"below", "keep"}`` (contract.json).

    Each line (integer coordinates in units of 1 / ``scale`` degree) keeps the vertices Douglas-Peucker
    keeps at half a pixel of that zoom, in Web Mercator (the page's projection: no vertex dropped lies
    more than half a screen pixel from the line drawn, at any zoom below ``below``); ``keep`` holds their
    indices as packed deltas, "" when every vertex stays.  Ends always stay, so shared edges still meet.
    None when ``below`` is None or when less than a fifth of the vertices would go.
    """
    if below is None or not lines:
        return None
    tolerance = _tolerance(below)
    keep, total, kept = [], 0, 0
    for pts in lines:
        idx = _kept(pts, scale, tolerance)
        keep.append(_keep_text(idx, len(pts)))
        total += len(pts)
        kept += len(idx)
    if kept > 0.8 * total:
        return None
    log.debug("coarse level below zoom %s: %d of %d vertices", below, kept, total)
    return {"below": below, "keep": keep}


def coarse_geometry(geom: list[Any], below: float, *, scale: int) -> list[Any]:
    """A packed line or polygon geometry with the vertices its coarser level keeps as a third item
    (mirroring its coordinates: contract.json, "geometry"); unchanged when it has nothing to drop."""
    kind = geom[0]
    if kind not in ("L", "ML", "A", "MA"):
        return geom
    tolerance, saved = _tolerance(below), False

    def thin(text: str) -> str:
        nonlocal saved
        pts = np.cumsum(np.asarray(unpack(text), dtype=np.int64).reshape(-1, 2), axis=0)
        out = _keep_text(_kept(pts, scale, tolerance), len(pts))
        saved = saved or bool(out)
        return out

    if kind == "L":
        keep: Any = thin(geom[1])
    elif kind == "MA":
        keep = [[thin(r) for r in poly] for poly in geom[1]]
    else:
        keep = [thin(x) for x in geom[1]]
    return [kind, geom[1], keep] if saved else geom
