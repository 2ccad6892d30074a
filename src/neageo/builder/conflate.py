"""Conflation: OpenStreetMap national borders, Natural Earth provinces.

The national outlines come from OpenStreetMap (``geodata/sources/borders``,
cut at the shoreline and trimmed to :data:`OSM_BBOX` by the extraction
script); the provinces are Natural Earth admin-1 units, whose outer edges are
made to follow the OSM outline exactly:

1. each country is OSM inside :data:`OSM_BBOX` and Natural Earth outside it
   (China and Russia reach beyond the box; Natural Earth's countries are
   dissolved from the same admin-1 release as the provinces, so outside the
   box nothing changes);
2. each province is cut to its country;
3. land the country gained over Natural Earth (the Fangchuan corridor to the
   Tumen mouth, river islands, a finer coast), and small fragments Natural
   Earth leaves outside every named unit, is split into connected pieces,
   and each piece joins the neighbouring unit of the same country with which it
   shares the longest boundary (an island touching nothing joins the nearest
   unit).  Pieces whose best neighbour is a province not kept in the layer
   stay with that "rest of the country" and are left out.

Overlays run in floating precision on sources stored on a 1e-7 degree grid;
shared edges come out vertex-identical (the tests check the coverage).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import box

from ..geodesy import GEOD, area_km2

__all__ = ["GRID", "OSM_BBOX", "areal", "conflate_provinces", "hybrid_country", "reverse_transfer"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: The box the OpenStreetMap country polygons were trimmed to (see scripts/extract_sources.py).
OSM_BBOX = (87.0, 30.0, 150.0, 62.0)
#: Precision grid of the overlays (None: floating; the sources are already on a 1e-7 degree grid).
GRID = None
_OSM_BOX = box(*OSM_BBOX)
#: Pieces of a country outside every kept province that are smaller than this
#: (km²) are fragments, not provinces of their own: the smallest admin-1 unit in
#: the region is Rason, about 750 km².
MIN_UNIT_KM2 = 500.0


def areal(geom):
    """The polygonal part of an overlay result (overlays may add touching lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and not g.is_empty]
    parts = [p for g in shapely.get_parts(geom) if g.geom_type == "MultiPolygon" for p in shapely.get_parts(g)]
    polys += parts
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def _inter(a, b):
    return areal(shapely.intersection(a, b, grid_size=GRID))


def _diff(a, b):
    return areal(shapely.difference(a, b, grid_size=GRID))


def _union(a, b):
    return areal(shapely.union(a, b, grid_size=GRID))


def hybrid_country(osm, natural_earth):
    """OSM inside :data:`OSM_BBOX`, Natural Earth outside it (``natural_earth`` may be None)."""
    if natural_earth is None:
        return osm
    outside = _diff(natural_earth, _OSM_BOX)
    if outside.is_empty:
        return osm
    return _union(osm, outside)


def _polygons(geom):
    return [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and not g.is_empty]


def _clip_to_country(province, country):
    """``province ∩ country``, computed only where the country changed (inside the OSM box)."""
    inside = _inter(_inter(province, _OSM_BOX), country)
    outside = _diff(province, _OSM_BOX)
    if outside.is_empty:
        return inside
    return _union(inside, outside)


@dataclass
class _Assignment:
    pieces: int = 0
    by_edge: int = 0
    islands: int = 0
    dropped: int = 0


def _shared_edges(pieces: list, units: list) -> np.ndarray:
    """Length (m) of boundary each piece shares with each unit, shape (pieces, units).

    A segment of a piece's outline is shared with a unit when both its end
    vertices lie on the unit (overlays copy shared vertices exactly, so the
    test needs no tolerance); segments are weighted by geodesic length.
    """
    rings = [[np.asarray(r.coords) for r in (p.exterior, *p.interiors)] for p in pieces]
    verts = np.vstack([c for piece in rings for c in piece])
    starts: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    offset = 0
    for k, piece in enumerate(rings):
        for c in piece:
            starts.append(offset + np.arange(len(c) - 1))
            owners.append(np.full(len(c) - 1, k))
            offset += len(c)
    seg_start, owner = np.concatenate(starts), np.concatenate(owners)
    a, b = verts[seg_start], verts[seg_start + 1]
    seg_m = np.asarray(GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])[2])
    shared = np.zeros((len(pieces), len(units)))
    for j, unit in enumerate(units):
        if unit.is_empty:
            continue
        w, s, e, n = unit.bounds
        near = np.flatnonzero((verts[:, 0] >= w) & (verts[:, 0] <= e) & (verts[:, 1] >= s) & (verts[:, 1] <= n))
        if not len(near):
            continue
        on = np.zeros(len(verts), dtype=bool)
        on[near] = shapely.intersects(unit, shapely.points(verts[near]))
        both = on[seg_start] & on[seg_start + 1]
        shared[:, j] = np.bincount(owner[both], weights=seg_m[both], minlength=len(pieces))
    return shared


