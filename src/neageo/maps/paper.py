"""The paper's maps: a spec from ``assets/maps.toml`` and the GeoPackage make a ``NeageoMap``.

:func:`web_map` is the public way in; :func:`paper_doc` gives the data a map is made from (its
title and description filled from the data, its layers, legend, credits and time stops), and
:func:`paper_map` puts that on a map as the paper's layers plus neageo's plugins.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import LayerNotFound, QueryError
from ..gazetteer import normalise
from .codec import SCALE, resolve_topology
from .data import MapData
from .layers import Context, WebLayer, build_layer
from .plugins import (
    Arcs,
    Credits,
    Frame,
    HashState,
    Labels,
    Language,
    LayerControl,
    Legend,
    PackedLayer,
    Search,
    TimeControl,
    Title,
)
from .specs import MapSpec, load_specs
from .web import coarse_below, coarse_geometry, coarse_level
from .webmap import NeageoMap

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

__all__ = ["web_map", "paper_map", "paper_doc", "PaperDoc", "credits"]

#: Short credits, by a phrase found in a source's attribution or licence (GeoPackage ``sources`` table).
_CREDITS = (
    ("OpenStreetMap", "© OpenStreetMap contributors (ODbL)"),
    ("Natural Earth", "Natural Earth"),
    ("GeoNames", "GeoNames (CC-BY 4.0)"),
    ("World Data Bank II", "World Data Bank II"),
    ("GSHHG", "GSHHG (LGPL-3+)"),
    ("neageo contributors", "neageo contributors (CC-BY 4.0)"),
    ("Kim, Woo-Jun", "Figures: Kim, Cooperation and Conflict among Provinces"),
)
#: Page layers -> the GeoPackage layers they are drawn from (for credits).
_SOURCES = {"gate_links": ["customs_gates", "places"], "migration": ["paper_tables", "places"]}


def credits(data: MapData, layers: list[str]) -> list[str]:
    """The data credits of the GeoPackage layers a map draws, from its ``sources`` and ``layer_sources`` tables."""
    try:
        links = data.raw("layer_sources")
        sources = data.raw("sources").set_index("source")
    except LayerNotFound:  # an older GeoPackage without the tables: credit what every map uses
        log.info("no sources table; using the default credits")
        return ["Natural Earth", "World Data Bank II", "GeoNames (CC-BY 4.0)"]
    used = links[links["layer"].isin(layers)]["source"].unique()
    out: list[str] = []
    for src in used:
        if src not in sources.index:
            continue
        text = f"{sources.at[src, 'attribution']} {sources.at[src, 'licence']}"
        out += [short for phrase, short in _CREDITS if phrase in text]
    order = [s for _, s in _CREDITS]
    return list(dict.fromkeys(sorted(out, key=order.index)))


class _Facts(dict[str, Any]):
    """Facts for a map's text; one the data could not give reads as "?" (and is logged) rather than failing."""

    def __missing__(self, key: str) -> str:
        log.warning("no figure %r in the data for a map's text", key)
        return "?"


@dataclass
class PaperDoc:
    """What one of the paper's maps shows, read from the GeoPackage."""

    spec: MapSpec
    title: str
    description: str
    note: str
    arcs: list[str]
    #: The arcs' coarser level for zoomed-out views (:func:`neageo.maps.web.coarse_level`), or None.
    detail: dict[str, Any] | None
    layers: list[WebLayer]
    legend: list[dict[str, Any]]
    credits: list[str]
    stops: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


def _gate_towns(ctx: Context) -> None:
    if any(u.layer.name == "customs_gates" for u in ctx.spec.layers):
        for r in ctx.data.raw("customs_gates").to_dict("records"):
            if r.get("town"):
                ctx.gate_towns[normalise(str(r["town"]))] = (r["geometry"].x, r["geometry"].y)


