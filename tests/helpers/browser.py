"""Opening generated pages in headless Chromium with the network cut off (map and hardening tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["ARGS", "CHROMIUM", "OPEN_EVERY_JS", "open_offline"]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic"]

#: Open every feature's popup (as the search box does) and every tooltip; returns how many were opened.
OPEN_EVERY_JS = """
() => {
  let n = 0;
  for (const f of nea.features) {
    if (!f.p.p) continue;
    nea.choose(f);
    if (!document.querySelector('.leaflet-popup-content .nea-pop h3')) throw new Error('no popup for ' + f.id);
    if (f.layer.getTooltip && f.layer.getTooltip()) { f.layer.openTooltip(); f.layer.closeTooltip(); }
    n++;
  }
  return n;
}
"""


def open_offline(browser: Any, path: Path, *, width: int = 1280, height: int = 800,
                 hash: str = "") -> tuple[Any, dict[str, list[str]]]:
    """Open ``path`` (plus a URL ``hash``) in a page that may load only ``file:`` URLs, once the map is drawn.

    Returns the page and what it did: console ``errors``, blocked ``external``
    requests and ``dialogs`` (alert/confirm/prompt) it tried to show.
    """
    page = browser.new_page(viewport={"width": width, "height": height})
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
    page.goto(path.resolve().as_uri() + hash)
    page.wait_for_function("window.neaDrawn !== undefined", timeout=10_000)
    return page, seen
