"""Customs gates: where the paper's border trade crosses.

Each gate is placed at its real crossing (bridge, rail or road port) where a
source gives its coordinates (``crossing_lon``/``crossing_lat`` with
``crossing_source`` and ``crossing_precision_m`` in ``customs_gates.csv``);
otherwise, and said so in ``crossing_source`` (followed by the CSV's note of
what was searched, if any), at the point of the border nearest to its town.
That nearest border point is kept for every gate
(``nearest_border_lon``/``_lat``); the border segment, the distances and the
town across the border are derived, not typed.  The paper's figures for the
gate's town are attached from the text figures.

A gate is a point of its own country, at the landward end of its crossing on
its own side.  A position on the border line itself (a crossing carried out to
mid-river, or the nearest border point) is in neither country, and a point a
hair's breadth across it answers "which gates are in Russia?" wrongly.  So a
position less than :data:`INSET_M` inside its own province is moved to the
nearest point that far inside it (a few metres, far below any crossing's
precision); ``inset_m`` records how far it moved and ``position_note`` why.
The build then checks that every gate lies inside its own province and
country and touches no other.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import shapely
import shapely.ops
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from .._errors import BuildError, SourceError
from ..geodesy import distance_km_lonlat, from_regional, to_regional
from ..settings import HYDRO_BBOX
from ..sources import Sources, check_lonlat, read_table, split_aliases
from .layer import Layer, described

__all__ = ["INSET_M", "read_gates", "build_gates"]

_SHOWN = "geodata/sources/paper/customs_gates.csv"

#: How far inside its own province (and country) every gate lies at least, m.
INSET_M = 5.0
#: Half the side of the box the province is cut to around a gate before it is shrunk, degrees.
_LOCAL_DEG = 0.05
_COUNTRY_NAMES = {"CHN": "Chinese", "RUS": "Russian", "PRK": "North Korean", "MNG": "Mongolian"}
_COMPASS = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")


def _own_side(point: Point, own: BaseGeometry, others: gpd.GeoDataFrame, iso: str,
              where: str) -> tuple[Point, float, str | None]:
    """``point`` moved at least :data:`INSET_M` inside ``own`` (a province), how far (m), and why (or None).

    ``others`` are the areas the point must not touch (every other province), with ``name_en``.
    """
    box = shapely.box(point.x - _LOCAL_DEG, point.y - _LOCAL_DEG, point.x + _LOCAL_DEG, point.y + _LOCAL_DEG)
    local_m = to_regional(shapely.intersection(own, box))
    point_m = to_regional(point)
    inner = local_m.buffer(-INSET_M)
    if inner.contains(point_m):
        return point, 0.0, None
    if inner.is_empty:
        raise BuildError(f"{where}: its province has no land {INSET_M:g} m inside its edge near the crossing")
    target_m = shapely.ops.nearest_points(inner, point_m)[0]
    moved = from_regional(target_m)
    moved = Point(round(moved.x, 7), round(moved.y, 7))
    dist_m = float(distance_km_lonlat(point.x, point.y, moved.x, moved.y)) * 1000.0
    depth = float(local_m.boundary.distance(point_m))
    gap = f"{depth:.2f} m" if depth >= 0.01 else "less than 1 cm"
    beyond = others[shapely.contains(others.geometry.values, point)]
    if shapely.contains(own, point) and not shapely.intersects(others.geometry.values, point).any():
        was = f"lay {gap} inside the border line"
    elif not beyond.empty:
        was = f"lay {gap} across the border line, in {beyond.iloc[0]['name_en']} ({beyond.iloc[0]['iso_a3']})"
    else:
        was = "lay on the border line, in neither country"
    dx, dy = target_m.x - point_m.x, target_m.y - point_m.y
    heading = _COMPASS[int(((math.degrees(math.atan2(dx, dy)) % 360) + 22.5) // 45) % 8]
    side = _COUNTRY_NAMES.get(iso, iso)
    note = (f"Moved {dist_m:.1f} m {heading} onto the {side} side: the position {was}. A gate is a point of its "
            f"own country at the landward end of its crossing, so it is set {INSET_M:g} m inside its province.")
    return moved, round(dist_m, 2), note


def _check_own_side(point: Point, province: str, iso: str, provinces: gpd.GeoDataFrame,
                    countries: gpd.GeoDataFrame, where: str) -> None:
    """The gate lies inside its own province and country, and touches no other."""
    in_prov = provinces.loc[shapely.intersects(provinces.geometry.values, point), "name_en"].tolist()
    in_country = countries.loc[shapely.intersects(countries.geometry.values, point), "iso_a3"].tolist()
    if in_prov != [province] or in_country != [iso]:
        raise BuildError(f"{where}: the gate point touches provinces {in_prov} and countries {in_country}, "
                         f"not only {province} ({iso})")


def _figures_text(figs: pd.DataFrame) -> str:
    parts = []
    for rec in figs.to_dict("records"):
        parts.append(f"{rec['note'].rstrip('.')}: {rec['printed']} {rec['unit']} [{rec['citation']}]")
    return "; ".join(parts)


def read_gates(src: Sources, places: gpd.GeoDataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Read and check ``customs_gates.csv`` and the places of ``text_figures.csv`` against the places."""
    gates = read_table(
        src, "paper", "customs_gates.csv",
        columns={"gate_id": "str", "name_en": "str", "name_zh": "str", "name_ru": "str", "name_ko": "str",
                 "aliases": "str", "place_id": "str", "partner_place_id": "str", "partner_iso": "str",
                 "crossing": "str", "crossing_name": "str", "crossing_lon": "float", "crossing_lat": "float",
                 "crossing_source": "str", "crossing_precision_m": "float", "citation": "str"},
        optional=("name_ru", "name_ko", "aliases", "partner_place_id", "crossing_lon", "crossing_lat",
                  "crossing_source", "crossing_precision_m"),
        key="gate_id",
    )
    fig_places = read_table(
        src, "paper", "text_figures.csv",
        columns={"figure_id": "str", "place_id": "str"}, optional=("place_id",), key="figure_id",
    ).set_index("figure_id")["place_id"]
    by_id = places.set_index("place_id")
    for g in gates.to_dict("records"):
        where = f"{_SHOWN}, row {g['_row']}"
        if g["place_id"] not in by_id.index:
            raise SourceError(f"{where}: unknown place_id {g['place_id']!r} (not in places.csv)")
        if g["partner_place_id"]:
            if g["partner_place_id"] not in by_id.index:
                raise SourceError(f"{where}: unknown partner_place_id {g['partner_place_id']!r}")
            partner = by_id.loc[g["partner_place_id"]]
            if partner["iso_a3"] != g["partner_iso"]:
                raise SourceError(f"{where}: partner {partner['name_en']} is in {partner['iso_a3']}, not {g['partner_iso']}")
        if pd.notna(g["crossing_lon"]) or pd.notna(g["crossing_lat"]):
            check_lonlat(_SHOWN, g["_row"], g["crossing_lon"], g["crossing_lat"], HYDRO_BBOX)
            if not g["crossing_source"] or pd.isna(g["crossing_precision_m"]):
                raise SourceError(f"{where}: a crossing position needs crossing_source and crossing_precision_m")
    return gates, fig_places


