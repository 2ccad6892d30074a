"""The Table 7 regions (population change) and the migration figures of the text."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely

from ...geodesy import geodesic_line
from ...style import STYLES, look
from ..specs import LayerUse, migration_figures
from ..web import DECIMALS
from .base import Context, WebLayer, feature_layer, plain, split_names

__all__ = ["regions_population", "migration"]


def regions_population(ctx: Context, use: LayerUse) -> list[WebLayer]:
    _, provs = ctx.admin()
    regions = ctx.data.raw("regions_population").copy()
    by_name = provs.set_index("name_en").geometry
    # on the simplified provinces' grid, so a region's outline is the provinces' (and its country's) edges
    # and travels as the same shared arcs
    regions["geometry"] = [shapely.union_all([by_name[n] for n in split_names(m) if n in by_name.index],
                                             grid_size=10.0 ** -DECIMALS)
                           for m in regions["members"]]
    regions = gpd.GeoDataFrame(regions, geometry="geometry", crs=4326)
    falling, rising = "#d6604d", "#4393c3"

    def colour(rec: dict[str, Any], props: dict[str, Any]) -> None:
        props["f"] = falling if (rec.get("change_pct") or 0) < 0 else rising

    layer = feature_layer(ctx, use, regions, extra=colour, topology=True)
    base = STYLES["regions_population"].default.leaflet()
    rows = []
    for r in regions.sort_values("change_pct").to_dict("records"):
        word = "falling" if r["change_pct"] < 0 else "rising"
        rows.append({"label": f"Population {word}: {r['region']} {plain(r['population_m_2002'])} → "
                              f"{plain(r['population_m_2015'])} million ({r['change_pct']:+.1f} %)",
                     "style": base | {"fillColor": falling if r["change_pct"] < 0 else rising, "fillOpacity": 0.6},
                     "shape": "area"})
    layer.legend = rows
    ctx.facts["pop_years"] = "2002–2015"
    return [layer]


def migration(ctx: Context, use: LayerUse) -> list[WebLayer]:
    texts = ctx.data.raw("paper_tables")
    text = texts[texts["table_no"].isna()].set_index("row_label")
    pl = ctx.data.raw("places").set_index("place_id")
    recs = []
    for fig in migration_figures():
        if fig["id"] not in text.index:
            continue
        row = text.loc[fig["id"]].to_dict()
        frm = pl.geometry[fig["from"]]
        recs.append({**row, "label": fig["label"], "name_en": fig["label"],
                     "geometry": geodesic_line([(frm.x, frm.y), tuple(fig["to"])])})
    frame = gpd.GeoDataFrame(recs, geometry="geometry", crs=4326)

    def wide(rec: dict[str, Any], props: dict[str, Any]) -> None:
        props["w"] = 3
        props["l"] = [props["l"][0], "event", *[round(v, 3) for v in rec["geometry"].interpolate(0.6, normalized=True).coords[0]]]

    layer = feature_layer(ctx, use, frame, extra=wide)
    layer.arrows = True
    layer.legend = [{"label": "Migration figure from the text", "style": look("events").leaflet() | {"weight": 3},
                     "shape": "line"}]
    return [layer]
