"""Your own GeoDataFrame on one of the paper's maps: ``neageo.explore(gdf, base="tumen", label="name")``.

The data becomes a :class:`~neageo.maps.plugins.PackedLayer` on the map :func:`~neageo.maps.web_map`
returns, so it gets what the paper's layers get: labels placed by the same rules, popups, a time
column on the time control, an entry in the layer control, the legend and search, and a frame that
takes it in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from .._errors import QueryError
from . import plugins
from .codec import encode_geometry
from .layers.base import label_anchor, plain, present, shape_of
from .plugins.frame import Box
from .specs import label_priority
from .webmap import NeageoMap

__all__ = ["explore", "user_layer", "PALETTE"]

#: Colours for the user's categories (ColorBrewer Dark2 and Set1, clear of the paper's basemap colours).
PALETTE = ("#c2185b", "#1b9e77", "#d95f02", "#7570b3", "#e6ab02", "#66a61e", "#a6761d", "#377eb8", "#e41a1c",
           "#4daf4a", "#984ea3", "#ff7f00")
#: Sequential colours for a numeric colour column (light to dark).
SEQUENTIAL = ("#fde0dd", "#fa9fb5", "#f768a1", "#c51b8a", "#7a0177")
MAX_CATEGORIES = len(PALETTE)


def _style(colour: str, shape: str) -> dict[str, Any]:
    if shape == "point":
        return {"color": "#ffffff", "weight": 1.5, "opacity": 1.0, "fillColor": colour, "fillOpacity": 0.9, "radius": 5.5}
    if shape == "line":
        return {"color": colour, "weight": 3.0, "opacity": 0.9, "fillColor": colour, "fillOpacity": 0.0}
    return {"color": colour, "weight": 2.0, "opacity": 0.9, "fillColor": colour, "fillOpacity": 0.3}


def _columns(frame: gpd.GeoDataFrame, value: str | Sequence[str] | bool | None, what: str) -> list[str]:
    if value is None or value is False:
        return []
    if value is True:
        return [c for c in frame.columns if c != frame.geometry.name]
    cols = [value] if isinstance(value, str) else list(value)
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise QueryError(f"{what}: no column {', '.join(map(repr, missing))}; the columns are {', '.join(map(str, frame.columns))}")
    return cols


def _year(value: Any) -> int | None:
    """A time value as a year: a date's year, a number, or the first four-digit year in a text."""
    if not present(value):
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return int(pd.Timestamp(value).year)
    if hasattr(value, "year"):
        return int(value.year)
    if isinstance(value, int | np.integer) or (isinstance(value, float | np.floating) and float(value).is_integer()):
        return int(value)
    m = re.search(r"\b(\d{4})\b", str(value))
    if not m:
        raise QueryError(f"time: cannot read a year from {value!r}")
    return int(m.group(1))


def _colours(frame: gpd.GeoDataFrame, color: str | None, shape: str) -> tuple[list[dict[str, Any]], list[int],
                                                                              list[tuple[str, str]]]:
    """Styles, each feature's style index, and (label, colour) legend entries."""
    if color is None or color not in frame.columns:
        colour = color or PALETTE[0]
        return [_style(colour, shape)], [0] * len(frame), []
    values = frame[color]
    if pd.api.types.is_numeric_dtype(values) and values.nunique() > MAX_CATEGORIES:
        finite = values[np.isfinite(values.astype(float))]
        edges = np.quantile(finite, np.linspace(0, 1, len(SEQUENTIAL) + 1)) if len(finite) else np.zeros(6)
        index = [int(np.clip(np.searchsorted(edges, v, side="right") - 1, 0, len(SEQUENTIAL) - 1))
                 if present(v) else 0 for v in values]
        entries = [(f"{color}: {plain(edges[i])}–{plain(edges[i + 1])}", c) for i, c in enumerate(SEQUENTIAL)]
        return [_style(c, shape) for c in SEQUENTIAL], index, entries
    cats = list(dict.fromkeys(str(v) for v in values if present(v)))
    if len(cats) > MAX_CATEGORIES:
        raise QueryError(f"color: {color!r} has {len(cats)} categories; at most {MAX_CATEGORIES} get a colour of their own")
    colour_of = {c: PALETTE[i] for i, c in enumerate(cats)}
    styles = [_style(PALETTE[i], shape) for i in range(len(cats))] or [_style(PALETTE[0], shape)]
    index = [cats.index(str(v)) if present(v) else 0 for v in values]
    return styles, index, [(f"{color}: {c}", colour_of[c]) for c in cats]


