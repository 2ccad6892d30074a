"""Opening generated pages in headless Chromium with the network cut off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["CHROMIUM", "ARGS", "open_offline"]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]


def open_offline(browser: Any, path: Path) -> tuple[Any, dict[str, list[str]]]:
    """Open ``path`` in a 1280x800 page that may load only ``file:`` URLs.

    Returns the page and what it did: console ``errors``, blocked ``external``
    requests and ``dialogs`` (alert/confirm/prompt) it tried to show.
    """
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    seen: dict[str, list[str]] = {"errors": [], "external": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            seen["external"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.resolve().as_uri())
    page.wait_for_selector(".leaflet-control-layers-overlays label")
    page.wait_for_timeout(900)  # let fitBounds' zoom animation end
    return page, seen