def build_gates(
    src: Sources, places: gpd.GeoDataFrame, borders: gpd.GeoDataFrame, paper: pd.DataFrame,
    *, provinces: gpd.GeoDataFrame, countries: gpd.GeoDataFrame,
    inputs: tuple[pd.DataFrame, pd.Series] | None = None,
) -> Layer:
    """The customs gates layer; ``inputs`` as :func:`read_gates` returns them (read now if not given).

    ``provinces`` and ``countries`` are the boundaries each gate is set inside (see :data:`INSET_M`).
    """
    gates, fig_places = inputs if inputs is not None else read_gates(src, places)
    by_id = places.set_index("place_id")
    by_province = provinces.set_index("name_en", drop=False)
    text_figs = paper[paper["table_no"].isna()].copy()
    text_figs["place_id"] = None
    text_figs["place_id"] = text_figs["row_label"].map(fig_places)
    rows = []
    for g in gates.to_dict("records"):
        where = f"{_SHOWN}, row {g['_row']}"
        town = by_id.loc[g["place_id"]]
        home = town["iso_a3"]
        pair = "-".join(sorted((home, g["partner_iso"])))
        segs = borders[borders["countries"] == pair]
        if segs.empty:
            raise SourceError(f"{where}: no {pair} border for a gate between {home} and {g['partner_iso']}")
        town_m = to_regional(town.geometry)
        seg_m = to_regional(segs.geometry.values)
        nearest_m = shapely.ops.nearest_points(shapely.union_all(seg_m), town_m)[0]
        nearest = from_regional(nearest_m)
        if pd.notna(g["crossing_lon"]) and pd.notna(g["crossing_lat"]):
            crossing = Point(g["crossing_lon"], g["crossing_lat"])
            source, precision = g["crossing_source"], float(g["crossing_precision_m"])
        else:
            crossing = nearest
            source = (
                "No published position of the crossing found: placed at the point of the border nearest the "
                "town, which may be several km from the real crossing"
            )
            if g["crossing_source"]:  # what was searched, so the next reader need not search again
                source = f"{source}. {g['crossing_source']}"
            precision = None
        if town["province"] not in by_province.index:
            raise BuildError(f"{where}: the town's province {town['province']!r} is not in the provinces layer")
        crossing, inset, position_note = _own_side(
            crossing, by_province.loc[town["province"], "geometry"],
            provinces[provinces["name_en"] != town["province"]], home, where)
        _check_own_side(crossing, town["province"], home, provinces, countries, where)
        crossing_m = to_regional(crossing)
        dists = shapely.distance(seg_m, crossing_m)
        k = int(dists.argmin())
        seg = segs.iloc[k]
        town_km = float(distance_km_lonlat(town.geometry.x, town.geometry.y, nearest.x, nearest.y))
        partner = None
        if g["partner_place_id"]:
            partner = by_id.loc[g["partner_place_id"]]
        figs = text_figs[text_figs["place_id"] == g["place_id"]]
        rows.append({
            "gate_id": g["gate_id"],
            "name_en": g["name_en"],
            "name_zh": g["name_zh"],
            "name_ru": g["name_ru"],
            "name_ko": g["name_ko"],
            "aliases": "|".join(split_aliases(g["aliases"])) or None,
            "town": town["name_en"],
            "province": town["province"],
            "iso_a3": home,
            "partner_town": partner["name_en"] if partner is not None else None,
            "partner_iso": g["partner_iso"],
            "partner_distance_km": round(float(distance_km_lonlat(
                crossing.x, crossing.y, partner.geometry.x, partner.geometry.y)), 2) if partner is not None else None,
            "border": pair,
            "border_segment": seg["segment"],
            "border_id": int(seg["border_id"]),
            "town_to_border_km": round(town_km, 2),
            "crossing": g["crossing"],
            "crossing_name": g["crossing_name"],
            "crossing_source": source,
            "crossing_precision_m": precision,
            "crossing_to_border_m": round(float(dists[k]), 1),
            "inset_m": inset,
            "position_note": position_note,
            "nearest_border_lon": round(nearest.x, 6),
            "nearest_border_lat": round(nearest.y, 6),
            "nearest_border_offset_km": round(float(distance_km_lonlat(
                crossing.x, crossing.y, nearest.x, nearest.y)), 2),
            "paper_figures": _figures_text(figs) or None,
            "figure_ids": "|".join(figs["row_label"]) or None,
            "citation": g["citation"],
            "geometry": Point(crossing.x, crossing.y),
        })
    frame = gpd.GeoDataFrame(rows, crs=4326)
    return described("customs_gates", frame, inset_m=f"{INSET_M:g}")
