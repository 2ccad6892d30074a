"""Each map layer as page data: geometry, style, names, popup, label, search keys and time.

Every builder reads the GeoPackage through :class:`~neageo.maps.data.MapData`
and returns a :class:`WebLayer`; what is typed in ``assets/maps.toml`` says how
it is shown, and the figures it reports (``facts``) fill the map's title,
description and legend.  Feature properties use short keys (see ``nea.js``):

``s``  style index in the layer's ``styles``      ``w``/``f``  stroke width / fill override
``n``  names by language (en, zh, ru, ko)          ``h``  heading when the feature has no name
``p``  popup: [kind, rows, citation, aliases]       ``l``  label: [priority, class, lon, lat]
``ln`` label names when they differ from ``n``     ``q``  normalised search keys
``t``  time-stop value (only that stop shows it)
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..gazetteer import normalise
from ..geodesy import GEOD, distance_km_lonlat, geodesic_line
from ..style import STYLES, categories, look
from .codec import Topology, encode_geometry
from .data import MapData
from .specs import LayerUse, MapSpec, label_priority, migration_figures, place_kind
from .web import DECIMALS

__all__ = ["WebLayer", "Context", "build_layer", "LANGS"]

LANGS = ("en", "zh", "ru", "ko")
#: Trade-flow lines are symbols: great circles with a vertex every this many km.
FLOW_STEP_KM = 150.0
#: A flow to a partner outside the map's frame ends at a labelled arrow this far along its great circle.
FAR_ARROW_KM = 1100.0
#: A place within this distance of a gate of the same town shares the gate's label.
SAME_TOWN_KM = 30.0
#: Longest label, characters (the popup shows the whole name).
MAX_LABEL = 48
#: Sequential colours for values (light to dark) and the colour for "no figure printed".
SEQUENTIAL = ("#feedde", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603")
NO_DATA = "#d9d9d9"
#: What the time control means on maps of projects.
SINCE_NOTE = "Projects begun by this year (undated ones always shown)"


@dataclass
class WebLayer:
    """One overlay of a map page."""

    id: str
    title: str
    show: bool
    styles: list[dict[str, Any]]
    features: list[list[Any]] = field(default_factory=list)
    legend: list[dict[str, Any]] = field(default_factory=list)
    time: bool = False
    tooltip: bool = True
    arrows: bool = False

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "title": self.title, "show": self.show, "styles": self.styles,
                               "features": self.features}
        if self.time:
            out["time"] = True
        if not self.tooltip:
            out["tip"] = False
        if self.arrows:
            out["arrows"] = True
        return out


@dataclass
class Context:
    """What the layers of one map share while they are built."""

    data: MapData
    spec: MapSpec
    topology: Topology = field(default_factory=Topology)
    facts: dict[str, Any] = field(default_factory=dict)
    #: time-stop value -> {"v", "d" (date or year), "s" (what happens then)}
    stops: dict[Any, dict[str, Any]] = field(default_factory=dict)
    #: gate town (normalised) -> gate point, for one label per gate and town
    gate_towns: dict[str, tuple[float, float]] = field(default_factory=dict)

    def admin(self) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
        return self.data.admin(self.spec.box, self.spec.min_island_km2)


# -- values ----------------------------------------------------------------------------------------

def present(value: Any) -> bool:
    if value is None or value is pd.NA:
        return False
    if isinstance(value, float | np.floating) and math.isnan(value):
        return False
    return value != ""


def plain(value: Any) -> str | None:
    """A value as popup text: numbers with thousands separators, integers without decimals."""
    if not present(value):
        return None
    if isinstance(value, float | np.floating):
        v = float(value)
        return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int | np.integer):
        return str(int(value)) if abs(int(value)) < 10_000 or "year" in str(value) else f"{int(value):,}"
    return str(value)


def split_names(value: Any) -> list[str]:
    """An alias list (``a|b|c``) as a list of names."""
    if not present(value):
        return []
    return [p.strip() for p in str(value).split("|") if p.strip()]


def names_of(rec: dict[str, Any]) -> dict[str, str]:
    out = {}
    for lang in LANGS:
        v = rec.get(f"name_{lang}")
        if present(v):
            out[lang] = str(v)
    return out


def fill(template: str, rec: dict[str, Any]) -> str:
    """``template`` with ``{column}`` filled from a record (missing values left empty)."""
    class Row(dict):
        def __missing__(self, key: str) -> str:
            v = rec.get(key)
            return (v if isinstance(v, str) else plain(v)) or ""

    return template.format_map(Row())


def search_keys(rec: dict[str, Any], extra: list[str]) -> list[str]:
    """Normalised keys of every name and alias (as :func:`neageo.find` compares them)."""
    names: list[str] = list(extra)
    for col in ("name_en", "name_zh", "name_ru", "name_ko", "name_local", "title", "to_capital"):
        if present(rec.get(col)):
            names += [p.strip() for p in str(rec[col]).split(" / ")]
    names += split_names(rec.get("aliases"))
    return list(dict.fromkeys(k for k in (normalise(n) for n in names) if k))


def label_anchor(geom, frame) -> tuple[float, float]:
    """Where a polygon's label goes: the centre of its largest inscribed circle, inside the frame if it reaches it."""
    geom = geom if geom.is_valid else shapely.make_valid(geom)
    inside = geom.intersection(shapely.box(*frame))
    target = inside if not inside.is_empty and inside.area > 0 else geom
    parts = sorted(shapely.get_parts(target), key=lambda p: -p.area)
    part = parts[0]
    tol = max(math.sqrt(part.area) / 50, 1e-4)
    c = shapely.maximum_inscribed_circle(part, tol)
    x, y = c.coords[0]
    return round(x, 3), round(y, 3)


