"""Hardening: broken sources, killed and concurrent builds, hostile strings, fuzzing."""

from __future__ import annotations

import csv
import math
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neageo
from helpers.browser import OPEN_EVERY_JS, open_offline
from helpers.common import SOURCES, cli, md5
from helpers.qgis_runner import probe
from neageo import NeageoError, NotDownstream, PlaceNotFound, QueryError, SourceError
from neageo.geodesy import GEOD
from neageo.sources import Sources, read_table

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# -- bad sources: one line, file + row + problem, last good file untouched --------------------------

def _edit_csv(path: Path, fn):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    fn(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


BAD_SOURCES = {
    "malformed row": ("places/places.csv", lambda p: p.write_text(p.read_text(encoding="utf-8") + 'x,"unclosed\n', encoding="utf-8"),
                      r"places.csv(, row \d+)?: "),
    "missing column": ("paper/events.csv", lambda p: _edit_csv(p, lambda r: r[0].__setitem__(1, "when")),
                       r"events.csv: missing column\(s\) 'date'"),
    "non-numeric": ("paper/text_figures.csv", lambda p: _edit_csv(p, lambda r: r[3].__setitem__(5, "many")),
                    r"text_figures.csv, row 4: column 'value' must be a number, not 'many'"),
    "non-numeric table cell": ("paper/table1.csv", lambda p: _edit_csv(p, lambda r: r[2].__setitem__(3, "n/a")),
                               r"table1.csv, row 3: column 'exports@2003' must be a number, not 'n/a'"),
    "duplicate id": ("paper/projects.csv", lambda p: _edit_csv(p, lambda r: r.append(list(r[1]))),
                     r"projects.csv, row \d+: duplicate project_id 'sinuiju_sar'"),
    "outside the region": ("places/places.csv", lambda p: _edit_csv(p, lambda r: (r[29].__setitem__(9, "2.35"), r[29].__setitem__(10, "48.85"))),
                           r"places.csv, row 30: coordinates \(2.35, 48.85\) lie outside"),
    "bad date": ("paper/events.csv", lambda p: _edit_csv(p, lambda r: r[5].__setitem__(1, "2002-13")),
                 r"events.csv, row 6: date '2002-13' does not match"),
    "empty file": ("hydro/rivers.csv", lambda p: p.write_text("", encoding="utf-8"), r"rivers.csv: file is empty"),
    "not UTF-8": ("boundaries/country_names.csv", lambda p: p.write_bytes(p.read_bytes().replace("中国".encode(), "中国".encode("gb18030"))),
                  r"country_names.csv: not valid UTF-8"),
    "wrong CRS": ("hydro/gshhg_coastline.geojson", lambda p: p.write_text(p.read_text().replace("OGC:1.3:CRS84", "EPSG::32652")),
                  r"gshhg_coastline.geojson: coordinates must be WGS84 lon/lat"),
}


@pytest.mark.parametrize("case", sorted(BAD_SOURCES))
def test_bad_source_gives_one_line_and_keeps_the_last_good_file(built, sources_copy, tmp_path, case):
    rel, edit, pattern = BAD_SOURCES[case]
    edit(sources_copy / rel)
    out = tmp_path / "neageo.gpkg"
    out.write_bytes(built.read_bytes())
    before = md5(out)
    r = cli("build", "--sources", str(sources_copy), "--out", str(out))
    lines = r.stderr.strip().splitlines()
    assert r.returncode == SourceError.exit_code, r.stderr
    assert len(lines) == 1 and lines[0].startswith("neageo: error: "), r.stderr
    import re

    assert re.search(pattern, lines[0]), lines[0]
    assert md5(out) == before
    assert not list(tmp_path.glob(".*tmp*"))


# -- killed and concurrent builds ------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_versions(tmp_path_factory, built):
    """Sources for an 'old' build and the real ones for a 'new' build, and both results.

    The 'new' result is the session's build of the committed sources (builds are
    byte-identical: tests/test_build.py), copied rather than built again.
    """
    import shutil

    root = tmp_path_factory.mktemp("versions")
    old_src = root / "old" / "geodata" / "sources"
    shutil.copytree(SOURCES, old_src)
    p = old_src / "places" / "places.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("Kim, Relations between Sinuiju and Dandong", "old citation"),
                 encoding="utf-8")
    old, new = root / "old.gpkg", root / "new.gpkg"
    neageo.build(sources=old_src, out=old)
    shutil.copyfile(built, new)
    assert md5(old) != md5(new)
    return SOURCES, old, new


