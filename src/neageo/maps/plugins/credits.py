"""Credits: the data sources of a map, as text in its attribution corner."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .base import NeageoPlugin

__all__ = ["Credits"]


class Credits(NeageoPlugin):
    """Short credits (``"Natural Earth"``, ``"GeoNames (CC-BY 4.0)"``), escaped for Leaflet's attribution control."""

    call = "credits"
    js = ("credits",)
    message_keys = ("data",)

    def __init__(self, credits: Iterable[str]) -> None:
        super().__init__()
        self.credits = list(credits)

    def options(self) -> dict[str, Any]:
        return {"credits": self.credits}
