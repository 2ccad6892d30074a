"""A map spec plus the GeoPackage -> one self-contained HTML page."""

from __future__ import annotations

import logging
from typing import Any

from .._atomic import write_text_atomic
from .._errors import LayerNotFound
from ..gazetteer import normalise
from .codec import page_html, resolve_topology
from .data import MapData
from .layers import Context, WebLayer, build_layer
from .specs import MapSpec
from .ui import UI

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

__all__ = ["render_spec", "credits", "write_html"]

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


def credits(data: MapData, layers: list[str]) -> list[str]:
    """The data credits of the GeoPackage layers a map draws, from its ``sources`` and ``layer_sources`` tables."""
    try:
        links = data.raw("layer_sources")
        sources = data.raw("sources").set_index("source")
    except LayerNotFound:  # an older GeoPackage without the tables: credit what every map uses
        log.info("no sources table; using the default credits")
        return ["Natural Earth", "World Data Bank II", "GeoNames (CC-BY 4.0)"]
    used = links[links["layer"].isin(layers)]["source"].unique()
    out = []
    for src in used:
        if src not in sources.index:
            continue
        text = f"{sources.at[src, 'attribution']} {sources.at[src, 'licence']}"
        out += [short for phrase, short in _CREDITS if phrase in text]
    return list(dict.fromkeys(sorted(out, key=[s for _, s in _CREDITS].index)))


#: Page layers -> the GeoPackage layers they are drawn from (for credits).
_SOURCES = {"gate_links": ["customs_gates", "places"], "migration": ["paper_tables", "places"]}


class _Facts(dict):
    """Facts for a map's text; one the data could not give reads as "?" (and is logged) rather than failing."""

    def __missing__(self, key: str) -> str:
        log.warning("no figure %r in the data for a map's text", key)
        return "?"


def _gate_towns(ctx: Context) -> None:
    if any(u.layer.name == "customs_gates" for u in ctx.spec.layers):
        for r in ctx.data.raw("customs_gates").to_dict("records"):
            if r.get("town"):
                ctx.gate_towns[normalise(str(r["town"]))] = (r["geometry"].x, r["geometry"].y)


def payload(spec: MapSpec, data: MapData) -> tuple[dict[str, Any], dict[str, Any]]:
    """The page's data document and the facts its text was filled from."""
    ctx = Context(data=data, spec=spec)
    _gate_towns(ctx)
    layers: list[WebLayer] = []
    for use in spec.layers:
        layers += build_layer(ctx, use)
    facts = _Facts({"min_island_km2": spec.min_island_km2, **ctx.facts})
    legend: list[dict[str, Any]] = []
    for layer in layers:
        for row in layer.legend:
            if row["label"] not in {r["label"] for r in legend} and layer.id not in ("countries", "lakes"):
                legend.append({**row, "layer": layer.id})
    out = [layer.payload() for layer in layers]
    for lay in out:
        lay["features"] = [[resolve_topology(g, ctx.topology), p] for g, p in lay["features"]]
    gpkg_layers = []
    for use in spec.layers:
        gpkg_layers += _SOURCES.get(use.layer.name, [use.layer.name])
    doc: dict[str, Any] = {
        "name": spec.name,
        "title": spec.title.format_map(facts),
        "description": spec.description.format_map(facts),
        "note": spec.note.format_map(facts),
        "frame": spec.frame,
        "box": spec.box,
        "arcs": ctx.topology.arcs or [],
        "layers": out,
        "legend": legend,
        "credits": credits(data, gpkg_layers),
        "ui": UI,
    }
    if ctx.stops:
        doc["time"] = [ctx.stops[k] for k in sorted(ctx.stops)]
    return doc, facts


def render_spec(spec: MapSpec, data: MapData) -> str:
    """The HTML of one map."""
    doc, _ = payload(spec, data)
    return page_html(lang="en", title=doc["title"], description=doc["description"], payload=doc)


def write_html(path, text: str):
    """Write a page atomically (temporary file, then rename)."""
    return write_text_atomic(path, text)
