#!/usr/bin/env python3
"""Benchmark the web maps: HTML size against GeoDataFrame.explore(), displacement, time to interactive.

Run from the repository root after `neageo build --maps`::

    python bench/bench_maps.py [--no-browser]

Targets (issue 4):
* each map's HTML at most 0.10x the bytes of ``GeoDataFrame.explore()`` on the
  same, unsimplified layers;
* simplified geometry displaced at most 250 m;
* the overview interactive within 1.5 s in headless Chromium (Debian ``chromium``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

#: The GeoPackage layers each map draws.
MAP_LAYERS = {
    "overview": ["countries", "provinces", "lakes", "borders", "rivers", "projects", "places", "customs_gates"],
    "trade": ["countries", "province_trade", "trade_flows"],
    "customs_gates": ["countries", "provinces", "lakes", "borders", "places", "customs_gates"],
    "benzene_spill": ["countries", "provinces", "lakes", "waterways", "rivers", "events", "places"],
    "sinuiju_dandong": ["countries", "provinces", "lakes", "borders", "rivers", "projects", "places", "customs_gates"],
    "tumen": ["countries", "provinces", "lakes", "borders", "rivers", "projects", "places", "customs_gates"],
    "population": ["countries", "regions_population"],
}


def explore_bytes(gpkg: Path, layers: list[str]) -> int:
    import neageo

    m = None
    for name in layers:
        frame = neageo.read(name, gpkg=gpkg)
        m = frame.explore(m=m, name=name) if m is not None else frame.explore(name=name)
    return len(m.get_root().render().encode("utf-8"))


def sizes(gpkg: Path, maps_dir: Path) -> None:
    print("HTML size against GeoDataFrame.explore() of the same unsimplified layers (target <= 0.10x)")
    worst = 0.0
    for name, layers in MAP_LAYERS.items():
        ours = (maps_dir / f"{name}.html").stat().st_size
        ref = explore_bytes(gpkg, layers)
        ratio = ours / ref
        worst = max(worst, ratio)
        print(f"  {name:<16} {ours / 1e6:6.2f} MB vs explore() {ref / 1e6:7.2f} MB  ratio {ratio:.4f}")
    print(f"  worst ratio {worst:.4f} -> {'OK' if worst <= 0.10 else 'OVER'}")


def displacement(gpkg: Path) -> None:
    import neageo
    from neageo.maps.data import MapData
    from neageo.maps.themes import REGION
    from neageo.maps.web import displacement_m, simplify_lines

    data = MapData(gpkg)
    countries, provinces = data.admin(REGION)
    worst = {}
    for name, simp, key in (("countries", countries, "iso_a3"), ("provinces", provinces, "adm1_code")):
        orig = neageo.read(name, gpkg=gpkg).clip(REGION).set_index(key)
        worst[name] = max(displacement_m(orig.geometry[k], g) for k, g in zip(simp[key], simp.geometry))
    from neageo.maps.common import LAKE_TOLERANCE_M
    from neageo.maps.web import TOLERANCE_M

    for name in ("rivers", "borders", "waterways", "lakes"):
        orig = neageo.read(name, gpkg=gpkg).clip(REGION).reset_index(drop=True)
        simp = simplify_lines(orig, tolerance_m=LAKE_TOLERANCE_M if name == "lakes" else TOLERANCE_M)
        worst[name] = max(displacement_m(a, b) for a, b in zip(orig.geometry, simp.geometry))
    print("largest displacement after simplification (target <= 250 m): "
          + ", ".join(f"{k} {v:.0f} m" for k, v in worst.items())
          + f" -> {'OK' if max(worst.values()) <= 250 else 'OVER'}")


def interactive(maps_dir: Path, repeat: int = 5) -> None:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"]
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            t0 = time.perf_counter()
            page.goto((maps_dir / "overview.html").resolve().as_uri())
            page.wait_for_selector(".leaflet-control-layers-overlays label")
            page.wait_for_selector("path.leaflet-interactive")
            times.append(time.perf_counter() - t0)
            page.close()
        browser.close()
    med = statistics.median(times)
    print(f"overview interactive in headless Chromium: median {med:.2f} s over {repeat} loads "
          f"(target <= 1.5 s) -> {'OK' if med <= 1.5 else 'OVER'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    gpkg, maps_dir = ROOT / "geodata" / "neageo.gpkg", ROOT / "maps"
    if not (maps_dir / "overview.html").exists():
        sys.exit("render the maps first: neageo build --maps")
    sizes(gpkg, maps_dir)
    displacement(gpkg)
    if not args.no_browser:
        interactive(maps_dir)


if __name__ == "__main__":
    main()
