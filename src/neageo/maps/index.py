"""The index page: every map with a one-line description and an SVG thumbnail drawn from the data."""

from __future__ import annotations

import shapely

from .codec import esc
from .data import MapData

__all__ = ["index_html", "thumbnail_svg"]

_W, _H = 260, 170


def thumbnail_svg(data: MapData, bounds) -> str:
    """A small static SVG of the map's area: land, borders, rivers, gates (no script, no network)."""
    w, s, e, n = bounds
    pad_x, pad_y = (e - w) * 0.04, (n - s) * 0.04
    w, e, s, n = w - pad_x, e + pad_x, s - pad_y, n + pad_y
    box = (w, s, e, n)
    sx, sy = _W / (e - w), _H / (n - s)

    pixel = (e - w) / _W

    def path(geom) -> str:
        out = []
        geom = shapely.simplify(geom, pixel, preserve_topology=True)  # nothing finer than a pixel
        for part in shapely.get_parts(geom):
            bx = part.bounds
            if part.geom_type == "Polygon" and (bx[2] - bx[0]) < 2 * pixel and (bx[3] - bx[1]) < 2 * pixel:
                continue  # an island smaller than two pixels
            rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
            for ring in rings:
                pts = [f"{(x - w) * sx:.0f},{(n - y) * sy:.0f}" for x, y in ring.coords]
                if len(pts) > 1:
                    out.append("M" + "L".join(pts) + ("Z" if part.geom_type == "Polygon" else ""))
        return "".join(out)

    # a thumbnail needs nothing finer than a pixel: the raw countries, clipped and simplified to a pixel by
    # path(), instead of the map's own 225 m coverage simplification (which took half the rendering time)
    countries = data.raw("countries").clip(box)
    countries = countries[~countries.geometry.is_empty]
    parts = [f'<rect width="{_W}" height="{_H}" fill="#cfe1f0"/>']
    fills = {"CHN": "#f6e8d8", "RUS": "#e3ebf2", "PRK": "#e6f0de"}
    for iso, g in zip(countries["iso_a3"], countries.geometry):
        parts.append(f'<path d="{path(g)}" fill="{fills.get(iso, "#f4f1ea")}" stroke="#888" stroke-width="0.5"/>')
    for g in data.lines("rivers", tuple(map(float, box))).geometry:
        parts.append(f'<path d="{path(g)}" fill="none" stroke="#1f66b3" stroke-width="1.4"/>')
    for g in data.lines("borders", tuple(map(float, box))).geometry:
        parts.append(f'<path d="{path(g)}" fill="none" stroke="#b2182b" stroke-width="1.2" stroke-dasharray="3 2"/>')
    for p in data.points("customs_gates", box).geometry:
        parts.append(f'<circle cx="{(p.x - w) * sx:.1f}" cy="{(n - p.y) * sy:.1f}" r="3" fill="#ffd92f" stroke="#000"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" viewBox="0 0 {_W} {_H}" '
            f'role="img">{"".join(parts)}</svg>')


def index_html(entries: list[tuple[str, str, str, str]]) -> str:
    """``entries``: (file name, title, description, thumbnail SVG)."""
    cards = []
    for fname, title, desc, svg in entries:
        cards.append(
            f'<a class="card" href="{esc(fname)}"><div class="thumb">{svg}</div>'
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
