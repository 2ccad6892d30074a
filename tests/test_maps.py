"""The shipped web maps: folium maps saved as self-contained, deterministic, escaped pages, simplified
within bounds, and readable in a real browser.

The browser tests open each page in Debian's headless Chromium with every request outside the
file blocked, and look at it as a reader would: labels on the map without hovering and never
overlapping, controls out of the way on a phone, the time slider, the languages, search, the URL
hash, stacked features, and every feature's popup.  The plugins themselves are tested on plain
folium maps in test_map_plugins.py, and explore()/save_offline() in test_explore.py.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

import neageo
from helpers.browser import OPEN_EVERY_JS, open_offline
from helpers.common import SOURCES
from helpers.pages import page_code, page_text
from neageo.gazetteer import normalise
from neageo.maps import MAP_NAMES, render_all

REPO = Path(__file__).resolve().parents[1]

ARTIFACTS = Path(__file__).parent / "artifacts" / "maps"
PAYLOAD = '<img src=x onerror="window.__xss=1">'
SCRIPT_PAYLOAD = "</script><script>window.__xss=2</script>"
LONG_NAME = "Dalian" + " Dalian" * 700  # about 5,000 characters
#: Jinja payloads (folium renders macro output as a template a second time): they must show as typed
TEMPLATES = ("{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ lipsum.__globals__.os.getcwd() }}")


@pytest.fixture(scope="session")
def rendered(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("maps")
    render_all(gpkg=built, out_dir=out)
    return out


def _rewrite(path: Path, change) -> None:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for r in rows:
        change(r)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.fixture(scope="session")
def hostile_maps(tmp_path_factory) -> Path:
    """Maps built from sources whose names and descriptions carry script payloads and a 5,000-character name."""
    root = tmp_path_factory.mktemp("hostile")
    src = root / "geodata" / "sources"
    shutil.copytree(SOURCES, src)

    def places(r):
        if r["place_id"] in ("harbin", "sinuiju", "dandong"):
            r["name_en"] = f"{r['name_en']} {PAYLOAD}"
            r["name_zh"] = SCRIPT_PAYLOAD
            r["aliases"] = r["aliases"] + "|" + PAYLOAD
        if r["place_id"] == "dalian":
            r["name_en"] = LONG_NAME
        if r["place_id"] == "shenyang":
            r["name_en"], r["name_zh"], r["name_ru"] = (f"Shenyang {TEMPLATES[0]}", *TEMPLATES[1:])

    def projects(r):
        if r["project_id"] == "second_yalu_bridge":
            r["description"] = f"{SCRIPT_PAYLOAD} {PAYLOAD} {r['description']}"

    _rewrite(src / "places" / "places.csv", places)
    _rewrite(src / "paper" / "projects.csv", projects)
    gpkg = root / "hostile.gpkg"
    neageo.build(sources=src, out=gpkg)
    out = root / "maps"
    render_all(gpkg=gpkg, out_dir=out, names=["overview", "sinuiju_dandong"])
    return out


# -- the files -------------------------------------------------------------------------------------

def test_every_map_and_the_index_are_written(rendered):
    for name in MAP_NAMES:  # every themed map <= 500 KB; the story has its own limit (test_story.py: 800 KB)
        assert 50_000 < (rendered / f"{name}.html").stat().st_size <= (800_000 if name == "story" else 500_000), name
    index = (rendered / "index.html").read_text(encoding="utf-8")
    for name in MAP_NAMES:
        assert f'href="{name}.html"' in index
    assert index.count("<svg") == len(MAP_NAMES)  # one thumbnail per map


def test_maps_are_self_contained_with_lang_and_pinch_zoom(rendered):
    for page in rendered.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert re.match(r'<!DOCTYPE html>\s*<html lang="en">', text), page.name
        assert not re.search(r"<script[^>]+src=", text), page.name
        assert not re.search(r"<link[^>]+href=", text), page.name
        assert not re.search(r"src=[\"']?https?:", text), page.name
        assert not re.search(r"url\(\s*[\"']?https?:", text), page.name
        assert "@import" not in text, page.name
        assert "user-scalable=no" not in text and "maximum-scale" not in text, page.name
        code = page_code(text)
        assert not re.search(r"https?://(?!leafletjs\.com)[\w.-]+/[\w@./-]+\.(js|css)", text + code), page.name


def test_the_shipped_maps_are_built_by_folium(rendered):
    """web_map() returns a folium.Map, and render_all's pages are folium's: its map div, its L.map call, its
    global map variable, the plugins' one-call pattern, and a folium.Marker added by a user."""
    import folium

    m = neageo.web_map("sinuiju_dandong")
    assert isinstance(m, folium.Map)
    for name in MAP_NAMES:
        text = (rendered / f"{name}.html").read_text(encoding="utf-8")
        code = page_code(text)
        assert '<div class="folium-map" id="map_n1" ></div>' in text, name  # folium's Map template
        assert re.search(r'var map_n1 = L\.map\(\s*"map_n1",', code), name
        assert re.search(r"var packed_layer_n\d+ = neageo\.packed\(map_n1, (\{|JSON\.parse\(\")", code), name
        assert "neageo.labels(map_n1" in code and "neageo.layers(map_n1" in code, name
    folium.Marker([40.1, 124.4], tooltip="a folium marker").add_to(m)
    assert "L.marker(" in page_code(m.page())

