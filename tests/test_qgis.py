"""The GeoPackage and the project in real QGIS (Debian qgis + python3-qgis, offscreen)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from helpers.qgis_runner import PROBE, probe
from neageo.style import STYLES

ARTIFACTS = Path(__file__).parent / "artifacts"


def test_layer_styles_are_stored_the_way_qgis_reads_them(built):
    with sqlite3.connect(built) as con:
        rows = con.execute("SELECT f_table_schema, f_table_name, f_geometry_column, useAsDefault, styleQML "
                           "FROM layer_styles").fetchall()
        spatial = {t for (t,) in con.execute("SELECT table_name FROM gpkg_geometry_columns")}
        meta = con.execute("SELECT r.table_name, m.metadata FROM gpkg_metadata m JOIN gpkg_metadata_reference r "
                           "ON r.md_file_id = m.id WHERE m.md_standard_uri = 'http://mrcc.com/qgis.dtd'").fetchall()
    defaults = [t for s, t, g, d, q in rows if d == 1]
    assert sorted(defaults) == sorted(spatial)  # every spatial layer has exactly one default style
    assert all(s == "" and g == "geom" for s, t, g, d, q in rows)
    qml = {t: q for s, t, g, d, q in rows if d == 1}
    assert 'attr="segment"' in qml["borders"] and "categorizedSymbol" in qml["borders"]
    assert 'fieldName="name_en"' in qml["places"] and 'labelsEnabled="1"' in qml["customs_gates"]
    assert "255,217,47" in qml["customs_gates"]  # the web maps' gate yellow, #ffd92f
    for mixed in ("projects", "events"):  # one rule per geometry kind, each with a symbol of that kind
        assert 'type="RuleRenderer"' in qml[mixed]
        for kind, geometry in (("marker", "Point"), ("line", "Line"), ("fill", "Polygon")):
            assert f"geometry_type($geometry) = &apos;{geometry}&apos;" in qml[mixed].replace("'", "&apos;")
            assert f'type="{kind}"' in qml[mixed]
    assert {t for t, _ in meta} == spatial
    assert all("<license>" in m and "<title>" in m for _, m in meta)


def _project(built) -> str:
    with zipfile.ZipFile(built.with_suffix(".qgz")) as z:
        (name,) = z.namelist()
        return z.read(name).decode("utf-8")


def test_project_uses_relative_paths(built):
    xml = _project(built)
    assert "./neageo.gpkg|layername=places" in xml
    assert str(built.parent) not in xml  # nothing absolute
    assert '<Absolute type="bool">false</Absolute>' in xml


def test_project_labels_are_not_duplicated_or_repeated(built):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(_project(built).split("'SYSTEM'>", 1)[1])
    layers = {m.findtext("id"): m for m in root.iter("maplayer")}
    # a place named like a customs gate is labelled by the gate until the map is zoomed in far enough to
    # tell them apart (its own scale, from the distance between them); every other place at every scale
    labeling = layers["neageo_places"].find("labeling")
    assert labeling.get("type") == "rule-based"
    rules = {r.get("filter"): r for r in labeling.iter("rule")}
    scales = {f.split("= ")[1].strip("'"): int(r.get("scalemaxdenom")) for f, r in rules.items() if " = '" in f}
    assert set(scales) == {"Hunchun", "Heihe", "Hulin", "Suifenhe", "Tongjiang", "Manzhouli", "Dandong", "Sinuiju"}
    assert 100_000 < scales["Heihe"] < 250_000 and scales["Dandong"] < scales["Heihe"] < scales["Tongjiang"]
    (others,) = [f for f in rules if "NOT IN" in f]
    assert "'Heihe'" in others and "'Harbin'" not in others
    # a long line (the Dalian-Vanino sea route) is named once
    for lid in ("neageo_projects_linestring", "neageo_events_linestring"):
        assert layers[lid].find(".//placement").get("repeatDistance") == "0"
    # areas of projects and events are drawn below the borders and rivers
    order = [e.get("id") for e in root.find("layerorder")]
    assert order.index("neageo_borders") < order.index("neageo_projects_polygon")
    assert order.index("neageo_rivers") < order.index("neageo_events_polygon")


@pytest.mark.qgis
def test_project_opens_styled_in_qgis_from_a_moved_folder(qgis_python, built, tmp_path):
    moved = tmp_path / "somewhere" / "else"
    moved.mkdir(parents=True)
    shutil.copy(built, moved / "neageo.gpkg")
    shutil.copy(built.with_suffix(".qgz"), moved / "neageo.qgz")
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "qgis_project.png"
    out = probe(qgis_python, moved / "neageo.qgz", moved / "neageo.gpkg", png)
    assert out["read"]
    layers = out["layers"]
    import pyogrio

    counts = {n: pyogrio.read_info(built, layer=n)["features"] for n, _ in pyogrio.list_layers(built)}
    for lid, info in layers.items():
        assert info["valid"], lid
        assert str(moved) in info["source"], info["source"]  # resolved against the moved project
        table = info["source"].split("layername=")[1].split("|")[0]
        if "geometrytype" not in info["source"] and "subset" not in info["source"]:
            assert info["features"] == counts[table], lid
        style = STYLES[table]
        assert info["crs"] == "EPSG:4326", lid
        assert info["pixels"] > 0, f"{lid} draws nothing"
        assert info["metadata_title"] and info["metadata_licences"], lid  # the layer's metadata, in the project
        assert info["aliases"], lid  # field aliases, in the project
        # the renderer is neageo's, not a random default
        if style.kind == "any":
            assert info["renderer"] == "RuleRenderer", lid
        elif style.by and style.categories:
            assert info["renderer"] == "categorizedSymbol" and info["attr"] == style.by, lid
        else:
            assert info["renderer"] == "singleSymbol", lid
            expected = (style.default.fill if info["geometry"] in (0, 2) and style.default.fill else style.default.stroke)
            assert info["colours"][0].lower() == expected.lower(), (lid, info["colours"])
        if table in ("places", "customs_gates", "rivers", "provinces"):
            assert info["labels"], f"{lid} should be labelled"
    assert layers["neageo_places"]["aliases"]["name_en"] == "Name (English)"
    # the border in force today is on; the sections superseded in 2008 are a layer of their own, off
    superseded = layers["neageo_borders_superseded"]["features"]
    assert superseded >= 1 and layers["neageo_borders"]["features"] + superseded == counts["borders"]
    assert "neageo_borders_superseded" not in out["visible"]
    assert layers["neageo_places"]["metadata_title"] == "Places named in the paper"
    crs = out["crs"]  # the regional equal-area projection, measuring in metres on WGS84
    assert crs["valid"] and not crs["geographic"] and crs["units"] == "meters", crs
    assert "+proj=aea" in crs["proj"] and "+lat_1=40" in crs["proj"] and "+lon_0=128" in crs["proj"]
    assert crs["description"].startswith("neageo") and crs["ellipsoid"] == "EPSG:7030"
    w, s, e, n = out["view_extent"]
    assert -2e6 < w < 0 < e < 2e6 and -1e6 < s < 0 < n < 2e6  # metres around 128E 45N, not degrees
    order = out["tree_order"]
    assert order.index("neageo_customs_gates") < order.index("neageo_countries")  # points above the basemap
    # labels as placed by QGIS in the rendered view: each town or gate named once, a route once,
    # and no two labels of points overlap (the crowded Tumen corner included)
    from collections import Counter

    labels = out["labels"]
    count = Counter(lab["text"] for lab in labels)
    assert count["Hunchun"] == 1 and count["Heihe"] == 1 and count["Hulin"] == 1, count
    assert count["Dalian–Vanino sea route"] <= 1
    points = [lab for lab in labels if lab["layer"] in
              ("neageo_places", "neageo_customs_gates", "neageo_projects_point", "neageo_events_point")]
    assert len(points) > 20
    for i, a in enumerate(points):
        for b in points[i + 1:]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a["box"], b["box"]
            assert not (ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1), (a["text"], b["text"])
    assert out["png_saved"] and out["png_colours"] > 30, "the rendered PNG looks empty"
    assert png.stat().st_size > 50_000


@pytest.mark.qgis
def test_a_town_named_like_its_gate_is_labelled_once_zoomed_in(qgis_python, built, tmp_path):
    """Heihe: one label at the overview and at 1:400,000; the town and the gate each named at 1:120,000."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    found = {}
    for scale in (400_000, 120_000):
        png = tmp_path / f"heihe_{scale}.png"
        result = subprocess.run([qgis_python, str(PROBE.with_name("qgis_zoom_probe.py")), str(built.with_suffix(".qgz")),
                                 str(png), "127.52", "50.25", str(scale)], capture_output=True, text=True, env=env,
                                timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        out = json.loads(result.stdout.strip().splitlines()[-1])
        found[scale] = sorted(lab["layer"] for lab in out["labels"] if lab["text"] == "Heihe")
    assert found[400_000] == ["neageo_customs_gates"]
    assert found[120_000] == ["neageo_customs_gates", "neageo_places"]


@pytest.mark.qgis
def test_geopackage_layers_open_with_their_default_style_in_qgis(qgis_python, built, tmp_path):
    out = probe(qgis_python, built.with_suffix(".qgz"), built, tmp_path / "x.png")
    direct = out["direct"]
    for name, info in direct.items():
        if "|" in name:  # per-geometry sub-layers, checked below
            continue
        assert info["valid"] and info["style_loaded"], name
        assert info["metadata_title"], name
        assert info["metadata_licences"], name
    assert direct["borders"]["renderer"] == "categorizedSymbol"
    assert direct["customs_gates"]["colour"] == "#ffd92f" and direct["customs_gates"]["labels"]
    assert direct["places"]["alias_name_en"] == "Name (English)"
    # a mixed table opened as the per-geometry sub-layers QGIS offers: each draws its features
    for layer in ("projects", "events"):
        for gtype in ("Point", "LineString", "Polygon"):
            sub = direct[f"{layer}|{gtype}"]
            assert sub["valid"] and sub["features"] > 0 and sub["renderer"] == "RuleRenderer", (layer, gtype)
            assert sub["pixels"] > 50, f"{layer} {gtype} sub-layer draws nothing"


@pytest.mark.qgis
def test_exported_geopackage_opens_styled_in_qgis(qgis_python, built, tmp_path):
    import neageo

    neageo.export(fmt="gpkg", out=tmp_path / "export", layers=["places", "customs_gates", "borders", "projects"],
                  gpkg=built)
    exported = tmp_path / "export" / "neageo.gpkg"
    out = probe(qgis_python, built.with_suffix(".qgz"), built, tmp_path / "x.png", exported)
    direct = out["others"][str(exported)]
    for name in ("places", "customs_gates", "borders", "projects"):
        info = direct[name]
        assert info["valid"] and info["style_loaded"] and info["pixels"] > 0, name
        assert info["metadata_title"] and info["metadata_licences"], name
    assert direct["customs_gates"]["colour"] == "#ffd92f" and direct["customs_gates"]["labels"]
    assert direct["borders"]["renderer"] == "categorizedSymbol"
    assert direct["places"]["alias_name_en"] == "Name (English)"
    assert {"geonames_id", "population"} <= set(direct["places"]["integer_fields"])
    assert {"start_year", "end_year"} <= set(direct["projects"]["integer_fields"])
    assert direct["projects|LineString"]["pixels"] > 50
    assert not direct["rivers"]["valid"]  # not exported


@pytest.fixture(scope="module")
def pg_url():
    url = os.environ.get("NEAGEO_TEST_PG")
    if not url:
        pytest.skip("no PostgreSQL + PostGIS test server (scripts/test.sh starts one and sets NEAGEO_TEST_PG)")
    return url


@pytest.mark.qgis
@pytest.mark.postgis
def test_postgis_export_opens_editable_in_qgis(qgis_python, pg_url, built, tmp_path):
    import neageo

    counts = neageo.export_postgis(pg_url, schema="neageo_qgis", if_exists="replace",
                                   layers=["places", "projects", "paper_tables"], gpkg=built)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    specs = ["places", "paper_tables:none", "projects_point", "projects_line", "projects_polygon"]
    result = subprocess.run([qgis_python, str(PROBE.with_name("qgis_postgis_probe.py")), pg_url, "neageo_qgis",
                             *specs], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["places"] == {"valid": True, "features": counts["places"], "add": True, "change": True,
                             "geometry_type": 0}  # the primary key makes it editable
    assert out["paper_tables:none"]["valid"] and out["paper_tables:none"]["change"]
    # the mixed table, one typed view per kind: each opens without a type filter, together every feature
    views = [out[f"projects_{k}"] for k in ("point", "line", "polygon")]
    assert all(v["valid"] for v in views) and [v["geometry_type"] for v in views] == [0, 1, 2]
    assert sum(v["features"] for v in views) == counts["projects"]
