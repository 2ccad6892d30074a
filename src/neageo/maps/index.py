"""The index page: every map with a one-line description and an SVG thumbnail of its own subject, drawn
from the layers the map draws (the trade map's shaded provinces and flows, the spill's stages, ...)."""

from __future__ import annotations

from typing import Any

import shapely

from ..style import categories
from .codec import SCALE, esc, unpack
from .data import MapData

__all__ = ["index_html", "thumbnail_svg"]

_W, _H = 260, 170


def _line(text: str, scale: int = SCALE) -> list[tuple[float, float]]:
    a, out, x, y = unpack(text), [], 0, 0
    for i in range(0, len(a) - 1, 2):
        x, y = x + a[i], y + a[i + 1]
        out.append((x / scale, y / scale))
    return out


def _rings(geom: list, arcs: list[str]) -> list[tuple[str, list[tuple[float, float]]]]:
    """("area" | "line" | "point", coordinates) parts of a packed geometry (the map's own payload; its
    full level: a third item, the coarser level's vertices, is not needed at a thumbnail's size)."""
    t, c = geom[0], geom[1]

    def ring(refs: list[int]) -> list[tuple[float, float]]:
        out: list[tuple[float, float]] = []
        for r in refs:
            a = _line(arcs[~r if r < 0 else r])
            a = a[::-1] if r < 0 else a
            out += a[1:] if out else a
        return out

    if t == "P":
        return [("point", _line(c))]
    if t == "MP":
        return [("point", [p]) for p in _line(c)]
    if t == "L":
        return [("line", _line(c))]
    if t == "ML":
        return [("line", _line(x)) for x in c]
    if t == "A":
        return [("area", _line(x)) for x in c]
    if t == "MA":
        return [("area", _line(x)) for p in c for x in p]
    if t == "TA":
        return [("area", ring(x)) for x in c]
    if t == "TMA":
        return [("area", ring(x)) for p in c for x in p]
    return []


def thumbnail_svg(data: MapData, bounds, *, doc: Any = None) -> str:
    """A small static SVG of a map (no script, no network): land, then what the map itself draws over it
    (``doc``: its :class:`~neageo.maps.paper.PaperDoc`; without one, rivers, borders and gates)."""
    w, s, e, n = bounds
    pad_x, pad_y = (e - w) * 0.04, (n - s) * 0.04
    w, e, s, n = w - pad_x, e + pad_x, s - pad_y, n + pad_y
    box = (w, s, e, n)
    sx, sy = _W / (e - w), _H / (n - s)

    pixel = (e - w) / _W

    def xy(x: float, y: float) -> str:
        return f"{(x - w) * sx:.0f},{(n - y) * sy:.0f}"

    def path(geom) -> str:
        out = []
        geom = shapely.simplify(geom, pixel, preserve_topology=True)  # nothing finer than a pixel
        for part in shapely.get_parts(geom):
            bx = part.bounds
            if part.geom_type == "Polygon" and (bx[2] - bx[0]) < 2 * pixel and (bx[3] - bx[1]) < 2 * pixel:
                continue  # an island smaller than two pixels
            rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
            for ring in rings:
                pts = [xy(x, y) for x, y in ring.coords]
                if len(pts) > 1:
                    out.append("M" + "L".join(pts) + ("Z" if part.geom_type == "Polygon" else ""))
        return "".join(out)

    # a thumbnail needs nothing finer than a pixel: the raw countries, clipped and simplified to a pixel by
    # path(), instead of the map's own 225 m coverage simplification (which took half the rendering time)
    countries = data.raw("countries").clip(box)
    countries = countries[~countries.geometry.is_empty]
    parts = [f'<rect width="{_W}" height="{_H}" fill="#cfe1f0"/>']
    fills = {k: v.fill for k, v in categories("countries").items()}
    for iso, g in zip(countries["iso_a3"], countries.geometry):
        parts.append(f'<path d="{path(g)}" fill="{fills.get(iso, fills[""])}" stroke="#888" stroke-width="0.5"/>')
    if doc is None:
        for g in data.lines("rivers", tuple(map(float, box))).geometry:
            parts.append(f'<path d="{path(g)}" fill="none" stroke="#1f66b3" stroke-width="1.4"/>')
        for g in data.lines("borders", tuple(map(float, box))).geometry:
            parts.append(f'<path d="{path(g)}" fill="none" stroke="#b2182b" stroke-width="1.2" stroke-dasharray="3 2"/>')
        for p in data.points("customs_gates", box).geometry:
            parts.append(f'<circle cx="{(p.x - w) * sx:.1f}" cy="{(n - p.y) * sy:.1f}" r="3" fill="#ffd92f" stroke="#000"/>')
    else:
        parts += _subject(doc, xy, pixel)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" viewBox="0 0 {_W} {_H}" '
            f'role="img">{"".join(parts)}</svg>')


