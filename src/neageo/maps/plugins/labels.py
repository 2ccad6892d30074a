"""Labels: the names of the map's features as text on the map, by priority, never overlapping."""

from __future__ import annotations

from typing import Any

from .base import NeageoPlugin

__all__ = ["Labels"]


class Labels(NeageoPlugin):
    """Place the labels of every packed layer's features (``l``: priority and class).

    Points try eight spots around their symbol, staying inside the area (of a ``home`` label class,
    countries by default) their symbol is in; an area's label goes inside its own polygon, at the
    build's anchor when it fits there, else at the pole of inaccessibility of the area's visible part,
    and hides when it fits nowhere; lines take a straight enough stretch near their middle.  A label
    never covers another, a control, a marker, or a point symbol of the same or higher priority, and
    one with no room waits for a closer zoom.
    """

    call = "labels"
    js = ("fit", "labels")
    css = ("labels",)

    def __init__(self, *, max_chars: int = 48, home: tuple[str, ...] = ("country",)) -> None:
        super().__init__()
        self.max_chars = max_chars
        self.home = list(home)

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"maxChars": self.max_chars}
        if self.home != ["country"]:
            out["home"] = self.home
        return out
