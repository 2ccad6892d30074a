"""What every neageo plugin shares: inlined assets, one JSON payload, macros rendered once.

A plugin reads like one of folium's (``folium/plugins/*.py``): a ``MacroElement`` whose small
template has a ``script`` macro making one JavaScript call, ``neageo.<call>(map, options)``, with
the options as one JSON object.  Three things differ, and they are why the plugins are safe and
self-contained:

* its assets are declared by name (``js``, ``css``: files under ``assets/js`` and ``assets/css``)
  and put in the page's head as inline ``<script>``/``<style>`` elements, never as links;
* the payload is :func:`~neageo.maps.codec.script_json`: no string can end the script, and no
  ``{{``, ``{%`` or ``{#`` is in it;
* its macros are rendered once and added to the page as finished text (:class:`Raw`): folium's
  ``MacroElement.render`` would compile each macro's output as a new Jinja template, so a name
  like ``{{ 7*7 }}`` in the data would be evaluated.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, cast

from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from ..assets import own
from ..codec import script_json
from ..messages import messages_for, texts_for

__all__ = ["Raw", "InlineAsset", "NeageoPlugin", "NeageoLayer", "PluginMixin", "add_assets", "map_of"]

#: Above this many characters a payload is written as ``JSON.parse("...")`` (V8's advice: from about 10 kB,
#: parsing JSON is quicker than compiling the same object literal).
LARGE_PAYLOAD = 10_000


class Raw(Element):
    """Finished page text, rendered as it is (never compiled as a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class InlineAsset(Element):
    """A script or style sheet in the page's head, inline."""

    def __init__(self, kind: str, name: str, text: str) -> None:
        super().__init__()
        self._name = "InlineAsset"
        self.kind = kind
        self.asset_name = name
        self.text = text

    def render(self, **kwargs: Any) -> str:
        tag = "script" if self.kind == "js" else "style"
        return f"<{tag}>\n{self.text}\n</{tag}>"


def add_assets(figure: Figure, js: tuple[str, ...] = (), css: tuple[str, ...] = ()) -> None:
    """Put neageo's named assets in a figure's head once each (core first, as the plugins need it)."""
    for name in css:
        key = f"neageo_{name}_css"
        if key not in figure.header._children:
            figure.header.add_child(InlineAsset("css", key, own(f"css/{name}.css")), name=key)
    for name in js:
        key = f"neageo_{name}_js"
        if key not in figure.header._children:
            figure.header.add_child(InlineAsset("js", key, own(f"js/{name}.js")), name=key)


def map_of(element: Element) -> Element:
    """The folium Map an element is on."""
    from folium import Map

    node: Element | None = element
    while node is not None and not isinstance(node, Map):
        node = node._parent
    if node is None:
        raise ValueError(f"{type(element).__name__} must be added to a folium.Map (or to a layer on one)")
    return node


class PluginMixin:
    """The rendering shared by :class:`NeageoPlugin` and :class:`NeageoLayer`."""

    #: The JavaScript function called: ``neageo.<call>(map, options)``.
    call: ClassVar[str] = ""
    #: Asset names (``assets/js/<name>.js``, ``assets/css/<name>.css``); "core" is always added first.
    js: ClassVar[tuple[str, ...]] = ()
    css: ClassVar[tuple[str, ...]] = ()
    #: Keys of the control texts the plugin shows (``assets/messages.json``).
    message_keys: ClassVar[tuple[str, ...]] = ()
    #: The payload's version (``v``), as documented in ``assets/contract.json``.
    version: ClassVar[int] = 1

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = neageo.{{ this.call }}({{ this.map_name }}, {{ this.options_json }});"
        "{% endmacro %}"
    )

    def options(self) -> dict[str, Any]:
        """The plugin's options (the payload less ``v``, ``messages`` and ``texts``)."""
        return {}

    def data_texts(self) -> list[str]:
        """Data texts the plugin shows that the catalogue may translate (titles, field names)."""
        return []

    def payload(self) -> dict[str, Any]:
        """Everything the JavaScript call receives, as documented in ``assets/contract.json``."""
        out: dict[str, Any] = {"v": self.version, **self.options()}
        if self.message_keys:
            out["messages"] = messages_for(self.message_keys)
        texts = texts_for(self.data_texts())
        if texts:
            out["texts"] = texts
        return out

    @property
    def options_json(self) -> str:
        """The payload as JavaScript: an object literal, or for a large one ``JSON.parse("...")``, which
        browsers read faster than a literal of the same size."""
        text = script_json(self.payload())
        if len(text) < LARGE_PAYLOAD:
            return text
        return f"JSON.parse({json.dumps(text, ensure_ascii=False)})"

    @property
    def map_name(self) -> str:
        name: str = map_of(cast(Element, self)).get_name()  # a mixin: always on a branca Element
        return name

    def _render_once(self, **kwargs: Any) -> None:
        element: Any = self
        figure = element.get_root()
        if not isinstance(figure, Figure):
            raise ValueError(f"{type(self).__name__} can be rendered only on a map inside a folium Figure")
        add_assets(figure, js=("core", *self.js), css=("core", *self.css))
        module = element._template.module
        for part in ("header", "html", "script"):
            macro = getattr(module, part, None)
            if macro is not None:
                getattr(figure, part).add_child(Raw(str(macro(self, kwargs))), name=element.get_name())
        for child in list(element._children.values()):
            child.render(**kwargs)


class NeageoPlugin(PluginMixin, MacroElement):
    """A neageo feature as a folium plugin; add it to any ``folium.Map``."""

    def __init__(self) -> None:
        super().__init__()
        self._name = type(self).__name__

    def render(self, **kwargs: Any) -> str:
        self._render_once(**kwargs)
        return ""  # what a macro element adds goes into the figure's head, body and script


class NeageoLayer(PluginMixin, Layer):
    """A neageo plugin that is a map layer: folium's layer controls list it; ``show`` adds it at start."""

    def __init__(self, name: str, *, overlay: bool = True, control: bool = True, show: bool = True) -> None:
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = type(self).__name__

    def render(self, **kwargs: Any) -> str:
        self._render_once(**kwargs)
        if self.show:
            figure: Any = self.get_root()
            figure.script.add_child(Raw(f"neageo.hub({self.map_name}).show({self.get_name()});"),
                                   name=self.get_name() + "_add")
        return ""
