"""Legend: a foldable list of the map's symbols and what they mean."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .base import NeageoPlugin

__all__ = ["Legend"]


class Legend(NeageoPlugin):
    """Legend rows ``{"label", "style" (a Leaflet path style), "shape" ("point", "line", "area"), "layer"?}``.

    A row with a ``layer`` (a packed layer's id) shows while that layer is on.  Open at start on
    screens 600 px wide or more, unless ``open`` says otherwise.  ``scale``: a metric scale bar above it.
    """

    call = "legend"
    js = ("legend",)
    css = ("legend",)
    message_keys = ("legend",)

    def __init__(self, rows: Iterable[dict[str, Any]] = (), *, note: str = "", open: bool | None = None,
                 scale: bool = True) -> None:
        super().__init__()
        self.rows = [dict(r) for r in rows]
        self.note = note
        self.open = open
        self.scale = scale

    def add_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        """More rows, after the others (a row whose label is already there is left out)."""
        have = {r["label"] for r in self.rows}
        self.rows += [dict(r) for r in rows if r["label"] not in have]

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rows": self.rows, "scale": self.scale}
        if self.note:
            out["note"] = self.note
        if self.open is not None:
            out["open"] = self.open
        return out

    def data_texts(self) -> list[str]:
        return [r["label"] for r in self.rows] + ([self.note] if self.note else [])
