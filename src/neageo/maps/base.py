"""What every themed map shares: offline Leaflet, escaping, styled layers, legend, titles.

* **Offline**: :class:`OfflineMap` drops folium's CDN links and inlines
  Leaflet 1.9.3 (JS, CSS and its images as data URIs) from the pinned
  ``xstatic-leaflet`` package, so a map is one file that works without a
  network.  Nothing else is needed: markers are circle markers and popups are
  plain Leaflet, so jQuery, Bootstrap and Font Awesome are not loaded at all.
* **Escaped**: folium inserts tooltip and popup values as raw HTML; here every
  value goes through :func:`html.escape` before it reaches folium, in popups,
  tooltips, legends and titles alike.
* **Deterministic**: folium names elements with random ids; :func:`render`
  renumbers them in document order, so the same GeoPackage gives the same bytes.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from functools import lru_cache
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from .._atomic import write_text_atomic
from ..style import STYLES, categories, look

__all__ = ["OfflineMap", "new_map", "add_layer", "add_legend", "render", "esc", "popup_data", "tooltip_text",
           "leaflet_assets"]

def esc(value) -> str:
    """HTML-escape anything for display (None and NaN become an empty string).

    Braces become entities too: folium/branca pass page fragments through Jinja,
    which would otherwise evaluate ``{{ ... }}`` in a name.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return html.escape(str(value), quote=True).replace("{", "&#123;").replace("}", "&#125;").replace("%", "&#37;")


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS, with the CSS's images inlined as data URIs."""
    try:
        import xstatic.pkg.leaflet as xl
    except ImportError:
        raise ImportError(
            "the web maps inline Leaflet from xstatic-leaflet; install it with: pip install 'neageo[maps]'"
        ) from None
    base = Path(xl.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)

    def inline(match):
        name = match.group(1)
        data = base64.b64encode((base / name).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    # only the layer-control icon is ever shown (markers are circle markers): inline it, drop the rest
    css = re.sub(r"url\(images/(marker-icon|marker-shadow|marker-icon-2x|layers-2x)\.png\)", "none", css)
    css = re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # comments
    css = re.sub(r"\s+", " ", css)
    css = re.sub(r"\s*([{};:,>])\s*", r"\1", css)
    return js, css


#: Coordinates travel as integers in units of 1e-4 degree (the precision they are rounded to),
#: each ring or line as x0, y0, dx1, dy1, ... packed 5 bits a character (see :func:`pack`).
SCALE = 10_000

_DECODER_JS = """
var neaArcs = [], neaArcCache = {}, ALPHA = {};
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach(function (ch, i) { ALPHA[ch.charCodeAt(0)] = i; });
function neaDecode(fc) {
  var S = %d;
  function unpack(s) {
    var out = [], v = 0, shift = 0;
    for (var i = 0; i < s.length; i++) {
      var c = ALPHA[s.charCodeAt(i)];
      v |= (c & 0x1f) << shift; shift += 5;
      if (c < 0x20) { out.push((v & 1) ? ~(v >>> 1) : (v >>> 1)); v = 0; shift = 0; }
    }
    return out;
  }
  function line(s) { var a = unpack(s), out = [], x = 0, y = 0; for (var i = 0; i < a.length; i += 2) { x += a[i]; y += a[i + 1]; out.push([x / S, y / S]); } return out; }
  function geom(g) {
    var t = g[0], c = g[1];
    if (t === "P") return {type: "Point", coordinates: line(c)[0]};
    if (t === "L") return {type: "LineString", coordinates: line(c)};
    if (t === "ML") return {type: "MultiLineString", coordinates: c.map(line)};
    if (t === "A") return {type: "Polygon", coordinates: c.map(line)};
    if (t === "MA") return {type: "MultiPolygon", coordinates: c.map(function (p) { return p.map(line); })};
    if (t === "MP") return {type: "MultiPoint", coordinates: line(c)};
    if (t === "TA") return {type: "Polygon", coordinates: c.map(ring)};
    if (t === "TMA") return {type: "MultiPolygon", coordinates: c.map(function (p) { return p.map(ring); })};
    return null;
  }
  function ring(refs) {
    var out = [];
    refs.forEach(function (r) {
      var a = neaArcCache[r < 0 ? ~r : r] || (neaArcCache[r < 0 ? ~r : r] = line(neaArcs[r < 0 ? ~r : r]));
      if (r < 0) { a = a.slice().reverse(); }
      out = out.length ? out.concat(a.slice(1)) : out.concat(a);
    });
    return out;
  }
  return {type: "FeatureCollection", features: fc.map(function (f) { return {type: "Feature", properties: f[1], geometry: geom(f[0])}; })};
}
function neaText(text) { var s = document.createElement("span"); s.textContent = text; return s; }
function neaPopup(p) {
  /* p = [title, names, [[label, value], ...], citation]; every string goes in as text, never as HTML */
  var d = document.createElement("div"); d.className = "nea-pop";
  var h = document.createElement("h3"); h.textContent = p[0]; d.appendChild(h);
  if (p[1]) { var n = document.createElement("div"); n.className = "names"; n.textContent = p[1]; d.appendChild(n); }
  if (p[2].length) {
    var t = document.createElement("table");
    p[2].forEach(function (r) { var tr = t.insertRow(); tr.insertCell().textContent = r[0]; tr.insertCell().textContent = r[1]; });
    d.appendChild(t);
  }
  if (p[3]) { var c = document.createElement("div"); c.className = "cite"; c.textContent = p[3]; d.appendChild(c); }
  return d;
}
""" % SCALE


#: 64 characters that need no escaping in JSON, HTML or Jinja (base64url's alphabet).
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def pack(values) -> str:
    """Integers as text, 5 bits a character with a continuation bit (as in encoded polylines,
    but over :data:`ALPHABET`): small deltas take one or two bytes."""
    out = []
    for v in values:
        v = int(v)
        v = (v << 1) ^ (v >> 63)  # zigzag: small negatives stay small
        while v >= 0x20:
            out.append(ALPHABET[0x20 | (v & 0x1F)])
            v >>= 5
        out.append(ALPHABET[v])
    return "".join(out)


def _ints(coords) -> str:
    q = np.rint(np.asarray(coords, dtype=float)[:, :2] * SCALE).astype(np.int64)
    d = np.vstack([q[:1], np.diff(q, axis=0)])
    return pack(d.ravel())


class Topology:
    """Shared polygon edges of one map, each sent once (the idea of TopoJSON).

    Rings are quantised, then cut wherever the set of rings using an edge
    changes; the pieces (arcs) are de-duplicated in either direction, so a
    border shared by a province and its country is encoded once.
    """

    def __init__(self):
        self.rings: list[np.ndarray] = []
        self.arcs: list[str] | None = None
        self.ring_arcs: list[list[int]] = []

    def add(self, coords) -> int:
        q = np.rint(np.asarray(coords, dtype=float)[:, :2] * SCALE).astype(np.int64)
        keep = np.ones(len(q), dtype=bool)
        keep[1:] = (q[1:] != q[:-1]).any(axis=1)  # no repeated vertices
        q = q[keep]
        if len(q) < 4 or (q[0] != q[-1]).any():
            q = np.vstack([q, q[:1]]) if len(q) and (q[0] != q[-1]).any() else q
        self.rings.append(q)
        return len(self.rings) - 1

    def finalize(self) -> None:
        if self.arcs is not None:
            return
        users: dict[tuple, set] = {}
        for rid, ring in enumerate(self.rings):
            for a, b in zip(map(tuple, ring[:-1]), map(tuple, ring[1:])):
                users.setdefault((a, b) if a <= b else (b, a), set()).add(rid)
        index: dict[tuple, int] = {}
        self.arcs, self.ring_arcs = [], []
        for rid, ring in enumerate(self.rings):
            pts = [tuple(p) for p in ring[:-1]]
            n = len(pts)
            if n < 3:
                self.ring_arcs.append([])
                continue
            owner = [frozenset(users[(pts[i], pts[(i + 1) % n]) if pts[i] <= pts[(i + 1) % n]
                                     else (pts[(i + 1) % n], pts[i])]) for i in range(n)]
            cuts = [i for i in range(n) if owner[i] != owner[i - 1]]
            if not cuts:  # one arc all round: start at the smallest vertex so equal rings match
                start = min(range(n), key=lambda i: pts[i])
                pieces = [pts[start:] + pts[:start] + [pts[start]]]
            else:
                pieces = []
                for k, c in enumerate(cuts):
                    nxt = cuts[(k + 1) % len(cuts)]
                    span = (nxt - c) % n or n
                    pieces.append([pts[(c + j) % n] for j in range(span + 1)])
            refs = []
            for piece in pieces:
                key, rev = tuple(piece), tuple(reversed(piece))
                if key in index:
                    refs.append(index[key])
                elif rev in index:
                    refs.append(~index[rev])
                else:
                    index[key] = len(self.arcs)
                    arr = np.asarray(piece, dtype=np.int64)
                    self.arcs.append(pack(np.vstack([arr[:1], np.diff(arr, axis=0)]).ravel()))
                    refs.append(index[key])
            self.ring_arcs.append(refs)


def encode_geometry(geom, topology: Topology | None = None) -> list:
    """A geometry as [type, delta-encoded integer coordinates] (decoded by ``neaDecode``).

    With a ``topology``, polygon rings are registered there and sent as lists
    of shared arcs instead (types ``TA`` / ``TMA``).
    """
    t = geom.geom_type
    if topology is not None and t == "Polygon":
        return ["TA", [topology.add(r.coords) for r in (geom.exterior, *geom.interiors)]]
    if topology is not None and t == "MultiPolygon":
        return ["TMA", [[topology.add(r.coords) for r in (p.exterior, *p.interiors)] for p in geom.geoms]]
    if t == "Point":
        return ["P", _ints([(geom.x, geom.y)])]
    if t == "MultiPoint":
        return ["MP", _ints([(p.x, p.y) for p in geom.geoms])]
    if t == "LineString":
        return ["L", _ints(geom.coords)]
    if t == "MultiLineString":
        return ["ML", [_ints(g.coords) for g in geom.geoms]]
    if t == "Polygon":
        return ["A", [_ints(r.coords) for r in (geom.exterior, *geom.interiors)]]
    if t == "MultiPolygon":
        return ["MA", [[_ints(r.coords) for r in (p.exterior, *p.interiors)] for p in geom.geoms]]
    if t == "GeometryCollection":
        parts = [g for g in geom.geoms if not g.is_empty]
        return encode_geometry(parts[0], topology) if parts else ["P", _ints([(0.0, 0.0)])]
    raise ValueError(f"cannot encode {t}")


class CompactGeoJson(MacroElement):
    """Features sent as compact integer arrays, decoded in the browser into an ``L.geoJSON`` layer.

    Each feature's properties carry its Leaflet ``style`` and, already escaped,
    its ``popup`` HTML and ``tip`` text.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON(neaDecode({{ this.json }}), {
            style: function (f) { return f.properties.style; },
            pointToLayer: function (f, latlng) { return L.circleMarker(latlng, f.properties.style); },
            onEachFeature: function (f, layer) {
                if (f.properties.popup) { layer.bindPopup(function () { return neaPopup(f.properties.popup); }, {maxWidth: 340}); }
                if (f.properties.tip) { layer.bindTooltip(neaText(f.properties.tip), {sticky: true}); }
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, features: list, topology: Topology | None = None):
        super().__init__()
        self._name = "CompactGeoJson"
        self.features = features
        self.topology = topology

    @property
    def json(self) -> str:
        topo = self.topology
        if topo is None:
            return script_json(self.features)
        topo.finalize()
        out = []
        for geom, props in self.features:
            if geom[0] == "TA":
                geom = ["TA", [topo.ring_arcs[r] for r in geom[1]]]
            elif geom[0] == "TMA":
                geom = ["TMA", [[topo.ring_arcs[r] for r in poly] for poly in geom[1]]]
            out.append([geom, props])
        return script_json(out)


class ArcTable(MacroElement):
    """The map's shared arcs, declared once before any layer uses them."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        neaArcs = {{ this.json }};
        {% endmacro %}
        """
    )

    def __init__(self, topology: Topology):
        super().__init__()
        self._name = "ArcTable"
        self.topology = topology

    @property
    def json(self) -> str:
        self.topology.finalize()
        return script_json(self.topology.arcs)


def script_json(value) -> str:
    """JSON safe inside a <script> element: UTF-8 kept as is, and <, >, & and the line
    separators escaped so no string can close the script or start markup."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, rep in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, rep)
    # folium/branca run every map script through Jinja once more: "{{", "{%" and "{#" can only
    # occur inside JSON strings (a structural brace is followed by a quote or "}"), so escape them there
    for mark, rep in (("{{", "{\\u007b"), ("{%", "{\\u0025"), ("{#", "{\\u0023")):
        while mark in text:
            text = text.replace(mark, rep)
    return text


class OfflineMap(folium.Map):
    """A folium map with no CDN links: Leaflet is inlined by :func:`render`."""

    default_js: list = []
    default_css: list = []


_PAGE_CSS = """
html, body {height: 100%; margin: 0; font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;}
.leaflet-container {background: #cfe1f0;}
.nea-title {position: absolute; top: 10px; left: 55px; z-index: 1000; background: rgba(255,255,255,0.93);
  padding: 6px 12px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); max-width: 60%;}
.nea-title h1 {font-size: 17px; margin: 0;} .nea-title p {font-size: 12px; margin: 2px 0 0;}
.nea-legend {position: absolute; bottom: 60px; left: 10px; z-index: 1000; background: rgba(255,255,255,0.93);
  padding: 6px 10px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-size: 12px; line-height: 18px;}
.nea-legend b {display: block; margin-bottom: 2px;}
.nea-sw {display: inline-block; width: 22px; height: 12px; margin-right: 6px; vertical-align: middle;}
.nea-pop {font-size: 12px; max-width: 320px;} .nea-pop h3 {font-size: 14px; margin: 0 0 2px;}
.nea-pop .names {color: #555; margin-bottom: 4px;} .nea-pop table {border-collapse: collapse;}
.nea-pop td {padding: 1px 4px; vertical-align: top;} .nea-pop td:first-child {color: #666; white-space: nowrap;}
.nea-pop .cite {color: #666; font-style: italic; margin-top: 4px;}
.nea-label {background: none; border: none; box-shadow: none; font-size: 11px; font-weight: 600; color: #222;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff;}
"""


def new_map(*, title: str, subtitle: str, bounds: tuple[float, float, float, float]) -> OfflineMap:
    """A map fitted to ``bounds`` (west, south, east, north) with an escaped title box."""
    w, s, e, n = bounds
    m = OfflineMap(location=[(s + n) / 2, (w + e) / 2], zoom_start=5, tiles=None, control_scale=True,
                   prefer_canvas=False, attribution_control=True)
    m.fit_bounds([[s, w], [n, e]])
    m.get_root().header.add_child(Element(f"<style>{_PAGE_CSS}</style>"), name="nea_css")
    m.get_root().html.add_child(Element(
        f'<div class="nea-title"><h1>{esc(title)}</h1><p>{esc(subtitle)}</p></div>'), name="nea_title")
    m.get_root().title = esc(title)
    return m


def add_tiles(m: folium.Map) -> None:
    """OpenStreetMap tiles as an optional overlay, off by default (the map reads without them)."""
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap tiles (online only)", overlay=True, show=False,
                     control=True).add_to(m)


