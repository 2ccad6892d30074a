"""Frame: where a map opens, how far it may pan and zoom."""

from __future__ import annotations

from typing import Any

from .base import NeageoPlugin

__all__ = ["Frame", "Box"]

#: (west, south, east, north), degrees.
Box = tuple[float, float, float, float]

#: The closest zoom: beyond it the map shows nothing new (and some browsers draw flat colour).
MAX_ZOOM = 18


class Frame(NeageoPlugin):
    """Open on ``frame`` (clear of the title and time controls), never leave ``box``, zoom at most ``max_zoom``.

    The least zoom keeps ``box`` filling the view, so the edge of the data is never seen.
    """

    call = "frame"
    js = ("frame",)

    def __init__(self, frame: Box, *, box: Box | None = None, max_zoom: int = MAX_ZOOM) -> None:
        super().__init__()
        self.frame = tuple(float(v) for v in frame)
        self.box = tuple(float(v) for v in box) if box else None
        self.max_zoom = max_zoom

    def extend(self, bounds: Box, *, margin: float = 0.1) -> None:
        """Take in ``bounds`` (west, south, east, north) as well, with a margin (a share of their size)."""
        w, s, e, n = bounds
        dx, dy = max((e - w) * margin, 0.05), max((n - s) * margin, 0.05)
        grown = (w - dx, max(s - dy, -85.0), e + dx, min(n + dy, 85.0))
        self.frame = _union(self.frame, grown)
        if self.box is not None:
            self.box = _union(self.box, grown)

    def options(self) -> dict[str, Any]:
        out: dict[str, Any] = {"frame": list(self.frame), "maxZoom": self.max_zoom}
        if self.box is not None:
            out["box"] = list(self.box)
        return out


def _union(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, float, float, float]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
