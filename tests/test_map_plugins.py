"""neageo's folium plugins on plain folium maps, and the page NeageoMap writes.

Each plugin works on any ``folium.Map``: its payload meets the contract (assets/contract.json, also
checked by the JavaScript tests), its assets are inline, and the page it makes draws in Chromium
with the network cut off.  A NeageoMap's page keeps what a user adds with plain folium, does not
grow when saved twice, gives the same bytes in a fresh process, and shows in a notebook.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import folium
import pytest

import neageo
from helpers.browser import open_offline
from helpers.js_fixtures import FIXTURES, story_plugin
from helpers.js_fixtures import text as fixtures_text
from helpers.pages import page_code
from neageo.maps.assets import own
from neageo.maps.page import render_page
from neageo.maps.plugins import (
    Arcs,
    Credits,
    Frame,
    HashState,
    Labels,
    Language,
    LayerControl,
    Legend,
    PackedLayer,
    Search,
    TimeControl,
    Title,
)
from neageo.maps.plugins.base import PluginMixin
from neageo.maps.webmap import NeageoMap

TEMPLATES = ("{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ lipsum.__globals__.os.getcwd() }}")
STYLE = {"color": "#333333", "weight": 1.5, "opacity": 1.0, "fillColor": "#e6550d", "fillOpacity": 0.9, "radius": 6.0}


def _features() -> list[list[Any]]:
    from shapely.geometry import LineString, Point

    from neageo.maps.codec import encode_geometry

    names = [*TEMPLATES, "<img src=x onerror=window.__xss=1>", "Hunchun"]
    out = []
    for i, name in enumerate(names):
        out.append([encode_geometry(Point(129.0 + i * 0.6, 42.0 + (i % 2) * 0.4)),
                    {"n": {"en": name, "zh": f"地点{i}"}, "p": ["Test place", [["Field", name]], "cited", []],
                     "l": [2, "gate"], "t": 2004 + i % 2, "k": f"k{i}"}])
    out.append([encode_geometry(LineString([(128.5, 41.5), (131.5, 41.6)])),
                {"n": {"en": "A long river"}, "l": [3, "river"], "p": ["River", [], "", []]}])
    return out


def _plain_map(*, with_time: bool = True) -> folium.Map:
    m = folium.Map(tiles=None, location=[42.3, 130.0], zoom_start=7)
    Title("Plugins on a plain folium map", "every neageo plugin").add_to(m)
    PackedLayer("demo", "Demo places", _features(), [STYLE], time=with_time).add_to(m)
    Search().add_to(m)
    Language("en").add_to(m)
    if with_time:
        TimeControl([{"v": 2004, "d": "2004"}, {"v": 2005, "d": "2005"}]).add_to(m)
    Legend([{"label": "Demo places", "style": STYLE, "shape": "point", "layer": "demo"}], note="a note").add_to(m)
    Credits(["Test data <b>not bold</b>"]).add_to(m)
    Labels().add_to(m)
    Frame((128.0, 41.0, 133.0, 43.5)).add_to(m)
    HashState().add_to(m)
    LayerControl().add_to(m)
    return m


# -- payloads and the contract ---------------------------------------------------------------------

def _validator(call: str) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    contract = json.loads(own("contract.json"))
    return jsonschema.Draft7Validator({**contract, "$ref": f"#/definitions/{call}"})


def test_every_plugin_payload_meets_the_contract():
    m = _plain_map()
    m.get_root().render()  # the layer control lists the layers when it renders
    calls = set()
    for child in m._children.values():
        if isinstance(child, PluginMixin):
            errors = [e.message for e in _validator(child.call).iter_errors(child.payload())]
            assert not errors, (child.call, errors[:3])
            calls.add(child.call)
    contract = json.loads(own("contract.json"))
    documented = {k for k, v in contract["definitions"].items() if "x-call" in v}
    assert calls | {"arcs", "story"} == documented  # every documented plugin is exercised (arcs, story: below)
    arcs = Arcs(["AAAA"])
    assert not list(_validator("arcs").iter_errors(arcs.payload()))
    assert not list(_validator("story").iter_errors(story_plugin().payload()))  # the page itself: test_story.py


def test_the_contract_catches_an_undocumented_field():
    payload = PackedLayer("x", "X", _features(), [STYLE]).payload()
    payload["features"][0][1]["zz"] = 1
    assert list(_validator("packed").iter_errors(payload))
    assert list(_validator("frame").iter_errors({"v": 1, "frame": [0, 0, 1, 1], "maxZoom": 22}))


def test_js_fixtures_are_what_the_plugins_write():
    """tests/js/fixtures/payloads.json is read by the node tests: it must be what this code writes
    (regenerate with: python tests/helpers/js_fixtures.py)."""
    assert FIXTURES.read_text(encoding="utf-8") == fixtures_text()


def test_payloads_hold_no_template_openings():
    for child in _plain_map()._children.values():
        if isinstance(child, PluginMixin):
            text = child.options_json
            assert "{{" not in text and "{%" not in text and "{#" not in text, child.call
            assert "<" not in text, child.call
    title = Title(TEMPLATES[0])
    assert json.loads(title.options_json)["title"] == TEMPLATES[0]


def test_plugins_inline_their_assets_and_link_nothing():
    page = render_page(_plain_map(), compress=False)
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page)
    for name in ("core", "packed", "labels", "search", "language", "time", "hash", "legend", "credits", "frame"):
        assert own(f"js/{name}.js").split("\n")[0] in page, name  # each asset once, by name
        assert page.count(own(f"js/{name}.js").split("\n")[0]) == 1, name


def test_a_plugin_off_a_map_says_so():
    with pytest.raises(ValueError, match=r"must be added to a folium\.Map"):
        _ = Labels().map_name


# -- the NeageoMap page ----------------------------------------------------------------------------

def test_saving_twice_gives_the_same_page_and_does_not_grow(tmp_path):
    m = NeageoMap(title="Twice")
    folium.Marker([42.0, 130.0], tooltip=folium.Tooltip("x", permanent=True), popup="p").add_to(m)
    _ = [p.add_to(m) for p in (Labels(), Language("ko"))]
    first = m.save(tmp_path / "a.html")
    second = m.save(tmp_path / "b.html")
    assert first is not None and second is not None
    assert first.read_bytes() == second.read_bytes()  # folium issue 2237: no second copy of anything
    assert len(m._children) == 3 and len(m.get_root().header._children) == 1
    text = first.read_text(encoding="utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="ko">')
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in text
    assert "user-scalable" not in text + page_code(text) and "maximum-scale" not in text
    assert not re.search(r"[0-9a-f]{32}", text + page_code(text))  # folium's random ids are gone


def test_same_map_same_bytes_in_a_fresh_process(tmp_path):
    code = """if True:
        import sys, folium
        from neageo.maps.webmap import NeageoMap
        from neageo.maps.plugins import Labels, Search, Title
        m = NeageoMap(title="Fresh")
        Title("Fresh").add_to(m); Search().add_to(m); Labels().add_to(m)
        fg = folium.FeatureGroup("Mine").add_to(m)
        folium.CircleMarker([42.0, 130.0], radius=4).add_to(fg)
        folium.Marker([42.1, 130.1], popup="popup").add_to(m)
        folium.LayerControl().add_to(m)
        m.save(sys.argv[1])
    """
    outs = [tmp_path / "1.html", tmp_path / "2.html"]
    for out in outs:
        subprocess.run([sys.executable, "-c", code, str(out)], check=True, env={**os.environ, "PYTHONHASHSEED": "random"})
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_save_is_atomic(tmp_path, monkeypatch):
    from neageo.maps import page

    out = tmp_path / "map.html"
    out.write_text("the last good map", encoding="utf-8")

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(page, "render_page", broken)
    with pytest.raises(RuntimeError):
        NeageoMap().save(out)
    assert out.read_text(encoding="utf-8") == "the last good map"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_implicit_folium_assets_come_with_the_elements_that_need_them():
    m = NeageoMap()
    bare = render_page(m, compress=False)
    assert "jQuery" not in bare and "AwesomeMarkers" not in bare  # Leaflet alone
    folium.Marker([42.0, 130.0], popup="needs jQuery", icon=folium.Icon(icon="info-sign")).add_to(m)
    full = render_page(m, compress=False)
    assert "jQuery" in full and "L.AwesomeMarkers" in full and "Glyphicons Halflings" in full


def test_repr_html_is_the_page_in_an_iframe_of_a_set_height():
    m = NeageoMap(title="Notebook")
    html = m._repr_html_()
    assert html.startswith("<iframe srcdoc=") and "height:520px" in html
    assert "&lt;!DOCTYPE html&gt;" in html and "neageo-bundle" in html


# -- in Chromium -------------------------------------------------------------------------------------

VISIBLE_LABELS_JS = "[...document.querySelectorAll('.nea-lab:not(.hidden) span')].map(s => s.textContent)"


@pytest.mark.browser
def test_every_plugin_works_on_a_plain_folium_map(browser, tmp_path):
    path = neageo.save_offline(_plain_map(with_time=False), tmp_path / "plain.html")
    page, seen = open_offline(browser, path)
    try:
        labels = page.evaluate(VISIBLE_LABELS_JS)
        for name in (*TEMPLATES, "<img src=x onerror=window.__xss=1>", "Hunchun", "A long river"):
            assert name in labels, (name, labels)  # labels as typed: no template ran, no markup parsed
        assert page.locator(".nea-title h1").inner_text() == "Plugins on a plain folium map"
        assert page.locator(".leaflet-control-layers").count() == 1
        assert page.locator(".nea-legend .row").count() == 1
        assert "Test data <b>not bold</b>" in page.locator(".leaflet-control-attribution").inner_text()
        page.locator(".nea-tools input[type=search]").fill("hunchun")
        page.locator(".nea-results button").first.click()
        assert "Hunchun" in page.locator(".leaflet-popup-content h3").inner_text()
        page.locator(".nea-tools select").select_option("zh")
        assert page.evaluate("document.documentElement.lang") == "zh"
        assert "地点4" in page.evaluate(VISIBLE_LABELS_JS)
        assert page.locator(".nea-legend summary").inner_text() == "图例"
        assert "lang=zh" in page.evaluate("location.hash")
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert not seen["errors"] and not seen["external"]
    finally:
        page.close()


@pytest.mark.browser
def test_time_control_on_a_plain_map(browser, tmp_path):
    path = neageo.save_offline(_plain_map(), tmp_path / "timed.html")
    page, seen = open_offline(browser, path)
    try:
        drawn = "nea.features.filter(f => f.layer._map && !f.greyed && f.p.t !== undefined).map(f => f.p.t)"
        assert set(page.evaluate(drawn)) == {2004}
        page.locator(".nea-time input").focus()
        page.keyboard.press("ArrowRight")
        assert set(page.evaluate(drawn)) == {2005}
        assert "t=2005" in page.evaluate("location.hash")
        assert not seen["errors"]
    finally:
        page.close()


@pytest.mark.browser
def test_bad_hashes_and_a_sandboxed_frame_raise_no_error(browser, tmp_path):
    path = neageo.save_offline(_plain_map(), tmp_path / "hash.html")
    for bad in ("#%E0%A4%A", "#@91,500,99", "#lang=xx&t=abc&layers=%00"):
        page, seen = open_offline(browser, path, hash=bad)
        try:
            # labels are placed after the first draw (and again after a zoom): wait for them, do not race them
            page.wait_for_function(f"{VISIBLE_LABELS_JS}.length >= 3", timeout=10_000)
            assert page.evaluate("document.documentElement.lang") == "en", bad
            assert not seen["errors"], (bad, seen["errors"])
        finally:
            page.close()
    # the page inside a sandboxed srcdoc iframe (as notebooks embed HTML): panning touches no history
    host = tmp_path / "host.html"
    srcdoc = path.read_text(encoding="utf-8").replace("&", "&amp;").replace('"', "&quot;")
    host.write_text(f'<!DOCTYPE html><html lang="en"><body><iframe sandbox="allow-scripts" style="width:800px;'
                    f'height:600px" srcdoc="{srcdoc}"></iframe></body></html>', encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    try:
        page.goto(host.resolve().as_uri())
        frame = page.frames[1]
        frame.wait_for_function("window.neaDrawn !== undefined", timeout=10_000)
        frame.evaluate("nea.map.panBy([120, 40], {animate: false})")
        frame.evaluate("nea.setLang('ko')")
        frame.wait_for_function(f"{VISIBLE_LABELS_JS}.length > 0", timeout=10_000)
        page.wait_for_timeout(200)
        assert not errors, errors
    finally:
        page.close()


@pytest.mark.browser
def test_web_map_with_a_marker_saves_and_opens_offline(browser, tmp_path, built):
    """The issue's first test: web_map("tumen") plus a folium.Marker with a permanent tooltip, a GeoJson,
    a FeatureGroup and a LayerControl: the saved page loads nothing, errs nothing, shows the paper's
    labels and the marker's tooltip; so does its _repr_html_ embedded in a page."""
    m = neageo.web_map("tumen", gpkg=built)
    folium.Marker([42.87, 130.36], tooltip=folium.Tooltip("My station", permanent=True)).add_to(m)
    area = {"type": "Feature", "properties": {"name": "my area"},
            "geometry": {"type": "Polygon", "coordinates": [[[130.0, 42.0], [130.5, 42.0], [130.5, 42.3], [130.0, 42.0]]]}}
    folium.GeoJson({"type": "FeatureCollection", "features": [area]}, name="My GeoJson",
                   tooltip=folium.GeoJsonTooltip(["name"])).add_to(m)
    fg = folium.FeatureGroup("My group").add_to(m)
    folium.CircleMarker([42.5, 131.0], radius=6, color="#d00").add_to(fg)
    folium.LayerControl(collapsed=False).add_to(m)
    path = m.save(tmp_path / "tumen.html")
    assert path is not None
    page, seen = open_offline(browser, path)
    try:
        assert page.locator(".leaflet-tooltip", has_text="My station").is_visible()
        labels = page.evaluate(VISIBLE_LABELS_JS)
        assert "Hunchun" in labels and "Vladivostok" in labels
        covered = page.evaluate("""() => { const t = document.querySelector('.leaflet-tooltip').getBoundingClientRect();
            return [...document.querySelectorAll('.nea-lab:not(.hidden) span')].map(s => s.getBoundingClientRect())
              .filter(r => r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top).length; }""")
        assert covered == 0  # the paper's labels keep clear of the user's tooltip
        marker = page.locator(".leaflet-marker-icon").first
        assert marker.get_attribute("src").startswith("data:image/png;base64,")  # Leaflet's marker image inline
        names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert {"My GeoJson", "My group"} <= {n.strip() for n in names}
        assert page.locator(".leaflet-control-layers").count() == 1  # the user's control took the place of ours
        assert page.evaluate("typeof map_n1") == "object" and page.evaluate("map_n1 instanceof L.Map")
        assert not seen["errors"], seen["errors"]
        assert not seen["external"], seen["external"]
    finally:
        page.close()
    # the same map in a notebook cell: _repr_html_ embedded in a page
    host = tmp_path / "notebook.html"
    host.write_text(f'<!DOCTYPE html><html lang="en"><body><h1>Out[1]:</h1>{m._repr_html_()}</body></html>',
                    encoding="utf-8")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url == host.resolve().as_uri() else r.abort())
    try:
        page.goto(host.resolve().as_uri())
        frame = page.frames[1]
        frame.wait_for_function("window.neaDrawn !== undefined", timeout=10_000)
        box = page.locator("iframe").bounding_box()
        assert box["height"] >= 400 and box["width"] >= 1000  # a sensible size, not 0 px
        assert frame.locator(".leaflet-tooltip", has_text="My station").is_visible()
        assert "Hunchun" in frame.evaluate(VISIBLE_LABELS_JS)
        assert requests == [host.resolve().as_uri()]  # nothing but the notebook page itself
        assert not errors, errors
    finally:
        page.close()
