"""Geodesic nearest-feature search for many points at once (WGS84, vectorised).

Candidates come from a k-d tree of the features' vertices in 3-D Earth-centred
coordinates: the straight-line (chord) distance ``c`` between two points on the
ellipsoid brackets their geodesic distance ``g`` tightly, with ``R_min`` and
``R_max`` the ellipsoid's smallest and largest radii of curvature::

    2 R_max asin(c / 2 R_max)  <=  g  <=  2 R_min asin(c / 2 R_min)

(the upper bound is Schur's comparison theorem for a curve whose curvature is
at most 1/R_min; the lower one is the same comparison from the other side, which
holds for the nearly circular geodesics of an ellipsoid this flat: checked on
400,000 random geodesics up to 4,000 km, both bounds hold to a few nanometres
and are padded by a centimetre and a millimetre).  The bracket
is a few metres wide at 600 km, unlike a map projection whose scale varies by
1-2 % over the region.  A line's edges are geodesics, as in neageo's lengths
(:func:`neageo.geodesy.length_km`); they are densified along the geodesic to
at most 2 km, where a geodesic and a straight lon/lat step differ by
centimetres.  For each point the segments touching its ``k``
nearest vertices are bounded by their chord distances, the survivors are
measured exactly with :class:`pyproj.Geod` (Karney's algorithm) and a
Newton step along the segment, and the answer is *certified*: no segment
outside the candidates can be nearer (its both ends are at least as far as the
k-th vertex).  Points that cannot be certified are searched again with 4k.
"""

from __future__ import annotations

import numpy as np
import shapely

from .geodesy import GEOD

__all__ = ["NearestLines", "NearestPoints", "ecef"]

_A = GEOD.a
_B = GEOD.b
_E2 = GEOD.es
#: Smallest and largest radii of curvature of the ellipsoid, m.
R_MIN = _B * _B / _A
R_MAX = _A * _A / _B
#: Lines are densified along their geodesic edges to at most this spacing, m.
DENSIFY_M = 2000.0
#: Nearest vertices looked at first; more for points that cannot be certified.
K_FIRST = 4
#: Newton steps along a segment.
NEWTON_STEPS = 1  # the chord foot is within centimetres already; one step brings it under a millimetre
#: k-d tree leaf size
_LEAFSIZE = 32


def ecef(lon, lat) -> np.ndarray:
    """Earth-centred x, y, z (m) of lon/lat points on the WGS84 ellipsoid (height 0)."""
    lam, phi = np.radians(lon), np.radians(lat)
    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    n = _A / np.sqrt(1.0 - _E2 * sin_phi * sin_phi)
    return np.column_stack([n * cos_phi * np.cos(lam), n * cos_phi * np.sin(lam), n * (1.0 - _E2) * sin_phi])


def _upper(c):
    """Largest geodesic distance compatible with chord ``c``."""
    return 2.0 * R_MIN * np.arcsin(np.clip(c / (2.0 * R_MIN), 0.0, 1.0)) * (1.0 + 1e-9) + 0.001


def _lower(c):
    """Smallest geodesic distance compatible with chord ``c`` (with a small safety margin)."""
    c = np.maximum(c, 0.0)
    return 2.0 * R_MAX * np.arcsin(np.clip(c / (2.0 * R_MAX), 0.0, 1.0)) * (1.0 - 1e-9) - 0.01


def _tree(xyz: np.ndarray):
    """A k-d tree of Earth-centred points (scipy imported only when a search is built)."""
    from scipy.spatial import cKDTree

    # Sliding-midpoint splits and loose node boxes: the features are lines, the queries mostly far
    # from them (tens to hundreds of km); that way a query visits 3-5x fewer nodes than with
    # scipy's default (median splits, boxes shrunk to the data).
    return cKDTree(xyz, leafsize=_LEAFSIZE, balanced_tree=False, compact_nodes=False)


