"""Static pictures of a story chapter's map state, as SVG path data (printed with the chapter).

The picture is drawn at build time from the same GeoPackage as the live map: land, the provinces
the chapter shows, rivers and borders, and its highlighted features in the highlight colour.  It
travels as numbers only (``[class, path data]`` and ``[class, x, y]``); the page builds the SVG
elements from them, so nothing in a picture is parsed as markup.
"""

from __future__ import annotations

import math
from typing import Any

import shapely

from .data import MapData

__all__ = ["picture", "WIDTH", "KEYS"]

#: Picture width, SVG units (the page scales it to the column).
WIDTH = 400
#: The GeoPackage column each highlightable layer is keyed by (as the live map's ``k``).
KEYS = {"provinces": "adm1_code", "rivers": "name_en", "customs_gates": "gate_id", "projects": "project_id",
        "places": "place_id", "trade_flows": "flow_id", "events": "event_id"}
_PATH_OK = frozenset("MLZ0123456789.-")


class _Projection:
    """Longitude/latitude to picture units: equirectangular at the frame's middle latitude."""

    def __init__(self, frame: tuple[float, float, float, float]) -> None:
        w, s, e, n = frame
        self.w, self.n = w, n
        k = math.cos(math.radians((s + n) / 2))
        self.sx = WIDTH / (e - w)
        self.sy = self.sx / k
        self.height = max(120, min(420, round((n - s) * self.sy)))
        self.sy = self.height / (n - s)
        self.pixel = (e - w) / WIDTH
        self.box = shapely.box(w, s, e, n)

    def xy(self, x: float, y: float) -> tuple[int, int]:
        return round((x - self.w) * self.sx), round((self.n - y) * self.sy)

    def path(self, geom) -> str:
        """SVG path data of a (clipped) geometry in whole picture units: nothing finer than a unit, no
        island smaller than two."""
        geom = shapely.simplify(shapely.clip_by_rect(geom, *self.box.bounds), self.pixel, preserve_topology=True)
        out = []
        for part in shapely.get_parts(geom):
            if part.is_empty or part.geom_type == "Point":
                continue
            polygon = part.geom_type == "Polygon"
            bx = part.bounds
            if polygon and bx[2] - bx[0] < 2 * self.pixel and bx[3] - bx[1] < 2 * self.pixel:
                continue
            rings = [part.exterior, *part.interiors] if polygon else [part]
            for ring in rings:
                pts: list[tuple[int, int]] = []
                for x, y in ring.coords:
                    pt = self.xy(x, y)
                    if not pts or pts[-1] != pt:
                        pts.append(pt)
                if len(pts) > (3 if polygon else 1):
                    out.append("M" + "L".join(f"{a} {b}" for a, b in pts) + ("Z" if polygon else ""))
        return "".join(out)


def _keyed(data: MapData, layer: str, keys: set[str]):
    frame = data.raw(layer)
    col = KEYS[layer]
    return frame[frame[col].astype(str).isin(keys)]


def picture(data: MapData, frame: tuple[float, float, float, float], layers: list[str],
            highlight: list[str], *, box: tuple[float, float, float, float]) -> dict[str, Any]:
    """``{"w", "h", "paths": [[class, d], ...], "dots": [[class, x, y], ...]}`` of one chapter's map state.

    Drawn from the web-ready layers of the story map's ``box`` (the live map's own simplified coverage and
    lines, shared with the page), simplified again to the picture's unit."""
    proj = _Projection(frame)
    keys = {str(k) for k in highlight}
    paths: list[list[str]] = []
    dots: list[list[Any]] = []

    def add(cls: str, geom) -> None:
        if geom is None or geom.is_empty:
            return
        if geom.geom_type in ("Point", "MultiPoint"):
            for p in shapely.get_parts(geom):
                if proj.box.covers(p):
                    x, y = proj.xy(p.x, p.y)
                    dots.append([cls, x, y])
            return
        d = proj.path(geom)
        if d:
            paths.append([cls, d])

    countries, provinces = data.admin(box)
    countries = countries[countries.intersects(proj.box)]
    for iso, g in zip(countries["iso_a3"], countries.geometry):
        add(f"land land-{str(iso).lower()}" if iso in ("CHN", "RUS", "PRK") else "land", g)
    if {"provinces", "province_trade", "regions_population"} & set(layers):
        provinces = provinces[provinces.intersects(proj.box)]
        for code, g in zip(provinces["adm1_code"], provinces.geometry):
            add("province lit" if str(code) in keys else "province", g)
    for layer, cls in (("rivers", "river"), ("borders", "border")):
        if layer in layers or layer == "rivers":
            frame_ = data.lines(layer, box)
            for rec_key, g in zip(frame_[KEYS.get(layer, frame_.columns[0])], frame_.geometry):
                add(f"{cls} lit" if layer in KEYS and str(rec_key) in keys else cls, g)
    for layer in ("trade_flows", "projects", "customs_gates", "places"):
        for g in _keyed(data, layer, keys).geometry:
            add("lit", g)
    for cls, d in paths:
        if not _PATH_OK.issuperset(d.replace(" ", "")):
            raise ValueError(f"picture path data holds something other than numbers: {d[:40]!r}")
    return {"w": WIDTH, "h": proj.height, "paths": paths, "dots": dots}
