"""The seven themed maps.  Each function builds one folium map from a :class:`MapData`."""

from __future__ import annotations

import math

import shapely

from .base import add_layer, add_legend, legend_for, new_map, popup_data
from .common import add_borders, add_gates, add_places, add_projects, add_rivers, basemap, gate_popup
from .data import MapData

__all__ = ["MAPS"]

REGION = (104.0, 34.0, 150.0, 58.0)
TRADE_BOX = (104.0, 30.0, 146.0, 56.0)
#: On the two continental-scale maps (trade, population) islands smaller than this are left out.
SMALL_ISLAND_KM2 = 100.0
#: Flow lines are symbols, not surveyed geometry: great circles with a vertex every 150 km.
FLOW_STEP_KM = 150.0


def _web_flows(flows):
    """Trade-flow lines redrawn as great circles with fewer vertices (ends unchanged)."""
    from ..geodesy import geodesic_line

    out = flows.copy()
    geoms = []
    for g in out.geometry.values:
        parts = list(getattr(g, "geoms", [g]))
        start, end = parts[0].coords[0], parts[-1].coords[-1]
        if len(parts) > 1:  # split at the antimeridian: rebuild from the true end points
            end = (end[0], end[1])
        geoms.append(geodesic_line([start, end], step_km=FLOW_STEP_KM))
    out["geometry"] = geoms
    return out


def overview(data: MapData):
    box = REGION
    m = new_map(title="Northeast Asia in Kim's 'Cooperation and Conflict among Provinces'",
                subtitle="Provinces, borders by river, the six named rivers, customs gates, places and projects",
                bounds=(116, 38, 142, 54))
    basemap(m, data, box)
    add_rivers(m, data, box)
    add_borders(m, data, box)
    add_projects(m, data, box, show=False)
    add_places(m, data, box)
    add_gates(m, data, box)
    add_legend(m, legend_for("borders") + legend_for("rivers") + legend_for("customs_gates")
               + legend_for("places") + legend_for("projects", keys=[]),
               note="Click a feature for its figures and citation.")
    return m


