#!/usr/bin/env python3
"""Screenshots of every map for the README, taken in headless Chromium (Debian chromium).

    python scripts/screenshots.py      # after `neageo build --maps`; writes docs/screenshots/*.png
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]


def main() -> None:
    from playwright.sync_api import sync_playwright

    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    pages = sorted((ROOT / "maps").glob("*.html"))
    if not pages:
        sys.exit("render the maps first: neageo build --maps")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for page_path in pages:
            page = browser.new_page(viewport={"width": 1200, "height": 760})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page.goto(page_path.resolve().as_uri())
            page.wait_for_timeout(1200)
            target = out / f"{page_path.stem}.png"
            page.screenshot(path=str(target))
            print(target.relative_to(ROOT))
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
