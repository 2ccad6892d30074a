"""Story: chapters of text beside the map; scrolling (or the keys) moves the map from one state to the next."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from folium.template import Template

from .base import NeageoPlugin

__all__ = ["Story"]


class Story(NeageoPlugin):
    """A scrolling story over the map: one ``<section data-chapter>`` per chapter, built from JSON as text.

    Each chapter (``assets/contract.json``, "story") has an ``id``, a ``heading``, ``text`` paragraphs and a
    ``cite`` by language (a language without its own text shows the English, marked so), and a map state:
    ``frame`` (west, south, east, north), the packed ``layers`` shown, a time ``stop`` (an index, or None)
    and the feature keys to ``highlight``.  Optional: a ``chart`` (bars of one table) and a ``picture``
    (SVG path data of the map state, shown when printing).

    The story owns the URL hash (``#<chapter id>``, written with ``replaceState`` so Back leaves the
    page); "Explore the map" frees the map (every layer, search, the map-state hash) until the reader
    returns to the chapter.
    """

    call = "story"
    js = ("story",)
    css = ("story",)
    message_keys = ("story_explore", "story_back", "story_english", "story_map_shows", "story_chapters",
                    "story_figure", "story_print_picture")

    #: An empty column in the page itself (no data in it: the script fills it), so the page is laid out as a
    #: story from the first paint and the map is never drawn full width first.
    _template = Template(
        '{% macro html(this, kwargs) %}<main class="nea-story" id="nea-story"></main>{% endmacro %}'
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = neageo.{{ this.call }}({{ this.map_name }}, {{ this.options_json }});"
        "{% endmacro %}"
    )

    def __init__(self, chapters: Iterable[dict[str, Any]], *, title: dict[str, str],
                 intro: dict[str, str] | None = None) -> None:
        super().__init__()
        self.chapters = [dict(c) for c in chapters]
        ids = [c["id"] for c in self.chapters]
        if len(set(ids)) != len(ids):
            raise ValueError(f"story chapter ids must be unique: {ids}")
        self.title = dict(title)
        self.intro = dict(intro or {})

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "chapters": self.chapters}
        if self.intro:
            out["intro"] = self.intro
        return out
