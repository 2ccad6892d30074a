"""Layer control: Leaflet's (collapsed), with layer names set as text and switched with the language."""

from __future__ import annotations

from typing import Any

from folium.map import Layer
from folium.template import Template

from .base import NeageoPlugin, map_of

__all__ = ["LayerControl"]


class LayerControl(NeageoPlugin):
    """Every layer of the map (packed layers, ``FeatureGroup``, ``GeoJson``, tiles) in a layer control.

    Like ``folium.LayerControl``, it lists the map's layers when it renders (a ``NeageoMap`` renders it
    after them wherever it was added).  Unlike it, a name reaches the page as data: Leaflet inserts
    names as HTML, so each is escaped in the page first.
    """

    call = "layers"
    js = ("layers",)
    message_keys = ("layers",)

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = neageo.layers({{ this.map_name }}, {{ this.options_json }}, "
        "[{{ this.refs|join(', ') }}]);"
        "{% endmacro %}"
    )

    def __init__(self, *, collapsed: bool = True, position: str = "topright") -> None:
        super().__init__()
        self.collapsed = collapsed
        self.position = position
        self.refs: list[str] = []
        self._names: tuple[list[str], list[str]] = ([], [])

    def _layers(self) -> tuple[list[Layer], list[Layer]]:
        parent: Any = map_of(self)
        overlays: list[Layer] = []
        bases: list[Layer] = []
        for item in parent._children.values():
            if isinstance(item, Layer) and item.control:
                (overlays if item.overlay else bases).append(item)
        return overlays, bases

    def options(self) -> dict[str, Any]:
        overlays, bases = self._layers()
        self.refs = [layer.get_name() for layer in overlays + bases]
        return {"collapsed": self.collapsed, "position": self.position,
                "overlays": [{"name": str(layer.layer_name)} for layer in overlays],
                "base": [{"name": str(layer.layer_name)} for layer in bases]}

    def data_texts(self) -> list[str]:
        overlays, bases = self._layers()
        return [str(layer.layer_name) for layer in overlays + bases]
