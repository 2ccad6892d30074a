"""Geometry for the web: clipped to the map, simplified with shared edges kept, rounded.

Polygons that share edges (countries and provinces) are simplified as one
topology: their boundaries are cut into arcs at every junction and the arcs are
simplified together (Douglas-Peucker in the regional projection, so the
tolerance is in metres and bounds the displacement; GEOS keeps a simplified arc
from crossing another).  The faces are rebuilt from the noded, simplified arcs
and each goes to the original polygon that covers most of it; an island the
arcs cut off keeps its own simplified outline.  Neighbours therefore keep
exactly the same edge: no gaps, no slivers.  Coordinates are then rounded to
:data:`DECIMALS` places.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import shapely
import shapely.errors

from ..geodesy import from_regional, to_regional

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

__all__ = ["TOLERANCE_M", "DECIMALS", "simplify_coverage", "simplify_lines", "round_points", "displacement_m"]

#: Douglas-Peucker tolerance, metres: no vertex moves further than this (rounding adds at most 8 m).
TOLERANCE_M = 225.0
#: GEOS's coverage simplifier takes a Visvalingam-Whyatt tolerance (the square root of the smallest
#: triangle area kept), not a distance; this fraction of the tolerance keeps the displacement in bounds.
COVERAGE_FACTOR = 0.3
#: Decimal places kept (1e-4 degree is at most 11 m).
DECIMALS = 4


def _round(geoms, decimals: int = DECIMALS):
    return shapely.set_precision(geoms, 10.0 ** -decimals, mode="pointwise")


def simplify_coverage(groups: dict[str, gpd.GeoDataFrame], *, box=None, tolerance_m: float = TOLERANCE_M,
                      cuts=()):
    """Simplify several polygon layers that share edges as one topology.

    Parameters
    ----------
    groups
        Layer name -> GeoDataFrame of polygons.  Together they may overlap only
        by nesting (provinces inside countries); the overlap is resolved into
        disjoint pieces first.
    box
        (west, south, east, north) to clip to first.
    cuts
        Boxes (west, south, east, north) the result will later be clipped to: every edge crosses
        their sides exactly where the original does, so clipping the simplified coverage to one of
        them moves no crossing along the clip line.

    Returns
    -------
    dict
        Layer name -> GeoDataFrame with simplified, rounded geometry (rows with
        nothing inside the box are dropped).
    """
    names = list(groups)
    frames = {k: (v.clip(box) if box else v.copy()) for k, v in groups.items()}
    frames = {k: v[~v.geometry.is_empty].reset_index(drop=True) for k, v in frames.items()}
    out = _simplify_arcs(names, frames, tolerance_m, cuts)
    if not _faithful(frames, out):
        # the arcs crossed somewhere and a face was lost (layers that do not nest exactly, as when
        # provinces are conflated to other borders than the countries'): simplify each layer as a
        # coverage of its own (GEOS CoverageSimplifier: neighbours in a layer keep one edge)
        log.info("arc simplification lost area in box %s; simplifying the pieces as one coverage", box)
        try:
            out = _coverage_pieces(names, frames, tolerance_m)
        except shapely.errors.GEOSException as exc:
            log.info("coverage simplification failed in box %s: %s", box, exc)
    if not _faithful(frames, out):
        log.info("coverage simplification lost area in box %s; simplifying each layer on its own", box)
        out = {k: _coverage_each(v, tolerance_m) for k, v in frames.items()}
    if not _faithful(frames, out):
        # last resort: rounding alone keeps shared edges identical too
        log.info("per-layer simplification lost area in box %s; using rounded geometry", box)
        out = {k: v.assign(geometry=_round(v.geometry.values)) for k, v in frames.items()}
    return out


def _coverage_pieces(names, frames, tolerance_m):
    """Disjoint pieces (each feature less the layers before it) simplified together by GEOS's
    CoverageSimplifier, then reassembled: neighbours, and a province and its country, keep one edge."""
    pieces, owners = [], []
    for rest, owner in zip(*_pieces(names, frames)):
        rest = _polygonal(shapely.make_valid(shapely.set_precision(rest, 1e-6)))
        if not rest.is_empty and rest.area > 1e-6:  # slivers between layers that do not nest exactly
            pieces.append(rest)
            owners.append(owner)
    projected = to_regional(shapely.segmentize(np.asarray(pieces, dtype=object), 0.05))
    simplified = shapely.coverage_simplify(projected, tolerance_m * COVERAGE_FACTOR)
    simple = [_polygonal(g) for g in shapely.make_valid(_round(from_regional(simplified)))]
    own: dict[str, list[list]] = {name: [[] for _ in range(len(frames[name]))] for name in names}
    for (name, i), g in zip(owners, simple):
        own[name][i].append(g)
    return _reassemble(names, frames, own, grid_size=None)


def _coverage_each(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    geoms = np.asarray(frame.geometry.values, dtype=object)
    projected = to_regional(shapely.segmentize(geoms, 0.05))
    simplified = shapely.coverage_simplify(projected, tolerance_m)
    back = [_polygonal(g) for g in shapely.make_valid(_round(from_regional(simplified)))]
    return frame.assign(geometry=back)


def _polygonal(geom):
    """The polygons of a geometry (make_valid may add stray lines or points), as one (multi)polygon."""
    parts = list(shapely.get_parts(geom))
    while any(p.geom_type in ("MultiPolygon", "GeometryCollection") for p in parts):
        parts = [q for p in parts for q in shapely.get_parts(p)]
    polys = [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _faithful(frames: dict, out: dict, rel: float = 0.01, slack_deg2: float = 1e-3) -> bool:
    """Every feature kept, each with its area within ``rel`` of the original (or ``slack_deg2``, ~8 km²)."""
    for name, frame in frames.items():
        if len(out[name]) != len(frame):
            return False
        a = shapely.area(np.asarray(frame.geometry.values, dtype=object))
        b = shapely.area(np.asarray(out[name].geometry.values, dtype=object))
        if (np.abs(a - b) > np.maximum(rel * a, slack_deg2)).any():
            return False
    return True


def _pieces(names, frames):
    """Disjoint pieces: each feature of the first layer, then what is left of each later feature."""
    pieces, owners = [], []
    taken = None
    for name in names:
        for i, geom in enumerate(frames[name].geometry.values):
            rest = geom if taken is None else geom.difference(taken)
            if not rest.is_empty:
                pieces.append(rest)
                owners.append((name, i))
        layer_union = shapely.union_all(frames[name].geometry.values)
        taken = layer_union if taken is None else shapely.union(taken, layer_union)
    return pieces, owners


def _to_web(geoms, tolerance_m):
    """Douglas-Peucker in the regional projection (metres), back to degrees, rounded."""
    # densify first: a long straight edge in degrees (a clip edge) is a curve in the projection
    projected = to_regional(shapely.segmentize(np.asarray(geoms, dtype=object), 0.05))
    # closed lines and rings keep at least a triangle; open arcs keep their junction ends
    return _round(from_regional(shapely.simplify(projected, tolerance_m, preserve_topology=True)))


def _majority(faces, parts) -> np.ndarray:
    """For each face, the part covering most of it (-1 if parts cover less than half of it: sea)."""
    tree = shapely.STRtree(parts)
    fi, pi = tree.query(faces, predicate="intersects")
    area = shapely.area(shapely.intersection(faces[fi], parts[pi], grid_size=None))
    owner = np.full(len(faces), -1, dtype=np.int64)
    best = np.zeros(len(faces))
    total = np.zeros(len(faces))
    np.add.at(total, fi, area)
    for f, p, a in zip(fi, pi, area):
        if a > best[f]:
            best[f], owner[f] = a, p
    owner[total < 0.5 * shapely.area(faces)] = -1
    return owner


def _simplify_arcs(names, frames, tolerance_m, cuts=()):
    pieces, owners = _pieces(names, frames)
    # every polygon of every piece on its own, so an island that vanishes is noticed
    part_list, part_piece = [], []
    for p, g in enumerate(pieces):
        for q in shapely.get_parts(_polygonal(g)):
            part_list.append(q)
            part_piece.append(p)
    parts = np.asarray(part_list, dtype=object)
    # the arcs: boundaries cut at every junction, each simplified once
    lines = shapely.boundary(parts)
    if len(cuts):
        # the sides of the boxes the maps are clipped to, noded with the edges: each crossing becomes
        # an arc end, which simplification keeps (the sides' own faces merge again below)
        lines = np.concatenate([lines, shapely.boundary(shapely.box(*np.asarray(cuts, dtype=float).T))])
    merged = shapely.line_merge(shapely.union_all(lines))
    # simplified together, as one collection: GEOS keeps a simplified arc from crossing any other
    arcs = np.asarray(shapely.get_parts(_to_web([merged], tolerance_m)[0]), dtype=object)
    # simplified arcs may cross where the originals ran closer than the tolerance (river islands,
    # narrow corridors): node them, so every crossing makes its own small face
    noded = shapely.union_all(arcs[~shapely.is_empty(arcs)], grid_size=10.0 ** -DECIMALS)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    # each face goes to the original polygon that covers most of it: a sliver where two arcs crossed
    # goes to the side it really belongs to, and the shared edge is still one line
    owner = _majority(faces, parts)
    # a polygon that got no face (a small island the arcs around it cut off) keeps its own outline,
    # simplified alone; the faces it overlaps give that ground up
    lost = np.setdiff1d(np.arange(len(parts)), owner)
    if len(lost):
        own = _to_web(parts[lost], tolerance_m)
        keep = ~shapely.is_empty(own)
        own, lost = own[keep], lost[keep]
        land = faces[owner >= 0]
        lines = np.concatenate([shapely.boundary(land), shapely.boundary(own)])
        faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(
            shapely.union_all(lines, grid_size=10.0 ** -DECIMALS))))
        reps = shapely.point_on_surface(faces)
        new_owner = np.full(len(faces), -1, dtype=np.int64)
        f_i, l_i = shapely.STRtree(land).query(reps, predicate="within")
        new_owner[f_i] = owner[owner >= 0][l_i]
        f_i, o_i = shapely.STRtree(own).query(reps, predicate="within")
        new_owner[f_i] = lost[o_i]
        owner = new_owner
    per_piece: dict[int, list] = {}
    for f in np.flatnonzero(owner >= 0):
        per_piece.setdefault(part_piece[owner[f]], []).append(faces[f])
    simplified: dict[str, list[list]] = {name: [[] for _ in range(len(frames[name]))] for name in names}
    for p, (name, i) in enumerate(owners):
        simplified[name][i] += per_piece.get(p, [])
    return _reassemble(names, frames, simplified, grid_size=10.0 ** -DECIMALS)


def _reassemble(names, frames, own: dict[str, list[list]], *, grid_size):
    """Each feature from its simplified parts (``own[name][i]``); a later layer's feature (a country)
    also takes the parts of the earlier features nested inside it (its provinces)."""
    out = {}
    for k, name in enumerate(names):
        geoms = []
        for i, geom in enumerate(frames[name].geometry.values):
            parts = list(own[name][i])
            for earlier in names[:k]:
                for j, g in enumerate(frames[earlier].geometry.values):
                    if shapely.within(shapely.point_on_surface(g), geom):
                        parts += own[earlier][j]
            geoms.append(_polygonal(shapely.union_all(parts, grid_size=grid_size)) if parts else None)
        frame = frames[name].copy()
        frame["geometry"] = geoms
        out[name] = frame[frame.geometry.notna() & ~frame.geometry.is_empty].reset_index(drop=True)
    return out


def simplify_lines(frame: gpd.GeoDataFrame, *, box=None, tolerance_m: float = TOLERANCE_M) -> gpd.GeoDataFrame:
    """Clip, simplify (metres) and round a line or polygon layer on its own."""
    out = frame.clip(box) if box else frame.copy()
    out = out[~out.geometry.is_empty].reset_index(drop=True)
    if out.empty:
        return out
    g = to_regional(out.geometry.values)
    g = shapely.simplify(g, tolerance_m, preserve_topology=True)
    out["geometry"] = _round(from_regional(g))
    return out[~out.geometry.is_empty].reset_index(drop=True)


def round_points(frame: gpd.GeoDataFrame, decimals: int = 5) -> gpd.GeoDataFrame:
    out = frame.copy()
    out["geometry"] = _round(out.geometry.values, decimals)
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
