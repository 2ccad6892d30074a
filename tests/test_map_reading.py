"""The maps read true at every size (issue 21): labels inside their own area, clicks that open what was
clicked, bounds a phone can use, a robust state, the whole page in one language, controls that never
overlap.  Real Chromium, network blocked, at four viewports: a 1366x768 laptop, a 1024x768 small laptop,
a 768x1024 tablet and a 390x844 phone at device pixel ratio 2 (with touch)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import neageo
from helpers.pages import page_text

VIEWPORTS = {"laptop": (1366, 768, 1), "small": (1024, 768, 1), "tablet": (768, 1024, 1), "phone": (390, 844, 2)}
MAPS = ("overview", "customs_gates", "tumen", "sinuiju_dandong", "trade", "benzene_spill")


@pytest.fixture(scope="module")
def pages(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reading")
    for name in MAPS:
        neageo.web_map(name, gpkg=built).save(out / f"{name}.html")
    return out


@pytest.fixture()
def opener(browser) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_page(path: Path, view: str, hash: str = "") -> tuple[Any, list[str]]:
        w, h, dpr = VIEWPORTS[view]
        ctx = browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=dpr, has_touch=dpr > 1,
                                  is_mobile=False)
        contexts.append(ctx)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.goto(path.resolve().as_uri() + hash)
        page.wait_for_function("window.neaDrawn !== undefined", timeout=15_000)
        page.wait_for_timeout(100)
        return page, errors

    yield open_page
    for ctx in contexts:
        ctx.close()


#: Area labels (of polygon features) drawn now whose box is not wholly inside their own polygon: a
#: grid of points over each label's text box, each tested against the feature's own rings.
OUTSIDE_JS = """
() => {
  const map = nea.map, mb = map.getContainer().getBoundingClientRect(), bad = [];
  let n = 0;
  function inside(f, x, y) {
    const ll = map.containerPointToLatLng([x - mb.left, y - mb.top]);
    const lls = f.layer.getLatLngs();
    const polys = (lls[0].length && lls[0][0].lat !== undefined) ? [lls] : lls;
    let ins = false;
    for (const poly of polys) for (const r of poly) for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const yi = r[i].lat, yj = r[j].lat;
      if ((yi > ll.lat) !== (yj > ll.lat) && ll.lng < (r[j].lng - r[i].lng) * (ll.lat - yi) / (yj - yi) + r[i].lng) ins = !ins;
    }
    return ins;
  }
  for (const lb of nea.labels) {
    if (!lb.el || lb.el.classList.contains('hidden') || !(lb.f.layer instanceof L.Polygon)) continue;
    n++;
    const r = lb.span.getBoundingClientRect();
    let out = 0;
    for (let i = 0; i <= 4; i++) for (let j = 0; j <= 2; j++) {
      if (!inside(lb.f, r.left + 1 + (r.width - 2) * i / 4, r.top + 1 + (r.height - 2) * j / 2)) out++;
    }
    if (out) bad.push(lb.text + ' (' + out + '/15 points outside)');
  }
  return {n, bad};
}
"""


@pytest.mark.browser
@pytest.mark.parametrize("view", list(VIEWPORTS))
@pytest.mark.parametrize("name", ("overview", "tumen", "sinuiju_dandong", "customs_gates"))
def test_area_labels_stay_inside_their_own_area(opener, pages, name, view):
    page, errors = opener(pages / f"{name}.html", view)
    first = page.evaluate(OUTSIDE_JS)
    page.evaluate("nea.map.setZoom(nea.map.getZoom() + 1, {animate: false}); 0")
    page.wait_for_timeout(100)
    closer = page.evaluate(OUTSIDE_JS)
    assert not first["bad"] and not closer["bad"], (first, closer)
    assert first["n"] + closer["n"] >= 2  # areas are still named
    assert not errors, errors


@pytest.mark.browser
def test_korea_labels_on_the_overview_are_in_korea(opener, pages):
    """The defects seen: SOUTH KOREA written inside North Korea; NORTH KOREA and North Hamgyong over Jilin."""
    for view in ("laptop", "phone"):
        page, _ = opener(pages / "overview.html", view)
        where = page.evaluate("""() => nea.labels.filter(lb => lb.el && !lb.el.classList.contains('hidden'))
            .map(lb => { const r = lb.span.getBoundingClientRect(), mb = nea.map.getContainer().getBoundingClientRect();
              const ll = nea.map.containerPointToLatLng([(r.left + r.right) / 2 - mb.left, (r.top + r.bottom) / 2 - mb.top]);
              return [lb.f.p.n ? lb.f.p.n.en : lb.text, ll.lat, ll.lng]; })""")
        for name, lat, lng in where:
            if name == "South Korea":
                assert lat < 38.6, (view, lat, lng)
            if name in ("North Korea", "North Hamgyong"):
                assert 37.6 < lat < 43.0 and lng > 124.2, (view, name, lat, lng)


@pytest.mark.browser
@pytest.mark.parametrize("view", ("laptop", "phone"))
def test_point_labels_stay_in_their_country(opener, pages, view):
    """A city's label is never written across the border: Dandong's stays on the Chinese bank."""
    page, _ = opener(pages / "sinuiju_dandong.html", view)
    for _ in range(2):
        crossing = page.evaluate("""() => {
          const map = nea.map, mb = map.getContainer().getBoundingClientRect();
          const countries = nea.features.filter(f => f.p.l && f.p.l[1] === 'country' && f.layer instanceof L.Polygon);
          const inC = (f, ll) => { let ins = false; const lls = f.layer.getLatLngs();
            const polys = (lls[0].length && lls[0][0].lat !== undefined) ? [lls] : lls;
            for (const p of polys) for (const r of p) for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
              const yi = r[i].lat, yj = r[j].lat;
              if ((yi > ll.lat) !== (yj > ll.lat) && ll.lng < (r[j].lng - r[i].lng) * (ll.lat - yi) / (yj - yi) + r[i].lng) ins = !ins; }
            return ins; };
          const out = [];
          for (const lb of nea.labels) {
            if (!lb.el || lb.el.classList.contains('hidden') || !lb.f.layer.getLatLng) continue;
            const home = countries.filter(c => inC(c, lb.f.layer.getLatLng()));
            const r = lb.span.getBoundingClientRect();
            const abroad = ([x, y]) => countries.find(c => !home.includes(c) && inC(c, map.containerPointToLatLng([x - mb.left, y - mb.top])));
            const mid = abroad([(r.left + r.right) / 2, (r.top + r.bottom) / 2]);
            const corners = [[r.left + 1, r.top + 1], [r.right - 1, r.top + 1], [r.left + 1, r.bottom - 1], [r.right - 1, r.bottom - 1]].filter(abroad);
            if (mid || corners.length >= 2) out.push(lb.text);  // a corner may graze a bending border
          }
          return out; }""")
        assert not crossing, crossing
        page.evaluate("nea.map.setZoom(nea.map.getZoom() + 1, {animate: false}); 0")
        page.wait_for_timeout(100)


#: Every gate drawn: its id, name and where it is on the page (client pixels), and whether a control covers it.
GATES_JS = """
(layer) => {
  const map = nea.map, mb = map.getContainer().getBoundingClientRect();
  return nea.features.filter(f => f.lay.id === layer && nea.hub.visible(f)).map(f => {
    const c = map.latLngToContainerPoint(f.layer.getLatLng()), x = c.x + mb.left, y = c.y + mb.top;
    const top = document.elementFromPoint(x, y);
    const covered = !top || !map.getContainer().contains(top) || !!top.closest('.leaflet-control, .nea-time, .leaflet-popup');
    return {id: f.id, name: f.p.n ? f.p.n.en : f.p.h, x, y, covered, lat: f.layer.getLatLng().lat, lng: f.layer.getLatLng().lng};
  });
}
"""


@pytest.mark.browser
@pytest.mark.parametrize("view", ("laptop", "phone"))
@pytest.mark.parametrize("name", ("overview", "customs_gates"))
def test_every_gate_click_or_tap_opens_that_gate(opener, pages, name, view):
    page, errors = opener(pages / f"{name}.html", view)
    gates = page.evaluate(GATES_JS, "customs_gates")
    assert len(gates) >= 7
    wrong = []
    for g in gates:
        page.evaluate("nea.map.closePopup(); window.neaOpened = null")
        page.wait_for_function("!(nea.map._panAnim && nea.map._panAnim._inProgress)")
        # where it is now (an opened popup pans the map to fit)
        g = next(x for x in page.evaluate(GATES_JS, "customs_gates") if x["id"] == g["id"])
        if g["covered"]:  # under a control: bring it to the middle of the map first
            page.evaluate("([lat, lng]) => { nea.map.panTo([lat, lng], {animate: false}); }", [g["lat"], g["lng"]])
            page.wait_for_timeout(50)
            g = next(x for x in page.evaluate(GATES_JS, "customs_gates") if x["id"] == g["id"])
        if view == "phone":
            page.touchscreen.tap(g["x"], g["y"])
        else:
            page.mouse.click(g["x"], g["y"])
        page.wait_for_timeout(30)
        opened = page.evaluate("window.neaOpened")
        heads = page.locator(".leaflet-popup-content h3").all_inner_texts()
        if opened != g["id"] or not heads or heads[0] != g["name"]:
            wrong.append((g["name"], opened, heads))
    assert not wrong, f"{len(wrong)}/{len(gates)} gate clicks opened something else: {wrong}"
    assert not errors, errors


@pytest.mark.browser
def test_a_gate_and_its_town_share_one_popup_and_lists_name_what_they_list(opener, pages):
    page, _ = opener(pages / "overview.html", "laptop")
    both = page.evaluate("""() => {
      const h = nea.hub, out = [];
      for (const g of nea.features.filter(f => f.lay.id === 'customs_gates' && h.visible(f))) {
        const got = h.pick(g.layer.getLatLng(), 4);
        out.push([g.p.n.en, got.f === g, !!got.list, (got.also || []).map(f => f.lay.id + ':' + h.nameOf(f))]);
      }
      return out; }""")
    assert all(hit and not listed for _, hit, listed, _ in both), both
    merged = [b for b in both if b[3]]
    assert merged and all(a.startswith("places:") for b in merged for a in b[3]), both
    # two features at the very same spot are listed, and the list says what they are
    listed = page.evaluate("""() => {
      const h = nea.hub, g = nea.features.find(f => f.lay.id === 'customs_gates');
      const twin = {...g, id: 'twin', p: {...g.p, n: {en: 'Twin gate'}, ln: undefined}, layer: L.circleMarker(g.layer.getLatLng(), g.layer.options)};
      twin.layer.addTo(h.layers.customs_gates);
      h.features.push(twin);
      h.openAt({latlng: g.layer.getLatLng()}, null);
      return document.querySelector('.leaflet-popup-content .kind').textContent; }""")
    assert listed.startswith("Features here (2): Customs gate"), listed


@pytest.mark.browser
@pytest.mark.parametrize("name", ("overview", "customs_gates"))
def test_every_gate_can_be_reached_by_zooming_out_on_a_phone(browser, pages, name):
    for width, height in ((360, 740), (390, 844)):
        ctx = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=2, has_touch=True)
        try:
            page = ctx.new_page()
            page.goto((pages / f"{name}.html").resolve().as_uri())
            page.wait_for_function("window.neaDrawn !== undefined", timeout=15_000)
            out = page.evaluate("""() => { const m = nea.map; m.setZoom(m.getMinZoom(), {animate: false});
              const b = m.getBounds();
              return {max: m.getMaxZoom(), bounded: !!m.options.maxBounds,
                      outside: nea.features.filter(f => f.lay.id === 'customs_gates' && !b.contains(f.layer.getLatLng()))
                                          .map(f => f.p.n.en)}; }""")
            assert not out["outside"], (width, out)  # Manzhouli too
            assert out["max"] <= 19 and out["bounded"], out
        finally:
            ctx.close()


@pytest.mark.browser
def test_the_layers_icon_is_drawn_at_dpr_2(opener, pages):
    page, _ = opener(pages / "overview.html", "phone")
    icon = page.evaluate("""() => { const t = document.querySelector('.leaflet-control-layers-toggle'), s = t.querySelector('svg');
      const r = s ? s.getBoundingClientRect() : {width: 0, height: 0};
      return {w: r.width, h: r.height, paths: s ? s.querySelectorAll('path').length : 0,
              bg: getComputedStyle(t).backgroundImage, visible: t.offsetWidth > 0}; }""")
    assert icon["visible"] and icon["w"] >= 20 and icon["h"] >= 20 and icon["paths"] == 3, icon
    assert icon["bg"] == "none", icon  # no sprite to load
    page.evaluate("nea.map.setZoom(40, {animate: false}); 0")
    assert page.evaluate("nea.map.getZoom()") <= 19


@pytest.mark.browser
@pytest.mark.parametrize("bad", ("#%E0%A4%A", "#@91,500,99", "#lang=xx&t=abc&layers=%00"))
def test_bad_hashes_on_a_paper_map_give_no_error_and_keep_the_labels(opener, pages, bad):
    page, errors = opener(pages / "trade.html", "laptop", hash=bad)
    assert page.evaluate("document.querySelectorAll('.nea-lab:not(.hidden)').length") >= 5
    assert page.evaluate("document.documentElement.lang") == "en"
    page.evaluate("nea.map.panBy([80, 30], {animate: false}); 0")
    page.wait_for_timeout(50)
    assert page.evaluate("document.querySelectorAll('.nea-lab:not(.hidden)').length") >= 5
    assert not errors, errors


# -- one catalogue, the whole page in each language -------------------------------------------------

def test_every_message_and_text_is_in_every_language():
    from neageo.maps.messages import catalogue

    doc = catalogue()
    langs = [code for code, _ in doc["langs"]]
    assert langs == ["en", "zh", "ru", "ko"]
    for key, entry in doc["messages"].items():
        assert all(entry.get(lang, "").strip() for lang in langs), key
    for text, entry in doc["texts"].items():
        assert all(entry.get(lang, "").strip() for lang in langs[1:]), text
        # a template's translations keep its fields
        fields = set(re.findall(r"\{(\w+)\}", text))
        assert all(set(re.findall(r"\{(\w+)\}", entry[lang])) == fields for lang in langs[1:]), text


def test_every_words_text_of_the_paper_maps_is_translated(built):
    """Titles, descriptions, notes, layer names, legend rows, popup field names and time labels: every
    data text with English words in it has a translation (figures and names alone need none)."""
    from neageo.maps import MAP_NAMES
    from neageo.maps.messages import translate
    from neageo.maps.plugins.base import PluginMixin

    missing = set()
    for name in MAP_NAMES:
        stack = list(neageo.web_map(name, gpkg=built)._children.values())
        while stack:
            element = stack.pop()
            if isinstance(element, PluginMixin):
                missing |= {t for t in element.data_texts() if re.search(r"\b[a-z]{3,}\b", t) and translate(t) is None}
            stack += list(element._children.values())
    assert not missing, sorted(missing)


LATIN_ONLY_JS = """() => {
  const out = [], latin = t => /[A-Za-z]{2,}/.test(t) && !/[\\u3400-\\u9fff]/.test(t);
  for (const c of document.querySelectorAll('.leaflet-control, .nea-time, .nea-title, .nea-tools')) {
    const walker = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      const t = n.textContent.trim(), el = n.parentElement;
      if (t && el && el.getClientRects().length && latin(t)) out.push(t);
    }
    for (const i of c.querySelectorAll('input[placeholder]')) if (latin(i.placeholder)) out.push('placeholder: ' + i.placeholder);
  }
  return [...new Set(out)];
}"""


@pytest.mark.browser
@pytest.mark.parametrize("name", ("overview", "trade", "benzene_spill"))
def test_after_chinese_at_most_three_control_texts_stay_latin(opener, pages, name):
    page, errors = opener(pages / f"{name}.html", "laptop")
    select = page.locator(".nea-tools select")
    assert select.evaluate("e => e.tagName") == "SELECT"  # a native select: accessible, works on phones
    select.select_option("zh")
    page.evaluate("document.querySelectorAll('details.nea-legend').forEach(d => d.open = true)")
    page.evaluate("nea.hub.plugins.layers.control.expand(); 0")
    latin = page.evaluate(LATIN_ONLY_JS)
    assert len(latin) <= 3, latin  # names with no Chinese form: Leaflet, the scale's km, ...
    assert page.evaluate("document.title") == page.locator(".nea-title h1").inner_text()
    assert not re.search(r"[A-Za-z]{3}", page.locator(".nea-title h1").inner_text())
    # a popup's field names too
    page.evaluate("nea.choose(nea.features.find(f => f.p.p && f.p.p[1].length && !f.lay.base))")
    cells = page.locator(".leaflet-popup-content td:first-child").all_inner_texts()
    assert cells and not [c for c in cells if re.fullmatch(r"[A-Za-z ,%²()'-]+", c)], cells
    assert not errors, errors


# -- layout and keyboard ------------------------------------------------------------------------------

#: Pairs of controls (Leaflet's, the time control) whose boxes overlap.
OVERLAPS_JS = """() => {
  const els = [...document.querySelectorAll('.leaflet-control, .nea-time')]
    .filter(e => e.getClientRects().length && !e.parentElement.closest('.leaflet-control, .nea-time'));
  const boxes = els.map(e => ({n: String(e.className.baseVal ?? e.className), r: e.getBoundingClientRect()}))
    .filter(b => b.r.width > 0 && b.r.height > 0);
  const out = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].r, b = boxes[j].r;
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
      out.push(boxes[i].n + ' x ' + boxes[j].n);
  }
  return out;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("view", list(VIEWPORTS))