# -- generic feature layer -------------------------------------------------------------------------

def styles_for(style: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """A layer's distinct looks (default first) and category -> index."""
    cats = categories(style)
    styles = [cats[""].leaflet()]
    index = {"": 0}
    for key, lk in cats.items():
        if key:
            index[key] = len(styles)
            styles.append(lk.leaflet())
    return styles, index


def legend_rows(style: str, keys: set[str] | None, shape: str) -> list[dict[str, Any]]:
    """Legend rows of a layer: only the categories its features use."""
    cats = categories(style)
    rows = []
    for key, lk in cats.items():
        if key and (keys is None or key in keys):
            rows.append({"label": lk.label, "style": lk.leaflet(), "shape": shape})
    if not rows or (keys is not None and "" in keys):
        rows.append({"label": cats[""].label, "style": cats[""].leaflet(), "shape": shape})
    return rows


def shape_of(frame: gpd.GeoDataFrame) -> str:
    kinds = set(frame.geom_type)
    if kinds <= {"Point", "MultiPoint"}:
        return "point"
    if kinds <= {"LineString", "MultiLineString"}:
        return "line"
    if kinds <= {"Polygon", "MultiPolygon"}:
        return "area"
    return "any"


def feature_layer(ctx: Context, use: LayerUse, frame: gpd.GeoDataFrame, *, layer_id: str | None = None,
                  title: str | None = None, show: bool | None = None,
                  extra: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
                  topology: bool = False) -> WebLayer:
    """Features of ``frame`` drawn with the layer's style, popup, label and search keys."""
    d = use.layer
    st = STYLES[d.style]
    styles, index = styles_for(d.style)
    prio = label_priority()
    out = WebLayer(id=layer_id or d.name, title=title or d.title, show=use.show if show is None else show,
                   styles=styles, tooltip=d.tooltip)
    used: set[str] = set()
    records = cast(list[dict[str, Any]], frame.to_dict("records"))
    for rec in records:
        geom = rec["geometry"]
        if geom is None or geom.is_empty:
            continue
        props: dict[str, Any] = {}
        key = str(rec.get(st.by)) if st.by and present(rec.get(st.by)) else ""
        key = key if key in index else ""
        used.add(key)
        if index[key]:
            props["s"] = index[key]
        names = names_of(rec)
        heading = fill(d.heading, rec)
        if names and d.heading == "{name_en}":
            props["n"] = names
        else:
            props["h"] = heading
            names = {"en": heading}
        if d.popup or d.kind:
            rows = [[label, plain(rec.get(col))] for label, col in d.popup if plain(rec.get(col)) is not None]
            cite = rec.get("citation") if present(rec.get("citation")) else (fill(d.citation, rec) if d.citation else "")
            props["p"] = [d.kind, rows, cite or "", split_names(rec.get("aliases"))]
        if d.search:
            props["q"] = search_keys(rec, [heading])
        if d.label:
            cls = d.label
            if cls == "place":
                cls = place_kind().get(str(rec.get("kind")), "town")
            if geom.geom_type in ("Polygon", "MultiPolygon"):
                props["l"] = [prio[cls], cls, *label_anchor(geom, ctx.spec.frame)]
            else:
                props["l"] = [prio[cls], cls]
        if extra:
            extra(rec, props)
        out.features.append([encode_geometry(geom, ctx.topology if topology else None), props])
    out.legend = legend_rows(d.style, used, shape_of(frame)) if len(frame) else []
    return out


# -- builders --------------------------------------------------------------------------------------

def _filtered(ctx: Context, use: LayerUse, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    f = use.filter
    if f is None:
        return frame
    values = set(f.values)
    if f.from_layer:
        src = ctx.data.raw(f.from_layer)
        for col in f.from_columns:
            values |= {str(v) for v in src[col].dropna()}
    return frame[frame[f.column].astype(str).isin(values)]


def countries(ctx: Context, use: LayerUse) -> list[WebLayer]:
    frame, _ = ctx.admin()
    return [feature_layer(ctx, use, frame, topology=True)]


def provinces(ctx: Context, use: LayerUse) -> list[WebLayer]:
    _, frame = ctx.admin()
    return [feature_layer(ctx, use, frame, topology=True)]


def lakes(ctx: Context, use: LayerUse) -> list[WebLayer]:
    d = use.layer
    frame = ctx.data.lines("lakes", ctx.spec.box, d.tolerance_m or 225.0)
    frame = frame[frame["area_km2"] >= d.min_area_km2]
    return [feature_layer(ctx, use, frame)]


def waterways(ctx: Context, use: LayerUse) -> list[WebLayer]:
    frame = ctx.data.lines("waterways", ctx.spec.box)
    return [feature_layer(ctx, use, frame[frame["kind"] != "link"])]


def rivers(ctx: Context, use: LayerUse) -> list[WebLayer]:
    frame = ctx.data.lines("rivers", ctx.spec.box)
    ctx.facts["n_rivers"] = len(ctx.data.raw("rivers"))
    return [feature_layer(ctx, use, frame)]


def borders(ctx: Context, use: LayerUse) -> list[WebLayer]:
    """Borders in force today; superseded sections (``valid_to`` set) as their own layer, off at first."""
    frame = ctx.data.lines("borders", ctx.spec.box)
    if "valid_to" not in frame.columns:
        return [feature_layer(ctx, use, frame)]
    old = frame["valid_to"].notna()
    out = [feature_layer(ctx, use, frame[~old])]
    if old.any():
        until = int(frame.loc[old, "valid_to"].max())
        former = feature_layer(ctx, use, frame[old], layer_id="borders_former", title=f"Borders before {until}",
                               show=False)
        for row in former.legend:
            row["label"] = f"{row['label']} (before {until})"
        out.append(former)
    return out


def places(ctx: Context, use: LayerUse) -> list[WebLayer]:
    frame = _filtered(ctx, use, ctx.data.points("places", ctx.spec.box))

    def one_label(rec: dict[str, Any], props: dict[str, Any]) -> None:
        gate = ctx.gate_towns.get(normalise(str(rec.get("name_en"))))
        if gate and "l" in props:
            g = rec["geometry"]
            if distance_km_lonlat(gate[0], gate[1], g.x, g.y) <= SAME_TOWN_KM:
                del props["l"]  # the gate's label names the town

    layer = feature_layer(ctx, use, frame, extra=one_label)
    return [layer]


def customs_gates(ctx: Context, use: LayerUse) -> list[WebLayer]:
    frame = _filtered(ctx, use, ctx.data.points("customs_gates", ctx.spec.box))
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


def project_year(rec: dict[str, Any]) -> tuple[int, str] | None:
    """When a project began, as (year, how the paper puts it): its start year, else the year or decade
    its period names ("2006", "1990s"); None when only an end is known ("due 2008") or nothing."""
    if present(rec.get("start_year")):
        return int(rec["start_year"]), str(int(rec["start_year"]))
    text = str(rec.get("period_text") or "")
    m = re.search(r"(1[89]|20)\d\d(s?)", text)
    if not m or present(rec.get("end_year")):
        return None
    return int(m.group(0).rstrip("s")), m.group(0)


def projects(ctx: Context, use: LayerUse) -> list[WebLayer]:
    """Projects and zones; on a map that shows them from the start, a time control shows those begun by a year."""
    frame = _filtered(ctx, use, ctx.data.any_geom("projects", ctx.spec.box))
    timed = use.show and not any(u.layer.name in ("events", "province_trade") for u in ctx.spec.layers)

    def since(rec: dict[str, Any], props: dict[str, Any]) -> None:
        when = project_year(rec)
        if timed and when:
            props["ts"] = when[0]
            ctx.stops.setdefault(when[0], {"v": when[0], "d": when[1], "s": SINCE_NOTE, "m": "since"})

    layer = feature_layer(ctx, use, frame, extra=since)
    return [layer]


def events(ctx: Context, use: LayerUse) -> list[WebLayer]:
    """Dated events, one time stop each (in the table's order)."""
    frame = _filtered(ctx, use, ctx.data.any_geom("events", None)).sort_values("seq")
    frame = frame[frame.intersects(shapely.box(*ctx.spec.box))]
    for r in frame.to_dict("records"):
        ctx.stops[int(r["seq"])] = {"v": int(r["seq"]), "d": str(r["date"]), "s": str(r["title"])}
    if len(frame):
        ctx.facts["spill_year"] = str(frame["date"].iloc[0])[:4]

    def when(rec: dict[str, Any], props: dict[str, Any]) -> None:
        props["t"] = int(rec["seq"])
        if rec["geometry"].geom_type not in ("Point", "MultiPoint"):
            props["w"] = 4.5

    layer = feature_layer(ctx, use, frame, extra=when)
    layer.time = True
    return [layer]


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


BUILDERS: dict[str, Callable[[Context, LayerUse], list[WebLayer]]] = {
    "countries": countries, "provinces": provinces, "lakes": lakes, "waterways": waterways, "rivers": rivers,
    "borders": borders, "places": places, "customs_gates": customs_gates, "gate_links": gate_links,
    "projects": projects, "events": events, "province_trade": province_trade, "trade_flows": trade_flows,
    "regions_population": regions_population, "migration": migration,
}


def build_layer(ctx: Context, use: LayerUse) -> list[WebLayer]:
    """The page layers for one entry of a map's layer list."""
    return BUILDERS[use.layer.name](ctx, use)


