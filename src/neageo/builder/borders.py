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

Passing near a river is not following it: where a river is the border, the
traced river runs along the border line itself.  So a run keeps a river's
name only when at least :data:`ON_RIVER_PCT` % of its length lies within
:data:`ON_RIVER_M` of that river (``on_river_pct``); otherwise it is land
(the China-Russia line beside the Tumen at the Fangchuan corridor runs on
land within 2 km of the river, never on it).  The one exception is a line no
longer in force whose course the record of the territory change describes
(``old_line`` in ``territory_changes``): its name rests on that record, said
so in ``segment_note``.
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

__all__ = ["BORDER_PAIRS", "FOLLOW_M", "MIN_RUN_KM", "ON_RIVER_M", "ON_RIVER_PCT", "build_borders", "on_river_pct"]

#: Country pairs, and the named rivers their border may follow.
BORDER_PAIRS = (
    ("CHN", "RUS", ("Argun", "Amur", "Ussuri", "Tumen")),
    ("CHN", "PRK", ("Yalu", "Tumen")),
    ("PRK", "RUS", ("Tumen",)),
    ("CHN", "MNG", ()),
    ("MNG", "RUS", ()),
)
#: A piece of border is a candidate for a river's name when the river passes this
#: close to its midpoint (m); :data:`ON_RIVER_M` then decides.
FOLLOW_M = 3000.0
#: A segment is named after a river only when this share of its length (%) ...
ON_RIVER_PCT = 50.0
#: ... lies within this distance (m) of the river's traced line.  Where a river is
#: the border the rivers are drawn along the border line (99 % of every river
#: border lies within 50 m of its river); the Fangchuan land line runs 0.5-2 km
#: from the Tumen.
ON_RIVER_M = 500.0
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


def _versions(a: str, b: str, geoms: dict, changes) -> list[tuple[list[LineString], int | None, int | None,
                                                                   tuple[str, str] | None]]:
    """(lines, valid_from, valid_to, old line) for the pair: one version, or three around a change of territory.

    The old line, ``(name, note)`` from the change's record, goes with the version no longer in force.
    """
    now = _shared_lines(geoms[a], geoms[b])
    for year, gainer, loser, land, old_line in changes:
        if {gainer, loser} != {a, b}:
            continue
        before = dict(geoms)
        before[gainer], before[loser] = reverse_transfer(geoms[gainer], geoms[loser], land)
        old = _shared_lines(before[a], before[b])
        now_m, old_m = shapely.MultiLineString(now), shapely.MultiLineString(old)
        common = _merged(shapely.intersection(now_m, old_m, grid_size=GRID))
        added = _merged(shapely.difference(now_m, old_m, grid_size=GRID))
        removed = _merged(shapely.difference(old_m, now_m, grid_size=GRID))
        return [(common, None, None, None), (added, year, None, None), (removed, None, year, old_line)]
    return [(now, None, None, None)]


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


def on_river_pct(piece_m: LineString, river_m) -> float:
    """Share of a segment's length (%) within :data:`ON_RIVER_M` of a river (both in the regional CRS)."""
    return _share_within(piece_m, river_m, ON_RIVER_M)


def _share_within(piece_m: LineString, river_m, metres: float) -> float:
    dense = shapely.segmentize(piece_m, 50.0)
    pts = shapely.points(shapely.get_coordinates(dense))
    return round(float(shapely.dwithin(river_m, pts, metres).mean() * 100), 1)


def _named(runs, coords, rivers_m: dict, old_line: tuple[str, str] | None, where: str) -> list[tuple]:
    """Runs as (label, first, last, on_river_pct, note): river names the rule cannot confirm become land."""
    out: list[list] = []
    for label, s, e in runs:
        pct, note = None, None
        if label != "land":
            pct = on_river_pct(to_regional(LineString(coords[s:e + 1])), rivers_m[label])
            if pct < ON_RIVER_PCT:
                if old_line is not None and old_line[0] == label:
                    note = old_line[1]
                else:
                    label, pct = "land", None
        if out and out[-1][0] == "land" == label:
            out[-1][2] = e  # land runs that meet become one
            continue
        out.append([label, s, e, pct, note])
    if old_line is not None and old_line[0] not in {r[0] for r in out}:
        raise BuildError(f"{where}: the record says the line before the change followed {old_line[0]!r}, "
                         f"but the line was named {sorted({r[0] for r in out})}")
    return [tuple(r) for r in out]


def build_borders(countries: gpd.GeoDataFrame, rivers: gpd.GeoDataFrame, changes=()) -> Layer:
    """Border segments of :data:`BORDER_PAIRS`, today's and, around ``changes``, the earlier ones.

    ``changes`` holds ``(year, gainer, loser, polygon, (old_line, old_line_note))`` tuples (see the
    boundaries step).
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
        numbered = [(part, line, vf, vt, old) for part, (line, vf, vt, old) in
                    enumerate(((ln, vf, vt, old) for lines, vf, vt, old in versions for ln in lines), start=1)]
        for part, line, valid_from, valid_to, old_line in numbered:
            coords = np.asarray(line.coords)
            runs = _label_runs(line, rivers_m)
            if valid_from is not None or valid_to is not None:
                runs = _one_run(runs, coords)
            if old_line is not None and old_line[0] != "land" and old_line[0] not in rivers_m:
                raise BuildError(f"borders {a}-{b}: the line before the change followed {old_line[0]!r}, "
                                 f"which is not a river of this border ({', '.join(rivers_m)})")
            for label, s, e, on_pct, note in _named(runs, coords, rivers_m, old_line, f"borders {a}-{b}"):
                piece = LineString(coords[s:e + 1])
                near = along = None
                if label != "land":
                    river_m = rivers_m[label]
                    piece_m = to_regional(piece)
                    near = _share_within(piece_m, river_m, NEAR_M)
                    ends = sorted(river_m.project(shapely.Point(c)) for c in (piece_m.coords[0], piece_m.coords[-1]))
                    stretch = substring(river_m, ends[0], ends[1])
                    along = round(length_km(from_regional(stretch)), 2)
                rows.append({
                    "countries": f"{a}-{b}",
                    "segment": label,
                    "part": part,
                    "length_km": round(length_km(piece), 2),
                    "on_river_pct": on_pct,
                    "river_within_2km_pct": near,
                    "along_river_km": along,
                    "segment_note": note,
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                    "geometry": piece,
                })
    frame = gpd.GeoDataFrame(rows, crs=4326)
    for col in ("valid_from", "valid_to"):
        frame[col] = frame[col].astype("Int64")
    frame.insert(0, "border_id", range(1, len(frame) + 1))
    return described("borders", frame, follow_km=FOLLOW_M / 1000, min_run_km=MIN_RUN_KM, near_km=NEAR_M / 1000,
                     on_river_m=ON_RIVER_M, on_river_pct=ON_RIVER_PCT)
