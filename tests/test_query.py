"""Queries in Python and on the command line, on the real GeoPackage."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

import neageo
from neageo import DataError, LayerNotFound, NotDownstream, PlaceNotFound, QueryError
from neageo.geodesy import GEOD

REPO = Path(__file__).resolve().parents[1]


def run_cli(*args, env_gpkg=None):
    import os

    env = dict(os.environ)
    if env_gpkg:
        env["NEAGEO_GPKG"] = str(env_gpkg)
    return subprocess.run([sys.executable, "-m", "neageo.cli", *args], capture_output=True, text=True, env=env)


def test_layers_and_read(built):
    cat = neageo.layers(gpkg=built).set_index("name")
    assert cat.loc["places", "kind"] == "spatial" and cat.loc["paper_tables", "kind"] == "table"
    assert cat.loc["customs_gates", "features"] == 7
    gates = neageo.read("customs_gates", gpkg=built)
    assert gates.crs.to_epsg() == 4326 and len(gates) == 7
    rus = neageo.read("customs_gates", where="partner_iso = 'RUS'", gpkg=built)
    assert len(rus) == 6
    box = neageo.read("places", bbox=(124, 39.5, 125, 40.5), gpkg=built)
    assert {"Sinuiju", "Dandong", "Sindo"} <= set(box["name_en"]) and "Harbin" not in set(box["name_en"])
    assert "value" in neageo.read("paper_tables", gpkg=built).columns


def test_read_errors_are_clear(built, tmp_path):
    with pytest.raises(LayerNotFound, match=r"has no layer 'placez'; it has: .*places"):
        neageo.read("placez", gpkg=built)
    with pytest.raises(DataError, match="GeoPackage not found"):
        neageo.read("places", gpkg=tmp_path / "missing.gpkg")
    broken = tmp_path / "broken.gpkg"
    broken.write_bytes(built.read_bytes()[:50_000])
    with pytest.raises(DataError):
        neageo.read("places", gpkg=broken)
    text = tmp_path / "text.gpkg"
    text.write_text("not a database")
    with pytest.raises(DataError, match="not a"):
        neageo.layers(gpkg=text)
    with pytest.raises(QueryError, match="bbox"):
        neageo.read("places", bbox=(130, 50, 120, 40), gpkg=built)


def test_distance_is_geodesic_and_symmetric(built):
    d = neageo.distance_km("Sinuiju", "Dandong", gpkg=built)
    s, dd = neageo.find("Sinuiju", gpkg=built).geometry.iloc[0], neageo.find("Dandong", gpkg=built).geometry.iloc[0]
    assert d == pytest.approx(GEOD.inv(s.x, s.y, dd.x, dd.y)[2] / 1000, rel=1e-6)
    assert 2 < d < 5
    assert neageo.distance_km("Dandong", "Sinuiju", gpkg=built) == pytest.approx(d)
    assert neageo.distance_km("Harbin", "Harbin", gpkg=built) == 0
    # point to area: zero inside, positive outside
    assert neageo.distance_km("Harbin", "Heilongjiang", gpkg=built) == 0
    assert 50 < neageo.distance_km("Vladivostok", "Heilongjiang", gpkg=built) < 90  # its south tip near Dongning
    # Khabarovsk-Vladivostok published road-free great circle: about 650 km
    assert neageo.distance_km("Khabarovsk", "Vladivostok", gpkg=built) == pytest.approx(650, rel=0.05)


def test_near_agrees_with_brute_force(built):
    centre = (130.5, 42.6)
    got = neageo.near(centre, km=120, layers=["places"], gpkg=built)
    places = neageo.read("places", gpkg=built)
    _, _, d = GEOD.inv(np.full(len(places), centre[0]), np.full(len(places), centre[1]),
                       places.geometry.x.to_numpy(), places.geometry.y.to_numpy())
    expected = places.assign(d=d / 1000)[lambda f: f["d"] <= 120].sort_values("d")
    assert list(got["name"]) == list(expected["name_en"])
    assert np.allclose(got["distance_km"], expected["d"], atol=0.001)
    assert got["distance_km"].is_monotonic_increasing
    # a full GeoDataFrame: CRS, reprojection, slicing, GeoJSON all work on the result
    import geopandas as gpd

    assert isinstance(got, gpd.GeoDataFrame) and got.crs.to_epsg() == 4326
    assert got.to_crs(3857).crs.to_epsg() == 3857 and got.iloc[:2].crs.to_epsg() == 4326
    assert got.geometry.geom_type.eq("Point").all() and '"FeatureCollection"' in got.to_json()


def test_near_leaves_out_the_target_and_measures_lines(built):
    res = neageo.near("Sinuiju", km=10, layers=["places", "projects"], gpkg=built)
    assert "Sinuiju" not in set(res.loc[res["layer"] == "places", "name"])
    bridge = res[res["name"] == "Second Yalu bridge"]
    # the New Yalu River Bridge, measured to its nearest end (its Korean end), not its middle
    assert 6.0 < bridge["distance_km"].iloc[0] < 7.0


@pytest.mark.parametrize("km", [-1, math.nan, math.inf, 1e9, "ten"])
def test_bad_radius(built, km):
    with pytest.raises(QueryError, match="km must be"):
        neageo.near("Harbin", km=km, gpkg=built)


@pytest.mark.parametrize("point", [(math.nan, 40), (200, 40), (120, -95), ("a", "b")])
def test_bad_coordinates(built, point):
    with pytest.raises(QueryError):
        neageo.near(point, km=5, gpkg=built)


def test_within(built):
    prim = neageo.within("Primorsky Krai", "places", gpkg=built)
    assert {"Vladivostok", "Ussuriysk", "Posyet", "Zarubino", "Nakhodka"} <= set(prim["name_en"])
    assert "Harbin" not in set(prim["name_en"])
    rivers = neageo.within("North Korea", "rivers", gpkg=built).set_index("name_en")
    assert set(rivers.index) >= {"Yalu", "Tumen"} and "Amur" not in rivers.index
    assert 0 < rivers.loc["Yalu", "share_inside"] < 1
    assert "Blagoveshchensk" in set(neageo.within("Amur", "places", gpkg=built)["name_en"])  # the oblast, not the river
    with pytest.raises(QueryError, match="not an area"):
        neageo.within(shapely.LineString([(120, 40), (121, 41)]), "places", gpkg=built)
    with pytest.raises(QueryError, match="Yalu is not an area: it is a line in rivers"):
        neageo.within("Yalu", "places", gpkg=built)  # a river is not an area to search
    with pytest.raises(PlaceNotFound, match="no province or country is called 'Atlantis'"):
        neageo.within("Atlantis", "places", gpkg=built)


def test_within_a_place_says_it_is_not_an_area(built):
    with pytest.raises(QueryError, match="Hunchun is not an area: it is a point in places"):
        neageo.within("Hunchun", "places", gpkg=built)
    # any polygon feature can be chosen with layer:name
    zone = neageo.within("projects:Najin–Seonbong Economic Zone", "places", gpkg=built)
    assert {"Najin", "Seonbong"} <= set(zone["name_en"])


def test_near_leaves_out_only_the_target_feature(built):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = neageo.near("Hunchun", km=50, gpkg=built)
    here = res[res["distance_km"] == 0]
    # the free-trade market sits exactly on the town's point: kept; the town itself: left out
    assert "Hunchun Sino-Russian free trade market" in set(here["name"])
    assert not ((res["layer"] == "places") & (res["name"] == "Hunchun")).any()
    assert ((res["layer"] == "customs_gates") & (res["name"] == "Hunchun")).any()  # another feature of that name
    gate = neageo.near("customs_gates:Hunchun", km=50, gpkg=built)
    assert ((gate["layer"] == "places") & (gate["name"] == "Hunchun")).any()
    assert not ((gate["layer"] == "customs_gates") & (gate["name"] == "Hunchun")).any()


def test_a_name_shared_by_a_place_and_a_gate_warns_and_can_be_chosen(built):
    from neageo.gazetteer import AmbiguousName

    with pytest.warns(AmbiguousName, match=r"using places:Hunchun .*customs_gates:Hunchun"):
        town = neageo.distance_km("Hunchun", "Vladivostok", gpkg=built)
    gate = neageo.distance_km("customs_gates:Hunchun", "Vladivostok", gpkg=built)
    place = neageo.distance_km("places:Hunchun", "Vladivostok", gpkg=built)
    assert town == place and gate != place
    g = neageo.find("customs_gates:Hunchun", gpkg=built)
    assert list(g["layer"]) == ["customs_gates"]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a city and a province's alias is not ambiguous
        neageo.distance_km("Khabarovsk", "Harbin", gpkg=built)
    r = run_cli("distance", "Hunchun", "Vladivostok", "--gpkg", str(built))
    assert r.returncode == 0
    assert r.stderr.strip().splitlines() == [
        ("neageo: note: 'Hunchun' names 2 features; using places:Hunchun (also customs_gates:Hunchun); "
         "write e.g. 'customs_gates:Hunchun' to choose")]
    r = run_cli("near", "customs_gates:Hunchun", "--km", "20", "--layer", "places", "--gpkg", str(built),
                "--format", "csv")
    assert r.returncode == 0 and r.stderr == "" and "Hunchun" in r.stdout


def test_read_keeps_integer_columns_integers(built):
    places = neageo.read("places", gpkg=built)
    assert str(places["geonames_id"].dtype) == "Int64" and places["geonames_id"].isna().any()
    assert 2037013 in set(places["geonames_id"].dropna())
    projects = neageo.read("projects", gpkg=built)
    for col in ("start_year", "end_year", "location_precision"):
        assert pd.api.types.is_integer_dtype(projects[col]), col
    assert int(projects.set_index("project_id").loc["sinuiju_sar", "start_year"]) == 2002
    assert pd.api.types.is_integer_dtype(neageo.read("events", gpkg=built)["year"])
    assert pd.api.types.is_integer_dtype(neageo.read("paper_tables", gpkg=built)["year"])


def test_find_on_an_unrelated_geopackage_says_what_is_missing(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    other = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"name": ["X"]}, geometry=[Point(1, 2)], crs=4326).to_file(other, layer="places")
    with pytest.raises(DataError, match="layer 'places' has no column"):
        neageo.find("X", gpkg=other)
    r = run_cli("find", "X", "--gpkg", str(other))
    assert r.returncode == 5 and len(r.stderr.strip().splitlines()) == 1
    assert "is it a neageo GeoPackage" in r.stderr and "KeyError" not in r.stderr


def test_neageo_gpkg_pointing_at_a_folder_or_nothing(tmp_path):
    r = run_cli("layers", env_gpkg=tmp_path)
    assert r.returncode == 5
    assert r.stderr.strip() == (f"neageo: error: NEAGEO_GPKG={tmp_path} is a directory, not a GeoPackage file; "
                                "point NEAGEO_GPKG at the .gpkg file, or unset it")
    r = run_cli("near", "Harbin", "--km", "5", env_gpkg=tmp_path / "nope.gpkg")
    assert r.returncode == 5 and len(r.stderr.strip().splitlines()) == 1
    assert "NEAGEO_GPKG" in r.stderr and "no such file" in r.stderr and "neageo build" not in r.stderr
    with pytest.raises(DataError, match="is a directory"):
        neageo.read("places", gpkg=tmp_path)


def test_cli_within_and_border(built):
    r = run_cli("within", "Primorsky Krai", "places", "--format", "csv", "--gpkg", str(built))
    assert r.returncode == 0 and "Vladivostok" in r.stdout and "Harbin" not in r.stdout
    r = run_cli("within", "Hunchun", "places", "--gpkg", str(built))
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        ("neageo: error: Hunchun is not an area: it is a point in places; "
         "within() takes a province, a country or a polygon")]
    r = run_cli("border", "China", "North Korea", "--format", "json", "--gpkg", str(built))
    total = neageo.border_length_km("China", "North Korea", gpkg=built)
    assert r.returncode == 0 and json.loads(r.stdout)[0]["length_km"] == total
    r = run_cli("border", "CHN", "PRK", "--by-segment", "--format", "csv", "--gpkg", str(built))
    assert r.stdout.splitlines()[0].startswith("segment,length_km") and "Yalu" in r.stdout


def test_cli_maps_without_the_maps_extra_is_one_line(built, tmp_path):
    # a Python where the [maps] extra is not installed: its imports fail
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class _Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('folium', 'xstatic'):\n"
        "            raise ImportError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _Block())\n")
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-m", "neageo.cli", "maps", "--gpkg", str(built), "--out-dir",
                        str(tmp_path / "maps")], capture_output=True, text=True, env=env)
    assert r.returncode == 1, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'neageo[maps]'" in lines[0] and "Traceback" not in r.stderr


def test_river_path(built):
    res = neageo.river_path("Jilin City", "Khabarovsk", gpkg=built).iloc[0]
    assert res["rivers"] == "Songhua > Amur"
    assert 1_200 < res["length_km"] < 1_700
    assert res["start_offset_km"] < 5 and res["end_offset_km"] < 5
    harbin = neageo.river_path("Jilin City", "Harbin", gpkg=built).iloc[0]
    assert harbin["length_km"] < res["length_km"]
    with pytest.raises(NotDownstream, match="upstream"):
        neageo.river_path("Khabarovsk", "Jilin City", gpkg=built)
    with pytest.raises(NotDownstream, match="not downstream"):
        neageo.river_path("Harbin", "Dandong", gpkg=built)


def test_border_length(built):
    total = neageo.border_length_km("China", "North Korea", gpkg=built)
    assert isinstance(total, float)
    segs = neageo.border_segments_km("CHN", "PRK", gpkg=built).set_index("segment")
    assert total == pytest.approx(segs["length_km"].sum(), abs=0.05)
    # the flag form still works (existing code), and gives the same frame
    old_style = neageo.border_length_km("CHN", "PRK", by_segment=True, gpkg=built).set_index("segment")
    assert old_style.equals(segs)
    assert set(segs.index) == {"Yalu", "Tumen", "land"}
    assert neageo.border_length_km("North Korea", "China", gpkg=built) == total
    with pytest.raises(QueryError, match="no border"):
        neageo.border_length_km("Japan", "Russia", gpkg=built)
    with pytest.raises(PlaceNotFound):
        neageo.border_length_km("Atlantis", "China", gpkg=built)


def test_paper_questions_example(built):
    sys.path.insert(0, str(REPO / "examples"))
    try:
        from paper_questions import answers
    finally:
        sys.path.pop(0)
    a = answers(built)
    assert 2 < a["sinuiju_dandong_km"] < 5
    assert a["gate_segments"]["Heihe"] == "CHN-RUS Amur" and a["gate_segments"]["Dandong–Sinuiju"] == "CHN-PRK Yalu"
    assert len(a["gate_distances_km"]) == 21
    assert a["benzene_rivers"] == "Songhua > Amur" and 1_200 < a["benzene_path_km"] < 1_700
    assert set(a["china_russia_border_provinces_km"]) == {
        "Heilongjiang", "Amur Oblast", "Zabaykalsky Krai", "Primorsky Krai", "Inner Mongolia",
        "Jewish Autonomous Oblast", "Khabarovsk Krai", "Jilin"}
    assert a["china_russia_border_outside_layer_km"] >= 0
    assert {"Najin", "Seonbong", "Posyet", "Kraskino"} <= set(a["places_within_50km_of_tumen_mouth"])
    assert "Vladivostok" not in a["places_within_50km_of_tumen_mouth"]
    assert a["railway"]["median_km_from_border"] < 60


def test_cli_formats(built):
    r = run_cli("near", "Sinuiju", "--km", "10", "--layer", "places", "--format", "geojson", env_gpkg=built)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["type"] == "FeatureCollection" and doc["features"][0]["properties"]["name"] == "Dandong"
    r = run_cli("find", "琿春", "--format", "json", "--gpkg", str(built))
    rows = json.loads(r.stdout)
    assert rows[0]["name_en"] == "Hunchun" and rows[0]["geometry"]["type"] == "Point"
    r = run_cli("distance", "Sinuiju", "Dandong", "--format", "csv", "--gpkg", str(built))
    assert r.stdout.splitlines()[0] == "from,to,distance_km" and r.stdout.splitlines()[1].startswith("Sinuiju,Dandong,3.")
    r = run_cli("path", "Jilin City", "Khabarovsk", "--gpkg", str(built))
    assert r.returncode == 0 and "Songhua > Amur" in r.stdout
    r = run_cli("near", "130.69,42.30", "--km", "30", "--layer", "places", "--format", "csv", "--gpkg", str(built))
    assert "Seonbong" in r.stdout
    r = run_cli("layers", "--gpkg", str(built), "--format", "csv")
    assert "customs_gates" in r.stdout
    r = run_cli("info", "rivers", "--gpkg", str(built))
    assert "length_km" in r.stdout and "Geodesic length" in r.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["find", "Harbinn"], 6, "closest: Harbin"),
        (["near", "Harbin", "--km", "-5"], 2, "km must be"),
        (["near", "Harbin", "--km", "nan"], 2, "km must be"),
        (["near", "Harbin"], 2, "Missing option '--km'"),
        (["path", "Khabarovsk", "Jilin City"], 2, "upstream"),
        (["info", "nope"], 5, "has no layer 'nope'"),
        (["find", ""], 2, "empty"),
        (["distance", "Harbin", "200,100"], 2, "not a lon/lat position"),
    ],
)
def test_cli_user_errors_are_one_line(built, args, code, message):
    r = run_cli(*args, "--gpkg", str(built)) if args[0] != "near" or "--km" in args else run_cli(*args)
    assert r.returncode == code, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("neageo: error: ")


def test_cli_missing_gpkg(tmp_path):
    r = run_cli("layers", env_gpkg=tmp_path / "none.gpkg")
    assert r.returncode == 5 and "GeoPackage not found" in r.stderr


def test_first_match_is_finds_first_row(built):
    from neageo.gazetteer import _index, first_match

    keys, _, spelling, _ = _index(str(built), built.stat().st_mtime_ns)
    names = [spelling[k] for k in sorted(keys)]
    assert len(names) > 300
    cases = [(n, None) for n in names[::4]]  # every layer's names, a quarter of them (find() is the slow oracle)
    cases += [(n, layers) for n in ("Shinuiju", "琿春", "amur", "Jilin", "Primorsky Krai", "Tumen", "Vladivostock")
              for layers in (None, ["provinces", "countries"], ["events"], ["rivers"])]
    for name, layers in cases:
        try:
            row = neageo.find(name, layers=layers, gpkg=built).iloc[0]
        except PlaceNotFound as exc:
            with pytest.raises(PlaceNotFound, match=re.escape(str(exc))):
                first_match(name, layers=layers, gpkg=built)
            continue
        geom, label, layer = first_match(name, layers=layers, gpkg=built)
        assert (label, layer) == (str(row["name_en"]), row["layer"]), name
        assert geom.equals_exact(row.geometry, 0), name
