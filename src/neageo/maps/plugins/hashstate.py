"""URL-hash state: the view, language, time and visible layers in the address, so a link opens the same map."""

from __future__ import annotations

from typing import Any

from .base import NeageoPlugin

__all__ = ["HashState"]


class HashState(NeageoPlugin):
    """Keep ``#@lat,lng,zoom&lang=..&t=..&layers=a,b`` in step with the map.

    Every field is parsed on its own and a bad one is ignored; the address is written with
    ``history.replaceState`` where the page may (not in a sandboxed frame), so Back leaves the map.
    Fields it does not know (a story's chapter) are kept.  ``enabled=False`` starts it switched off
    (``neageo.hub(map).plugins.hash.enable()`` switches it on).
    """

    call = "hash"
    js = ("hash",)

    def __init__(self, *, enabled: bool = True) -> None:
        super().__init__()
        self.enabled = enabled

    def options(self) -> dict[str, Any]:
        return {"enabled": self.enabled}