@pytest.mark.parametrize("names", [
    pytest.param(("sinuiju_dandong", "tumen"), id="two-maps"),
    pytest.param(MAP_NAMES, id="every-map", marks=pytest.mark.slow),
])
def test_same_geopackage_gives_identical_html(built, rendered, tmp_path, names):
    # in another process (its own hash seed, nothing cached): the same bytes
    code = ("import sys; from neageo.maps import render_all; "
            "render_all(gpkg=sys.argv[1], out_dir=sys.argv[2], names=sys.argv[3].split(','))")
    subprocess.run([sys.executable, "-c", code, str(built), str(tmp_path), ",".join(names)], check=True,
                   env={**os.environ, "PYTHONHASHSEED": "random"})
    written = sorted(tmp_path.glob("*.html"))
    assert len(written) == len(names) + 1  # and the index page
    partial_index = len(names) < len(MAP_NAMES)  # an index of fewer maps is a different page
    for page in written:
        if not (partial_index and page.name == "index.html"):
            assert page.read_bytes() == (rendered / page.name).read_bytes(), page.name


def test_shipped_overview_is_what_web_map_saves_in_two_fresh_processes(tmp_path):
    """web_map("overview").save() from the default GeoPackage, in two fresh processes at once: the same
    bytes, and the bytes of the committed maps/overview.html (regenerate it with `neageo maps`)."""
    code = "import sys, neageo; neageo.web_map('overview', home='index.html').save(sys.argv[1])"
    outs = [tmp_path / f"overview-{i}.html" for i in (1, 2)]
    procs = [subprocess.Popen([sys.executable, "-c", code, str(out)], env={**os.environ, "PYTHONHASHSEED": "random"})
             for out in outs]
    assert all(p.wait(timeout=600) == 0 for p in procs)
    first, second = (out.read_bytes() for out in outs)
    assert first == second
    assert first == (REPO / "maps" / "overview.html").read_bytes(), "maps/overview.html is stale: run `neageo maps`"


def test_specs_are_data_and_text_comes_from_the_data(built):
    from neageo.maps.data import MapData
    from neageo.maps.paper import paper_doc
    from neageo.maps.specs import load_specs

    specs = load_specs()
    assert tuple(specs) == MAP_NAMES
    data = MapData(built)
    trade = paper_doc(specs["trade"], data)
    table = neageo.read("province_trade", gpkg=built)
    top = table.loc[table["russia_total"].idxmax()]
    assert f"{top['russia_total']:,.0f}" in " ".join(r["label"] for r in trade.legend)  # e.g. 3,823
    assert f"{table['year'].min()}–{table['year'].max()}" in trade.title
    pop = paper_doc(specs["population"], data)
    regions = neageo.read("regions_population", gpkg=built)
    for pct in regions["change_pct"]:
        assert f"{pct:+.1f} %" in " ".join(r["label"] for r in pop.legend)
    assert "{" not in trade.description and "{" not in pop.note


