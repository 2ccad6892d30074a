#!/usr/bin/env python3
"""Benchmark the web maps: page sizes, simplification displacement, web_map().save(), explore() of
10,000 points, and time to features drawn in headless Chromium.

Run from the repository root after `neageo build --maps` (or pass --maps-dir)::

    python bench/bench_maps.py [--no-browser] [--repeat 7]

Targets (issues 11 and 20):
* every themed map at most 500 KB, the index at most 100 KB;
* simplified geometry displaced at most 250 m;
* the overview's features drawn at most 0.6 s after navigation in headless Chromium (Debian ``chromium``);
* ``web_map("overview").save()`` at most 3 s warm (the GeoPackage's layers already read; see bench_cold.py for a fresh process);
* ``explore()`` of 10,000 points: saved in at most 5 s, at most 2 MB, drawn at most 1.5 s after navigation.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

MAP_KB, INDEX_KB, DRAWN_S, SAVE_S = 500, 100, 0.6, 3.0
EXPLORE_N, EXPLORE_SAVE_S, EXPLORE_MB, EXPLORE_DRAWN_S = 10_000, 5.0, 2.0, 1.5


def verdict(ok: bool) -> str:
    return "OK" if ok else "OVER"


def sizes(maps_dir: Path) -> None:
    print(f"page sizes (target: themed maps <= {MAP_KB} KB, index <= {INDEX_KB} KB)")
    ok = True
    for page in sorted(maps_dir.glob("*.html")):
        kb = page.stat().st_size / 1000
        limit = INDEX_KB if page.stem == "index" else MAP_KB
        ok &= kb <= limit
        print(f"  {page.stem:<16} {kb:7.1f} KB  {verdict(kb <= limit)}")
    print(f"  -> {verdict(ok)}")


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
          + f" -> {verdict(max(worst.values()) <= 250)}")


def save_times(gpkg: Path, out: Path, repeat: int) -> None:
    import neageo

    t0 = time.perf_counter()
    neageo.web_map("overview", gpkg=gpkg).save(out / "overview.html")
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        neageo.web_map("overview", gpkg=gpkg).save(out / "overview.html")
        warm.append(time.perf_counter() - t0)
    w = statistics.median(warm)
    print(f'web_map("overview").save(): cold {cold:.1f} s (first in this process: layers read, the stored admin coverage decoded), warm {w:.2f} s '
          f"(median of {repeat}; target <= {SAVE_S} s) -> {verdict(w <= SAVE_S)}")


def explore_points(gpkg: Path, out: Path) -> Path:
    import geopandas as gpd
    import numpy as np

    import neageo

    rng = np.random.default_rng(20)
    pts = gpd.GeoDataFrame({"name": [f"Site {i}" for i in range(EXPLORE_N)],
                            "year": rng.integers(2003, 2007, EXPLORE_N),
                            "kind": rng.choice(["survey", "interview", "archive"], EXPLORE_N)},
                           geometry=gpd.points_from_xy(rng.uniform(125, 137, EXPLORE_N), rng.uniform(39, 46, EXPLORE_N)),
                           crs=4326).to_crs(3857)
    neageo.web_map("tumen", gpkg=gpkg)  # warm: the GeoPackage's layers read and simplified once
    t0 = time.perf_counter()
    m = neageo.explore(pts, base="tumen", label="name", popup=["name", "year", "kind"], color="kind", gpkg=gpkg)
    path = m.save(out / "explore.html")
    seconds = time.perf_counter() - t0
    assert path is not None
    mb = path.stat().st_size / 1e6
    print(f"explore() of {EXPLORE_N:,} points on the Tumen map, saved: {seconds:.2f} s "
          f"(target <= {EXPLORE_SAVE_S} s) -> {verdict(seconds <= EXPLORE_SAVE_S)}; "
          f"{mb:.2f} MB (target <= {EXPLORE_MB} MB) -> {verdict(mb <= EXPLORE_MB)}")
    return path


def drawn(pages: list[tuple[str, Path, float | None]], repeat: int) -> None:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"]
    print(f"in headless Chromium, median of {repeat} loads: ms from navigation to every layer drawn and every label placed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for name, page_path, target in pages:
            times, labels, counts = [], [], []
            for _ in range(repeat):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
                page.goto(page_path.resolve().as_uri())
                page.wait_for_function("window.neaDrawn !== undefined", timeout=60_000)
                times.append(page.evaluate("window.neaDrawn") / 1000)
                labels.append(page.evaluate("window.neaLabelMs || 0"))
                counts.append(page.evaluate("nea.features.filter(f => f.layer._map).length"))
                page.close()
            d = statistics.median(times)
            end = f"  -> {verdict(d <= target)} (target <= {target} s)" if target else ""
            print(f"  {name:<16} drawn {d:5.2f} s   features drawn {int(statistics.median(counts)):6d}   "
                  f"label placement {statistics.median(labels):6.1f} ms{end}")
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
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        save_times(args.gpkg, out, min(args.repeat, 5))
        explore_page = explore_points(args.gpkg, out)
        if not args.no_browser:
            pages: list[tuple[str, Path, float | None]] = [
                (p.stem, p, DRAWN_S if p.stem == "overview" else None)
                for p in sorted(args.maps_dir.glob("*.html")) if p.stem != "index"]
            pages.append((f"explore {EXPLORE_N:,}", explore_page, EXPLORE_DRAWN_S))
            drawn(pages, args.repeat)


if __name__ == "__main__":
    main()