def _nearest(islands: list, tree, units) -> list[int]:
    """For each island, the unit at the shortest geodesic distance (among units within 2 degrees)."""
    out = []
    for piece in islands:
        cand = tree.query(piece, predicate="dwithin", distance=2.0)
        if len(cand) == 0:
            cand = np.array([tree.query_nearest(piece)[0]])
        if len(cand) == 1:
            out.append(int(cand[0]))
            continue
        metres = [GEOD.geometry_length(shapely.shortest_line(piece, units[i])) for i in cand]
        out.append(int(cand[int(np.argmin(metres))]))
    return out


def conflate_provinces(provinces: list, country, natural_earth_country) -> list:
    """Provinces of one country, conflated to its new outline.

    Parameters
    ----------
    provinces
        Natural Earth geometries of the provinces kept in the layer.
    country
        The country's new outline (see :func:`hybrid_country`).
    natural_earth_country
        The Natural Earth country, dissolved from *all* its admin-1 units.

    Returns
    -------
    list
        One geometry per province, in the same order.
    """
    clipped = [_clip_to_country(p, country) for p in provinces]
    kept_ne = areal(shapely.coverage_union_all(provinces))  # one release's admin-1: an exact coverage
    ne_in_box = _inter(natural_earth_country, _OSM_BOX)
    # The rest of the country: provinces not in the layer, and fragments (small
    # unnamed islands that Natural Earth leaves out of every named unit).
    rest_parts = _polygons(_diff(ne_in_box, kept_ne))
    # a part over 0.5 square degrees is over 2,900 km² anywhere below 62N: no need to measure it
    is_unit = [g.area > 0.5 or area_km2(g) >= MIN_UNIT_KM2 for g in rest_parts]
    rest = _inter(areal(shapely.union_all([g for g, u in zip(rest_parts, is_unit) if u])), country)
    fragments = [f for g, u in zip(rest_parts, is_unit) if not u for f in _polygons(_inter(g, country))]
    units = [*clipped, rest]
    country_in_box = _inter(country, _OSM_BOX)
    gained = _polygons(_diff(country_in_box, ne_in_box)) + fragments
    tree = shapely.STRtree(units)
    shapely.prepare(units)
    extra: list[list] = [[] for _ in units]
    stats = _Assignment(pieces=len(gained))
    shared = _shared_edges(gained, units) if gained else np.zeros((0, len(units)))
    touching = shared.max(axis=1) > 0 if len(gained) else np.zeros(0, dtype=bool)
    islands = [g for g, t in zip(gained, touching) if not t]
    nearest = iter(_nearest(islands, tree, units))
    for piece, row, touches in zip(gained, shared, touching):
        best = int(row.argmax()) if touches else next(nearest)
        extra[best].append(piece)
    stats.by_edge, stats.islands = int(touching.sum()), len(islands)
    stats.dropped = len(extra[-1])
    log.debug("conflation: %s", stats)
    return [_join(geom, pieces) if pieces else geom for geom, pieces in zip(clipped, extra[:-1])]


def _join(geom, pieces: list):
    """``geom`` with ``pieces`` added; they share edges exactly, so a coverage union does (checked)."""
    parts = [geom, *pieces]
    try:
        out = shapely.coverage_union_all(parts)
    except shapely.errors.GEOSException:
        out = None
    expected = sum(shapely.area(parts))
    if out is None or not out.is_valid or abs(out.area - expected) > 1e-9 * expected:
        out = shapely.union_all(parts, grid_size=GRID)
    return areal(out)


def reverse_transfer(gainer, loser, transferred):
    """The two countries' outlines before ``transferred`` passed from ``loser`` to ``gainer``."""
    return _diff(gainer, transferred), _union(loser, transferred)
