"""International boundary lines, split into named segments by the river they follow, with dates.

The lines are the shared edges of the countries layer (OpenStreetMap), so they
coincide vertex for vertex with the country and province polygons.  Where
territory changed hands (see ``territory_changes``) the pair's border is also
drawn as it was before: the stretch that differs exists twice, once with
``valid_to`` = the year of the change and once with ``valid_from`` = that year;
everything else has neither.  Each source
segment (between two consecutive vertices) is labelled with the named river
whose course passes within :data:`FOLLOW_M` of its midpoint, or ``land``;
runs shorter than :data:`MIN_RUN_KM` are absorbed by their longer neighbour
(a border crossing a river bend should not make a 3 km "land" segment).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from .._errors import BuildError
from ..geodesy import GEOD, from_regional, length_km, to_regional
from .conflate import GRID, reverse_transfer
from .layer import Layer, described

__all__ = ["BORDER_PAIRS", "FOLLOW_M", "MIN_RUN_KM", "build_borders"]

#: Country pairs, and the named rivers their border may follow.
BORDER_PAIRS = (
    ("CHN", "RUS", ("Argun", "Amur", "Ussuri", "Tumen")),
    ("CHN", "PRK", ("Yalu", "Tumen")),
    ("PRK", "RUS", ("Tumen",)),
    ("CHN", "MNG", ()),
    ("MNG", "RUS", ()),
)
#: A border segment follows a river when the river passes this close (m).  The
#: border is Natural Earth 1:10m, the river World Data Bank II 1:1M; along the
#: lower Amur the river is the centreline of a channel up to 3 km wide.
FOLLOW_M = 3000.0
#: Shortest run kept as its own segment, km.
MIN_RUN_KM = 15.0
#: Distance used for the ``river_within_2km_pct`` figure, m.
NEAR_M = 2000.0


def _merged(lines) -> list[LineString]:
    lines = [g for g in shapely.get_parts(lines) if g.geom_type in ("LineString", "MultiLineString")]
    if not lines:
        return []
    merged = shapely.line_merge(shapely.union_all(lines))
    return sorted((g for g in shapely.get_parts(merged) if g.length > 0), key=lambda g: g.coords[0])


def _shared_lines(a, b) -> list[LineString]:
    return _merged(shapely.get_parts(a.boundary.intersection(b.boundary)))


def _versions(a: str, b: str, geoms: dict, changes) -> list[tuple[list[LineString], int | None, int | None]]:
    """(lines, valid_from, valid_to) for the pair: one version, or three around a change of territory."""
    now = _shared_lines(geoms[a], geoms[b])
    for year, gainer, loser, land in changes:
        if {gainer, loser} != {a, b}:
            continue
        before = dict(geoms)
        before[gainer], before[loser] = reverse_transfer(geoms[gainer], geoms[loser], land)
        old = _shared_lines(before[a], before[b])
        now_m, old_m = shapely.MultiLineString(now), shapely.MultiLineString(old)
        common = _merged(shapely.intersection(now_m, old_m, grid_size=GRID))
        added = _merged(shapely.difference(now_m, old_m, grid_size=GRID))
        removed = _merged(shapely.difference(old_m, now_m, grid_size=GRID))
        return [(common, None, None), (added, year, None), (removed, None, year)]
    return [(now, None, None)]


def _label_runs(line: LineString, rivers_m: dict[str, BaseGeometry]) -> list[tuple[str, int, int]]:
    """Label each vertex-to-vertex piece; return runs (label, first_vertex, last_vertex)."""
    coords = np.asarray(line.coords)
    seg_km = GEOD.line_lengths(coords[:, 0], coords[:, 1]) / 1000.0
    mids = np.asarray(shapely.points((coords[:-1] + coords[1:]) / 2.0))
    mids_m = to_regional(mids)
    labels = np.full(len(mids), "land", dtype=object)
    if rivers_m:
        names = list(rivers_m)
        # prepared distance-within tests first; exact distances only where two rivers compete
        near = np.vstack([shapely.dwithin(rivers_m[n], mids_m, FOLLOW_M) for n in names])
        dist = np.where(near, 0.0, np.inf)
        contested = np.flatnonzero(near.sum(axis=0) > 1)
        for k, n in enumerate(names):
            hit = contested[near[k, contested]]
            dist[k, hit] = shapely.distance(rivers_m[n], mids_m[hit])
        best = dist.argmin(axis=0)
        close = near.any(axis=0)
        labels[close] = np.array(names, dtype=object)[best[close]]

    def runs_of(lab):
        out, start = [], 0
        for i in range(1, len(lab) + 1):
            if i == len(lab) or lab[i] != lab[start]:
                out.append([lab[start], start, i])  # pieces start..i-1
                start = i
        return out

    runs = runs_of(labels)
    while len(runs) > 1:
        lengths = [seg_km[s:e].sum() for _, s, e in runs]
        short = [i for i, L in enumerate(lengths) if L < MIN_RUN_KM]
        if not short:
            break
        i = min(short, key=lambda k: (lengths[k], k))
        left = lengths[i - 1] if i > 0 else -1
        right = lengths[i + 1] if i + 1 < len(runs) else -1
        j = i - 1 if left >= right else i + 1
        labels[runs[i][1]:runs[i][2]] = runs[j][0]
        runs = runs_of(labels)
    return [(lab, s, e) for lab, s, e in runs]


def _one_run(runs, coords) -> list[tuple[str, int, int]]:
    """A changed stretch is one segment, named after the river most of it follows (else 'land')."""
    seg_km = GEOD.line_lengths(coords[:, 0], coords[:, 1]) / 1000.0
    by_label: dict[str, float] = {}
    for label, s, e in runs:
        if label != "land":
            by_label[label] = by_label.get(label, 0.0) + float(seg_km[s:e].sum())
    label = max(sorted(by_label), key=lambda k: by_label[k]) if by_label else "land"
    return [(label, 0, len(coords) - 1)]


def build_borders(countries: gpd.GeoDataFrame, rivers: gpd.GeoDataFrame, changes=()) -> Layer:
    """Border segments of :data:`BORDER_PAIRS`, today's and, around ``changes``, the earlier ones.

    ``changes`` holds ``(year, gainer, loser, polygon)`` tuples (see the boundaries step).
    """
    geoms = dict(zip(countries["iso_a3"], countries.geometry))
    rivers_by_name = dict(zip(rivers["name_en"], rivers.geometry))
    rows = []
    for a, b, river_names in BORDER_PAIRS:
        if a not in geoms or b not in geoms:
            raise BuildError(f"borders: country {a if a not in geoms else b} is missing from the countries layer")
        rivers_m = {n: to_regional(rivers_by_name[n]) for n in river_names if n in rivers_by_name}
        shapely.prepare(list(rivers_m.values()))
        versions = _versions(a, b, geoms, changes)
        if not versions[0][0]:
            raise BuildError(f"borders: {a} and {b} share no boundary line in the source")
        numbered = [(part, line, vf, vt) for part, (line, vf, vt) in
                    enumerate(((ln, vf, vt) for lines, vf, vt in versions for ln in lines), start=1)]
        for part, line, valid_from, valid_to in numbered:
            coords = np.asarray(line.coords)
            runs = _label_runs(line, rivers_m)
            if valid_from is not None or valid_to is not None:
                runs = _one_run(runs, coords)
            for label, s, e in runs:
                piece = LineString(coords[s:e + 1])
                near = along = None
                if label != "land":
                    river_m = rivers_m[label]
                    piece_m = to_regional(piece)
                    dense = shapely.segmentize(piece_m, 250.0)
                    pts = shapely.points(shapely.get_coordinates(dense))
                    near = round(float(shapely.dwithin(river_m, pts, NEAR_M).mean() * 100), 1)
                    ends = sorted(river_m.project(shapely.Point(c)) for c in (piece_m.coords[0], piece_m.coords[-1]))
                    stretch = substring(river_m, ends[0], ends[1])
                    along = round(length_km(from_regional(stretch)), 2)
                rows.append({
                    "countries": f"{a}-{b}",
                    "segment": label,
                    "part": part,
                    "length_km": round(length_km(piece), 2),
                    "river_within_2km_pct": near,
                    "along_river_km": along,
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "geometry": piece,
                })
    frame = gpd.GeoDataFrame(rows, crs=4326)
    for col in ("valid_from", "valid_to"):
        frame[col] = frame[col].astype("Int64")
    frame.insert(0, "border_id", range(1, len(frame) + 1))
    return described("borders", frame, follow_km=FOLLOW_M / 1000, min_run_km=MIN_RUN_KM, near_km=NEAR_M / 1000)
