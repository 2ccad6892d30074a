"""Geometry for the web: clipped to the map, simplified with shared edges kept, rounded.

Polygons that share edges (countries and provinces) are simplified as one
topology: their boundaries are cut into arcs at every junction, each arc is
simplified once (Douglas-Peucker in the regional projection, so the tolerance
is in metres and bounds the displacement), and the faces are rebuilt from the
simplified arcs.  Neighbours therefore keep exactly the same edge: no gaps, no
slivers.  Coordinates are then rounded to :data:`DECIMALS` places.
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


def simplify_coverage(groups: dict[str, gpd.GeoDataFrame], *, box=None, tolerance_m: float = TOLERANCE_M):
    """Simplify several polygon layers that share edges as one topology.

    Parameters
    ----------
    groups
        Layer name -> GeoDataFrame of polygons.  Together they may overlap only
        by nesting (provinces inside countries); the overlap is resolved into
        disjoint pieces first.
    box
        (west, south, east, north) to clip to first.

    Returns
    -------
    dict
        Layer name -> GeoDataFrame with simplified, rounded geometry (rows with
        nothing inside the box are dropped).
    """
    names = list(groups)
    frames = {k: (v.clip(box) if box else v.copy()) for k, v in groups.items()}
    frames = {k: v[~v.geometry.is_empty].reset_index(drop=True) for k, v in frames.items()}
    out = _simplify_arcs(names, frames, tolerance_m)
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
    taken = None
    for name in names:
        for i, geom in enumerate(frames[name].geometry.values):
            rest = geom if taken is None else geom.difference(taken)
            rest = _polygonal(shapely.make_valid(shapely.set_precision(rest, 1e-6)))
            if not rest.is_empty and rest.area > 1e-6:  # slivers between layers that do not nest exactly
                pieces.append(rest)
                owners.append((name, i))
        layer_union = shapely.union_all(frames[name].geometry.values)
        taken = layer_union if taken is None else shapely.union(taken, layer_union)
    projected = to_regional(shapely.segmentize(np.asarray(pieces, dtype=object), 0.05))
    simple = shapely.coverage_simplify(projected, tolerance_m * COVERAGE_FACTOR)
    simple = [_polygonal(g) for g in shapely.make_valid(_round(from_regional(simple)))]
    own: dict[tuple[str, int], list] = {}
    for (name, i), g in zip(owners, simple):
        own.setdefault((name, i), []).append(g)
    out = {}
    for k, name in enumerate(names):
        geoms = []
        for i, geom in enumerate(frames[name].geometry.values):
            parts = list(own.get((name, i), []))
            for earlier in names[:k]:
                for j, g in enumerate(frames[earlier].geometry.values):
                    if shapely.within(shapely.point_on_surface(g), geom):
                        parts += own.get((earlier, j), [])
            geoms.append(_polygonal(shapely.union_all(parts)) if parts else None)
        frame = frames[name].copy()
        frame["geometry"] = geoms
        out[name] = frame[frame.geometry.notna() & ~frame.geometry.is_empty].reset_index(drop=True)
    return out


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


def _simplify_arcs(names, frames, tolerance_m):
    # disjoint pieces: each feature of the first layer, then what is left of each later feature
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
    arcs = shapely.get_parts(shapely.line_merge(shapely.union_all(shapely.boundary(np.asarray(pieces, dtype=object)))))
    # densify each arc once: a long straight edge in degrees (a clip edge) is a curve in the projection
    arcs = to_regional(shapely.segmentize(arcs, 0.05))
    # closed arcs (islands, lakes) keep at least a triangle; open arcs keep their junction ends
    arcs = shapely.simplify(arcs, tolerance_m, preserve_topology=True)
    arcs = _round(from_regional(arcs))
    faces = shapely.get_parts(shapely.polygonize(arcs[~shapely.is_empty(arcs)]))
    reps = shapely.point_on_surface(faces)
    tree = shapely.STRtree(np.asarray(pieces, dtype=object))
    face_owner = {}
    for f, (face_idx, piece_idx) in enumerate(zip(*tree.query(reps, predicate="within"))):
        face_owner.setdefault(int(face_idx), int(piece_idx))
    # faces whose point fell just outside every piece (rounding) go to the piece they overlap most
    for f in range(len(faces)):
        if f not in face_owner:
            cands = tree.query(faces[f], predicate="intersects")
            if len(cands):
                face_owner[f] = int(max(cands, key=lambda j: shapely.area(shapely.intersection(faces[f], pieces[j]))))
    per_piece: dict[int, list] = {}
    for f, p in face_owner.items():
        per_piece.setdefault(p, []).append(faces[f])
    simplified = {name: [[] for _ in range(len(frames[name]))] for name in names}
    for p, (name, i) in enumerate(owners):
        simplified[name][i] += per_piece.get(p, [])
    # a later layer's feature also covers the earlier pieces nested inside it
    out = {}
    for k, name in enumerate(names):
        geoms = []
        for i, geom in enumerate(frames[name].geometry.values):
            parts = list(simplified[name][i])
            for earlier in names[:k]:
                for j, g in enumerate(frames[earlier].geometry.values):
                    if shapely.within(shapely.point_on_surface(g), geom):
                        parts += simplified[earlier][j]
            geoms.append(_fill_false_holes(shapely.union_all(parts), geom) if parts else None)
        frame = frames[name].copy()
        frame["geometry"] = geoms
        out[name] = frame[frame.geometry.notna() & ~frame.geometry.is_empty].reset_index(drop=True)
    return out


def _fill_false_holes(simplified, original):
    """Remove holes that simplification opened where the original has land (slivers between crossing arcs)."""
    polys = []
    for poly in shapely.get_parts(simplified):
        if poly.geom_type != "Polygon":
            continue
        keep = [ring for ring in poly.interiors
                if not original.contains(shapely.Polygon(ring).point_on_surface())]
        polys.append(shapely.Polygon(poly.exterior, keep))
    return shapely.union_all(polys) if polys else simplified


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
    geoms = []
    for g in out.geometry.values:
        parts = shapely.get_parts(g)
        areas = shapely.area(to_regional(parts)) / 1e6
        keep = parts[areas >= min_km2]
        if len(keep) == 0:  # never drop a feature entirely: keep its largest part
            keep = parts[[int(np.argmax(areas))]]
        geoms.append(shapely.multipolygons(keep) if len(keep) > 1 else keep[0])
    out["geometry"] = geoms
    return out


def displacement_m(original, simplified) -> float:
    """Largest distance (m) between an original geometry and its simplified form (Hausdorff).

    Both are densified in degrees first, so that straight edges in lon/lat
    (clip edges) are compared as the curves they are, not as chords.
    """
    a = to_regional(shapely.segmentize(original, 0.05))
    b = to_regional(shapely.segmentize(simplified, 0.05))
    return float(shapely.hausdorff_distance(a, b, densify=0.25))
