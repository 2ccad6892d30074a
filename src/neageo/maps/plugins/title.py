"""Title: the map's title and description in a panel, with a row for the search box and language switch."""

from __future__ import annotations

from typing import Any

from .base import NeageoPlugin

__all__ = ["Title"]


class Title(NeageoPlugin):
    """A title panel in the top-left corner (search and language controls join its tools row)."""

    call = "title"
    js = ("title",)
    css = ("title",)

    message_keys = ("home",)

    def __init__(self, title: str, description: str = "", *, home: str | None = None) -> None:
        super().__init__()
        self.title = title
        self.description = description
        #: a link back to the page listing the maps (the shipped maps: ``index.html`` beside them)
        self.home = home

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "description": self.description}
        if self.home:
            out["home"] = self.home
        return out

    def data_texts(self) -> list[str]:
        return [self.title, self.description]