@pytest.mark.parametrize("name", MAPS)
def test_controls_never_overlap(opener, pages, name, view):
    page, errors = opener(pages / f"{name}.html", view)
    assert page.evaluate(OVERLAPS_JS) == [], "at first view"
    # the legend opened (a phone starts with it closed), and in Russian (longer words)
    page.evaluate("document.querySelectorAll('details.nea-legend').forEach(d => { d.open = true; })")
    page.wait_for_timeout(50)
    assert page.evaluate(OVERLAPS_JS) == [], "legend open"
    page.locator(".nea-tools select").select_option("ru")
    page.wait_for_timeout(50)
    assert page.evaluate(OVERLAPS_JS) == [], "in Russian"
    if name in ("trade", "benzene_spill"):
        legend = page.locator(".nea-legend").bounding_box()
        play = page.locator(".nea-time button").bounding_box()
        assert legend and play
        assert (legend["y"] + legend["height"] <= play["y"] or play["y"] + play["height"] <= legend["y"]
                or legend["x"] + legend["width"] <= play["x"] or play["x"] + play["width"] <= legend["x"])
    assert not errors, errors


@pytest.mark.browser
@pytest.mark.parametrize("name", ("overview", "trade"))
def test_search_is_reached_in_three_keys_and_slash_focuses_it(opener, pages, name):
    page, errors = opener(pages / f"{name}.html", "laptop")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "nea-skip"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # visible focus
    skip = page.locator(".nea-skip").bounding_box()
    assert skip and skip["y"] >= 0 and skip["width"] > 40  # on screen while focused
    page.keyboard.press("Enter")
    focused = "document.activeElement.matches('input[type=search]')"
    assert page.evaluate(focused)
    want = {"overview": "Suifenhe", "trade": "Heilongjiang"}[name]
    page.keyboard.type(want)
    page.keyboard.press("Enter")
    assert page.locator(".leaflet-popup-content h3").first.inner_text().startswith(want)
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("/")
    assert page.evaluate(focused)
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    assert not errors, errors


