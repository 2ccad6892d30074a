"""The paper as a story map (maps/story.html): chapters, figures from the GeoPackage, scrolling and keys,
deep links that keep Back, explore mode, languages, print, phone, and an offline page that errs nowhere.

The browser tests open a story page saved from the session's own build in Chromium with the network cut off.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

import neageo
from helpers.browser import open_offline
from helpers.js_fixtures import story_plugin
from neageo.maps.assets import own
from neageo.maps.plugins import Language, PackedLayer, Story
from neageo.maps.webmap import NeageoMap

SECTIONS = "[...document.querySelectorAll('section[data-chapter]')]"
CURRENT = "document.querySelector('section[data-chapter][aria-current=step]')?.id"
STORY = tomllib.loads(own("story.toml"))


@pytest.fixture(scope="module")
def story_html(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("story")
    path = neageo.web_map("story", gpkg=built).save(out / "story.html")
    assert path is not None
    (out / "before.html").write_text("<!DOCTYPE html><title>before</title><p>the page before the story</p>",
                                     encoding="utf-8")
    return path


def _figure(built, table: int, row: str, year: int) -> str:
    """A figure as the GeoPackage holds it (the paper's printed digits)."""
    rows = neageo.read("paper_tables", gpkg=built)
    hit = rows[(rows["table_no"] == table) & (rows["row_label"] == row) & (rows["year"] == year)
               & (rows["measure"] == "total")]
    assert len(hit) == 1
    return str(hit["printed"].iloc[0])


def _state(page) -> dict[str, Any]:
    out: dict[str, Any] = page.evaluate(
        "(() => { const h = nea.hub, c = h.map.getCenter(); return {lat: c.lat, lng: c.lng, zoom: h.map.getZoom(),"
        " layers: h.visibleLayers(), current: " + CURRENT + ", hash: location.hash}; })()")
    return out


def _inside(state: dict[str, Any], frame: list[float]) -> bool:
    w, s, e, n = frame
    return w <= state["lng"] <= e and s <= state["lat"] <= n


# -- the page as data ------------------------------------------------------------------------------

def test_web_map_story_is_a_folium_map_with_the_story_plugin(built):
    import folium

    m = neageo.web_map("story", gpkg=built)
    assert isinstance(m, folium.Map) and isinstance(m, NeageoMap)
    story = [c for c in m._children.values() if isinstance(c, Story)]
    assert len(story) == 1
    chapters = story[0].chapters
    assert len(chapters) >= 8
    assert [c["id"] for c in chapters] == [c["id"] for c in STORY["chapter"]]
    jsonschema = pytest.importorskip("jsonschema")
    contract = json.loads(own("contract.json"))
    validator = jsonschema.Draft7Validator({**contract, "$ref": "#/definitions/story"})
    assert not [e.message for e in validator.iter_errors(story[0].payload())][:3]
    with pytest.raises(neageo.QueryError):
        neageo.web_map("story", year=2004, gpkg=built)


def test_figures_are_filled_from_the_geopackage_not_typed(built, tmp_path):
    """The text holds placeholders only; the page holds the GeoPackage's figures with their units and years."""
    for ch in STORY["chapter"]:
        for paras in ch["text"].values():
            for para in paras:
                for digits in ("3,823", "805", "1,737.7"):
                    assert digits not in para, (ch["id"], digits)
    from neageo.maps.data import MapData
    from neageo.maps.story import figures

    figs = figures(MapData(built))
    assert figs["hlj_rus_2004"].printed == _figure(built, 1, "Russia", 2004)
    assert figs["hlj_rus_2004"].year == 2004
    assert figs["pk_china_2006"].text("en", STORY["units"]) == f"US$ {_figure(built, 6, 'China', 2006)} million"


def test_a_corrected_table_corrects_the_story(built, tmp_path):
    """Change a figure in a copy of the GeoPackage: the story says the new figure."""
    import shutil
    import sqlite3

    copy = tmp_path / "corrected.gpkg"
    shutil.copy(built, copy)
    with sqlite3.connect(copy) as con:
        con.execute("UPDATE paper_tables SET printed = '4,321', value = 4321 WHERE table_no = 1 AND row_label = 'Russia'"
                    " AND year = 2004 AND measure = 'total'")
    m = neageo.web_map("story", gpkg=copy)
    story = next(c for c in m._children.values() if isinstance(c, Story))
    text = " ".join(story.chapters[1]["text"]["en"])
    assert "US$ 4,321 million in 2004" in text


def test_saving_the_story_twice_gives_the_same_bytes_and_stays_small(story_html, tmp_path, built):
    again = neageo.web_map("story", gpkg=built).save(tmp_path / "again.html")
    assert again is not None
    assert again.read_bytes() == story_html.read_bytes()
    assert story_html.stat().st_size <= 800_000


# -- in the browser --------------------------------------------------------------------------------

@pytest.mark.browser
def test_chapters_headings_cites_and_the_figures(browser, story_html, built):
    page, seen = open_offline(browser, story_html)
    try:
        chapters = page.evaluate(SECTIONS + ".map(s => ({id: s.id, h: s.querySelector('h2')?.textContent,"
                                 " cite: s.querySelector('cite')?.textContent, label: s.getAttribute('aria-labelledby'),"
                                 " text: s.innerText}))")
        assert len(chapters) >= 6
        for ch in chapters:
            assert ch["id"] and ch["h"] and ch["cite"] and ch["cite"].startswith("Kim"), ch
            assert page.evaluate(f"document.getElementById({json.dumps(ch['label'])}).tagName") == "H2"
        text = " ".join(c["text"] for c in chapters)
        for table, row, year in ((1, "Russia", 2004), (5, "Russia", 2005), (6, "China", 2006)):
            assert f"US$ {_figure(built, table, row, year)} million" in text, (table, row, year)
        assert page.evaluate(CURRENT) == chapters[0]["id"]
        assert page.locator(".nea-chart svg rect.nea-bar").count() >= 4  # the charts, drawn from the tables
        assert page.evaluate("document.querySelectorAll('[aria-live=polite]').length") == 1
        assert not seen["errors"] and not seen["external"] and not seen["dialogs"]
    finally:
        page.close()


@pytest.mark.browser
def test_a_deep_link_opens_its_chapter_and_moves_the_map(browser, story_html):
    first, _ = open_offline(browser, story_html)
    start = _state(first)
    first.close()
    fourth = STORY["chapter"][3]
    page, seen = open_offline(browser, story_html, hash="#" + fourth["id"])
    try:
        page.wait_for_timeout(200)
        state = _state(page)
        assert state["current"] == fourth["id"]
        assert _inside(state, fourth["frame"])
        assert (state["lat"], state["lng"], state["zoom"]) != (start["lat"], start["lng"], start["zoom"])
        assert sorted(state["layers"]) == sorted(fourth["layers"])
        assert fourth["heading"]["en"] in page.locator(".nea-live").inner_text()
        assert not seen["errors"] and not seen["external"]
    finally:
        page.close()


@pytest.mark.browser
def test_pagedown_advances_the_hash_follows_and_back_leaves_the_story(browser, story_html):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    seen: list[str] = []
    page.on("pageerror", lambda e: seen.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        before = (story_html.parent / "before.html").resolve().as_uri()
        page.goto(before)
        page.goto(story_html.resolve().as_uri())
        page.wait_for_function("window.neaDrawn !== undefined", timeout=10_000)
        ids = [c["id"] for c in STORY["chapter"]]
        page.focus("section[data-chapter][aria-current=step]")
        page.keyboard.press("PageDown")
        page.wait_for_function(f"location.hash === '#{ids[1]}'", timeout=3000)
        assert page.evaluate(CURRENT) == ids[1]
        page.keyboard.press("ArrowDown")
        page.wait_for_function(f"location.hash === '#{ids[2]}'", timeout=3000)
        page.keyboard.press("PageUp")
        page.wait_for_function(f"location.hash === '#{ids[1]}'", timeout=3000)
        page.keyboard.press(" ")
        page.wait_for_function(f"location.hash === '#{ids[2]}'", timeout=3000)
        page.wait_for_timeout(1000)  # the scroll it caused settles without moving on
        assert page.evaluate(CURRENT) == ids[2]
        # the map keeps Leaflet's keys: an arrow on the focused map pans it, the chapter stays
        page.focus(".leaflet-container")
        centre = page.evaluate("nea.hub.map.getCenter().lng")
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(400)
        assert page.evaluate("nea.hub.map.getCenter().lng") != centre
        assert page.evaluate(CURRENT) == ids[2]
        page.go_back()
        page.wait_for_load_state()
        assert page.url == before
        assert not seen
    finally:
        page.close()


@pytest.mark.browser
def test_scrolling_drives_the_map(browser, story_html):
    page, seen = open_offline(browser, story_html)
    try:
        target = STORY["chapter"][5]
        page.evaluate(f"document.getElementById({json.dumps(target['id'])}).scrollIntoView({{block: 'start'}})")
        page.wait_for_function(f"location.hash === '#{target['id']}'", timeout=3000)
        page.wait_for_timeout(1200)  # the fly-to ends
        state = _state(page)
        assert state["current"] == target["id"] and _inside(state, target["frame"])
        assert not seen["errors"]
    finally:
        page.close()


@pytest.mark.browser
def test_explore_frees_the_map_and_returns_to_the_chapter(browser, story_html):
    chapter = STORY["chapter"][3]
    page, seen = open_offline(browser, story_html, hash="#" + chapter["id"])
    try:
        assert not page.locator(".leaflet-control-layers").is_visible()
        page.locator(".nea-story-explore").click()
        assert page.locator(".leaflet-control-layers").is_visible()
        assert page.locator(".nea-tools input[type=search]").is_visible()
        assert page.evaluate("nea.hub.map.getSize().x") >= 1200  # the map takes the page
        page.wait_for_function("location.hash.includes('@')", timeout=3000)
        assert page.evaluate("location.hash").startswith("#" + chapter["id"] + "&")  # the chapter id stays in it
        page.locator(".nea-story-return").click()
        assert page.evaluate("location.hash") == "#" + chapter["id"]
        assert page.evaluate(CURRENT) == chapter["id"]
        assert not page.locator(".leaflet-control-layers").is_visible()
        assert not seen["errors"]
    finally:
        page.close()


@pytest.mark.browser
def test_chinese_switches_the_headings_and_missing_text_is_marked(browser, story_html):
    page, seen = open_offline(browser, story_html)
    try:
        page.locator(".nea-story select").select_option("zh")
        headings = page.evaluate(SECTIONS + ".map(s => s.querySelector('h2').textContent)")
        assert headings == [c["heading"]["zh"] for c in STORY["chapter"]]
        assert page.evaluate("document.documentElement.lang") == "zh"
        assert page.locator(".nea-fallback").count() == 0  # Chinese is written in full
        page.locator(".nea-story select").select_option("ru")
        missing = [c["id"] for c in STORY["chapter"] if "ru" not in c["text"]]
        assert missing  # the story has chapters not yet in Russian: they show the English, marked
        note = page.locator(f"#{missing[0]} .nea-fallback-note")
        assert note.is_visible() and note.inner_text()
        assert page.evaluate(f"document.querySelector('#{missing[0]} .nea-chapter-text p').lang") == "en"
        assert not seen["errors"]
    finally:
        page.close()


@pytest.mark.browser
def test_print_shows_every_chapter_with_its_picture(browser, story_html):
    page, seen = open_offline(browser, story_html)
    try:
        # the pictures are built when the page is idle, or when printing starts at the latest
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert page.locator(".nea-picture svg").count() == len(STORY["chapter"])
        page.emulate_media(media="print")
        boxes = page.evaluate(SECTIONS + ".map(s => { const p = s.querySelector('.nea-picture svg');"
                              " const c = s.querySelector('cite'); return {id: s.id,"
                              " pic: p ? p.getBoundingClientRect().height : 0, paths: p ? p.querySelectorAll('path').length : 0,"
                              " cite: c ? c.getBoundingClientRect().height : 0, shown: s.getBoundingClientRect().height}; })")
        assert len(boxes) == len(STORY["chapter"])
        for b in boxes:
            assert b["shown"] > 0 and b["pic"] > 50 and b["paths"] > 3 and b["cite"] > 0, b
        assert not page.locator(".leaflet-container").is_visible()
        pdf = page.pdf()
        assert pdf[:4] == b"%PDF"
        assert not seen["errors"] and not seen["external"]
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("size", [(390, 844), (640, 400)], ids=["phone", "laptop-at-200pc"])
def test_phone_and_200pc_zoom_keep_the_map_in_view_and_no_sideways_scroll(browser, story_html, size):
    w, h = size
    page, seen = open_offline(browser, story_html, width=w, height=h)
    try:
        for y in (0, 1500, 4000):
            page.evaluate(f"window.scrollTo(0, {y})")
            page.wait_for_timeout(150)
            assert page.evaluate("document.documentElement.scrollWidth") <= w
            rect = page.evaluate("(() => { const r = nea.hub.map.getContainer().getBoundingClientRect();"
                                 " return {top: r.top, bottom: r.bottom, width: r.width}; })()")
            visible = min(rect["bottom"], h) - max(rect["top"], 0)
            assert visible >= max(150 if w == 390 else 0, h / 3) - 1, (y, rect)
            assert rect["width"] >= w - 1  # map above the text, full width
        size_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.nea-chapter-text p')).fontSize)")
        assert size_px >= 15
        assert not seen["errors"]
    finally:
        page.close()


@pytest.mark.browser
def test_reduced_motion_jumps(browser, story_html):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page.goto(story_html.resolve().as_uri())
        page.wait_for_function("window.neaDrawn !== undefined", timeout=10_000)
        target = STORY["chapter"][6]
        # the map is where the chapter puts it as soon as the key is handled: no fly-to in between
        state = page.evaluate("(() => { const s = nea.hub.plugins.story; s.go(6, true); const c = nea.hub.map.getCenter();"
                              " return {lat: c.lat, lng: c.lng, anim: !!nea.hub.map._flyToFrame}; })()")
        assert _inside(state, target["frame"]) and not state["anim"]
    finally:
        page.close()


@pytest.mark.browser
def test_hostile_chapter_texts_stay_text(browser, tmp_path):
    m = NeageoMap(location=[41.5, 130.0], zoom_start=6, title="hostile")
    PackedLayer("demo", "Demo", [], [{"color": "#333333"}]).add_to(m)
    Language("en").add_to(m)
    story_plugin().add_to(m)
    path = m.save(tmp_path / "hostile.html")
    assert path is not None
    page, seen = open_offline(browser, path)
    try:
        assert page.locator("section[data-chapter] h2").first.inner_text() == "{{ 7*7 }} <img src=x onerror=alert(1)>"
        assert page.locator("h1").first.inner_text() == "A {{ 7*7 }} story"
        assert page.locator("section img").count() == 0 and not seen["dialogs"]
        assert "<b>" in page.locator(".nea-story-intro").inner_text()
        assert not seen["errors"]
    finally:
        page.close()


@pytest.mark.browser
def test_an_explore_link_reopens_the_free_map(browser, story_html):
    """A link copied in explore mode opens explore mode with its view and layers, inside its chapter."""
    page, seen = open_offline(browser, story_html, hash="#primorsky&@44.0000,131.0000,7&layers=countries,rivers")
    try:
        page.wait_for_timeout(300)
        assert page.evaluate("document.body.classList.contains('nea-exploring')")
        state = _state(page)
        assert abs(state["lat"] - 44.0) < 0.05 and abs(state["lng"] - 131.0) < 0.05 and state["zoom"] == 7
        assert sorted(state["layers"]) == ["countries", "rivers"]
        assert state["hash"].startswith("#primorsky&@")
        page.locator(".nea-story-return").click()
        assert page.evaluate("location.hash") == "#primorsky"
        assert not seen["errors"]
    finally:
        page.close()