def user_layer(data: gpd.GeoDataFrame, *, id: str = "user", name: str | None = None, label: str | None = None,
               popup: str | Sequence[str] | bool | None = None, tooltip: str | None = None, time: str | None = None,
               color: str | None = None) -> tuple[plugins.PackedLayer, list[dict[str, Any]], list[int], Box]:
    """A GeoDataFrame (any CRS) as a packed layer; also its legend rows, the years of its features and its bounds."""
    if isinstance(data, gpd.GeoSeries):
        data = data.to_frame()
    if not isinstance(data, gpd.GeoDataFrame):
        raise QueryError(f"explore needs a GeoDataFrame, not {type(data).__name__}")
    if data.crs is None:
        raise QueryError("the data has no CRS; say which with gdf.set_crs(...) (for longitude/latitude: 4326)")
    frame = data.to_crs(4326)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if frame.empty:
        raise QueryError("the data has no geometry to show (every row's is missing or empty)")
    for what, col in (("label", label), ("tooltip", tooltip), ("time", time)):
        _columns(frame, col, what)
    popup_cols = _columns(frame, popup, "popup")
    title = name or "Your data"
    shape = shape_of(frame)
    styles, style_index, entries = _colours(frame, color, shape if shape != "any" else "area")
    prio = label_priority()["user"]
    features: list[list[Any]] = []
    years: list[int] = []
    geoms = frame.geometry.values
    shown = tooltip or label
    for i, rec in enumerate(frame.drop(columns=frame.geometry.name).to_dict("records")):
        geom = geoms[i]
        props: dict[str, Any] = {}
        text = plain(rec.get(shown)) if shown else None
        if text:
            props["n"] = {"en": text}
        else:
            props["h"] = f"{title} {i + 1}"
        if label and tooltip and plain(rec.get(label)) != text:
            props["ln"] = {"en": plain(rec.get(label)) or ""}
        if label and plain(rec.get(label)):
            props["l"] = [prio, "user"]
            if geom.geom_type in ("Polygon", "MultiPolygon"):
                props["l"] += list(label_anchor(geom, geom.bounds))
        if popup_cols:
            rows = [[str(c), plain(rec.get(c))] for c in popup_cols if plain(rec.get(c)) is not None]
            props["p"] = [title, rows, "", []]
        if style_index[i]:
            props["s"] = style_index[i]
        if time:
            year = _year(rec.get(time))
            if year is not None:
                props["t"] = year
                years.append(year)
        features.append([encode_geometry(geom), props])
    layer = plugins.PackedLayer(id, title, features, styles, time=bool(years))
    legend_shape = shape if shape != "any" else "area"
    legend: list[dict[str, Any]] = [{"label": text, "style": _style(colour, legend_shape), "shape": legend_shape,
                                     "layer": id} for text, colour in entries]
    legend = legend or [{"label": title, "style": styles[0], "shape": legend_shape, "layer": id}]
    w, south, e, n = (float(v) for v in frame.total_bounds)
    return layer, legend, sorted(set(years)), (w, south, e, n)


def _child(m: NeageoMap, cls: type) -> Any:
    return next((c for c in m._children.values() if isinstance(c, cls)), None)


def _join_time(m: NeageoMap, years: list[int], base: str | None) -> bool:
    """Add the years to the map's time control (or give it one); whether the control shows features
    from their year on ("since", as on the project maps) rather than at their year only."""
    control = _child(m, plugins.TimeControl)
    if control is None:
        plugins.TimeControl([{"v": y, "d": str(y)} for y in years], start=0).add_to(m)
        return False
    if not all(isinstance(s["v"], int) and 1000 <= s["v"] <= 2999 for s in control.stops):
        raise QueryError(f"time: the {base} map's time control steps through stages, not years; "
                         "show dated data on another base map")
    current = control.stops[control.start]["v"]
    have = {s["v"] for s in control.stops}
    since = control.stops[0].get("m")
    extra = [{"v": y, "d": str(y), **({"m": since} if since else {})} for y in years if y not in have]
    control.stops = sorted(control.stops + extra, key=lambda s: s["v"])
    values = [s["v"] for s in control.stops]
    # on a map of what was begun by a year, open where every one of the user's features is drawn
    control.start = values.index(max(current, max(years)) if since == "since" else current)
    return since == "since"


