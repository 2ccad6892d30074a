"""The paper's figures joined to geometry, ready to map.

* ``province_trade``: one polygon per reporting province and year, with its
  trade with Russia, North Korea, Japan, South Korea and China as printed.
* ``trade_flows``: a great-circle line from each reporting province's seat to
  each partner's capital, one per table, partner and year.
* ``regions_population``: Table 7 on the Russian Far East and China's three
  northeastern provinces, with the text's population and migration figures.

Nothing is computed into the paper's columns: a value is there only where the
paper prints it; derived columns say so in their names and descriptions.
"""

from __future__ import annotations

from collections.abc import Hashable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._errors import SourceError
from ..geodesy import area_km2, geodesic_line, length_km
from ..sources import Sources, read_table
from .geomspec import NE_CHINA, RFE_2002
from .layer import Layer, described

__all__ = ["read_capitals", "build_joins", "REPORTERS"]

#: Reporting province -> the place its flows start from (its capital).
REPORTERS = {
    "Heilongjiang": "harbin",
    "Jilin": "changchun",
    "Liaoning": "shenyang",
    "Primorsky Krai": "vladivostok",
}
TRADE_TABLES = (1, 3, 5, 6)
PARTNER_COLUMNS = {"RUS": "russia", "PRK": "north_korea", "JPN": "japan", "KOR": "south_korea", "CHN": "china"}
FLOW_MEASURES = ("exports", "imports", "total", "exports_growth_pct", "imports_growth_pct",
                 "exports_yoy_pct", "imports_yoy_pct", "total_yoy_pct")


def read_capitals(src: Sources, paper: pd.DataFrame) -> dict[str, tuple[float, float, str]]:
    """Read the partner capitals (lon, lat, name by ISO code) and check every trade partner has one."""
    caps = read_table(
        src, "places", "geonames_capitals.csv",
        columns={"iso_a3": "str", "geonameid": "int", "name": "str", "latitude": "float", "longitude": "float"},
        key="iso_a3",
    )
    found = {r["iso_a3"]: (r["longitude"], r["latitude"], r["name"]) for r in caps.to_dict("records")}
    partners = paper.loc[paper["table_no"].isin(TRADE_TABLES), "partner_iso"].dropna()
    for iso in sorted(set(partners) - set(found)):
        raise SourceError(f"geodata/sources/places/geonames_capitals.csv: no capital for partner {iso}")
    return found


def _whole(value: Hashable) -> int:
    """A table number or year out of a group key (pandas gives it as an int or a float) as an int."""
    if not isinstance(value, (int, float, np.integer, np.floating)):
        raise SourceError(f"geodata/sources/paper: {value!r} is not a table number or year")
    return int(value)


def _flows(paper: pd.DataFrame, places: gpd.GeoDataFrame, caps: dict[str, tuple[float, float, str]]) -> Layer:
    seat_point = dict(zip(places["place_id"], places.geometry))
    seat_name = dict(zip(places["place_id"], places["name_en"]))
    cells = paper[paper["table_no"].isin(TRADE_TABLES) & paper["partner_iso"].notna()]
    rows = []
    for (table, reporter, partner, iso, year), grp in cells.groupby(
        ["table_no", "reporter", "partner", "partner_iso", "year"], sort=True
    ):
        if iso not in caps:
            raise SourceError(f"geodata/sources/places/geonames_capitals.csv: no capital for partner {iso}")
        seat = REPORTERS[str(reporter)]
        x, y, cap = caps[str(iso)]
        vals = dict(zip(grp["measure"], grp["value"]))
        start = seat_point[seat]
        geom = geodesic_line([(start.x, start.y), (x, y)])
        rows.append({
            "table_no": _whole(table), "reporter": reporter, "partner": partner, "partner_iso": iso,
            "year": _whole(year), **{m: vals.get(m) for m in FLOW_MEASURES},
            "unit": "US$ million", "from_place": seat_name[seat], "to_capital": cap,
            "length_km": round(length_km(geom), 1),
            "citation": grp["citation"].iloc[0], "note": grp["note"].dropna().iloc[0] if grp["note"].notna().any() else None,
            "geometry": geom,
        })
    frame = gpd.GeoDataFrame(rows, crs=4326)
    frame.insert(0, "flow_id", range(1, len(frame) + 1))
    return described("trade_flows", frame)