def test_web_map_opens_in_a_language_and_a_year(built):
    from neageo.maps.plugins import Language, TimeControl

    m = neageo.web_map("trade", lang="zh", year=2005, gpkg=built)
    control = next(c for c in m._children.values() if isinstance(c, TimeControl))
    assert control.stops[control.start]["v"] == 2005
    assert next(c for c in m._children.values() if isinstance(c, Language)).lang == "zh"
    assert m.page().startswith('<!DOCTYPE html>\n<html lang="zh">')
    with pytest.raises(neageo.QueryError, match="no time stop for 1990"):
        neageo.web_map("trade", year=1990, gpkg=built)
    with pytest.raises(neageo.QueryError, match="no map called 'atlantis'"):
        neageo.web_map("atlantis", gpkg=built)
    with pytest.raises(neageo.QueryError, match="no language 'fr'"):
        neageo.web_map("tumen", lang="fr", gpkg=built)


def test_credits_come_from_the_sources_table(built):
    from neageo.maps.data import MapData
    from neageo.maps.paper import credits

    got = credits(MapData(built), ["countries", "places", "rivers"])
    assert "Natural Earth" in got and "GeoNames (CC-BY 4.0)" in got and "World Data Bank II" in got


def test_hostile_strings_never_reach_html_raw(hostile_maps):
    for page in hostile_maps.glob("*.html"):
        text = page_text(page)
        assert PAYLOAD not in text and SCRIPT_PAYLOAD not in text, page.name
        html = page.read_text(encoding="utf-8")
        assert html.count("</script>") == html.count("<script"), page.name  # nothing closes a script early


def test_simplification_keeps_shared_borders_and_stays_within_250m(built):
    from neageo.maps.data import MapData
    from neageo.maps.specs import load_specs
    from neageo.maps.web import displacement_m

    box = load_specs()["overview"].box
    data = MapData(built)
    countries, provinces = data.admin(box)
    raw = neageo.read("provinces", gpkg=built).clip(box).set_index("adm1_code")
    raw = raw[~raw.geometry.is_empty]
    assert sorted(provinces["adm1_code"]) == sorted(raw.index)  # every province kept
    assert sorted(countries["iso_a3"]) == sorted(neageo.read("countries", gpkg=built).clip(box)["iso_a3"])
    for code, geom in zip(provinces["adm1_code"], provinces.geometry):
        assert displacement_m(raw.geometry[code], geom) <= 250, code
    # the close-up maps too, countries included: clipped to their own box (the shared simplification
    # is cut at every map's box, so no crossing of a box side moves)
    for name in ("tumen", "sinuiju_dandong"):
        small = load_specs()[name].box
        for layer, key, simple in zip(("countries", "provinces"), ("iso_a3", "adm1_code"), data.admin(small)):
            orig = neageo.read(layer, gpkg=built).clip(small).set_index(key)
            for code, geom in zip(simple[key], simple.geometry):
                assert displacement_m(orig.geometry[code], geom) <= 250, (name, code)
    prk = countries.set_index("iso_a3").geometry["PRK"]
    union = shapely.union_all(provinces[provinces["iso_a3"] == "PRK"].geometry.values)
    assert union.difference(prk).area < 1e-9  # gap-free
    heilongjiang = provinces.set_index("name_en").geometry["Heilongjiang"]
    jilin = provinces.set_index("name_en").geometry["Jilin"]
    assert heilongjiang.intersection(jilin).area < 1e-9  # no overlap
    assert heilongjiang.boundary.intersection(jilin.boundary).length > 5  # the shared edge is shared exactly