def tooltip_text(rec: dict) -> str:
    """Names in every language the feature has, as plain text (set with textContent in the browser)."""
    names = [rec.get(k) for k in ("name_en", "title", "name_zh", "name_ru", "name_ko")]
    names = [str(n) for n in names if isinstance(n, str) and n]
    return " · ".join(dict.fromkeys(names))


def _plain(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value == "":
        return None
    if isinstance(value, (float, np.floating)):
        return f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return str(value)


def popup_data(title: str, rec: dict, fields: list[tuple[str, str]], *, citation: str | None = None,
               names: bool = True) -> list:
    """A popup as data: [title, other names, [[label, value], ...], citation].

    The browser builds the popup with ``textContent`` (see ``_DECODER_JS``), so
    no value is ever parsed as HTML: a name like ``<img onerror=...>`` shows as text.
    """
    langs = [str(rec[k]) for k in ("name_zh", "name_ru", "name_ko") if names and isinstance(rec.get(k), str) and rec.get(k)]
    rows = [[label, _plain(rec.get(col))] for label, col in fields if _plain(rec.get(col)) is not None]
    return [str(title), " · ".join(langs), rows, citation or ""]


def add_layer(
    m: folium.Map,
    frame,
    *,
    name: str,
    style: str,
    popup=None,
    category: str | None = None,
    show: bool = True,
    tooltip: bool = True,
    weight_fn=None,
    fill_fn=None,
) -> folium.FeatureGroup | None:
    """Add a layer as one GeoJSON overlay styled from :mod:`neageo.style`.

    ``popup(rec)`` returns a :func:`popup_data` structure;
    ``weight_fn(rec)`` / ``fill_fn(rec)`` override the stroke width / fill colour per feature.
    """
    if frame is None or len(frame) == 0:
        return None
    by = category or STYLES[style].by
    features = []
    for rec in frame.to_dict("records"):
        geom = rec.pop("geometry")
        if geom is None or geom.is_empty:
            continue
        lk = look(style, rec.get(by) if by else None)
        st = lk.leaflet()
        if weight_fn:
            st["weight"] = round(float(weight_fn(rec)), 2)
        if fill_fn:
            st["fillColor"] = fill_fn(rec)
            st["fillOpacity"] = max(lk.fill_opacity, 0.7)
        if geom.geom_type in ("Point", "MultiPoint"):
            st.setdefault("radius", STYLES[style].default.radius or 5)
        props = {"style": st}
        if popup:
            props["popup"] = popup(rec)
        if tooltip:
            props["tip"] = tooltip_text(rec)
        features.append([encode_geometry(geom, _topology(m)), props])
    group = folium.FeatureGroup(name=esc(name), show=show)
    group.add_child(CompactGeoJson(features, _topology(m)))
    group.add_to(m)
    return group


def _topology(m: folium.Map) -> Topology:
    """The map's shared-arc table, created (and placed before the layers) on first use."""
    topo = getattr(m, "_nea_topology", None)
    if topo is None:
        topo = m._nea_topology = Topology()
        m.add_child(ArcTable(topo), name="nea_arcs")
    return topo


def add_legend(m: folium.Map, entries: list[tuple[str, dict]], *, title: str = "Legend", note: str | None = None) -> None:
    """A legend box: (label, Leaflet style dict) per row, all text escaped."""
    rows = []
    for label, st in entries:
        if st.get("radius"):
            swatch = (f'<span class="nea-sw" style="width:12px;height:12px;border-radius:50%;'
                      f'background:{esc(st.get("fillColor"))};border:{esc(st.get("weight", 1))}px solid {esc(st.get("color"))}"></span>')
        elif st.get("fillOpacity", 0) > 0:
            swatch = (f'<span class="nea-sw" style="background:{esc(st.get("fillColor"))};opacity:{esc(max(st.get("fillOpacity"), 0.5))};'
                      f'border:1px solid {esc(st.get("color"))}"></span>')
        else:
            dash = "dashed" if st.get("dashArray") else "solid"
            swatch = (f'<span class="nea-sw" style="height:0;border-top:{esc(min(st.get("weight", 1), 4))}px {dash} '
                      f'{esc(st.get("color"))}"></span>')
        rows.append(f"<div>{swatch}{esc(label)}</div>")
    foot = f'<div style="color:#666;margin-top:3px;max-width:260px">{esc(note)}</div>' if note else ""
    m.get_root().html.add_child(Element(f'<div class="nea-legend"><b>{esc(title)}</b>{"".join(rows)}{foot}</div>'),
                                name="nea_legend")


def legend_for(style: str, keys: list | None = None) -> list[tuple[str, dict]]:
    """Legend rows of a layer: its categories (only ``keys`` if given), or its single look."""
    cats = categories(style)
    if len(cats) == 1:
        return [(cats[""].label, cats[""].leaflet())]
    out = [(lk.label, lk.leaflet()) for key, lk in cats.items() if key and (keys is None or key in keys)]
    if keys is not None and "" in keys or not out:
        out.append((cats[""].label, cats[""].leaflet()))
    return out


def _renumber(root: Figure) -> None:
    """Replace folium's random element ids by a counter, in document order."""
    counter = [0]
    seen = set()

    def visit(el):
        if id(el) in seen:
            return
        seen.add(id(el))
        counter[0] += 1
        el._id = f"{counter[0]:08x}"
        for child in list(getattr(el, "_children", {}).values()):
            visit(child)

    visit(root)


def render(m: folium.Map) -> str:
    """The complete, self-contained HTML of a map (deterministic)."""
    folium.LayerControl(collapsed=False).add_to(m)
    fig = m.get_root()
    js, css = leaflet_assets()
    fig.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css", index=0)
    fig.header.add_child(Element(f"<script>{js}</script>"), name="leaflet_js", index=1)
    fig.header.add_child(Element(f"<script>{_DECODER_JS}</script>"), name="nea_decoder", index=2)
    _renumber(fig)
    text = fig.render()
    # folium's MacroElement names embed ids we renumbered; anything left random would show here
    return text


def write_html(path: Path, text: str) -> Path:
    """Write a page atomically (temporary file, then rename)."""
    return write_text_atomic(path, text)

