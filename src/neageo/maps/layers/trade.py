"""Provinces shaded by trade with Russia (Tables 1, 3, 5, 6) and flows to each partner's capital."""

from __future__ import annotations

import math
from typing import Any, cast

import geopandas as gpd
import shapely

from ...geodesy import GEOD, geodesic_line
from ...style import STYLES, look
from ..specs import LayerUse, label_priority
from .base import LANGS, Context, WebLayer, feature_layer, names_of, present

__all__ = ["province_trade", "trade_flows", "SEQUENTIAL", "NO_DATA"]

#: Trade-flow lines are symbols: great circles with a vertex every this many km.
FLOW_STEP_KM = 150.0
#: A flow to a partner outside the map's frame ends at a labelled arrow this far along its great circle.
FAR_ARROW_KM = 1100.0
#: Sequential colours for values (light to dark) and the colour for "no figure printed".
SEQUENTIAL = ("#feedde", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603")
NO_DATA = "#d9d9d9"

def _classes(vmax: float) -> list[float]:
    """Upper bounds of the sequential classes (a square-root scale: small values stay apart)."""
    n = len(SEQUENTIAL)
    return [vmax * ((i + 1) / n) ** 2 for i in range(n)]


def _class_colour(value: Any, bounds: list[float]) -> str:
    if not present(value):
        return NO_DATA
    for colour, upper in zip(SEQUENTIAL, bounds):
        if value <= upper:
            return colour
    return SEQUENTIAL[-1]


def _nice(v: float) -> str:
    if v <= 0:
        return "0"
    mag = 10 ** math.floor(math.log10(v))
    return f"{round(v / mag * 2) / 2 * mag:,.0f}" if v >= 10 else f"{v:.1f}"


def province_trade(ctx: Context, use: LayerUse) -> list[WebLayer]:
    _, provs = ctx.admin()
    prov = ctx.data.raw("province_trade").copy()
    geoms = provs.set_index("name_en").geometry
    prov["geometry"] = [geoms.get(r) for r in prov["reporter"]]
    named = provs.set_index("name_en")
    for lang in LANGS[1:]:
        prov[f"name_{lang}"] = [named[f"name_{lang}"].get(r) for r in prov["reporter"]]
    prov = gpd.GeoDataFrame(prov[prov["geometry"].notna()], geometry="geometry", crs=4326)
    values = prov["russia_total"].dropna()
    vmax = float(values.max()) if len(values) else 1.0
    bounds = _classes(vmax)
    years = sorted(int(y) for y in prov["year"].unique())
    for y in years:
        ctx.stops[y] = {"v": y, "d": str(y)}
    ctx.facts["years"] = f"{years[0]}–{years[-1]}" if years else ""
    tables = sorted({t.strip() for ts in prov["tables"].astype(str) for t in ts.replace(";", ",").split(",")})
    ctx.facts["tables"] = ", ".join(tables)

    def shade(rec: dict[str, Any], props: dict[str, Any]) -> None:
        props["f"] = _class_colour(rec.get("russia_total"), bounds)
        props["t"] = int(rec["year"])
        props["ln"] = names_of({**rec, "name_en": rec["reporter"]})

    layer = feature_layer(ctx, use, prov, extra=shade, topology=True)
    layer.time = True
    top = prov.sort_values("russia_total", ascending=False).iloc[0] if len(values) else None
    base = STYLES["province_trade"].default.leaflet()
    rows = [{"label": "Trade with Russia, US$ million: no figure printed", "style": base | {"fillColor": NO_DATA, "fillOpacity": 1},
             "shape": "area"}]
    lower = 0.0
    for colour, upper in zip(SEQUENTIAL, bounds):
        text = f"{_nice(lower)}–{_nice(upper)}"
        if top is not None and lower < top["russia_total"] <= upper:
            text += f" ({top['reporter']} {int(top['year'])}: {top['russia_total']:,.0f})"
        rows.append({"label": text, "style": base | {"fillColor": colour, "fillOpacity": 1}, "shape": "area"})
        lower = upper
    layer.legend = rows
    return [layer]


def _cut_at(line, frame) -> tuple[Any, tuple[float, float] | None]:
    """The part of a flow line from its start to where it leaves ``frame`` (and that exit point)."""
    box = shapely.box(*frame)
    start = shapely.Point(line.coords[0])
    if box.contains(shapely.Point(line.coords[-1])):
        return line, None
    inside = line.intersection(box)
    parts = [p for p in shapely.get_parts(inside) if p.geom_type == "LineString"]
    if not parts or not box.contains(start):
        return line, None
    part = min(parts, key=lambda p: p.distance(start))
    return part, part.coords[-1]


def trade_flows(ctx: Context, use: LayerUse) -> list[WebLayer]:
    flows = ctx.data.raw("trade_flows")
    w, s, e, n = ctx.spec.frame
    dx, dy = (e - w) * 0.03, (n - s) * 0.05
    inner = (w + dx, s + dy, e - dx, n - dy)
    vals = flows[["total", "exports", "imports"]].max(axis=1)
    vmax = float(vals.max()) if vals.notna().any() else 1.0
    recs = []
    for rec in flows.to_dict("records"):
        g = rec["geometry"]
        parts = list(getattr(g, "geoms", [g]))
        start, end = parts[0].coords[0], parts[-1].coords[-1]
        exit_at = None
        if not shapely.box(*inner).contains(shapely.Point(end)):
            az, _, dist = GEOD.inv(start[0], start[1], end[0], end[1])
            if dist / 1000 > FAR_ARROW_KM:
                lon, lat, _ = GEOD.fwd(start[0], start[1], az, FAR_ARROW_KM * 1000)
                exit_at = end = (float(lon), float(lat))
        line = geodesic_line([start, end], step_km=FLOW_STEP_KM)
        if line.geom_type == "MultiLineString":
            line = line.geoms[0]
        line, cut = _cut_at(line, inner)
        exit_at = cut or exit_at
        rec["geometry"] = shapely.set_precision(line, 1e-4)
        rec["_exit"] = exit_at
        rec["_end"] = end
        recs.append(rec)
    frame = gpd.GeoDataFrame(recs, geometry="geometry", crs=4326)
    prio = label_priority()

    def width(rec: dict[str, Any], props: dict[str, Any]) -> None:
        v = max((float(cast(float, x)) for x in (rec.get("total"), rec.get("exports"), rec.get("imports")) if present(x)),
                default=0.0)
        props["w"] = round(1 + 11 * math.sqrt(v / vmax), 2)
        props["t"] = int(rec["year"])
        at = rec["_exit"] or rec["_end"]
        props["l"] = [prio["partner"], "partner", round(at[0], 3), round(at[1], 3)]
        props["ln"] = {"en": str(rec["to_capital"]) + (f" {round(float(rec['length_km']), -1):,.0f} km" if rec["_exit"] and present(rec.get('length_km')) else "")}

    layer = feature_layer(ctx, use, frame, extra=width)
    layer.time = True
    layer.arrows = True
    lk = look("trade_flows").leaflet()
    layer.legend = [{"label": f"Flow to a partner's capital, width ~ value (widest {vmax:,.0f})",
                     "style": lk | {"weight": 6}, "shape": "line"},
                    {"label": "Thin: no value printed", "style": lk | {"weight": 1}, "shape": "line"}]
    return [layer]