def test_displacement_is_the_hausdorff_distance(built):
    """The fast displacement measure agrees with GEOS's (all-pairs) Hausdorff distance, and sees a lost island."""
    from shapely.geometry import box as rect

    from neageo.geodesy import to_regional
    from neageo.maps.data import MapData
    from neageo.maps.specs import load_specs
    from neageo.maps.web import displacement_m

    small = load_specs()["sinuiju_dandong"].box
    _, provinces = MapData(built).admin(small)
    raw = neageo.read("provinces", gpkg=built).clip(small).set_index("adm1_code")
    for code, geom in zip(provinces["adm1_code"], provinces.geometry):
        a, b = (to_regional(shapely.segmentize(g, 0.05)) for g in (raw.geometry[code], geom))
        assert displacement_m(raw.geometry[code], geom) == pytest.approx(shapely.hausdorff_distance(a, b, densify=0.25), abs=1.0)
    island = shapely.union_all([rect(124.0, 40.0, 124.1, 40.1), rect(124.3, 40.0, 124.31, 40.01)])
    assert displacement_m(island, rect(124.0, 40.0, 124.1, 40.1)) > 15_000  # the island 17-18 km away is gone


# -- in a real browser -----------------------------------------------------------------------------

VISIBLE_LABELS_JS = """
() => [...document.querySelectorAll('.nea-lab:not(.hidden) span')].map(s => {
  const r = s.getBoundingClientRect();
  return {text: s.textContent, x1: r.left, y1: r.top, x2: r.right, y2: r.bottom};
}).filter(b => b.x2 > 0 && b.y2 > 0 && b.x1 < innerWidth && b.y1 < innerHeight)
"""

DRAWN_JS = "() => nea.features.filter(f => f.p.t !== undefined && f.layer._map && !f.greyed).map(f => f.id).sort()"


def _overlapping(boxes):
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["x1"] < b["x2"] - 0.5 and b["x1"] < a["x2"] - 0.5 and a["y1"] < b["y2"] - 0.5 and b["y1"] < a["y2"] - 0.5:
                out.append((a["text"], b["text"]))
    return out


@pytest.mark.browser
@pytest.mark.parametrize("name", MAP_NAMES)
def test_map_works_offline_with_labels_and_credits(browser, rendered, name):
    page, seen = open_offline(browser, rendered / f"{name}.html")
    try:
        assert page.evaluate("nea.features.filter(f => f.layer._map).length") >= 5
        assert page.locator("path.leaflet-interactive").count() >= 3  # what a reader points at is SVG
        boxes = page.evaluate(VISIBLE_LABELS_JS)
        assert len(boxes) >= 3, boxes
        assert not _overlapping(boxes)
        credit = page.locator(".nea-credit").inner_text()
        assert "Natural Earth" in credit
        assert page.locator(".leaflet-control-layers-expanded").count() == 0  # collapsed
        assert page.evaluate("window.neaLabelMs") < 1000
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        assert not seen["errors"], seen["errors"]
        assert not seen["external"], seen["external"]
    finally:
        page.close()