def _province_trade(paper: pd.DataFrame, provinces: gpd.GeoDataFrame) -> Layer:
    geoms = dict(zip(provinces["name_en"], provinces.geometry))
    cells = paper[paper["table_no"].isin(TRADE_TABLES)]
    rows = []
    for (reporter, year), grp in cells.groupby(["reporter", "year"], sort=True):
        rec = {"reporter": reporter, "year": _whole(year), "tables": ", ".join(str(t) for t in sorted(grp["table_no"].unique()))}
        for iso, col in PARTNER_COLUMNS.items():
            sel = grp[grp["partner_iso"] == iso]
            for m in ("exports", "imports", "total"):
                v = sel.loc[sel["measure"] == m, "value"]
                rec[f"{col}_{m}"] = float(v.iloc[0]) if len(v) and pd.notna(v.iloc[0]) else None
        totals = grp[grp["row_label"].isin(["Total volume", "Total amount"])]
        for m in ("exports", "imports", "total"):
            v = totals.loc[totals["measure"] == m, "value"]
            rec[f"all_{m}"] = float(v.iloc[0]) if len(v) else None
        partner_totals = grp[grp["partner_iso"].notna() & (grp["measure"] == "total")]["value"]
        rec["listed_partners"] = int(grp["partner_iso"].nunique())
        rec["listed_partners_total"] = round(float(partner_totals.sum()), 2) if len(partner_totals) else None
        rec["unit"] = "US$ million"
        rec["citation"] = "; ".join(sorted(grp["citation"].unique()))
        rec["geometry"] = geoms[reporter]
        rows.append(rec)
    frame = gpd.GeoDataFrame(rows, crs=4326)
    return described("province_trade", frame)


def _regions(paper: pd.DataFrame, provinces: gpd.GeoDataFrame) -> Layer:
    geoms = dict(zip(provinces["name_en"], provinces.geometry))
    t7 = paper[paper["table_no"] == 7]
    text = paper[paper["table_no"].isna()].set_index("row_label")["value"]
    regions = {
        "Russian Far East": (RFE_2002, "RUS"),
        "China's three northeastern provinces": (NE_CHINA, "CHN"),
    }
    rows = []
    for label, (members, iso) in regions.items():
        geom = shapely.union_all([geoms[n] for n in members])
        cells = t7[t7["row_label"] == label].set_index(["measure", "year"])["value"]
        area = area_km2(geom)
        pop02 = cells.get(("population_m", 2002))
        rows.append({
            "region": label,
            "iso_a3": iso,
            "members": "|".join(members),
            "population_m_2002": pop02,
            "population_m_2015": cells.get(("population_m", 2015)),
            "change_m": cells.get(("change_m", 2015)),
            "change_pct": cells.get(("change_pct", 2015)),
            "area_km2": round(area, 0),
            "density_2002_per_km2": round(pop02 * 1e6 / area, 2) if pop02 else None,
            "population_m_2007_text": text.get("rfe_population_2007") if iso == "RUS" else None,
            "chinese_residents_m_min": text.get("rfe_chinese_min") if iso == "RUS" else None,
            "chinese_residents_m_max": text.get("rfe_chinese_max") if iso == "RUS" else None,
            "chinese_in_business_m": text.get("chinese_in_business") if iso == "RUS" else None,
            "citation": "Kim, Table 7; Issues over Chinese Migration (fn. 30, 32)",
            "geometry": geom,
        })
    frame = gpd.GeoDataFrame(rows, crs=4326)
    return described("regions_population", frame)


def build_joins(
    src: Sources, paper: pd.DataFrame, places: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame,
    *, capitals: dict[str, tuple[float, float, str]] | None = None,
) -> list[Layer]:
    """Trade by province, trade flows and the paper's regions; ``capitals`` as :func:`read_capitals` returns them."""
    caps = capitals if capitals is not None else read_capitals(src, paper)
    return [_province_trade(paper, provinces), _flows(paper, places, caps), _regions(paper, provinces)]
