"""Places, customs gates and the links from each gate to the town across the border."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely

from ...gazetteer import normalise
from ...geodesy import distance_km_lonlat
from ..specs import LayerUse, label_priority
from .base import Context, WebLayer, feature_layer, filtered, names_of, present

__all__ = ["places", "customs_gates", "gate_links", "SAME_TOWN_KM"]

#: A place within this distance of a gate of the same town shares the gate's label.
SAME_TOWN_KM = 30.0

def places(ctx: Context, use: LayerUse) -> list[WebLayer]:
    frame = filtered(ctx, use, ctx.data.points("places", ctx.spec.box))
    gates = ctx.data.raw("customs_gates")
    partners = {str(t) for t in gates["partner_town"].dropna()} if "partner_town" in gates.columns else set()
    gate_rank = label_priority()["gate"]

    def one_label(rec: dict[str, Any], props: dict[str, Any]) -> None:
        gate = ctx.gate_towns.get(normalise(str(rec.get("name_en"))))
        if gate and "l" in props:
            g = rec["geometry"]
            if distance_km_lonlat(gate[0], gate[1], g.x, g.y) <= SAME_TOWN_KM:
                del props["l"]  # the gate's label names the town
        if "l" in props and rec.get("name_en") in partners:
            props["l"][0] = min(props["l"][0], gate_rank)  # the town across a gate (Sinuiju): named as the gate is

    layer = feature_layer(ctx, use, frame, extra=one_label)
    return [layer]


def customs_gates(ctx: Context, use: LayerUse) -> list[WebLayer]:
    frame = filtered(ctx, use, ctx.data.points("customs_gates", ctx.spec.box))
    ctx.facts["n_gates"] = len(ctx.data.raw("customs_gates"))
    towns = ctx.data.raw("places").set_index("name_en")

    def town_label(rec: dict[str, Any], props: dict[str, Any]) -> None:
        town = rec.get("town")
        if present(town) and town in towns.index:
            props["ln"] = names_of({**towns.loc[town].to_dict(), "name_en": town})
        props.setdefault("q", []).extend(k for k in (normalise(str(town)),) if k and k not in props["q"])

    return [feature_layer(ctx, use, frame, extra=town_label)]


def gate_links(ctx: Context, use: LayerUse) -> list[WebLayer]:
    gates = ctx.data.points("customs_gates")
    pl = ctx.data.raw("places").set_index("name_en")
    links = []
    for r in gates.to_dict("records"):
        if present(r.get("partner_town")) and r["partner_town"] in pl.index:
            p = pl.loc[r["partner_town"]].geometry
            links.append({**r, "geometry": shapely.LineString([r["geometry"].coords[0], p.coords[0]])})
    frame = gpd.GeoDataFrame(links, geometry="geometry", crs=4326) if links else gates.iloc[:0]
    layer = feature_layer(ctx, use, frame)
    for row in layer.legend:
        row["label"] = use.layer.title
    return [layer]