@pytest.mark.browser
def test_overview_names_the_gates_and_rivers_without_hovering(browser, rendered):
    page, _ = open_offline(browser, rendered / "overview.html")
    try:
        boxes = page.evaluate(VISIBLE_LABELS_JS)
        texts = {b["text"] for b in boxes}
        for want in ("Heihe", "Suifenhe", "Manzhouli", "Hunchun", "Dandong", "Amur", "Songhua", "Yalu", "Tumen"):
            assert want in texts, (want, sorted(texts))
        assert not _overlapping(boxes), _overlapping(boxes)
        assert texts & {"RUSSIA", "Russia"} or any(t.lower() == "russia" for t in texts)
        # one label for a gate and its town: Heihe is named once
        assert sum(t == "Heihe" for t in texts) == 1
        # zooming into the crowded Tumen corner shows labels that had no room before, still without overlap
        page.evaluate("() => { nea.map.setView([42.6, 130.6], nea.map.getZoom() + 2, {animate: false}); }")
        page.wait_for_timeout(400)
        closer = page.evaluate(VISIBLE_LABELS_JS)
        assert not _overlapping(closer)
        assert {b["text"] for b in closer} - texts
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", ["overview", "trade", "benzene_spill"])
def test_phone_layer_control_collapsed_title_visible(browser, rendered, name):
    page, seen = open_offline(browser, rendered / f"{name}.html", width=390, height=844)
    try:
        assert page.locator(".leaflet-control-layers-expanded").count() == 0
        assert not page.locator(".leaflet-control-layers-list").is_visible()
        h1 = page.locator(".nea-title h1")
        assert h1.is_visible()
        box = h1.bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= 390
        # nothing covers the title's centre
        covered = page.evaluate("""() => { const r = document.querySelector('.nea-title h1').getBoundingClientRect();
            const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return !e.closest('.nea-title'); }""")
        assert not covered
        assert not page.locator(".nea-legend").get_attribute("open")  # folded on a phone
        assert not _overlapping(page.evaluate(VISIBLE_LABELS_JS))
        assert page.evaluate("nea.map.touchZoom.enabled()")  # pinch zoom
        assert not seen["errors"]
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", ["trade", "benzene_spill"])
def test_time_control_changes_what_is_drawn(browser, rendered, name):
    page, _ = open_offline(browser, rendered / f"{name}.html")
    try:
        slider = page.locator(".nea-time input[type=range]")
        assert slider.is_visible() and page.locator(".nea-time button").is_visible()
        first = page.evaluate(DRAWN_JS)
        shown_first = page.locator(".nea-time output").inner_text()
        slider.focus()
        page.keyboard.press("ArrowRight")
        second = page.evaluate(DRAWN_JS)
        assert first and second and not set(first) & set(second)  # only the selected time's features
        assert page.locator(".nea-time output").inner_text() != shown_first
        # the timed features drawn all belong to the selected stop
        stops = page.evaluate("""() => { const v = nea.hub.time.stops[+document.querySelector('.nea-time input').value].v;
            return nea.features.filter(f => f.layer._map && !f.greyed && f.p.t !== undefined).every(f => f.p.t === v); }""")
        assert stops
        page.locator(".nea-time button").click()  # play
        page.wait_for_timeout(1900)
        assert page.evaluate(DRAWN_JS) != second
        page.locator(".nea-time button").click()  # pause
    finally:
        page.close()


@pytest.mark.browser
def test_chinese_labels_and_english_fallback(browser, rendered):
    page, _ = open_offline(browser, rendered / "overview.html")
    try:
        page.locator(".nea-tools select").select_option("zh")
        page.wait_for_timeout(100)
        texts = {b["text"] for b in page.evaluate(VISIBLE_LABELS_JS)}
        assert "黑河" in texts, sorted(texts)
        assert page.evaluate("document.documentElement.lang") == "zh"
        assert page.locator(".nea-legend summary").inner_text() == "图例"
        for lang, want in (("ru", "Амур"), ("ko", "아무르강")):
            page.locator(".nea-tools select").select_option(lang)
            page.wait_for_timeout(100)
            assert want in {b["text"] for b in page.evaluate(VISIBLE_LABELS_JS)}
        # popup headings and tooltips follow
        page.locator(".nea-tools select").select_option("zh")
        page.evaluate("nea.choose(nea.search('Heihe')[0])")
        assert "黑河" in page.locator(".leaflet-popup-content h3").last.inner_text()
        tip = page.evaluate("(() => { const f = nea.search('Harbin')[0]; f.layer.openTooltip(); "
                            "return document.querySelector('.leaflet-tooltip').textContent; })()")
        assert "哈尔滨" in tip
    finally:
        page.close()


@pytest.mark.browser
def test_search_finds_aliases_zooms_and_opens_the_popup(browser, rendered):
    page, _ = open_offline(browser, rendered / "overview.html")
    try:
        box = page.locator(".nea-tools input[type=search]")
        box.fill("Shinuiju")
        page.wait_for_selector(".nea-results button")
        box.press("Enter")
        page.wait_for_selector(".leaflet-popup-content .nea-pop")
        pop = page.locator(".leaflet-popup-content").last.inner_text()
        assert "Sinuiju" in pop
        assert "Shinuiju, Sinŭiju, 新義州" in pop and "|" not in pop  # aliases as text
        assert page.evaluate("nea.map.getZoom()") >= 8
        for query, want in (("新义州", "Sinuiju"), ("Благовещенск", "Blagoveshchensk"), ("sungari", "Songhua"),
                            ("두만강", "Tumen")):
            box.fill(query)
            page.wait_for_selector(".nea-results button")
            page.locator(".nea-results button").first.click()
            page.wait_for_selector(".leaflet-popup-content .nea-pop")
            assert want in page.locator(".leaflet-popup-content").last.inner_text(), query
    finally:
        page.close()


