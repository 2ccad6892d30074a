"""Pieces of the certified nearest search (neageo._nearest) checked against their plain definitions."""

from __future__ import annotations

import numpy as np

from neageo._nearest import _first_per_row


def test_best_entry_per_row_is_the_lexicographic_minimum():
    """The segment-minimum shortcut (rows grouped) and the sort (rows in any order) pick what np.lexsort picks."""
    rng = np.random.default_rng(0)
    for _ in range(3000):
        n = int(rng.integers(0, 60))
        rows = np.sort(rng.integers(0, 9, n))
        feature, dist = rng.integers(0, 4, n), rng.integers(0, 4, n).astype(float)
        for perm in (np.arange(n), rng.permutation(n)):
            r, f, d = rows[perm], feature[perm], dist[perm]
            order = np.lexsort((f, d, r))
            first = order[np.r_[True, r[order][1:] != r[order][:-1]]] if n else order
            np.testing.assert_array_equal(_first_per_row(r, (f, d)), first)


def test_points_without_candidates_at_a_vertex():
    """Feet that all fall inside segments (none at a vertex), one point, and no point at all."""
    from shapely import LineString

    from neageo._nearest import NearestLines

    lines = NearestLines(np.array([LineString([(130.0, 45.0), (130.0, 45.01)])], dtype=object))
    feat, dist = lines.query(np.array([130.001]), np.array([45.005]))
    assert feat.tolist() == [0] and 70 < dist[0] < 90  # 0.001 degrees of longitude at 45 N: about 79 m
    feat, dist = lines.query(np.zeros(0), np.zeros(0))
    assert len(feat) == len(dist) == 0
