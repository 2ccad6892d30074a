#!/usr/bin/env python3
"""Screenshots of every map for the README (1366x768, and 390x844 phones), in headless Chromium (Debian chromium), network blocked.

    python scripts/screenshots.py                  # after `neageo build --maps`; writes docs/screenshots/*.png
    python scripts/screenshots.py --phone          # also <map>-phone.png at 390x844
    python scripts/screenshots.py --maps-dir /tmp/maps --out /tmp/shots
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
DESKTOP = {"width": 1366, "height": 768}  # a common laptop
PHONE = {"width": 390, "height": 844}
#: Pages shown at one place: the story at its fourth chapter (Primorsky Krai's partners, Table 6).
HASHES = {"story": "#primorsky"}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--maps-dir", type=Path, default=ROOT / "maps")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--phone", action="store_true", help="also take 390x844 phone screenshots")
    parser.add_argument("names", nargs="*", help="map names (default: all)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    pages = sorted(args.maps_dir.glob("*.html"))
    if args.names:
        pages = [p for p in pages if p.stem in args.names]
    if not pages:
        sys.exit("render the maps first: neageo build --maps")
    sizes = [("", DESKTOP)] + ([("-phone", PHONE)] if args.phone else [])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for page_path in pages:
            for suffix, viewport in sizes:
                if suffix and page_path.stem == "index":
                    continue
                page = browser.new_page(viewport=viewport)
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
                page.goto(page_path.resolve().as_uri() + HASHES.get(page_path.stem, ""))
                if page_path.stem != "index":  # a map unpacks its code first: wait until it has drawn
                    page.wait_for_function("window.neaDrawn !== undefined", timeout=15_000)
                page.wait_for_timeout(300)
                target = args.out / f"{page_path.stem}{suffix}.png"
                page.screenshot(path=str(target))
                print(target)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