@pytest.mark.browser
def test_page_normalises_names_as_the_gazetteer_does(browser, rendered, built):
    page, _ = open_offline(browser, rendered / "overview.html")
    try:
        names = []
        for layer in ("places", "customs_gates", "rivers", "provinces", "countries"):
            frame = neageo.read(layer, gpkg=built)
            for col in ("name_en", "name_zh", "name_ru", "name_ko", "aliases"):
                if col in frame:
                    names += [p for v in frame[col].dropna() for p in str(v).split("|")]
        names += ["P'yŏngan-bukto", "Straße", "ＡＢＣ１２３", "Ŭiju"]
        got = page.evaluate("(names) => names.map(nea.norm)", names)
        assert got == [normalise(n) for n in names]
    finally:
        page.close()


@pytest.mark.browser
def test_hash_restores_view_language_time_and_layers(browser, rendered):
    page, _ = open_offline(browser, rendered / "trade.html",
                           hash="#@44.5000,127.0000,5.5&lang=zh&t=2005&layers=countries,province_trade")
    try:
        c = page.evaluate("(() => { const c = nea.map.getCenter(); return [c.lat, c.lng, nea.map.getZoom()]; })()")
        assert abs(c[0] - 44.5) < 0.01 and abs(c[1] - 127.0) < 0.01 and c[2] == 5.5
        assert page.evaluate("document.documentElement.lang") == "zh"
        assert page.locator(".nea-tools select").input_value() == "zh"
        assert "2005" in page.locator(".nea-time output").inner_text()
        years = page.evaluate("nea.features.filter(f => f.layer._map && !f.greyed && f.p.t !== undefined).map(f => f.p.t)")
        assert years and set(years) == {2005}
        assert not page.evaluate("nea.map.hasLayer(nea.features.find(f => f.lay.id === 'trade_flows').layer)")
        # and the hash follows what the reader does
        page.locator(".nea-time input").focus()
        page.keyboard.press("ArrowRight")
        assert "t=2006" in page.evaluate("location.hash")
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", MAP_NAMES)
def test_every_feature_can_be_opened(browser, rendered, name):
    page, seen = open_offline(browser, rendered / f"{name}.html")
    try:
        opened = page.evaluate(OPEN_EVERY_JS)
        assert opened >= 3
        # and every searchable feature is found by its own name
        missing = page.evaluate("""() => nea.features.filter(f => f.p.q && f.p.q.length)
            .filter(f => !nea.search(f.p.n ? f.p.n.en : f.p.h).includes(f)
                      && !nea.search(f.p.n ? f.p.n.en : f.p.h).some(g => (g.group || [g]).includes(f)))
            .map(f => f.id)""")
        assert not missing
        assert not seen["errors"], seen["errors"]
    finally:
        page.close()


@pytest.mark.browser
def test_truly_coincident_features_are_listed_and_named(browser, rendered):
    """Two projects sit exactly on Sinuiju's point: a click there lists the three, and the list says
    what it lists; a choice opens that feature."""
    page, _ = open_offline(browser, rendered / "sinuiju_dandong.html")
    try:
        at = page.evaluate("""() => { const f = nea.features.find(f => f.lay.id === 'places' && f.p.n.en === 'Sinuiju');
            const p = nea.map.latLngToContainerPoint(f.layer.getLatLng()), r = nea.map.getContainer().getBoundingClientRect();
            return {x: r.left + p.x, y: r.top + p.y}; }""")
        page.mouse.click(at["x"], at["y"])
        page.wait_for_selector(".leaflet-popup-content .nea-pop")
        items = page.locator(".leaflet-popup-content").last.locator("li button").all_inner_texts()
        assert len(items) >= 2 and any(t.startswith("Sinuiju") for t in items), items
        assert any("Special Administrative Region" in t for t in items), items
        head = page.locator(".leaflet-popup-content .kind").first.text_content()
        assert head.startswith(f"Features here ({len(items)}): ") and "Place" in head and "Project" in head, head
        page.locator(".leaflet-popup-content li button", has_text="Special Administrative Region").first.click()
        assert "Special Administrative Region" in page.locator(".leaflet-popup-content h3").last.inner_text()
        # a mouse click leaves no focus box; the keyboard still shows focus
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "none" or page.evaluate("document.activeElement === document.body")
        page.keyboard.press("Tab")
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    finally:
        page.close()