def _colour(value, vmax):
    """Sequential orange scale; grey for no data."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "#d9d9d9"
    steps = ["#feedde", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"]
    i = min(int(len(steps) * math.sqrt(max(value, 0) / vmax)), len(steps) - 1) if vmax else 0
    return steps[i]


def trade(data: MapData):
    m = new_map(title="Trade of the border provinces (Tables 1, 3, 5, 6)",
                subtitle="Provinces shaded by trade with Russia; lines to each partner scaled by value. "
                         "Pick a year in the layer control.",
                bounds=(100, 30, 145, 57))
    # one simplification for countries and provinces, so their shared edges are sent once
    countries, provinces = data.admin(TRADE_BOX, SMALL_ISLAND_KM2)
    add_layer(m, countries, name="Countries", style="countries", tooltip=False)
    prov = data.raw("province_trade").copy()
    prov["geometry"] = provinces.set_index("name_en").reindex(prov["reporter"]).geometry.values
    flows = _web_flows(data.raw("trade_flows"))
    vmax_prov = float(prov["russia_total"].max(skipna=True) or 1)
    vmax_flow = float(flows[["total", "exports", "imports"]].max(axis=1).max() or 1)
    years = sorted(set(prov["year"]))
    for y in years:
        py, fy = prov[prov["year"] == y], flows[flows["year"] == y]
        group_name = f"Year {y}"

        def prov_popup(r):
            return popup_data(f"{r['reporter']}, {r['year']}", r, [
                ("Trade with Russia, US$ m", "russia_total"), ("Exports to Russia", "russia_exports"),
                ("Imports from Russia", "russia_imports"), ("Trade with North Korea", "north_korea_total"),
                ("Trade with Japan", "japan_total"), ("Trade with South Korea", "south_korea_total"),
                ("Trade with China", "china_total"), ("All partners (printed total)", "all_total")],
                citation=f"Kim, Table(s) {r['tables']}", names=False)

        def flow_popup(r):
            return popup_data(f"{r['reporter']} – {r['partner']}, {r['year']}", r, [
                ("Total, US$ m", "total"), ("Exports, US$ m", "exports"), ("Imports, US$ m", "imports"),
                ("Export growth, %", "exports_growth_pct"), ("Import growth, %", "imports_growth_pct"),
                ("Year-on-year (exports)", "exports_yoy_pct"), ("Year-on-year (imports)", "imports_yoy_pct"),
                ("Year-on-year (total)", "total_yoy_pct"), ("Note", "note")],
                citation=f"Kim, Table {r['table_no']}", names=False)

        g1 = add_layer(m, py, name=f"{group_name}: provinces", style="province_trade", popup=prov_popup,
                       show=(y == 2004), fill_fn=lambda r: _colour(r.get("russia_total"), vmax_prov))
        del g1

        def width(r):
            v = max((x for x in (r.get("total"), r.get("exports"), r.get("imports"))
                     if x is not None and not (isinstance(x, float) and math.isnan(x))), default=0)
            return 1 + 11 * math.sqrt(v / vmax_flow)

        add_layer(m, fy, name=f"{group_name}: flows to partners", style="trade_flows", popup=flow_popup,
                  show=(y == 2004), weight_fn=width)
    add_legend(m, [("Trade with Russia: none printed", {"color": "#555", "fillColor": "#d9d9d9", "fillOpacity": 1}),
                   ("small", {"color": "#555", "fillColor": "#fdd0a2", "fillOpacity": 1}),
                   ("large (Heilongjiang 2004: 3,823)", {"color": "#555", "fillColor": "#a63603", "fillOpacity": 1}),
                   ("Flow to a partner's capital (width ~ value)", {"color": "#2c7fb8", "weight": 4})],
               title="US$ million", note="Years with data: " + ", ".join(str(y) for y in years)
               + ". Jilin's Table 3 lists export and import partners separately. Islands under 100 km² are "
               "left out at this scale.")
    return m


def gates(data: MapData):
    box = (108.0, 35.0, 142.0, 57.0)
    m = new_map(title="Customs gates for frontier trade",
                subtitle="Suifenhe, Heihe, Tongjiang, Hulin, Hunchun, Manzhouli and Dandong–Sinuiju with the "
                         "towns across the border and the paper's figures", bounds=(116, 39, 136, 53))
    basemap(m, data, box)
    add_borders(m, data, box)
    g = data.points("customs_gates")
    places = data.raw("places").set_index("name_en")
    links = []
    for r in g.to_dict("records"):
        if r.get("partner_town") and r["partner_town"] in places.index:
            p = places.loc[r["partner_town"]].geometry
            links.append({**r, "geometry": shapely.LineString([r["geometry"].coords[0], p.coords[0]])})
    if links:
        import geopandas as gpd

        add_layer(m, gpd.GeoDataFrame(links, crs=4326), name="Gate to partner town", style="trade_flows",
                  popup=gate_popup, tooltip=True)
    towns = set(g["town"]) | set(g["partner_town"].dropna())
    add_places(m, data, box, where=lambda f: f["name_en"].isin(towns))
    add_layer(m, g, name="Customs gates", style="customs_gates", popup=gate_popup)
    add_legend(m, legend_for("customs_gates") + legend_for("places") + legend_for("borders"),
               note="Each gate sits on the border point nearest its town (derived).")
    return m


def benzene(data: MapData):
    box = (118.0, 39.0, 143.0, 54.0)
    m = new_map(title="Rivers and the November 2005 benzene spill",
                subtitle="From the Jilin City explosion down the Songhua into the Amur to Khabarovsk, traced on "
                         "the river network, with its dated stages", bounds=(125, 43, 136, 49.5))
    basemap(m, data, box, waterways=True)
    add_rivers(m, data, box)
    ev = data.any_geom("events", None, lambda f: f["event_id"].str.startswith(("benzene", "jilin_explosion")))

    def ev_popup(r):
        return popup_data(f"{r['date']}: {r['title']}", r, [
            ("Date from", "date_source"), ("What happened", "description"), ("Path length from Jilin City, km", "length_km")],
            citation=r.get("citation"), names=False)

    for r in ev.sort_values("seq").to_dict("records"):
        import geopandas as gpd

        add_layer(m, gpd.GeoDataFrame([r], crs=4326), name=f"{r['date']}: {r['title']}", style="events",
                  popup=ev_popup, weight_fn=lambda _r: 4.5)
    add_places(m, data, box, where=lambda f: f["place_id"].isin(["jilin_city", "harbin", "jiamusi", "tongjiang",
                                                                 "khabarovsk", "heihe", "blagoveshchensk"]))
    add_legend(m, legend_for("rivers") + [("Spill path (stage)", {"color": "#e31a1c", "weight": 4})]
               + legend_for("waterways") + legend_for("places"),
               note="Stage dates: the paper gives 13 Nov 2005 and 'several days later'; month-level dates for "
                    "Harbin and Khabarovsk come from press reports.")
    return m


def sinuiju(data: MapData):
    box = (123.2, 39.2, 125.7, 40.9)
    m = new_map(title="Sinuiju and Dandong across the Yalu",
                subtitle="The crossing, the second bridge, the special districts and Dandong's projects",
                bounds=(124.1, 39.75, 124.75, 40.3))
    basemap(m, data, box)
    add_rivers(m, data, box)
    add_borders(m, data, box)
    add_projects(m, data, box)
    add_places(m, data, box)
    add_gates(m, data, box)
    add_legend(m, legend_for("projects") + legend_for("places") + legend_for("customs_gates") + legend_for("borders", ["Yalu"]),
               note="Island and park positions are approximate (see each popup).")
    return m


def tumen(data: MapData):
    box = (125.5, 39.5, 137.0, 46.0)
    m = new_map(title="The Tumen River area",
                subtitle="TRADP, Hunchun, Rason (Najin), Posyet, Zarubino, Vladivostok, Nakhodka and the competing routes",
                bounds=(128.8, 41.6, 133.3, 43.8))
    basemap(m, data, box)
    add_rivers(m, data, box)
    add_borders(m, data, box)
    add_projects(m, data, box, where=lambda f: f["project_id"].isin(
        ["tradp", "najin_hunchun_road", "najin_port_rights", "najin_seonbong_zone", "hunchun_trade_market",
         "vladivostok_market", "musan_iron_ore", "ussuriysk_trade_centre", "primorsky_border_district"]))
    add_places(m, data, box)
    add_gates(m, data, box)
    add_legend(m, legend_for("projects") + legend_for("places") + legend_for("customs_gates") + legend_for("borders"),
               note="TRADP drawn as the Yanji–Nakhodka–Chongjin triangle; the paper gives no boundary.")
    return m


def population(data: MapData):
    box = (104.0, 35.0, 180.0, 71.5)
    m = new_map(title="Population and migration (Table 7)",
                subtitle="The Russian Far East and China's three northeastern provinces, 2002 and late 2015, "
                         "with the paper's migration figures", bounds=(105, 38, 170, 70))
    countries, provinces = data.admin(box, SMALL_ISLAND_KM2)
    add_layer(m, countries, name="Countries", style="countries", tooltip=False)
    # the regions rebuilt from the same simplified provinces: their edges are the countries' edges
    regions = data.raw("regions_population").copy()
    by_name = provinces.set_index("name_en").geometry
    regions["geometry"] = [shapely.union_all([by_name[n] for n in members.split("|") if n in by_name.index])
                           for members in regions["members"]]

    def reg_popup(r):
        return popup_data(r["region"], r, [
            ("Population 2002, million", "population_m_2002"), ("Late 2015 (estimate), million", "population_m_2015"),
            ("Change, million", "change_m"), ("Change, %", "change_pct"), ("Area, km² (derived)", "area_km2"),
            ("People per km², 2002 (derived)", "density_2002_per_km2"), ("Population 2007 (text), million", "population_m_2007_text"),
            ("Chinese living there (text), million", "chinese_residents_m_min"), ("… up to, million", "chinese_residents_m_max"),
            ("Chinese in business (text), million", "chinese_in_business_m")],
            citation=r.get("citation"), names=False)

    add_layer(m, regions, name="Table 7 regions", style="regions_population", popup=reg_popup,
              fill_fn=lambda r: "#d6604d" if (r.get("change_pct") or 0) < 0 else "#4393c3")
    texts = data.raw("paper_tables")
    text = texts[texts["table_no"].isna()].set_index("row_label")
    import geopandas as gpd

    arrows = []
    for fid, frm, to, label in [
        ("rfe_chinese_max", (126.6, 45.8), (135.1, 48.5), "Chinese living in the Russian Far East"),
        ("harvest_migrants", (126.6, 45.8), (104.3, 52.3), "Seasonal harvest workers to southern Siberia"),
        ("amur_joint_farms", (126.6, 45.8), (127.5, 50.3), "Joint Chinese–Russian farms in the Amur region"),
    ]:
        rec = text.loc[fid]
        from ..geodesy import geodesic_line

        arrows.append({"name_en": label, "value": rec["printed"], "unit": rec["unit"], "citation": rec["citation"],
                       "note": rec["note"], "geometry": geodesic_line([frm, to])})
    add_layer(m, gpd.GeoDataFrame(arrows, crs=4326), name="Migration figures (text)", style="events",
              popup=lambda r: popup_data(r["name_en"], r, [("Figure", "value"), ("Unit", "unit"), ("What", "note")],
                                         citation=r["citation"], names=False), weight_fn=lambda _r: 3)
    add_legend(m, [("Population falling (Russian Far East: -32.8 %)", {"color": "#444", "fillColor": "#d6604d", "fillOpacity": 0.6}),
                   ("Population rising (three provinces: +12.5 %)", {"color": "#444", "fillColor": "#4393c3", "fillOpacity": 0.6}),
                   ("Migration figure from the text", {"color": "#542788", "weight": 3})],
               note="Table 7: Russian Far East 6.7 → 4.5 million; China's three northeastern provinces 106.6 → 120.0 "
                    "million. Islands under 100 km² are left out at this scale.")
    return m


#: file stem -> (builder, one-line description, thumbnail extent)
MAPS = {
    "overview": (overview, "Provinces, borders by river, the six named rivers, customs gates, places and projects.",
                 (116, 38, 142, 54)),
    "trade": (trade, "The paper's trade tables: provinces shaded and flows to partners, year by year (2003-2006).",
              (100, 30, 145, 57)),
    "customs_gates": (gates, "The seven customs gates, their partner towns, border segments and the paper's figures.",
                      (116, 39, 136, 53)),
    "benzene_spill": (benzene, "Rivers and the 2005 benzene spill from Jilin City to Khabarovsk, stage by stage.",
                      (125, 43, 136, 49.5)),
    "sinuiju_dandong": (sinuiju, "The Yalu crossing, the second bridge, the special districts and Dandong's projects.",
                        (124.1, 39.75, 124.75, 40.3)),
    "tumen": (tumen, "TRADP, Hunchun, Rason, the Russian ports and the competing routes.", (128.8, 41.6, 133.3, 43.8)),
    "population": (population, "Table 7 and the migration figures on the Russian Far East and northeast China.",
                   (105, 38, 170, 70)),
}