def explore(data: gpd.GeoDataFrame, *, base: str | None = "overview", label: str | None = None,
            popup: str | Sequence[str] | bool | None = None, tooltip: str | None = None, time: str | None = None,
            color: str | None = None, name: str | None = None, lang: str = "en",
            gpkg: str | Path | None = None) -> NeageoMap:
    """Put a GeoDataFrame on one of the paper's maps (or on a blank one).

    Parameters
    ----------
    data
        Points, lines or polygons in any CRS (reprojected to longitude/latitude).
    base
        The paper's map to draw on (:data:`neageo.maps.MAP_NAMES`), or None for a map of the data alone.
    label
        A column whose values label the features on the map, placed by the paper's rules (no two
        overlap; a label with no room waits for a closer zoom).
    popup
        A column, a list of columns, or True (every column): shown in a feature's popup.
    tooltip
        A column shown on hover (default: the label column).
    time
        A column of dates or years: each feature shows at its year on the time control, which gains
        those years (a map without one gets one).
    color
        A column (up to 12 categories, or numbers in five classes) or a colour (``"#1b9e77"``).
    name
        The layer's name in the layer control, the legend and popups (default "Your data").
    lang
        The language the map opens in.

    Returns
    -------
    NeageoMap
        A ``folium.Map``; ``save(path)`` writes one self-contained page.
    """
    taken: set[str] = set()
    layer, rows, years, bounds = user_layer(data, name=name, label=label, popup=popup, tooltip=tooltip, time=time, color=color)
    if base is None:
        m = NeageoMap(title=layer.title, lang=lang)
        plugins.Title(layer.title).add_to(m)
        plugins.Search().add_to(m)
        plugins.Language(lang).add_to(m)
        plugins.Legend([]).add_to(m)
        plugins.Credits([]).add_to(m)
        plugins.Labels().add_to(m)
        plugins.Frame(bounds).add_to(m)
        plugins.HashState().add_to(m)
        plugins.LayerControl().add_to(m)
    else:
        from .paper import web_map

        m = web_map(base, lang=lang, gpkg=gpkg)
    taken = {c.layer_id for c in m._children.values() if isinstance(c, plugins.PackedLayer)}
    layer.layer_id = next(f"user{i or ''}" for i in range(len(taken) + 2) if f"user{i or ''}" not in taken)
    for row in rows:
        row["layer"] = layer.layer_id
    # before the first plugin, after the paper's layers: drawn above them, seen by every plugin
    keys = list(m._children)
    first_plugin = next((i for i, c in enumerate(m._children.values()) if isinstance(c, plugins.Search)), len(keys))
    m.add_child(layer, name=layer.get_name(), index=first_plugin)
    legend = _child(m, plugins.Legend)
    legend.add_rows(rows)
    _child(m, plugins.Frame).extend(bounds)  # with a margin: nothing of the user's data is out of reach
    if years:
        if _join_time(m, years, base):  # on a map of what was begun by a year, the user's features too
            for _, props in layer.features:
                if "t" in props:
                    props["ts"] = props.pop("t")
        _move_before(m, _child(m, plugins.TimeControl), plugins.Legend)
    return m


def _move_before(m: NeageoMap, element: Any, cls: type) -> None:
    """Put ``element`` just before the first child of type ``cls`` (plugins run in the map's order)."""
    items = [(k, v) for k, v in m._children.items() if v is not element]
    at = next((i for i, (_, v) in enumerate(items) if isinstance(v, cls)), len(items))
    key = next(k for k, v in m._children.items() if v is element)
    items.insert(at, (key, element))
    m._children.clear()
    m._children.update(items)

