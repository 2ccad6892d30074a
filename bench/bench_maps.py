#!/usr/bin/env python3
"""Benchmark the web maps: page sizes, simplification displacement, time to features drawn, label placement.

Run from the repository root after `neageo build --maps` (or pass --maps-dir)::

    python bench/bench_maps.py [--no-browser] [--repeat 7]

Targets (issue 11):
* each map at most 450 KB, the index at most 100 KB;
* simplified geometry displaced at most 250 m;
* the overview's features drawn at most 0.6 s after navigation in headless Chromium (Debian ``chromium``);
* label placement at load at most 100 ms on the overview.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

MAP_KB, INDEX_KB, DRAWN_S, LABEL_MS = 450, 100, 0.6, 100


def sizes(maps_dir: Path) -> None:
    print(f"page sizes (target: maps <= {MAP_KB} KB, index <= {INDEX_KB} KB)")
    ok = True
    for page in sorted(maps_dir.glob("*.html")):
        kb = page.stat().st_size / 1000
        limit = INDEX_KB if page.stem == "index" else MAP_KB
        ok &= kb <= limit
        print(f"  {page.stem:<16} {kb:7.1f} KB  {'OK' if kb <= limit else 'OVER'}")
    print(f"  -> {'OK' if ok else 'OVER'}")


def displacement(gpkg: Path) -> None:
    import neageo
    from neageo.maps.data import MapData
    from neageo.maps.specs import load_specs
    from neageo.maps.web import TOLERANCE_M, displacement_m, simplify_lines

    box = load_specs()["overview"].box
    data = MapData(gpkg)
    countries, provinces = data.admin(box)
    worst = {}
    for name, simp, key in (("countries", countries, "iso_a3"), ("provinces", provinces, "adm1_code")):
        orig = neageo.read(name, gpkg=gpkg).clip(box).set_index(key)
        worst[name] = max(displacement_m(orig.geometry[k], g) for k, g in zip(simp[key], simp.geometry))
    for name in ("rivers", "borders", "waterways", "lakes"):
        orig = neageo.read(name, gpkg=gpkg).clip(box).reset_index(drop=True)
        simp = simplify_lines(orig, tolerance_m=150.0 if name == "lakes" else TOLERANCE_M)
        worst[name] = max(displacement_m(a, b) for a, b in zip(orig.geometry, simp.geometry))
    print("largest displacement after simplification (target <= 250 m): "
          + ", ".join(f"{k} {v:.0f} m" for k, v in worst.items())
          + f" -> {'OK' if max(worst.values()) <= 250 else 'OVER'}")


def browser_times(maps_dir: Path, repeat: int) -> None:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"]
    pages = sorted(p for p in maps_dir.glob("*.html") if p.stem != "index")
    print(f"in headless Chromium, median of {repeat} loads (targets: overview drawn <= {DRAWN_S} s, "
          f"labels placed <= {LABEL_MS} ms)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for page_path in pages:
            drawn, labels = [], []
            for _ in range(repeat):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
                page.goto(page_path.resolve().as_uri())
                page.wait_for_function("window.neaDrawn !== undefined")
                # neaDrawn: ms from navigation start to every layer drawn and every label placed
                drawn.append(page.evaluate("window.neaDrawn") / 1000)
                labels.append(page.evaluate("window.neaLabelMs"))
                page.close()
            d, lab = statistics.median(drawn), statistics.median(labels)
            verdict = ""
            if page_path.stem == "overview":
                verdict = f"  -> {'OK' if d <= DRAWN_S and lab <= LABEL_MS else 'OVER'}"
            print(f"  {page_path.stem:<16} features drawn {d:5.2f} s   label placement {lab:6.1f} ms{verdict}")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--maps-dir", type=Path, default=ROOT / "maps")
    parser.add_argument("--gpkg", type=Path, default=ROOT / "geodata" / "neageo.gpkg")
    args = parser.parse_args()
    if not (args.maps_dir / "overview.html").exists():
        sys.exit("render the maps first: neageo build --maps")
    sizes(args.maps_dir)
    displacement(args.gpkg)
    if not args.no_browser:
        browser_times(args.maps_dir, args.repeat)


if __name__ == "__main__":
    main()