def _dedupe(points: list[str]) -> list[str]:
    return [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]


def _subject(doc: Any, xy, pixel: float) -> list[str]:
    """SVG of the layers a map shows at first (not its basemap), in their own colours."""
    out = []
    for layer in doc.layers:
        if layer.base or not layer.show:
            continue
        for geom, props in layer.features:
            if props.get("t") is not None or props.get("ts") is not None:
                first = min((st["v"] for st in doc.stops), default=None) if doc.stops else None
                if props.get("t", props.get("ts")) != first:
                    continue  # one time's features: what the map opens on
            st = layer.styles[props.get("s", 0)]
            stroke, fill = st.get("color", "#333"), props.get("f", st.get("fillColor", "none"))
            width = min(float(props.get("w", st.get("weight", 1))), 4.0) * 0.6
            for kind, pts in _rings(geom, doc.arcs):
                if kind == "point":
                    out.append(f'<circle cx="{xy(*pts[0]).split(",")[0]}" cy="{xy(*pts[0]).split(",")[1]}" r="2.6" '
                               f'fill="{esc(st.get("fillColor", stroke))}" stroke="{esc(stroke)}" stroke-width="0.6"/>')
                elif len(pts) > 1:
                    # nothing finer than a pixel, and no point twice in a row once rounded to pixels
                    thin = shapely.simplify(shapely.LineString(pts), pixel).coords
                    xys = _dedupe([xy(x, y) for x, y in thin])
                    if len(xys) < 2:
                        continue
                    d = "M" + "L".join(xys) + ("Z" if kind == "area" else "")
                    area_fill = esc(fill) if kind == "area" and st.get("fill", True) is not False else "none"
                    opacity = st.get("fillOpacity", 0.6) if kind == "area" else 1
                    out.append(f'<path d="{d}" fill="{area_fill}" fill-opacity="{opacity}" stroke="{esc(stroke)}" '
                               f'stroke-width="{width:.1f}"/>')
    return out


def index_html(entries: list[tuple[str, str, str, str]]) -> str:
    """``entries``: (file name, title, description, thumbnail SVG)."""
    cards = []
    for fname, title, desc, svg in entries:
        named = svg.replace('role="img">', f'role="img" aria-label="{esc(title)}: a small picture of the map">'
                            f"<title>{esc(title)}</title>", 1)
        cards.append(
            f'<a class="card" href="{esc(fname)}"><div class="thumb">{named}</div>'
            f"<h2>{esc(title)}</h2><p>{esc(desc)}</p></a>"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>neageo maps</title>
<style>
body {{font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em;}}
h1 {{font-size: 1.6em; margin-bottom: 0.2em;}} .lead {{color: #555; margin-top: 0;}}
.grid {{display: grid; grid-template-columns: repeat(auto-fill, minmax(270px, 1fr)); gap: 18px;}}
.card {{display: block; border: 1px solid #ddd; border-radius: 6px; padding: 8px; text-decoration: none; color: inherit;}}
.card:hover {{box-shadow: 0 2px 8px rgba(0,0,0,0.2);}} .card h2 {{font-size: 1.05em; margin: 6px 0 2px;}}
.card p {{font-size: 0.9em; margin: 0; color: #444;}} .thumb svg {{width: 100%; height: auto; display: block;}}
footer {{margin-top: 2em; font-size: 0.85em; color: #666;}}
</style></head><body>
<h1>neageo maps</h1>
<p class="lead">Northeast Asia's provinces, borders, rivers, customs gates, projects and the paper's figures, from
Woo-Jun Kim, <i>Cooperation and Conflict among Provinces</i>. Every map is a single self-contained file: it works offline.</p>
<div class="grid">{''.join(cards)}</div>
<footer>Data: Natural Earth (public domain), GSHHG / World Data Bank II (LGPL-3+ / public domain), GeoNames (CC-BY 4.0),
neageo contributors (CC-BY 4.0). Figures cite the paper's tables and footnotes in each popup.</footer>
</body></html>
"""