def _knn(tree, points: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Chord distances and rows of each point's ``k`` nearest tree points, always as (n, k) arrays."""
    c, idx = tree.query(points, k=k)
    return c.reshape(len(points), k), idx.reshape(len(points), k)


def _group_min(rows: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Smallest value of each row 0..n-1 (inf for a row without values); ``rows`` grouped, as np.nonzero gives."""
    out = np.full(n, np.inf)
    if len(rows):
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        out[rows[starts]] = np.minimum.reduceat(values, starts)
    return out


def _first_per_row(rows: np.ndarray, keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """Positions of the best entry of each row (``keys`` sorted last-to-first, like np.lexsort), in row order."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    if not (rows[1:] >= rows[:-1]).all():
        order = np.lexsort((*keys, rows))
        r = rows[order]
        return order[np.r_[True, r[1:] != r[:-1]]]
    # rows already grouped (as np.nonzero gives them): segment minima, key by key, instead of a sort
    new = np.r_[True, rows[1:] != rows[:-1]]
    starts, segment = np.flatnonzero(new), np.cumsum(new) - 1
    best = np.ones(len(rows), dtype=bool)
    for key in reversed(keys):
        masked = np.where(best, key, np.inf)
        best &= masked == np.minimum.reduceat(masked, starts)[segment]
    hit = np.flatnonzero(best)
    return hit[np.r_[True, segment[hit][1:] != segment[hit][:-1]]]


def _densify(lon: np.ndarray, lat: np.ndarray, part: np.ndarray):
    """Insert points along each geodesic edge so that no step exceeds :data:`DENSIFY_M`."""
    same = part[1:] == part[:-1]
    az, _, length = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    length = np.where(same, np.asarray(length, dtype=float), 0.0)
    steps = np.maximum(np.ceil(length / DENSIFY_M).astype(np.int64), 1)  # pieces per edge
    extra = steps - 1  # points inserted after each vertex
    count = np.r_[extra, 0] + 1  # each vertex, then its inserted points
    start = np.repeat(np.arange(len(lon)), count)
    k = np.arange(len(start)) - np.repeat(np.cumsum(count) - count, count)  # 0 for the vertex itself
    inserted = k > 0
    edge = start[inserted]
    flon, flat, _ = GEOD.fwd(lon[edge], lat[edge], np.asarray(az)[edge],
                             length[edge] * k[inserted] / steps[edge])
    out_lon, out_lat = lon[start].copy(), lat[start].copy()
    out_lon[inserted], out_lat[inserted] = flon, flat
    # keep longitudes continuous with the edge's start (no jump at the antimeridian)
    out_lon[inserted] = lon[edge] + (out_lon[inserted] - lon[edge] + 180.0) % 360.0 - 180.0
    return out_lon, out_lat, part[start]


class NearestPoints:
    """Nearest point feature, by exact geodesic distance."""

    def __init__(self, lon: np.ndarray, lat: np.ndarray):
        self.lon = np.asarray(lon, dtype=float)
        self.lat = np.asarray(lat, dtype=float)
        self.tree = _tree(ecef(self.lon, self.lat))

    def __len__(self) -> int:
        return len(self.lon)

    def query(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row of the nearest feature (-1 if none) and its geodesic distance in m."""
        n, nf = len(lon), len(self)
        feat, dist = np.full(n, -1), np.full(n, np.nan)
        if not n or not nf:
            return feat, dist
        p = ecef(lon, lat)
        todo, k = np.arange(n), min(K_FIRST, nf)
        while len(todo):
            c, idx = _knn(self.tree, p[todo], k)
            keep = _lower(c) <= _upper(c[:, :1])  # could be nearer than the chord-nearest
            rows, col = np.nonzero(keep)
            cand = idx[rows, col]
            _, _, g = GEOD.inv(lon[todo[rows]], lat[todo[rows]], self.lon[cand], self.lat[cand])
            g = np.asarray(g, dtype=float)
            best = _first_per_row(rows, (cand, g))
            g_best = np.full(len(todo), np.inf)
            g_best[rows[best]] = g[best]
            done = (k >= nf) | (_lower(c[:, -1]) >= g_best)
            sel = rows[best][done[rows[best]]]
            feat[todo[sel]] = cand[best][done[rows[best]]]
            dist[todo[sel]] = g_best[sel]
            todo, k = todo[~done], min(4 * k, nf)
        return feat, dist


class NearestLines:
    """Nearest line feature and the geodesic distance to its nearest point."""

    def __init__(self, geoms: np.ndarray):
        parts, owner = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
        coords, which = shapely.get_coordinates(parts, return_index=True)
        self.lon, self.lat, which = _densify(coords[:, 0], coords[:, 1], which)
        self.xyz = ecef(self.lon, self.lat)
        #: segment v runs from vertex v to v + 1 when both are in the same part
        self.seg_ok = np.r_[which[1:] == which[:-1], False]
        self.feature = owner[which]
        az, _, length = GEOD.inv(self.lon[:-1], self.lat[:-1], self.lon[1:], self.lat[1:])
        self.seg_az = np.r_[np.asarray(az, dtype=float), 0.0]
        self.seg_len = np.r_[np.asarray(length, dtype=float), 0.0]
        #: segment start, direction and squared length in 3-D (gathered per candidate pair)
        self.seg_a = self.xyz
        self.seg_ab = np.r_[self.xyz[1:] - self.xyz[:-1], np.zeros((1, 3))]
        self.seg_ab2 = np.einsum("ij,ij->i", self.seg_ab, self.seg_ab)
        self.seg_ab2[self.seg_ab2 == 0] = 1.0
        chord = np.sqrt(self.seg_ab2) * self.seg_ok
        self.max_chord = float(chord[self.seg_ok].max()) if self.seg_ok.any() else 0.0
        # how far a densified step can stray from its chord: the sagitta, plus the bend between a
        # geodesic and a straight lon/lat step, both ~L^2/8R; doubled and padded
        self.sag = 2.0 * self.max_chord ** 2 / (8 * R_MIN) * 2.5 + 0.01
        self.tree = _tree(self.xyz)

    def __len__(self) -> int:
        return len(self.lon)

    def query(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row of the nearest feature (-1 if none) and the geodesic distance to it in m."""
        n, nv = len(lon), len(self)
        feat, dist = np.full(n, -1), np.full(n, np.nan)
        if not n or not self.seg_ok.any():
            return feat, dist
        p = ecef(lon, lat)
        todo, k = np.arange(n), min(K_FIRST, nv)
        while len(todo):
            cv, vi = _knn(self.tree, p[todo], k)
            segs = np.sort(np.concatenate([vi - 1, vi], axis=1), axis=1)
            ok = (segs >= 0) & self.seg_ok[np.maximum(segs, 0)]
            ok[:, 1:] &= segs[:, 1:] != segs[:, :-1]  # each (point, segment) once
            rows, col = np.nonzero(ok)
            seg = segs[rows, col]
            t, c = self._chord_foot(p[todo[rows]], seg)
            ub = _group_min(rows, _upper(c + self.sag), len(todo))
            keep = _lower(c - self.sag) <= ub[rows]
            rows, seg, t = rows[keep], seg[keep], t[keep]
            g = self._refine(lon, lat, todo[rows], t, seg)
            best = _first_per_row(rows, (self.feature[seg], g))
            g_best = np.full(len(todo), np.inf)
            g_best[rows[best]] = g[best]
            # any segment not touching the k nearest vertices has both ends at chord >= cv[:, -1]
            far = np.sqrt(np.maximum(cv[:, -1] ** 2 - (self.max_chord / 2) ** 2, 0.0)) - self.sag
            done = (k >= nv) | (_lower(far) >= g_best)
            b = best[done[rows[best]]]
            feat[todo[rows[b]]] = self.feature[seg[b]]
            dist[todo[rows[b]]] = g[b]
            todo, k = todo[~done], min(4 * k, nv)
        return feat, dist

    def _chord_foot(self, p: np.ndarray, seg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where along each segment's chord (0-1) the point's perpendicular falls, and the chord distance to it."""
        ab = self.seg_ab[seg]
        w = p - self.seg_a[seg]
        t = np.clip(np.einsum("ij,ij->i", w, ab) / self.seg_ab2[seg], 0.0, 1.0)
        w -= t[:, None] * ab
        return t, np.sqrt(np.einsum("ij,ij->i", w, w))

    def _foot(self, seg: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lon/lat of fraction ``t`` along each segment (its end vertex exactly at 0 and 1)."""
        lon_a, lat_a = self.lon[seg], self.lat[seg]
        lon = np.where(t == 1.0, self.lon[seg + 1], lon_a + t * (self.lon[seg + 1] - lon_a))
        lat = np.where(t == 1.0, self.lat[seg + 1], lat_a + t * (self.lat[seg + 1] - lat_a))
        return lon, lat

    def _refine(self, lon, lat, point, t, seg) -> np.ndarray:
        """Exact geodesic distance from each point to its (densified, <= 2 km) segment, from chord foot ``t``.

        ``point`` indexes ``lon``/``lat`` for each (point, segment) pair.  Most feet are at a vertex
        that two candidate segments share: each (point, vertex) is measured once, and a Newton step
        that does not move the foot (a vertex the point lies behind) is not measured again.
        """
        az, length = self.seg_az[seg], self.seg_len[seg]
        at_vertex = np.flatnonzero((t == 0.0) | (t == 1.0))
        key = point[at_vertex] * len(self) + seg[at_vertex] + (t[at_vertex] == 1.0)
        order = np.argsort(key, kind="stable")  # like np.unique(key, return_index=True, return_inverse=True)
        new = np.r_[True, key[order][1:] != key[order][:-1]][:len(key)]
        first, again = order[new], np.empty(len(key), dtype=np.int64)
        again[order] = np.cumsum(new) - 1
        measure = np.ones(len(seg), dtype=bool)
        measure[at_vertex] = False
        measure[at_vertex[first]] = True
        m = np.flatnonzero(measure)
        flon, flat = self._foot(seg[m], t[m])
        _, az_m, d_m = GEOD.inv(lon[point[m]], lat[point[m]], flon, flat)
        d, az_qp = np.empty(len(seg)), np.empty(len(seg))
        d[m], az_qp[m] = d_m, az_m
        d[at_vertex], az_qp[at_vertex] = d[at_vertex[first]][again], az_qp[at_vertex[first]][again]
        best = d.copy()
        live, t = np.arange(len(seg)), t.copy()
        for _ in range(NEWTON_STEPS):
            # moving along the segment changes the distance at -cos(az_QP - az_segment); for a
            # straight line the foot of the perpendicular is d * cos(...) further on
            along = d * np.cos(np.radians(az_qp - az[live]))
            step = np.divide(along, length[live], out=np.zeros_like(along), where=length[live] > 0)
            t_new = np.clip(t[live] + step, 0.0, 1.0)
            moved = t_new != t[live]
            live, t_new = live[moved], t_new[moved]
            if not len(live):
                break
            t[live] = t_new
            flon, flat = self._foot(seg[live], t_new)
            _, az_qp, d = GEOD.inv(lon[point[live]], lat[point[live]], flon, flat)
            d, az_qp = np.asarray(d, dtype=float), np.asarray(az_qp, dtype=float)
            best[live] = np.minimum(best[live], d)
        return best
