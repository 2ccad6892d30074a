"""The page codec: how a map's data is packed into one self-contained HTML page.

* **Offline**: Leaflet 1.9.3 (JS and CSS, the layer-control icon as a data URI) is
  inlined from the pinned ``xstatic-leaflet`` package together with neageo's own
  runtime (``assets/nea.js``) and style sheet (``assets/nea.css``), so a map is one
  file that works without a network.  The two scripts travel zlib-compressed
  (:func:`code_bundle`) and ``assets/boot.js`` unpacks them with the browser's own
  ``DecompressionStream``; the data stays plain JSON.
* **Compact**: coordinates travel as delta-encoded integers packed five bits a
  character (:func:`pack`); polygons that share edges send each edge once
  (:class:`Topology`); the browser decodes them (``neaDecode`` in ``nea.js``).
* **Safe**: every value reaches the page inside one JSON document
  (:func:`script_json` escapes anything that could close the script) and the
  runtime sets it with ``textContent``; nothing from the data is parsed as HTML.
* **Deterministic**: no random ids or timestamps; the same data gives the same bytes.
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
import zlib
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["SCALE", "ALPHABET", "pack", "Topology", "encode_geometry", "script_json", "esc", "leaflet_assets",
           "asset", "code_bundle", "page_html", "resolve_topology"]


def esc(value: Any) -> str:
    """HTML-escape anything for the static parts of a page (None and NaN become an empty string)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def asset(name: str) -> str:
    """The text of a packaged asset file (``neageo/maps/assets/<name>``)."""
    return files("neageo.maps").joinpath("assets", name).read_text(encoding="utf-8")


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
        for ring in self.rings:
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


def script_json(value) -> str:
    """JSON safe inside a <script> element: UTF-8 kept as is, and <, >, & and the line
    separators escaped so no string can close the script or start markup."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, rep in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, rep)
    return text




def resolve_topology(geom: list, topology: Topology) -> list:
    """A geometry from :func:`encode_geometry` with its ring numbers replaced by arc references."""
    topology.finalize()
    if geom[0] == "TA":
        return ["TA", [topology.ring_arcs[r] for r in geom[1]]]
    if geom[0] == "TMA":
        return ["TMA", [[topology.ring_arcs[r] for r in poly] for poly in geom[1]]]
    return geom


@lru_cache(maxsize=1)
def code_bundle(leaflet_js: str) -> str:
    """Leaflet and the runtime as one script, zlib-compressed (level 9, so the same bytes every time)
    and base64-encoded; ``assets/boot.js`` unpacks it in the browser with ``DecompressionStream``.
    The code is 178 KB as text and 69 KB packed, the largest saving a page can make without
    touching its data."""
    code = leaflet_js + "\n" + asset("nea.js").replace("__SCALE__", str(SCALE))
    return base64.b64encode(zlib.compress(code.encode("utf-8"), 9)).decode("ascii")


def page_html(*, lang: str, title: str, description: str, payload: dict) -> str:
    """The complete page: static head and title (escaped), Leaflet, the runtime and the map's data."""
    js, css = leaflet_assets()
    template = asset("page.html")
    parts = {
        "LANG": esc(lang), "TITLE": esc(title), "DESCRIPTION": esc(description),
        "LEAFLET_CSS": css, "NEA_CSS": asset("nea.css"), "CODE": code_bundle(js), "BOOT": asset("boot.js"),
        "DATA": script_json(payload),
    }
    return re.sub(r"<!--@(\w+)-->", lambda m: parts[m.group(1)], template)
