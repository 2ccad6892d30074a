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
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
import shapely.ops
from shapely.geometry import Point

from .._errors import SourceError
from ..geodesy import distance_km_lonlat, from_regional, to_regional
from ..settings import HYDRO_BBOX
from ..sources import Sources, check_lonlat, read_table, split_aliases
from .layer import Layer, described

__all__ = ["read_gates", "build_gates"]

_SHOWN = "geodata/sources/paper/customs_gates.csv"


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
    *, inputs: tuple[pd.DataFrame, pd.Series] | None = None,
) -> Layer:
    """The customs gates layer; ``inputs`` as :func:`read_gates` returns them (read now if not given)."""
    gates, fig_places = inputs if inputs is not None else read_gates(src, places)
    by_id = places.set_index("place_id")
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
    return described("customs_gates", frame)
