"""Brute-force geodesic references for the annotate tests (slow, simple, independent of neageo's search).

Nearest features are found by measuring the geodesic distance from the point to
*every* vertex and, for every segment that could hold the minimum (an end within
best-vertex-distance + segment length), to points sampled every few metres along
the segment (a geodesic, as neageo measures lengths), then refined by
golden-section search.  No projection, no spatial index.
"""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod

GEOD = Geod(ellps="WGS84")


def _dist(lon, lat, qlon, qlat):
    return np.asarray(GEOD.inv(np.full(len(qlon), lon), np.full(len(qlon), lat), qlon, qlat)[2], dtype=float)


def line_segments(geoms):
    """(lon_a, lat_a, lon_b, lat_b, feature) arrays of every segment of the (multi)lines."""
    parts, owner = shapely.get_parts(np.asarray(geoms, dtype=object), return_index=True)
    out = []
    for part, feat in zip(parts, owner):
        xy = shapely.get_coordinates(part)
        out.append(np.column_stack([xy[:-1], xy[1:], np.full(len(xy) - 1, feat)]))
    seg = np.concatenate(out)
    return seg[:, 0], seg[:, 1], seg[:, 2], seg[:, 3], seg[:, 4].astype(int)


def nearest_line(lon, lat, segments, step_m=5.0):
    """(feature, metres) of the line nearest to (lon, lat), by brute force."""
    ax, ay, bx, by, feat = segments
    da, db = _dist(lon, lat, ax, ay), _dist(lon, lat, bx, by)
    az, _, seg_len = GEOD.inv(ax, ay, bx, by)
    seg_len = np.asarray(seg_len, dtype=float)
    best = min(da.min(), db.min())
    cand = np.flatnonzero(np.minimum(da, db) <= best + seg_len + 1.0)
    best_d, best_f = np.inf, -1

    def along(i, t):  # points at fractions t of segment i, along its geodesic
        t = np.atleast_1d(t)
        x, y, _ = GEOD.fwd(np.full(len(t), ax[i]), np.full(len(t), ay[i]), np.full(len(t), az[i]), t * seg_len[i])
        return _dist(lon, lat, np.asarray(x), np.asarray(y))

    for i in cand:
        n = max(int(seg_len[i] / step_m), 1)
        t = np.linspace(0.0, 1.0, n + 1)
        d = along(i, t)
        j = int(np.argmin(d))
        lo, hi = t[max(j - 1, 0)], t[min(j + 1, n)]
        for _ in range(40):  # golden-section search around the best sample
            m1, m2 = lo + (hi - lo) * 0.382, lo + (hi - lo) * 0.618
            d1, d2 = along(i, np.array([m1, m2]))
            if d1 < d2:
                hi = m2
            else:
                lo = m1
        dmin = min(d.min(), along(i, lo)[0])
        if dmin < best_d:
            best_d, best_f = dmin, feat[i]
    return best_f, best_d


def nearest_point(lon, lat, plon, plat):
    """(row, metres) of the nearest of the points (plon, plat)."""
    d = _dist(lon, lat, np.asarray(plon, dtype=float), np.asarray(plat, dtype=float))
    i = int(np.argmin(d))
    return i, float(d[i])
