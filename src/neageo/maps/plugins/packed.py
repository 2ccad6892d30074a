"""Packed layers: many features in little space, joined to the map's labels, search, time and legend.

Geometry travels as packed integers (:func:`~neageo.maps.codec.encode_geometry`); polygons that share
edges can send each edge once (:class:`Arcs`).  Properties use short keys, documented with the
packing in ``assets/contract.json`` ("packed"): ``n`` names by language, ``h`` heading, ``p`` popup
``[kind, [[field, value], ...], citation, aliases]``, ``l`` label ``[priority, class, lng?, lat?]``,
``ln`` label names, ``q`` search keys, ``t``/``ts`` time, ``s`` style index, ``w``/``f`` width/fill,
``k`` the feature's key (for highlighting).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..codec import SCALE
from .base import NeageoLayer, NeageoPlugin

__all__ = ["Arcs", "PackedLayer"]

#: Above this many features a layer is painted on a canvas (quicker than that many SVG elements).
CANVAS_FROM = 1500


class Arcs(NeageoPlugin):
    """The shared polygon edges of a map (packed lines), for layers that say ``arcs=<id>``."""

    call = "arcs"
    js = ("packed",)

    def __init__(self, arcs: Sequence[str], *, id: str = "arcs", scale: int = SCALE,
                 detail: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.arcs_id = id
        self.arcs = list(arcs)
        self.scale = scale
        #: A coarser level drawn when zoomed out: ``{"below": zoom, "keep": [packed indices per arc]}``
        #: (:func:`neageo.maps.web.coarse_level`).
        self.detail = detail

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.arcs_id, "scale": self.scale, "arcs": self.arcs}
        if self.detail is not None:
            if len(self.detail["keep"]) != len(self.arcs):
                raise ValueError("a coarse level needs one entry per arc")
            out["detail"] = self.detail
        return out


class PackedLayer(NeageoLayer):
    """One layer of packed features (a folium layer: layer controls list it under ``title``).

    Parameters
    ----------
    id
        The layer's id (the URL hash and the legend name it by it).
    title
        The name shown in the layer control.
    features
        ``[geometry, properties]`` pairs (see the module's documentation).
    styles
        Leaflet path styles; a feature's ``s`` picks one (default the first).
    show
        Drawn when the map opens.
    arcs
        The id of the :class:`Arcs` its ``TA``/``TMA`` polygons refer to.
    time
        Its features carry ``t``/``ts``: the time control filters them.
    tip, arrows, search
        Tooltips with the name; arrowheads at line ends; found by the search box.
    base
        A basemap layer (countries, lakes): painted on a canvas and listed last when several
        features share a spot.
    canvas
        Paint on a canvas; default: when there are more than 1,500 features.
    detail
        The zoom below which features that carry a coarser level (a third geometry item,
        :func:`neageo.maps.web.coarse_geometry`) draw it.
    """

    call = "packed"
    js = ("packed",)
    css = ("popup",)
    message_keys = ("here", "also")

    def __init__(self, id: str, title: str, features: list[list[Any]], styles: list[dict[str, Any]], *,
                 show: bool = True, arcs: str | None = None, time: bool = False, tip: bool = True,
                 arrows: bool = False, search: bool = True, base: bool = False, canvas: bool | None = None,
                 scale: int = SCALE, detail: float | None = None) -> None:
        super().__init__(title, show=show)
        self.layer_id = id
        self.title = title
        self.features = features
        self.styles = styles
        self.arcs_id = arcs
        self.time = time
        self.tip = tip
        self.arrows = arrows
        self.search = search
        self.base = base
        self.canvas = len(features) > CANVAS_FROM if canvas is None else canvas
        self.scale = scale
        self.detail = detail

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.layer_id, "title": self.title, "scale": self.scale, "styles": self.styles,
                               "features": self.features}
        for key, value, default in (("arcs", self.arcs_id, None), ("time", self.time, False), ("tip", self.tip, True),
                                    ("arrows", self.arrows, False), ("search", self.search, True),
                                    ("base", self.base, False), ("canvas", self.canvas, False),
                                    ("detail", self.detail, None)):
            if value != default:
                out[key] = value
        return out

    def data_texts(self) -> list[str]:
        out = [self.title]
        for _, props in self.features:
            popup = props.get("p")
            if popup:
                out.append(popup[0])
                out += [row[0] for row in popup[1]]
        return out

    def _get_self_bounds(self) -> list[list[float | None]]:
        return [[None, None], [None, None]]
