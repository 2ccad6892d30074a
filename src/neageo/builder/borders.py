"""International boundary lines, split into named segments by the river they follow.

The lines are the shared edges of the dissolved countries, so they coincide
vertex for vertex with the country and province polygons.  Each source
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
from shapely.ops import substring

from .._errors import BuildError
from ..geodesy import GEOD, from_regional, length_km, to_regional
from .layer import Layer, described

__all__ = ["build_borders", "BORDER_PAIRS", "FOLLOW_M", "MIN_RUN_KM"]

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


def _shared_lines(a, b) -> list[LineString]:
    shared = a.boundary.intersection(b.boundary)
    lines = [g for g in shapely.get_parts(shared) if g.geom_type in ("LineString", "MultiLineString")]
    if not lines:
        return []
    merged = shapely.line_merge(shapely.union_all(lines))
    return sorted((g for g in shapely.get_parts(merged) if g.length > 0), key=lambda g: g.coords[0])


def _label_runs(line: LineString, rivers_m: dict[str, object]) -> list[tuple[str, int, int]]:
    """Label each vertex-to-vertex piece; return runs (label, first_vertex, last_vertex)."""
    coords = np.asarray(line.coords)
    seg_km = GEOD.line_lengths(coords[:, 0], coords[:, 1]) / 1000.0
    mids = shapely.points((coords[:-1] + coords[1:]) / 2.0)
    mids_m = to_regional(mids)
    labels = np.array(["land"] * len(mids), dtype=object)
    if rivers_m:
        names = list(rivers_m)
        dist = np.vstack([shapely.distance(rivers_m[n], mids_m) for n in names])
        best = dist.argmin(axis=0)
        close = dist.min(axis=0) <= FOLLOW_M
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


def build_borders(countries: gpd.GeoDataFrame, rivers: gpd.GeoDataFrame) -> Layer:
    geoms = dict(zip(countries["iso_a3"], countries.geometry))
    rivers_by_name = dict(zip(rivers["name_en"], rivers.geometry))
    rows = []
    for a, b, river_names in BORDER_PAIRS:
        if a not in geoms or b not in geoms:
            raise BuildError(f"borders: country {a if a not in geoms else b} is missing from the countries layer")
        rivers_m = {n: to_regional(rivers_by_name[n]) for n in river_names if n in rivers_by_name}
        lines = _shared_lines(geoms[a], geoms[b])
        if not lines:
            raise BuildError(f"borders: {a} and {b} share no boundary line in the source")
        for part, line in enumerate(lines, start=1):
            coords = np.asarray(line.coords)
            for label, s, e in _label_runs(line, rivers_m):
                piece = LineString(coords[s:e + 1])
                near = along = None
                if label != "land":
                    river_m = rivers_m[label]
                    piece_m = to_regional(piece)
                    dense = shapely.segmentize(piece_m, 250.0)
                    pts = shapely.points(shapely.get_coordinates(dense))
                    near = round(float((shapely.distance(river_m, pts) <= NEAR_M).mean() * 100), 1)
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
                    "geometry": piece,
                })
    frame = gpd.GeoDataFrame(rows, crs=4326)
    frame.insert(0, "border_id", range(1, len(frame) + 1))
    return described("borders", frame, follow_km=FOLLOW_M / 1000, min_run_km=MIN_RUN_KM, near_km=NEAR_M / 1000)