def paper_doc(spec: MapSpec, data: MapData) -> PaperDoc:
    """The layers, texts, legend, credits and time stops of one map."""
    ctx = Context(data=data, spec=spec)
    _gate_towns(ctx)
    layers: list[WebLayer] = []
    for use in spec.layers:
        layers += build_layer(ctx, use)
    facts = _Facts({"min_island_km2": spec.min_island_km2, **ctx.facts})
    legend: list[dict[str, Any]] = []
    for layer in layers:
        for row in layer.legend:
            if row["label"] not in {r["label"] for r in legend} and not layer.base:
                legend.append({**row, "layer": layer.id})
    below = coarse_below(spec.box)  # wide maps: a coarser level of their lines and areas when zoomed out
    for layer in layers:
        layer.features = [[resolve_topology(g, ctx.topology), p] for g, p in layer.features]
        if below is not None:
            layer.features = [[coarse_geometry(g, below, scale=SCALE), p] for g, p in layer.features]
            layer.detail = below if any(len(g) > 2 for g, _ in layer.features) else None
    gpkg_layers: list[str] = []
    for use in spec.layers:
        gpkg_layers += _SOURCES.get(use.layer.name, [use.layer.name])
    return PaperDoc(spec=spec, title=spec.title.format_map(facts), description=spec.description.format_map(facts),
                    note=spec.note.format_map(facts), arcs=ctx.topology.arcs or [],
                    detail=coarse_level(ctx.topology.arc_points, below, scale=SCALE), layers=layers, legend=legend,
                    credits=credits(data, gpkg_layers), stops=[ctx.stops[k] for k in sorted(ctx.stops)],
                    facts=dict(facts))


def _start(stops: list[dict[str, Any]], year: int | None) -> int:
    """The stop a map opens on: ``year``'s, else the last of a "since" control (all begun), else the first."""
    if year is None:
        return len(stops) - 1 if stops and stops[0].get("m") == "since" else 0
    for i, s in enumerate(stops):
        if s["v"] == year or str(s["d"]).startswith(str(year)):
            return i
    shown = ", ".join(str(s["d"]) for s in stops) or "none: this map has no time control"
    raise QueryError(f"the map has no time stop for {year}; its stops: {shown}")


def paper_map(doc: PaperDoc, *, lang: str = "en", year: int | None = None, home: str | None = None) -> NeageoMap:
    """The map of a :class:`PaperDoc`: the paper's layers plus neageo's plugins."""
    spec = doc.spec
    w, s, e, n = spec.frame
    m = NeageoMap(location=[(s + n) / 2, (w + e) / 2], title=doc.title, lang=lang)
    Title(doc.title, doc.description, home=home).add_to(m)
    Frame(spec.frame, box=spec.box).add_to(m)  # first: the layers are made at the view the map opens on
    if doc.arcs:
        Arcs(doc.arcs, id="arcs", scale=SCALE, detail=doc.detail).add_to(m)
    for layer in doc.layers:
        PackedLayer(layer.id, layer.title, layer.features, layer.styles, show=layer.show,
                    arcs="arcs" if layer.arcs else None, time=layer.time, tip=layer.tooltip, arrows=layer.arrows,
                    search=layer.search, base=layer.base, detail=layer.detail).add_to(m)
    Search().add_to(m)
    Language(lang).add_to(m)
    if doc.stops:
        TimeControl(doc.stops, start=_start(doc.stops, year)).add_to(m)
    elif year is not None:
        _start([], year)
    Legend(doc.legend, note=doc.note).add_to(m)
    Credits(doc.credits).add_to(m)
    Labels().add_to(m)
    HashState().add_to(m)
    LayerControl().add_to(m)
    return m


def web_map(name: str, *, lang: str = "en", year: int | None = None, gpkg: str | Path | None = None,
            home: str | None = None) -> NeageoMap:
    """One of the paper's maps as a ``folium.Map`` you can add to, show in a notebook and save offline.

    Parameters
    ----------
    name
        overview, customs_gates, tumen, sinuiju_dandong, trade, population or benzene_spill
        (:data:`neageo.maps.MAP_NAMES`); ``neageo.web_map("story")`` gives the paper as a story
        (:mod:`neageo.maps.story`).
    lang
        The language it opens in: en, zh, ru or ko (the page's switch offers all four).
    year
        The time stop it opens on (a year of the trade tables; on the spill map, a stage's year).
    gpkg
        The GeoPackage to draw (default: the one :func:`neageo.read` reads).
    home
        A relative link back to a page listing the maps (the shipped maps link ``index.html``).

    Returns
    -------
    NeageoMap
        A ``folium.Map``: add markers, ``GeoJson`` or layers with plain folium; ``save(path)``
        writes one self-contained file.

    Examples
    --------
    >>> import folium, neageo
    >>> m = neageo.web_map("tumen")
    >>> folium.Marker([42.87, 130.36], tooltip="Hunchun station").add_to(m)  # doctest: +SKIP
    >>> m.save("tumen.html")  # doctest: +SKIP
    """
    specs = load_specs()
    if name not in specs:
        raise QueryError(f"no map called {name!r}; maps: {', '.join(specs)}")
    return paper_map(paper_doc(specs[name], MapData(gpkg)), lang=lang, year=year, home=home)