# -- search -------------------------------------------------------------------------------------------

@pytest.mark.browser
def test_search_lists_each_feature_once_zooms_to_all_of_it_and_forgives_typos(opener, pages):
    page, errors = opener(pages / "overview.html", "laptop")
    box = page.locator(".nea-tools input[type=search]")
    box.fill("Suifenho")  # a typo: Suifenhe
    assert any(t.startswith("Suifenhe") for t in page.locator(".nea-results button").all_inner_texts())
    box.fill("Amur")
    names = [t.split("\n")[0] for t in page.locator(".nea-results button").all_inner_texts()]
    assert len(names) == len(set(names)), names  # the Amur's border segments (and the former one): one entry
    assert sum(1 for n in names if n.startswith("CHN-RUS border: Amur")) == 1, names
    box.fill("Yalu")
    page.locator(".nea-results button", has_text="border: Yalu").first.click()
    whole = page.evaluate("""() => { const b = nea.map.getBounds(), parts = nea.features.filter(f => nea.hub.nameOf(f) === 'CHN-PRK border: Yalu');
      return [parts.length, parts.every(f => b.contains(f.layer.getBounds()))]; }""")
    assert whole[0] >= 2 and whole[1], whole  # the whole border along the Yalu in view, not a 9 km piece
    assert "Yalu" in page.locator(".leaflet-popup-content h3").first.inner_text()
    assert not errors, errors


