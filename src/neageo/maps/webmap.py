"""``NeageoMap``: a ``folium.Map`` that saves as one offline page and shows itself in notebooks.

Everything folium users do works on it (markers, ``GeoJson``, ``FeatureGroup``, ``LayerControl``,
choropleths); what differs is the page it writes:

* :meth:`NeageoMap.save` writes one self-contained file, atomically: Leaflet with its images, every
  plugin's script and style, and whatever else the map links (from packaged copies) are inline, so
  the page loads nothing, not even a local file.  The scripts travel compressed.
* The same map gives the same bytes in any process (ids are renumbered), and saving twice does not
  grow the file.
* ``<html lang>`` follows the map's language; pinch zoom is allowed (no ``user-scalable=no``).
* ``_repr_html_`` shows the same page in an ``<iframe srcdoc>`` of a set height, offline.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, BinaryIO

import folium
from branca.element import CssLink, Figure, JavascriptLink

from .assets import LEAFLET_CSS_URL, LEAFLET_JS_URL
from .page import Missing, notebook_html, render_page, write_page
from .plugins.base import add_assets
from .plugins.layercontrol import LayerControl

__all__ = ["NeageoMap"]

#: What folium's own elements use without declaring it (folium's Map links these for every map).
_IMPLICIT: dict[type, tuple[tuple[str, str], ...]] = {}


def _implicit() -> dict[type, tuple[tuple[str, str], ...]]:
    if not _IMPLICIT:
        js = dict(folium.Map.default_js)
        css = dict(folium.Map.default_css)
        _IMPLICIT[folium.Popup] = (("jquery", js["jquery"]),)
        _IMPLICIT[folium.Icon] = (("awesome_markers", js["awesome_markers"]),
                                  ("awesome_markers_css", css["awesome_markers_css"]),
                                  ("awesome_markers_font_css", css["awesome_markers_font_css"]),
                                  ("glyphicons_css", css["glyphicons_css"]),
                                  ("awesome_rotate_css", css["awesome_rotate_css"]))
    return _IMPLICIT


class NeageoMap(folium.Map):
    """A folium map that saves offline in one file.

    Parameters
    ----------
    title
        The page's ``<title>``.
    lang
        The page's language (``<html lang>``; a :class:`~neageo.maps.plugins.Language` switch changes it).
    **kwargs
        As for ``folium.Map``; tiles default to none (a tile server is a network resource), the zoom
        buttons sit top right.
    """

    # Leaflet only: folium's other defaults (jQuery, Bootstrap, awesome-markers, Font Awesome) are
    # added when an element that needs them is on the map
    default_js: list[tuple[str, str]] = [("leaflet", LEAFLET_JS_URL)]  # noqa: RUF012  (folium's class-level API)
    default_css: list[tuple[str, str]] = [("leaflet_css", LEAFLET_CSS_URL)]  # noqa: RUF012
    #: Height of the map in a notebook cell, pixels.
    notebook_height = 520

    def __init__(self, location: Any = None, *, title: str = "Map", lang: str = "en", **kwargs: Any) -> None:
        kwargs.setdefault("tiles", None)
        kwargs.setdefault("zoom_control", "topright")
        kwargs.setdefault("zoom_snap", 0.25)
        kwargs.setdefault("zoom_delta", 0.5)
        kwargs.setdefault("wheel_px_per_zoom_level", 120)
        kwargs.setdefault("fade_animation", False)
        kwargs.setdefault("zoom_start", 4)
        kwargs.setdefault("font_size", "0.75rem")  # Leaflet's own size for controls and popups
        super().__init__(location=location if location is not None else [45.0, 128.0], **kwargs)
        self._name = "Map"
        self.title = title
        self.lang = lang

    # -- rendering -------------------------------------------------------------------------------

    def _needs(self) -> dict[str, str]:
        """Links folium's elements on this map need but do not declare (jQuery for popups, ...)."""
        out: dict[str, str] = {}
        stack: list[Any] = list(self._children.values())
        while stack:
            element = stack.pop()
            for cls, links in _implicit().items():
                if isinstance(element, cls):
                    out.update(links)
            stack += list(element._children.values())
        if self.objects_to_stay_in_front:
            out["jquery"] = dict(folium.Map.default_js)["jquery"]
        return out

    def render(self, **kwargs: Any) -> str:
        # the layer controls list the layers they find when they render: render them last; a plain
        # folium.LayerControl the user added takes the place of neageo's
        children = self._children
        theirs = [k for k, v in children.items() if type(v) is folium.LayerControl]
        ours = [k for k, v in children.items() if isinstance(v, LayerControl)]
        if theirs:
            for k in ours:
                del children[k]
        for k in theirs + ([] if theirs else ours):
            children.move_to_end(k)
        super().render(**kwargs)
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("a NeageoMap renders inside a folium Figure")
        add_assets(figure, css=("core", "page"))
        for name, url in self._needs().items():
            if name not in figure.header._children:
                link = CssLink(url) if url.endswith(".css") else JavascriptLink(url)
                figure.header.add_child(link, name=name)
        return ""

    def page(self, *, missing: Missing = "error") -> str:
        """The page :meth:`save` writes, as text."""
        return render_page(self, missing=missing, compress=True, title=self.title)

    def save(self, outfile: str | bytes | Path | BinaryIO, close_file: bool = True, *, missing: Missing = "error",
             **kwargs: Any) -> Path | None:
        """Write the map as one self-contained HTML file (atomically, when given a path).

        ``missing``: what to do with a linked file neageo has no packaged copy of (a plugin's CDN
        script): ``"error"`` (the default) raises :class:`~neageo.ExportError` naming it, ``"drop"``
        leaves it out with a warning.
        """
        if isinstance(outfile, bytes):
            outfile = os.fsdecode(outfile)
        if isinstance(outfile, str | Path):
            return write_page(self, outfile, missing=missing, compress=True, title=self.title)
        outfile.write(self.page(missing=missing).encode("utf-8"))
        if close_file:
            outfile.close()
        return None

    def _repr_html_(self, **kwargs: Any) -> str:
        """The map in a notebook cell (Jupyter, VS Code): the saved page in an iframe, offline."""
        return notebook_html(self.page(missing="drop"), height=self.notebook_height)
