"""Labels: the names of the map's features as text on the map, by priority, never overlapping."""

from __future__ import annotations

from typing import Any

from .base import NeageoPlugin

__all__ = ["Labels"]


class Labels(NeageoPlugin):
    """Place the labels of every packed layer's features (``l``: priority and class).

    Points try eight spots around their symbol, areas their anchor, lines a straight enough stretch
    near their middle; a label never covers another, a control, a marker, or a point symbol of the
    same or higher priority, and one with no room waits for a closer zoom.
    """

    call = "labels"
    js = ("labels",)
    css = ("labels",)

    def __init__(self, *, max_chars: int = 48) -> None:
        super().__init__()
        self.max_chars = max_chars

    def options(self) -> dict[str, Any]:
        return {"maxChars": self.max_chars}