# -- cartography --------------------------------------------------------------------------------------

def _lab(colour: str) -> tuple[float, float, float]:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883
    f = [v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def test_land_colours_are_distinct_from_water():
    from neageo.maps.assets import own
    from neageo.style import categories

    sea = re.search(r"\.leaflet-container \{background: (#[0-9a-f]{6});", own("css/page.css")).group(1)
    water = [sea, categories("lakes")[""].fill]
    for iso, look in categories("countries").items():
        for w in water:
            delta = sum((a - b) ** 2 for a, b in zip(_lab(look.fill), _lab(w))) ** 0.5
            assert delta >= 10, (iso or "default", look.fill, w, round(delta, 1))  # Russia was 6.6 from the sea


@pytest.mark.browser
def test_time_greys_features_out_instead_of_removing_them(opener, pages):
    page, errors = opener(pages / "trade.html", "laptop")
    count = "nea.features.filter(f => f.lay.id === 'province_trade' && f.layer._map).length"
    before = page.evaluate(count)
    page.locator(".nea-time input").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate(count) == before  # nothing leaves the map: it does not jump
    state = page.evaluate("""() => { const v = nea.hub.time.stops[nea.hub.time.i].v;
      const timed = nea.features.filter(f => f.lay.id === 'province_trade');
      return {grey: timed.filter(f => f.greyed).every(f => f.p.t !== v && f.layer.options.color === '#a3a3a3'),
              greyed: timed.filter(f => f.greyed).length, live: timed.filter(f => !f.greyed).every(f => f.p.t === v),
              labelled: nea.labels.filter(lb => lb.f.greyed && lb.el && !lb.el.classList.contains('hidden')).length}; }""")
    assert state["greyed"] and state["grey"] and state["live"] and state["labelled"] == 0, state
    assert page.evaluate("getComputedStyle(nea.map.getPane('nea-labels')).zIndex") > page.evaluate(
        "getComputedStyle(nea.map.getPane('overlayPane')).zIndex")  # arrows sit under the labels
    assert not errors, errors


@pytest.mark.browser
@pytest.mark.parametrize("view", ("laptop", "phone"))
def test_sinuiju_and_dandong_are_named_on_the_overview(opener, pages, view):
    page, _ = opener(pages / "overview.html", view)
    labels = page.evaluate("[...document.querySelectorAll('.nea-lab:not(.hidden) span')].map(s => s.textContent)")
    assert "Sinuiju" in labels and "Dandong" in labels, labels


def test_index_thumbnails_show_their_own_map_and_maps_link_back(built, tmp_path):
    from neageo.maps import render_all

    render_all(gpkg=built, out_dir=tmp_path, names=["overview", "trade", "population"])
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    svgs = re.findall(r"<svg .*?</svg>", index, flags=re.S)
    assert len(svgs) == 3 and len(set(svgs)) == 3
    assert all(re.search(r'role="img" aria-label="[^"]+: a small picture of the map"><title>', s) for s in svgs)
    assert "#c6dbef" in svgs[1] or "fill-opacity" in svgs[1]  # the trade map's shaded provinces
    for name in ("overview", "trade"):
        assert '"home":"index.html"' in page_text(tmp_path / f"{name}.html")
