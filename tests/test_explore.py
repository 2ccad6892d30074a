"""A user's own data on the paper's maps (neageo.explore), and any folium map saved offline (save_offline).

explore() must work as the first thing a researcher does with their points, lines or polygons in any
CRS; save_offline() must turn GeoDataFrame.explore() output, blank offline as folium writes it, into a
page that loads nothing.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import folium
import geopandas as gpd
import pytest
import shapely

import neageo
from helpers.browser import open_offline
from helpers.pages import page_code
from neageo.maps.plugins import Frame, Legend, PackedLayer, TimeControl

TEMPLATES = ("{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ lipsum.__globals__.os.getcwd() }}")
VISIBLE_LABELS_JS = "[...document.querySelectorAll('.nea-lab:not(.hidden) span')].map(s => s.textContent)"


def own_points(crs: int = 4326) -> gpd.GeoDataFrame:
    """Five points around the Tumen mouth, named with the template payloads, a tag and an empty name."""
    names = [*TEMPLATES, "<b>Research site</b>", "Kraskino field camp"]
    pts = gpd.GeoDataFrame({"name": names, "year": [2003, 2004, 2005, 2006, None], "kind": ["a", "b", "a", "b", "a"]},
                           geometry=gpd.points_from_xy([130.35, 130.95, 131.35, 129.75, 130.78],
                                                       [43.25, 42.05, 42.95, 42.55, 42.62]), crs=4326)
    return pts.to_crs(crs)


def _child(m, cls):
    return next(c for c in m._children.values() if isinstance(c, cls))


# -- without a browser -----------------------------------------------------------------------------

def test_explore_takes_any_crs_and_reprojects(built):
    m = neageo.explore(own_points(3857), base="tumen", label="name", gpkg=built)
    layer = next(c for c in m._children.values() if isinstance(c, PackedLayer) and c.layer_id == "user")
    from neageo.maps.codec import SCALE
    from neageo.maps.codec import pack as _  # noqa: F401  (the codec writes what core.js reads)

    x, y = _decode_point(layer.features[0][0][1])
    assert abs(x / SCALE - 130.35) < 1e-4 and abs(y / SCALE - 43.25) < 1e-4
    assert [f[1]["n"]["en"] for f in layer.features][:3] == list(TEMPLATES)
    assert all(f[1]["l"][1] == "user" for f in layer.features)


def _decode_point(text: str) -> tuple[int, int]:
    from neageo.maps.codec import ALPHABET

    out, v, shift = [], 0, 0
    for ch in text:
        c = ALPHABET.index(ch)
        v |= (c & 0x1F) << shift
        shift += 5
        if c < 0x20:
            out.append(-((v + 1) >> 1) if v & 1 else v >> 1)
            v, shift = 0, 0
    return out[0], out[1]


def test_explore_joins_legend_layers_frame_and_time(built):
    m = neageo.explore(own_points(), base="trade", label="name", popup=["name", "kind"], time="year", color="kind",
                       name="Field sites", gpkg=built)
    legend = _child(m, Legend)
    assert {"kind: a", "kind: b"} <= {r["label"] for r in legend.rows}
    assert all(r["layer"] == "user" for r in legend.rows if r["label"].startswith("kind"))
    control = _child(m, TimeControl)
    values = [s["v"] for s in control.stops]
    assert values == sorted(values) and {2003, 2004, 2005, 2006} <= set(values)
    page = page_code(m.page())
    assert '"name":"Field sites"' in page  # in the layer control
    # a map without a time control gets one; the framing takes the data in
    m2 = neageo.explore(own_points().assign(geometry=lambda d: d.geometry.translate(20, 10)), base="tumen",
                        time="year", gpkg=built)
    frame = _child(m2, Frame)
    assert frame.frame[2] >= 151.35 and frame.frame[3] >= 53.25 and frame.box[2] >= 151.35
    assert [s["v"] for s in _child(m2, TimeControl).stops][-1] == 2006
    # on the Tumen map (projects begun by a year) it opens where all of the user's features are drawn
    tumen = _child(m2, TimeControl)
    assert tumen.stops[tumen.start]["v"] == max(own_points()["year"])
    later = neageo.explore(own_points().assign(year=2007), base="tumen", time="year", gpkg=built)
    control = _child(later, TimeControl)
    assert control.stops[control.start]["v"] == 2007 == control.stops[-1]["v"]


def test_explore_lines_and_polygons_and_a_blank_base():
    lines = gpd.GeoDataFrame({"name": ["A road", "A river"]}, crs=4326,
                             geometry=[shapely.LineString([(10, 50), (11, 51)]), shapely.LineString([(10, 51), (11, 50)])])
    polys = gpd.GeoDataFrame({"name": ["A field"], "value": [3.5]}, crs=4326,
                             geometry=[shapely.Polygon([(10, 50), (11, 50), (11, 51), (10, 50)])])
    m = neageo.explore(lines, base=None, label="name")
    assert _child(m, Frame).frame[0] < 10 < 11 < _child(m, Frame).frame[2]
    m = neageo.explore(polys, base=None, label="name", popup=True, color="#1b9e77")
    layer = _child(m, PackedLayer)
    assert layer.features[0][0][0] == "A" and len(layer.features[0][1]["l"]) == 4  # an area label has an anchor
    assert layer.styles[0]["color"] == "#1b9e77"


def test_explore_says_what_is_wrong(built):
    pts = own_points()
    with pytest.raises(neageo.QueryError, match="no CRS"):
        neageo.explore(pts.set_crs(None, allow_override=True), base=None)
    with pytest.raises(neageo.QueryError, match="needs a GeoDataFrame"):
        neageo.explore(pts.drop(columns="geometry"), base=None)
    with pytest.raises(neageo.QueryError, match="label: no column 'nom'"):
        neageo.explore(pts, base=None, label="nom")
    with pytest.raises(neageo.QueryError, match="no geometry to show"):
        neageo.explore(pts.iloc[:0], base=None)
    many = pts.assign(kind=[f"k{i}" for i in range(len(pts))])
    many = gpd.GeoDataFrame(gpd.pd.concat([many] * 3, ignore_index=True).assign(kind=[f"k{i}" for i in range(15)]), crs=4326)
    with pytest.raises(neageo.QueryError, match="15 categories"):
        neageo.explore(many, base=None, color="kind")
    with pytest.raises(neageo.QueryError, match="stages, not years"):
        neageo.explore(pts, base="benzene_spill", time="year", gpkg=built)


# -- save_offline without a browser ------------------------------------------------------------------

def test_save_offline_inlines_what_folium_links(tmp_path):
    gdf = own_points()
    path = neageo.save_offline(gdf.explore(tiles=None), tmp_path / "explore.html")
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", text)
    for marker in ("L.AwesomeMarkers", "jQuery", "Bootstrap", "Font Awesome", "Glyphicons Halflings", ".fa-rotate-90"):
        assert marker in text, marker
    assert "user-scalable" not in text and text.startswith('<!DOCTYPE html>\n<html lang="en">')


def test_save_offline_names_an_asset_it_has_no_copy_of(tmp_path):
    from folium.plugins import Fullscreen

    m = folium.Map(tiles=None)
    Fullscreen().add_to(m)
    with pytest.raises(neageo.ExportError, match=r"leaflet\.fullscreen@3\.0\.0/Control\.FullScreen\.min\.js"):
        neageo.save_offline(m, tmp_path / "fs.html")
    assert not (tmp_path / "fs.html").exists()
    with pytest.warns(UserWarning, match=r"Control\.FullScreen\.min\.js.*Control\.FullScreen\.css"):
        neageo.save_offline(m, tmp_path / "fs.html", missing="drop")
    assert "Control.FullScreen" not in (tmp_path / "fs.html").read_text(encoding="utf-8").split("</head>")[0]
    with pytest.raises(neageo.ExportError, match="missing must be"):
        neageo.save_offline(m, tmp_path / "fs.html", missing="ignore")


# -- in Chromium -------------------------------------------------------------------------------------

@pytest.mark.browser
def test_explore_draws_the_users_labels_on_the_paper_map(browser, tmp_path, built):
    m = neageo.explore(own_points(), base="tumen", label="name", popup=["name", "year"], gpkg=built)
    path = m.save(tmp_path / "own.html")
    assert path is not None
    page, seen = open_offline(browser, path)
    try:
        labels = page.evaluate(VISIBLE_LABELS_JS)
        for name in (*TEMPLATES, "<b>Research site</b>", "Kraskino field camp"):
            assert name in labels, (name, labels)  # exactly as typed: no template ran, no markup parsed
        assert "Hunchun" in labels  # and the paper's labels still there
        boxes = page.evaluate("""() => [...document.querySelectorAll('.nea-lab:not(.hidden) span')].map(s => {
            const r = s.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")
        assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                    if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5]
        page.locator(".nea-tools input[type=search]").fill("lipsum")
        page.locator(".nea-results button").first.click()
        assert TEMPLATES[2] in page.locator(".leaflet-popup-content").last.inner_text()
        assert page.locator(".nea-legend .row", has_text="Your data").is_visible()
        page.locator(".leaflet-control-layers").hover()
        assert "Your data" in page.locator(".leaflet-control-layers-overlays").inner_text()
        assert str(Path.cwd()) not in page.content()
        assert not seen["errors"] and not seen["external"]
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("missing", ["error", "drop"])
def test_save_offline_of_geodataframe_explore_draws_offline(browser, tmp_path, missing):
    gdf = own_points()
    lines = gpd.GeoDataFrame({"name": ["{{ 7*7 }} road"]}, crs=4326,
                             geometry=[shapely.LineString([(129.8, 42.2), (131.2, 43.1)])])
    m = gdf.explore(tiles=None)
    lines.explore(m=m)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every asset folium links has a packaged copy: nothing is dropped
        path = neageo.save_offline(m, tmp_path / f"explore-{missing}.html", missing=missing)
    page, seen = open_offline(browser, path)
    try:
        assert page.locator("path.leaflet-interactive").count() == 6  # five circle markers and the line
        # each point's tooltip, opened as a hover opens it (folium binds GeoJsonTooltip to the layer group)
        tips = page.evaluate("""() => {
            const map = Object.values(window).find(v => v instanceof L.Map), out = [];
            map.eachLayer(l => { if (l instanceof L.CircleMarker) {
                l.fire("mouseover", {latlng: l.getLatLng()}, true);
                const t = document.querySelector(".leaflet-tooltip");
                out.push(t ? t.innerText : "");
                l.fire("mouseout", {}, true); } });
            return out; }""")
        assert len(tips) == 5 and all(tips), tips
        box = page.locator("path.leaflet-interactive").nth(1).bounding_box()  # and a real hover
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_selector(".leaflet-tooltip", timeout=5000)
        text = "\n".join(tips)
        assert all(t in text for t in TEMPLATES), text  # as typed (folium itself puts values in as HTML)
        assert "raw %" not in text and "49" not in text
        assert not seen["errors"], seen["errors"]
        assert not seen["external"], seen["external"]
    finally:
        page.close()