def _intact(path: Path) -> bool:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
def test_killing_the_build_never_leaves_a_broken_file(two_versions, tmp_path):
    sources, old, new = two_versions
    out = tmp_path / "neageo.gpkg"
    rng = random.Random(20261129)
    outcomes = {"old": 0, "new": 0}
    for _ in range(8):
        out.write_bytes(old.read_bytes())
        proc = subprocess.Popen([sys.executable, "-m", "neageo.cli", "build", "--sources", str(sources), "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 7.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        digest = md5(out)
        assert digest in (md5(old), md5(new)), "the GeoPackage is neither the old nor the new complete file"
        assert _intact(out)
        outcomes["old" if digest == md5(old) else "new"] += 1
    # a later build cleans up what the killed ones left behind
    r = cli("build", "--sources", str(sources), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert md5(out) == md5(new)
    assert not list(tmp_path.glob(".neageo.gpkg.*.tmp.gpkg"))
    print(f"kill outcomes: {outcomes}")


@pytest.mark.slow
def test_two_builds_at_once_do_not_corrupt(two_versions, tmp_path):
    sources, _old, new = two_versions
    out = tmp_path / "neageo.gpkg"
    procs = [subprocess.Popen([sys.executable, "-m", "neageo.cli", "build", "--sources", str(sources), "--out", str(out)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read()
    assert md5(out) == md5(new) and _intact(out)


# -- fuzzing ---------------------------------------------------------------------------------------

@FUZZ
@given(st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=7), max_size=6))
def test_fuzz_csv_loader_raises_only_source_errors(tmp_path, rows):
    path = tmp_path / "x" / "fuzz.csv"
    path.parent.mkdir(exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    try:
        frame = read_table(Sources(tmp_path), "x", "fuzz.csv", columns={"a": "str", "n": "float", "k": "int"},
                           optional=("n",), key="a")
    except SourceError:
        return
    assert list(frame.columns[:3]) == ["a", "n", "k"]
    assert all(isinstance(v, int) for v in frame["k"])
    assert all(v is None or math.isfinite(v) for v in frame["n"])


@FUZZ
@given(st.text(max_size=40))
def test_fuzz_find(built, name):
    try:
        hits = neageo.find(name, gpkg=built)
    except (PlaceNotFound, QueryError):
        return
    assert len(hits) >= 1 and set(hits["layer"]) <= {"places", "customs_gates", "provinces", "countries", "rivers",
                                                     "projects", "events"}


LONLAT = st.tuples(st.floats(110, 150, allow_nan=False), st.floats(35, 58, allow_nan=False))


@FUZZ
@given(LONLAT, st.floats(0, 400, allow_nan=False))
def test_fuzz_near_agrees_with_brute_force(built, point, km):
    got = neageo.near(point, km=km, layers=["places"], gpkg=built)
    places = neageo.read("places", gpkg=built)
    _, _, d = GEOD.inv(np.full(len(places), point[0]), np.full(len(places), point[1]),
                       places.geometry.x.to_numpy(), places.geometry.y.to_numpy())
    d = d / 1000
    expect = set(places.loc[d <= km - 1e-6, "name_en"])
    maybe = set(places.loc[np.abs(d - km) <= 1e-6, "name_en"])  # exactly on the circle: either is right
    assert expect <= set(got["name"]) <= expect | maybe
    assert (got["distance_km"] >= 0).all() and got["distance_km"].is_monotonic_increasing


@FUZZ
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5)), LONLAT)
def test_fuzz_near_bad_radius_is_a_query_error(built, km, point):
    try:
        neageo.near(point, km=km, layers=["places"], gpkg=built)
    except QueryError:
        return
    assert isinstance(km, float) and 0 <= km <= 20_037.5


@FUZZ
@given(LONLAT, LONLAT)
def test_fuzz_distance_symmetric_and_non_negative(built, a, b):
    d1 = neageo.distance_km(a, b, gpkg=built)
    d2 = neageo.distance_km(b, a, gpkg=built)
    assert d1 >= 0 and d1 == pytest.approx(d2, abs=1e-6)
    assert d1 == pytest.approx(GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000, abs=1e-6)


PLACE_NAMES = ["Jilin City", "Harbin", "Jiamusi", "Tongjiang", "Khabarovsk", "Heihe", "Dandong", "Sinuiju", "Hyesan",
               "Musan", "Tumen", "Hunchun", "Vladivostok", "Blagoveshchensk", "Manzhouli"]


@FUZZ
@given(st.sampled_from(PLACE_NAMES), st.sampled_from(PLACE_NAMES))
def test_fuzz_river_path(built, a, b):
    try:
        res = neageo.river_path(a, b, gpkg=built).iloc[0]
    except (NotDownstream, QueryError):
        return
    assert res["length_km"] > 0 or a == b
    # downstream is one-way: the reverse path does not exist unless both sit on the same spot
    if res["length_km"] > 5:
        with pytest.raises(NeageoError):
            neageo.river_path(b, a, gpkg=built)


# -- hostile strings in every text field ----------------------------------------------------------

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    '"><svg onload=window.__xss=3>',
    "'-alert(4)-'",
    "javascript:window.__xss=5",
    "</script><script>window.__xss=6</script>",
    "{{7*7}} ${window.__xss=7}",
    '<a href="javascript:window.__xss=8">link</a>',
    "&lt;b&gt;pre-escaped&lt;/b&gt; & <b>bold</b>",
    "'; DROP TABLE places; --",
    # template payloads: folium renders each macro's output as a Jinja template a second time
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{{ lipsum.__globals__.os.getcwd() }}",
]

#: file -> text columns that carry free text (identifiers and geometry specs left alone)
TEXT_FIELDS = {
    "places/places.csv": ["name_zh", "name_ru", "name_ko", "aliases", "kind", "citation"],
    "paper/projects.csv": ["name_local", "project_type", "status", "period_text", "actors", "location_note",
                           "description", "citation"],
    "paper/events.csv": ["date_source", "title", "event_type", "description", "citation"],
    "paper/customs_gates.csv": ["name_zh", "name_ru", "name_ko", "aliases", "crossing", "citation"],
    "paper/text_figures.csv": ["statement", "citation", "unit"],
    "hydro/rivers.csv": ["name_zh", "name_ru", "name_ko", "aliases", "note"],
    "boundaries/province_names.csv": ["name_zh", "name_ru", "name_ko", "aliases"],
    "boundaries/country_names.csv": ["name_zh", "name_ru", "name_ko", "aliases"],
}
#: and these English names, which labels and titles show
NAME_ROWS = {"places/places.csv": ("place_id", ["harbin", "sinuiju", "vladivostok", "najin", "heihe"])}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A build and maps from sources with a payload in every free-text field."""
    import shutil

    root = tmp_path_factory.mktemp("hostile_all")
    src = root / "geodata" / "sources"
    shutil.copytree(SOURCES, src)
    used = 0
    for rel, cols in TEXT_FIELDS.items():
        path = src / rel
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                p = PAYLOADS[(i + j) % len(PAYLOADS)]
                r[c] = f"{r[c]} {p}" if c != "aliases" else f"{r[c]}|{p}"
                used += 1
            if rel in NAME_ROWS and r[NAME_ROWS[rel][0]] in NAME_ROWS[rel][1]:
                r["name_en"] = f"{r['name_en']} {PAYLOADS[i % len(PAYLOADS)]}"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
    gpkg = root / "geodata" / "neageo.gpkg"
    neageo.build(sources=src, out=gpkg)
    return {"gpkg": gpkg, "root": root, "fields": used}


@pytest.fixture(scope="module")
def hostile_maps(hostile) -> Path:
    """Every map and the index page rendered from the hostile build (slow: CI runs it; the default run has
    test_maps' hostile overview and Sinuiju pages)."""
    from neageo.maps import render_all

    maps = hostile["root"] / "maps"
    render_all(gpkg=hostile["gpkg"], out_dir=maps)
    return maps


def test_payloads_survive_as_data(hostile):
    places = neageo.read("places", gpkg=hostile["gpkg"])
    assert places["name_en"].str.contains("<script>window.__xss=1</script>", regex=False).any()
    events = neageo.read("events", gpkg=hostile["gpkg"])
    assert events["description"].str.contains('onerror="window.__xss=2"', regex=False).any()
    assert hostile["fields"] > 600


@pytest.mark.slow
def test_payloads_never_reach_map_html_raw(hostile_maps):
    from helpers.pages import page_text

    for page in hostile_maps.glob("*.html"):
        text = page_text(page)  # the HTML and the scripts its bundle carries
        assert "49 ${window" not in text, page.name  # no template engine evaluated "{{7*7}}"
        assert str(Path.cwd()) not in text, page.name  # nor ran Python for "{{ lipsum... }}"
        for p in PAYLOADS:
            if "<" in p or ">" in p:
                assert p not in text, (page.name, p)
        html = page.read_text(encoding="utf-8")
        assert html.count("<script") == html.count("</script>"), page.name


def test_payloads_are_escaped_in_exports(hostile, tmp_path):
    neageo.export(fmt="kml", out=tmp_path / "kml", layers=["places"], gpkg=hostile["gpkg"])
    kml = (tmp_path / "kml" / "places.kml").read_text(encoding="utf-8")
    assert "<script>" not in kml and "&lt;script&gt;" in kml
    neageo.export(fmt="geojson", out=tmp_path / "gj", layers=["places"], gpkg=hostile["gpkg"])
    import json

    doc = json.loads((tmp_path / "gj" / "places.geojson").read_text(encoding="utf-8"))
    names = [f["properties"]["name_en"] for f in doc["features"]]
    assert any("<script>window.__xss=1</script>" in n for n in names)  # data, unchanged


@pytest.mark.slow
@pytest.mark.browser
def test_payloads_run_nothing_in_chromium(hostile_maps, browser):
    opened = 0
    for page_path in sorted(hostile_maps.glob("*.html")):
        if page_path.name == "index.html":
            continue
        page, seen = open_offline(browser, page_path)
        # open every popup and tooltip of every feature that has one, and show every label
        opened += page.evaluate(OPEN_EVERY_JS)
        page.wait_for_timeout(300)
        # the template payloads reached the page's data exactly as typed (nothing evaluated them)
        typed = page.evaluate("""(ps) => ps.filter(p => nea.features.some(f => JSON.stringify(f.p).includes(p)))""",
                              ["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ lipsum.__globals__.os.getcwd() }}"])
        if page_path.stem in ("overview", "customs_gates", "sinuiju_dandong", "tumen"):
            assert len(typed) == 3, (page_path.name, typed)
        assert page.evaluate("typeof window.__xss") == "undefined", page_path.name
        assert not seen["dialogs"], page_path.name
        assert page.locator(".leaflet-popup-content script, .leaflet-popup-content img, .nea-lab img, "
                            ".leaflet-tooltip img, .leaflet-tooltip script, .leaflet-control-layers script, "
                            ".leaflet-control-layers img").count() == 0
        page.close()
    assert opened > 100


@pytest.mark.qgis
def test_payloads_are_plain_label_text_in_qgis(hostile, qgis_python, tmp_path):
    out = probe(qgis_python, hostile["gpkg"].with_suffix(".qgz"), hostile["gpkg"], tmp_path / "hostile.png")
    assert out["read"] and all(info["valid"] for info in out["layers"].values())
    assert out["png_saved"] and out["png_colours"] > 30
    qml = sqlite3.connect(hostile["gpkg"]).execute(
        "SELECT styleQML FROM layer_styles WHERE f_table_name = 'places'").fetchone()[0]
    assert 'allowHtml="0"' in qml  # labels render text, never HTML
