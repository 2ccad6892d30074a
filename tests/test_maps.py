"""The web maps: self-contained, deterministic, escaped, simplified within bounds, and working in a real browser."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
import shapely

import neageo
from helpers.browser import open_offline
from helpers.common import SOURCES
from neageo.maps import MAP_NAMES, render_all

ARTIFACTS = Path(__file__).parent / "artifacts" / "maps"
PAYLOAD = '<img src=x onerror="window.__xss=1">'
SCRIPT_PAYLOAD = "</script><script>window.__xss=2</script>"


@pytest.fixture(scope="session")
def rendered(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("maps")
    render_all(gpkg=built, out_dir=out)
    return out


@pytest.fixture(scope="session")
def hostile_maps(tmp_path_factory) -> Path:
    """Maps built from sources whose names and descriptions carry script payloads."""
    root = tmp_path_factory.mktemp("hostile")
    src = root / "geodata" / "sources"
    shutil.copytree(SOURCES, src)
    places = src / "places" / "places.csv"
    rows = list(csv.DictReader(places.open(encoding="utf-8")))
    for r in rows:
        if r["place_id"] in ("harbin", "sinuiju", "dandong"):
            r["name_en"] = f"{r['name_en']} {PAYLOAD}"
            r["name_zh"] = SCRIPT_PAYLOAD
            r["aliases"] = r["aliases"] + "|" + PAYLOAD
    with places.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    projects = src / "paper" / "projects.csv"
    rows = list(csv.DictReader(projects.open(encoding="utf-8")))
    for r in rows:
        if r["project_id"] == "second_yalu_bridge":
            r["description"] = f"{SCRIPT_PAYLOAD} {PAYLOAD} {r['description']}"
    with projects.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    gpkg = root / "hostile.gpkg"
    neageo.build(sources=src, out=gpkg)
    out = root / "maps"
    render_all(gpkg=gpkg, out_dir=out, names=["overview", "sinuiju_dandong"])
    return out


def test_every_map_and_the_index_are_written(rendered):
    for name in MAP_NAMES:
        assert (rendered / f"{name}.html").stat().st_size > 50_000
    index = (rendered / "index.html").read_text(encoding="utf-8")
    for name in MAP_NAMES:
        assert f'href="{name}.html"' in index
    assert index.count("<svg") == len(MAP_NAMES)  # one thumbnail per map


def test_maps_are_self_contained(rendered):
    for page in rendered.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=", text), page.name
        assert not re.search(r"<link[^>]+href=", text), page.name
        assert "cdn.jsdelivr" not in text and "code.jquery" not in text and "bootstrapcdn" not in text, page.name
        # nothing that a browser would fetch: no src=, no CSS url() pointing outside the file
        assert not re.search(r"src=[\"']?https?:", text), page.name
        assert not re.search(r"url\(\s*[\"']?https?:", text), page.name
        assert not re.search(r"@import", text), page.name


def test_same_geopackage_gives_identical_html(built, rendered, tmp_path):
    render_all(gpkg=built, out_dir=tmp_path)
    for page in rendered.glob("*.html"):
        assert page.read_bytes() == (tmp_path / page.name).read_bytes(), page.name


def test_hostile_strings_never_reach_html_raw(hostile_maps):
    for page in hostile_maps.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "onerror=" not in text.replace("onerror=\\", "") or PAYLOAD not in text, page.name
        assert PAYLOAD not in text and SCRIPT_PAYLOAD not in text, page.name
        assert text.count("</script>") == text.count("<script"), page.name  # nothing closes a script early


def test_simplification_keeps_shared_borders_and_stays_within_250m(built):
    from neageo.maps.data import MapData
    from neageo.maps.themes import REGION
    from neageo.maps.web import displacement_m

    data = MapData(built)
    countries, provinces = data.admin(REGION)
    raw = neageo.read("provinces", gpkg=built).clip(REGION).set_index("adm1_code")
    for code, geom in zip(provinces["adm1_code"], provinces.geometry):
        assert displacement_m(raw.geometry[code], geom) <= 250, code
    # gap-free: provinces of a country tile it exactly after simplification
    prk = countries.set_index("iso_a3").geometry["PRK"]
    union = shapely.union_all(provinces[provinces["iso_a3"] == "PRK"].geometry.values)
    assert union.difference(prk).area < 1e-9
    heilongjiang = provinces.set_index("name_en").geometry["Heilongjiang"]
    jilin = provinces.set_index("name_en").geometry["Jilin"]
    assert heilongjiang.intersection(jilin).area < 1e-9  # no overlap
    assert heilongjiang.boundary.intersection(jilin.boundary).length > 5  # the shared edge is shared exactly


# -- in a real browser -----------------------------------------------------------------------------

CLICK_JS = """
(want) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let found = null;
  const layers = [];
  map.eachLayer(l => layers.push(l));
  layers.sort((a, b) => (b.getLatLng ? 1 : 0) - (a.getLatLng ? 1 : 0));  // points first: they are on top
  layers.forEach(l => {
    if (found || !l.feature || !l.feature.properties.popup) return;
    const p = l.feature.properties.popup;
    if (!JSON.stringify(p).includes(want)) return;
    const ll = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
    const pt = map.latLngToContainerPoint(ll);
    const box = map.getContainer().getBoundingClientRect();
    if (pt.x < 5 || pt.y < 5 || pt.x > box.width - 5 || pt.y > box.height - 5) return;
    found = {x: box.left + pt.x, y: box.top + pt.y, title: p[0]};
  });
  return found;
}
"""

EXPECT = {
    "overview": (["Countries", "Provinces and federal subjects", "Borders by segment", "Named rivers", "Customs gates",
                  "Places named in the paper", "Projects and zones"], "Customs gate: Heihe", "Kim, Economic Cooperation"),
    "trade": (["Year 2003: provinces", "Year 2004: flows to partners", "Year 2006: provinces"], "Heilongjiang", "Kim, Table"),
    "customs_gates": (["Customs gates", "Gate to partner town", "Borders by segment"], "Customs gate: Suifenhe", "fn. 10"),
    "benzene_spill": (["Named rivers", "2005-11-13: Explosion at a chemical plant in Jilin City"], "Harbin", "Kim"),
    "sinuiju_dandong": (["Projects and zones", "Customs gates"], "Sindo special district", "Kim, New Initiatives"),
    "tumen": (["Projects and zones", "Places named in the paper"], "Najin", "Kim"),
    "population": (["Table 7 regions", "Migration figures (text)"], "China's three northeastern provinces", "Kim, Table 7"),
}


@pytest.mark.browser
@pytest.mark.parametrize("name", MAP_NAMES)
def test_map_works_offline_in_chromium(browser, rendered, name):
    layers, click_on, cited = EXPECT[name]
    page, seen = open_offline(browser, rendered / f"{name}.html")
    try:
        labels = [t.strip() for t in page.locator(".leaflet-control-layers label").all_inner_texts()]
        for layer in layers:
            assert layer in labels, (layer, labels)
        drawn = page.locator("path.leaflet-interactive").count()
        assert drawn >= 10, f"only {drawn} features drawn"
        target = page.evaluate(CLICK_JS, click_on)
        assert target, f"no visible feature whose popup mentions {click_on!r}"
        page.mouse.click(target["x"], target["y"])
        page.wait_for_selector(".leaflet-popup-content .nea-pop", timeout=3000)
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert cited in popup, popup
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        assert not seen["errors"], seen["errors"]
        assert not seen["external"], seen["external"]
    finally:
        page.close()


@pytest.mark.browser
def test_index_page_links_and_draws_thumbnails(browser, rendered):
    page, seen = open_offline_plain(browser, rendered / "index.html")
    try:
        assert page.locator("a.card").count() == len(MAP_NAMES)
        assert page.locator(".thumb svg path").count() > 20
        assert not seen["errors"] and not seen["external"]
    finally:
        page.close()


def open_offline_plain(browser, path: Path):
    page = browser.new_page()
    seen = {"errors": [], "external": []}
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
               else (seen["external"].append(r.request.url), r.abort()))
    page.goto(path.resolve().as_uri())
    return page, seen


@pytest.mark.browser
def test_hostile_names_show_as_text_and_run_nothing(browser, hostile_maps):
    for name, click_on in (("overview", "Harbin"), ("sinuiju_dandong", "Second Yalu bridge")):
        page, seen = open_offline(browser, hostile_maps / f"{name}.html")
        try:
            target = page.evaluate(CLICK_JS, click_on)
            assert target
            page.mouse.click(target["x"], target["y"])
            page.wait_for_selector(".leaflet-popup-content .nea-pop", timeout=3000)
            text = page.locator(".leaflet-popup-content").inner_text()
            assert PAYLOAD in text or SCRIPT_PAYLOAD in text  # shown literally
            assert page.locator(".leaflet-popup-content img, .leaflet-popup-content script").count() == 0
            page.mouse.move(target["x"], target["y"])  # tooltips too
            page.wait_for_timeout(300)
            assert page.evaluate("typeof window.__xss") == "undefined"
            assert not seen["dialogs"]
        finally:
            page.close()
