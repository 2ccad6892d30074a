"""What every paper layer shares: the page layer, the build context, values as text, and the generic
feature layer (geometry, style, names, popup, label, search keys).

Feature properties use short keys (see ``assets/contract.json``, "packed"):

``s``  style index in the layer's ``styles``      ``w``/``f``  stroke width / fill override
``n``  names by language (en, zh, ru, ko)          ``h``  heading when the feature has no name
``p``  popup: [kind, rows, citation, aliases]       ``l``  label: [priority, class, lon, lat]
``ln`` label names when they differ from ``n``     ``q``  normalised search keys
``t``  time-stop value (only that stop shows it)   ``ts`` shown from that stop on
``k``  the feature's id in its GeoPackage table (for highlighting)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ...gazetteer import normalise
from ...style import STYLES, categories
from ..codec import Topology, encode_geometry
from ..data import MapData
from ..specs import LayerUse, MapSpec, label_priority, place_kind

__all__ = ["WebLayer", "Context", "LANGS", "present", "plain", "split_names", "names_of", "fill", "search_keys",
           "label_anchor", "styles_for", "legend_rows", "shape_of", "feature_layer", "filtered"]

LANGS = ("en", "zh", "ru", "ko")


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

    #: a basemap layer: painted on a canvas, listed last where features share a spot
    base: bool = False
    #: its polygons are sent as the map's shared arcs
    arcs: bool = False
    search: bool = True
    #: the zoom below which its features' coarser level is drawn (:func:`neageo.maps.web.coarse_geometry`)
    detail: float | None = None


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
                   styles=styles, tooltip=d.tooltip, base=d.base, arcs=topology, search=d.search)
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
        if d.key and present(rec.get(d.key)):
            props["k"] = str(rec[d.key])
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
def filtered(ctx: Context, use: LayerUse, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    f = use.filter
    if f is None:
        return frame
    values = set(f.values)
    if f.from_layer:
        src = ctx.data.raw(f.from_layer)
        for col in f.from_columns:
            values |= {str(v) for v in src[col].dropna()}
    return frame[frame[f.column].astype(str).isin(values)]