@pytest.mark.browser
def test_index_page_links_and_draws_thumbnails(browser, rendered):
    page = browser.new_page()
    external = []
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
               else (external.append(r.request.url), r.abort()))
    page.goto((rendered / "index.html").resolve().as_uri())
    try:
        assert page.locator("a.card").count() == len(MAP_NAMES)
        assert page.locator(".thumb svg path").count() > 20
        assert page.evaluate("document.documentElement.lang") == "en"
        assert not external
    finally:
        page.close()


@pytest.mark.browser
def test_template_payloads_show_as_typed_through_web_map(browser, hostile_maps):
    page, seen = open_offline(browser, hostile_maps / "overview.html")
    try:
        page.locator(".nea-tools input[type=search]").fill("Shenyang")
        page.locator(".nea-results button").first.click()
        page.wait_for_selector(".leaflet-popup-content .nea-pop", timeout=3000)
        popup = page.locator(".leaflet-popup-content").last.inner_text()
        assert f"Shenyang {TEMPLATES[0]}" in popup and TEMPLATES[1] in popup and TEMPLATES[2] in popup
        labels = page.evaluate("[...document.querySelectorAll('.nea-lab:not(.hidden) span')].map(s => s.textContent)")
        assert f"Shenyang {TEMPLATES[0]}" in labels
        page.locator(".nea-tools select").select_option("zh")
        labels = page.evaluate("[...document.querySelectorAll('.nea-lab:not(.hidden) span')].map(s => s.textContent)")
        assert TEMPLATES[1] in labels
        assert "Shenyang 49" not in page_text(hostile_maps / "overview.html") and str(Path.cwd()) not in popup
        assert not seen["errors"] and not seen["external"]
    finally:
        page.close()


@pytest.mark.browser
def test_hostile_names_show_as_text_and_run_nothing(browser, hostile_maps):
    for name, query in (("overview", "Harbin"), ("sinuiju_dandong", "Second Yalu bridge")):
        page, seen = open_offline(browser, hostile_maps / f"{name}.html")
        try:
            page.locator(".nea-tools input[type=search]").fill(query)
            page.locator(".nea-results button").first.click()
            page.wait_for_selector(".leaflet-popup-content .nea-pop", timeout=3000)
            text = page.locator(".leaflet-popup-content").last.inner_text()
            assert PAYLOAD in text or SCRIPT_PAYLOAD in text  # shown literally
            assert page.locator(".leaflet-popup-content img, .leaflet-popup-content script, .nea-lab img").count() == 0
            page.evaluate(OPEN_EVERY_JS)
            for lang in ("zh", "en"):
                page.locator(".nea-tools select").select_option(lang)
            assert page.evaluate("typeof window.__xss") == "undefined"
            assert not seen["dialogs"]
            if name == "overview":
                # a 5,000-character name: the label is capped and the tooltip wraps within the screen
                labels = page.evaluate("nea.labels.filter(l => l.text).map(l => l.text)")
                assert max(len(t) for t in labels) <= 48
                page.evaluate("""() => { const f = nea.features.find(f => f.p.n && f.p.n.en.length > 4000);
                    nea.choose(f); f.layer.openTooltip(); }""")
                tip = page.locator(".leaflet-tooltip", has_text="Dalian Dalian").bounding_box()
                assert tip["width"] <= 300 and tip["height"] <= 200
                head = page.locator(".leaflet-popup-content h3").last.bounding_box()
                assert head["height"] <= 120
        finally:
            page.close()
