"""The payload codec: how features travel to the page, compact and safe.

* **Compact**: coordinates travel as delta-encoded integers packed five bits a
  character (:func:`pack`); polygons that share edges send each edge once
  (:class:`Topology`); the browser decodes them (``neageo.decode`` in
  ``assets/js/core.js``; the packing is documented in ``assets/contract.json``).
* **Safe**: every value reaches the page as JSON (:func:`script_json`): nothing in
  it can close a script or start markup, and no ``{{``, ``{%`` or ``{#`` is left in
  it, so no template engine that sees it can evaluate it.  The plugins set text
  with ``textContent``; nothing from the data is parsed as HTML.
* **Deterministic**: no random ids or timestamps; the same data gives the same bytes.
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import Any

import numpy as np

__all__ = ["SCALE", "ALPHABET", "pack", "unpack", "Topology", "encode_geometry", "script_json", "esc", "resolve_topology"]


def esc(value: Any) -> str:
    """HTML-escape anything for the static parts of a page (None and NaN become an empty string)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


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


_CODE = {ch: i for i, ch in enumerate(ALPHABET)}


def unpack(text: str) -> list[int]:
    """The integers :func:`pack` wrote (as ``neageo.unpack`` in ``core.js`` reads them)."""
    out, value, shift = [], 0, 0
    for ch in text:
        try:
            c = _CODE[ch]
        except KeyError:
            raise ValueError(f"bad character {ch!r} in packed text") from None
        value |= (c & 0x1F) << shift
        shift += 5
        if c < 0x20:
            out.append(-((value + 1) >> 1) if value & 1 else value >> 1)
            value, shift = 0, 0
    if shift:
        raise ValueError("packed text ends inside a number")
    return out


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
        #: Each arc's vertices in units of 1 / SCALE degree (what ``arcs`` packs).
        self.arc_points: list[np.ndarray] = []
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
        owners = self._owners()
        index: dict[bytes, int] = {}
        self.arcs, self.ring_arcs = [], []
        for ring, owner in zip(self.rings, owners):
            pts = ring[:-1]
            n = len(pts)
            if n < 3:
                self.ring_arcs.append([])
                continue
            cuts = np.flatnonzero(owner != np.roll(owner, 1)).tolist()
            if not cuts:  # one arc all round: start at the smallest vertex so equal rings match
                start = int(np.lexsort((pts[:, 1], pts[:, 0]))[0])
                pieces = [np.vstack([pts[start:], pts[:start], pts[start:start + 1]])]
            else:
                pieces = []
                for k, c in enumerate(cuts):
                    span = (cuts[(k + 1) % len(cuts)] - c) % n or n
                    pieces.append(pts[(c + np.arange(span + 1)) % n])
            refs = []
            for piece in pieces:
                key, rev = piece.tobytes(), piece[::-1].tobytes()
                if key in index:
                    refs.append(index[key])
                elif rev in index:
                    refs.append(~index[rev])
                else:
                    index[key] = len(self.arcs)
                    arr = np.ascontiguousarray(piece, dtype=np.int64)
                    self.arc_points.append(arr)
                    self.arcs.append(pack(np.vstack([arr[:1], np.diff(arr, axis=0)]).ravel()))
                    refs.append(index[key])
            self.ring_arcs.append(refs)

    def _owners(self) -> list[np.ndarray]:
        """For each ring, the set of rings using each of its edges (in either direction), as a number:
        equal numbers, equal sets.  Arcs are cut where it changes."""
        if not self.rings:
            return []
        lens = np.asarray([len(r) - 1 for r in self.rings])
        if not lens.sum():
            return [np.zeros(0, dtype=np.int64) for _ in self.rings]
        a = np.vstack([r[:-1] for r in self.rings])
        b = np.vstack([r[1:] for r in self.rings])
        rid = np.repeat(np.arange(len(self.rings)), lens)
        # an undirected edge as two sortable rows: its lesser end first (tuple order, as before)
        swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
        lo, hi = np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)
        edges = np.column_stack([lo, hi])
        _, edge_id = np.unique(edges, axis=0, return_inverse=True)
        edge_id = edge_id.ravel()
        # each edge's sorted, distinct rings, padded to a row: equal rows, equal sets
        pairs = np.unique(np.column_stack([edge_id, rid]), axis=0)
        starts = np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]])
        counts = np.diff(np.r_[starts, len(pairs)])
        rows = np.full((len(starts), int(counts.max())), -1, dtype=np.int64)
        col = np.arange(len(pairs)) - np.repeat(starts, counts)
        rows[pairs[:, 0], col] = pairs[:, 1]
        _, owner_id = np.unique(rows, axis=0, return_inverse=True)
        per_edge = owner_id.ravel()[edge_id]
        return np.split(per_edge, np.cumsum(lens)[:-1])


def encode_geometry(geom, topology: Topology | None = None) -> list:
    """A geometry as [type, delta-encoded integer coordinates] (decoded by ``neageo.decode`` in ``core.js``).

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


#: A JSON string token (json.dumps output: no raw control characters inside).
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _braces(match: re.Match[str]) -> str:
    token = match.group(0)
    return token.replace("{", "\\u007b") if "{" in token else token


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element and inside any template a page passes through.

    UTF-8 is kept as is; ``<``, ``>``, ``&`` and the line separators are escaped, so no
    string can close the script or start markup; ``{`` inside strings is written
    ``\\u007b``, so the text never holds ``{{``, ``{%`` or ``{#`` (structural JSON never
    does: an object opens with ``{"`` or ``{}``).  ``JSON.parse`` and JavaScript read
    the same values back.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch, rep in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, rep)
    if "{" in text:
        text = _JSON_STRING.sub(_braces, text)
    return text


def resolve_topology(geom: list, topology: Topology) -> list:
    """A geometry from :func:`encode_geometry` with its ring numbers replaced by arc references."""
    topology.finalize()
    if geom[0] == "TA":
        return ["TA", [topology.ring_arcs[r] for r in geom[1]]]
    if geom[0] == "TMA":
        return ["TMA", [[topology.ring_arcs[r] for r in poly] for poly in geom[1]]]
    return geom
