"""How a page draws (issues 20 and 22): each layer once, at the view it opens on; a coarser copy of the
lines and areas when zoomed out, never more than half a pixel off; a story chapter placing its labels
and listing its layers once.  The Python half checks the coarse level against the full geometry in
the page's own projection; the browser half counts what Leaflet does in real Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Transformer

import neageo
from neageo.maps.codec import SCALE, pack, unpack
from neageo.maps.data import MapData
from neageo.maps.paper import paper_doc
from neageo.maps.specs import load_specs
from neageo.maps.web import coarse_below, coarse_level, pixel, web_mercator


def _points(text: str) -> np.ndarray:
    return np.cumsum(np.asarray(unpack(text), dtype=np.int64).reshape(-1, 2), axis=0)


def _kept(keep: str, n: int) -> list[int]:
    return list(range(n)) if not keep else np.cumsum(unpack(keep)).tolist()


#: Web Mercator (EPSG:3857) by pyproj: a projection of the page's own, independent of neageo's.
_TO_3857 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


def _off_px(full: np.ndarray, idx: list[int], below: float) -> float:
    """How far (pixels at zoom ``below``, in the page's Web Mercator) the full line is from its coarse copy."""
    lonlat = full.astype(float) / SCALE
    a = np.column_stack(_TO_3857.transform(lonlat[:, 0], lonlat[:, 1]))
    line, coarse = shapely.linestrings(a), shapely.linestrings(a[idx])
    return float(shapely.hausdorff_distance(line, coarse)) / (2 * np.pi * 6_378_137 / 256 / 2**below)


def test_web_mercator_and_pixel_are_the_pages_own():
    lonlat = np.array([[129.5, 42.9], [102.0, 32.0], [152.0, 60.0]])
    np.testing.assert_allclose(web_mercator(lonlat), np.column_stack(_TO_3857.transform(lonlat[:, 0], lonlat[:, 1])),
                               rtol=0, atol=1e-6)
    assert pixel(0) == pytest.approx(156_543.034, abs=1e-3) and pixel(6.5) == pytest.approx(pixel(0) / 2**6.5)


# -- the coarse level --------------------------------------------------------------------------------

def test_pack_and_unpack_are_inverse_and_damage_is_an_error():
    values = [0, 1, -1, 15, 16, -16, 31, 32, 1_234_567, -1_800_000]
    assert unpack(pack(values)) == values
    with pytest.raises(ValueError, match="bad character"):
        unpack("ab!")
    with pytest.raises(ValueError, match="ends inside"):
        unpack(pack([1_234_567])[:-1])


@pytest.fixture(scope="module")
def overview_doc(built) -> Any:
    return paper_doc(load_specs()["overview"], MapData(built))


def test_the_coarse_arcs_stay_within_half_a_pixel_and_keep_their_ends(overview_doc):
    doc = overview_doc
    assert doc.detail is not None and len(doc.detail["keep"]) == len(doc.arcs)
    below = doc.detail["below"]
    total = kept = 0
    worst = 0.0
    for text, keep in zip(doc.arcs, doc.detail["keep"]):
        full = _points(text)
        idx = _kept(keep, len(full))
        assert idx[0] == 0 and idx[-1] == len(full) - 1 and idx == sorted(set(idx))  # ends, in order, no repeats
        if (full[0] == full[-1]).all():
            assert len(idx) >= 4  # a ring never flattens
        worst = max(worst, _off_px(full, idx, below))
        total += len(full)
        kept += len(idx)
    assert worst <= 0.5 + 1e-6, worst
    assert kept < 0.5 * total, (kept, total)  # the point of it: the opening view projects under half the vertices


def test_lines_and_areas_carry_their_own_coarse_level(overview_doc):
    below = coarse_below(overview_doc.spec.box)
    checked = 0
    for layer in overview_doc.layers:
        if layer.arcs:
            continue
        thinned = [g for g, _ in layer.features if len(g) > 2]
        assert (layer.detail is not None) == bool(thinned), layer.id
        for g in thinned:
            lines = {"L": [g[1]], "ML": g[1], "A": g[1], "MA": [r for p in g[1] for r in p]}[g[0]]
            keeps = {"L": [g[2]], "ML": g[2], "A": g[2], "MA": [k for p in g[2] for k in p]}[g[0]]
            for text, keep in zip(lines, keeps):
                full = _points(text)
                assert _off_px(full, _kept(keep, len(full)), below) <= 0.5 + 1e-6
                checked += 1
    assert checked > 20


def test_small_maps_have_no_coarse_level(built):
    doc = paper_doc(load_specs()["sinuiju_dandong"], MapData(built))
    assert doc.detail is None
    assert all(len(g) == 2 for layer in doc.layers for g, _ in layer.features)
    assert coarse_level([], 6.5, scale=SCALE) is None and coarse_level([np.zeros((2, 2), dtype=np.int64)], None,
                                                                       scale=SCALE) is None


# -- in the browser ----------------------------------------------------------------------------------

#: Counts, from the first line of the page's script, how often Leaflet projects each path, and how often
#: the labels are placed and the layer control rebuilds its list.
COUNT_JS = """
(() => {
  let lib;
  window.__projected = new Map(); window.__lists = 0;
  Object.defineProperty(window, 'L', {configurable: true, get() { return lib; }, set(v) {
    lib = v;
    const project = v.Polyline.prototype._project;
    v.Polyline.prototype._project = function () {
      window.__projected.set(this, (window.__projected.get(this) || 0) + 1);
      return project.apply(this, arguments);
    };
    const update = v.Control.Layers.prototype._update;
    v.Control.Layers.prototype._update = function () { window.__lists++; return update.apply(this, arguments); };
  }});
})();
"""

#: Vertices drawn now, by layer id.
VERTICES_JS = """
() => { const c = (a) => Array.isArray(a) ? a.reduce((s, x) => s + c(x), 0) : 1, out = {};
  nea.features.forEach(f => { if (f.layer._map && f.layer.getLatLngs) out[f.lay.id] = (out[f.lay.id] || 0) + c(f.layer.getLatLngs()); });
  return out; }
"""


@pytest.fixture(scope="module")
def pages(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("drawing")
    for name in ("overview", "story"):
        neageo.web_map(name, gpkg=built).save(out / f"{name}.html")
    return out


@pytest.fixture()
def counted(browser) -> Iterator[Any]:
    pages: list[Any] = []

    def open_page(path: Path, hash: str = "", **kwargs: Any) -> tuple[Any, list[str]]:
        page = browser.new_page(viewport={"width": 1280, "height": 800}, **kwargs)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.add_init_script(COUNT_JS)
        page.goto(path.resolve().as_uri() + hash)
        page.wait_for_function("window.neaPainted !== undefined", timeout=15_000)
        pages.append(page)
        return page, errors

    yield open_page
    for page in pages:
        page.close()


@pytest.mark.parametrize(("name", "hash"), [("overview", ""), ("overview", "#@43.5000,131.0000,7&layers=countries,rivers,projects"),
                                          ("story", "#primorsky")])
def test_each_layer_is_drawn_once_at_the_view_the_map_opens_on(pages, counted, name, hash):
    """Also when a link opens another view and other layers, or a story chapter: the plugins choose the
    view and the layers before anything is drawn."""
    page, errors = counted(pages / f"{name}.html", hash=hash)
    got = page.evaluate("""() => { const counts = [...window.__projected.values()];
      return {paths: nea.features.filter(f => f.layer._map && f.layer.getLatLngs).length, projected: counts.length,
              most: Math.max(...counts), lists: window.__lists, labels: nea.hub.plugins.labels.runs,
              zoom: nea.map.getZoom()}; }""")
    assert got["paths"] > 20 and got["projected"] == got["paths"], got  # every drawn path, and only those
    assert got["most"] == 1, got  # none projected twice while the page opened
    assert got["lists"] == 1 and got["labels"] == 1, got  # the layer list built once, the labels placed once
    if hash.startswith("#@"):
        assert got["zoom"] == 7
    assert errors == []


def test_zooming_swaps_the_level_of_detail_both_ways(pages, counted):
    page, errors = counted(pages / "overview.html")
    coarse = page.evaluate(VERTICES_JS)
    page.evaluate("() => { nea.map.setView([42.9, 130.8], 8, {animate: false}); }")
    full = page.evaluate(VERTICES_JS)
    page.evaluate("() => { nea.map.setZoom(5, {animate: false}); }")
    again = page.evaluate(VERTICES_JS)
    for layer in ("countries", "provinces", "rivers", "borders"):
        assert coarse[layer] < 0.75 * full[layer], (layer, coarse[layer], full[layer])
    assert again["countries"] == coarse["countries"] and again["rivers"] == coarse["rivers"]
    assert errors == []


def test_a_chapter_change_places_labels_and_lists_layers_once(pages, counted):
    page, errors = counted(pages / "story.html", reduced_motion="reduce")
    for step in range(3):
        before = page.evaluate("""() => { window.__runs = nea.hub.plugins.labels.runs; window.__lists = 0;
          window.__projected = new Map(); return nea.hub.plugins.story.index; }""")
        page.evaluate("""() => { const s = nea.hub.plugins.story;
          document.querySelectorAll('section[data-chapter]')[s.index].dispatchEvent(
            new KeyboardEvent('keydown', {key: 'PageDown', bubbles: true, cancelable: true})); }""")
        got = page.evaluate("""() => ({index: nea.hub.plugins.story.index, labels: nea.hub.plugins.labels.runs - window.__runs,
          lists: window.__lists, most: Math.max(0, ...window.__projected.values())})""")
        assert got["index"] == before + 1, got
        assert got["labels"] == 1 and got["lists"] <= 1, (step, got)  # one label placement, one list rebuild
        # a jump projects a drawn path twice (Leaflet: on zoomend, then on viewreset); a layer shown before
        # the jump would be projected a third time, at the old view
        assert got["most"] <= 2, (step, got)
    assert errors == []


def test_a_view_the_user_sets_with_folium_is_kept(built, tmp_path, counted):
    """``m.fit_bounds(...)`` after ``web_map()``: the paper's frame opens the page, the user's view is where
    it ends (folium's fit_bounds flies there once the page has drawn)."""
    m = neageo.web_map("tumen", gpkg=built)
    m.fit_bounds([[42.80, 130.25], [42.95, 130.45]])  # Hunchun
    m.save(tmp_path / "tumen.html")
    page, errors = counted(tmp_path / "tumen.html")
    page.wait_for_function("nea.map.getZoom() >= 10", timeout=5_000)
    got = page.evaluate("""() => { const c = nea.map.getCenter(), b = nea.map.getBounds();
      return {lat: c.lat, lng: c.lng, zoom: nea.map.getZoom(), inside: b.contains([42.87, 130.35]), wide: b.getEast() - b.getWest()}; }""")
    assert got["inside"] and got["zoom"] >= 10 and got["wide"] < 1.0, got  # the frame opens at about zoom 8.5
    assert abs(got["lat"] - 42.875) < 0.05 and abs(got["lng"] - 130.35) < 0.05, got
    plain = neageo.web_map("tumen", gpkg=built)
    plain.save(tmp_path / "plain.html")
    page2, _ = counted(tmp_path / "plain.html")
    assert page2.evaluate("nea.map.getZoom()") < 10  # without it, the paper's frame
    assert errors == []
