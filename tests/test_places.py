"""Places, customs gates, projects and events: located, derived and cited."""

from __future__ import annotations

import pyogrio
import pytest
import shapely

import neageo
from neageo import PlaceNotFound, QueryError, SourceError
from neageo.geodesy import distance_km_lonlat, length_km, to_regional


@pytest.fixture(scope="module")
def layer(built):
    return lambda name: pyogrio.read_dataframe(built, layer=name)


@pytest.mark.parametrize(
    ("place", "province", "iso"),
    [("sinuiju", "North Pyongan", "PRK"), ("hunchun", "Jilin", "CHN"), ("vladivostok", "Primorsky Krai", "RUS"),
     ("manzhouli", "Inner Mongolia", "CHN"), ("najin", "Rason", "PRK"), ("khabarovsk", "Khabarovsk Krai", "RUS"),
     ("gaeseong", "North Hwanghae", "PRK"), ("dandong", "Liaoning", "CHN"), ("heihe", "Heilongjiang", "CHN"),
     ("blagoveshchensk", "Amur Oblast", "RUS"), ("musan", "North Hamgyong", "PRK"), ("sindo", "North Pyongan", "PRK")],
)
def test_places_fall_in_the_right_province(layer, place, province, iso):
    p = layer("places").set_index("place_id").loc[place]
    assert (p["province"], p["iso_a3"]) == (province, iso)


def test_every_place_is_located_and_cited(layer):
    places = layer("places")
    assert len(places) >= 40
    assert places["province"].notna().all() and places["citation"].str.len().min() > 5
    from_gn = places["geonames_id"].notna()
    assert from_gn.sum() >= 34
    assert (places.loc[~from_gn, "precision_km"] >= 1).all()
    assert places.loc[~from_gn, "coord_source"].str.startswith("manual").all()


@pytest.mark.parametrize(
    ("gate", "segment", "max_km"),
    # town centre to the OpenStreetMap border: Suifenhe 3.9 km, Manzhouli 3.0 km (Natural Earth had them closer)
    [("heihe", "Amur", 3), ("tongjiang", "Amur", 10), ("dandong_sinuiju", "Yalu", 3), ("suifenhe", "land", 5),
     ("manzhouli", "land", 4), ("hunchun", "land", 20), ("hulin", "land", 40)],
)
def test_gates_sit_on_their_border_segment(layer, gate, segment, max_km):
    gates = layer("customs_gates").set_index("gate_id")
    borders = layer("borders").set_index("border_id")
    g = gates.loc[gate]
    assert g["border_segment"] == segment
    seg = borders.loc[g["border_id"]]
    # the gate (its real crossing, or the nearest border point) is as far from its segment as it says
    assert to_regional(seg.geometry).distance(to_regional(g.geometry)) == pytest.approx(g["crossing_to_border_m"], abs=1)
    # the border point nearest the town is on the pair's border, as far from the town as it says
    nearest = shapely.Point(g["nearest_border_lon"], g["nearest_border_lat"])
    pair = borders[borders["countries"] == g["border"]]
    assert to_regional(shapely.union_all(pair.geometry.values)).distance(to_regional(nearest)) < 10  # metres
    assert g["town_to_border_km"] < max_km
    town = layer("places").set_index("name_en").loc[g["town"]]
    assert distance_km_lonlat(town.geometry.x, town.geometry.y, nearest.x, nearest.y) == pytest.approx(
        g["town_to_border_km"], abs=0.01)


def test_gates_carry_the_papers_figures(layer):
    gates = layer("customs_gates").set_index("gate_id")
    assert set(gates.index) == {"suifenhe", "heihe", "tongjiang", "hulin", "hunchun", "manzhouli", "dandong_sinuiju"}
    assert "582 US$ million" in gates.loc["heihe", "paper_figures"] and "fn. 9" in gates.loc["heihe", "paper_figures"]
    assert "2800" in gates.loc["suifenhe", "paper_figures"]
    assert gates.loc["manzhouli", "province"] == "Inner Mongolia" and gates.loc["hunchun", "province"] == "Jilin"
    assert gates.loc["dandong_sinuiju", "partner_town"] == "Sinuiju"


def test_projects_are_complete_and_honestly_located(layer):
    projects = layer("projects").set_index("project_id")
    for pid in ("sinuiju_sar", "najin_seonbong_zone", "gaeseong_zone", "mount_geumgang_zone", "tradp",
                "second_yalu_bridge", "ne_frontier_railway", "najin_hunchun_road", "najin_port_rights",
                "musan_iron_ore", "offshore_oil", "lingang_park", "hunchun_trade_market", "vladivostok_market",
                "ussuriysk_trade_centre", "primorsky_border_district", "wihwa_district", "bidan_district",
                "sindo_district", "sinuiju_terminal", "shenyang_khabarovsk_flights", "dalian_vanino_sea_route",
                "siberian_oil_pipeline"):
        assert pid in projects.index, pid
    assert projects.loc["lingang_park", "area_km2"] == pytest.approx(97, rel=0.02)
    assert projects.loc["shenyang_khabarovsk_flights", "length_km"] == pytest.approx(1_300, rel=0.15)
    assert projects.loc["siberian_oil_pipeline"].geometry.geom_type == "MultiLineString"
    assert projects.loc["tradp"].geometry.geom_type == "Polygon"
    assert projects.loc["najin_seonbong_zone", "location_precision"] == 4
    assert projects["description"].str.len().min() > 30 and projects["citation"].str.startswith("Kim").all()
    # the sea route stays at sea: it never crosses more than a sliver of land
    land = shapely.union_all(layer("countries").geometry.values)
    route = projects.loc["dalian_vanino_sea_route"].geometry
    assert length_km(route.intersection(land)) < 0.05 * length_km(route)


def test_benzene_spill_follows_the_rivers(layer):
    events = layer("events").set_index("event_id")
    path = events.loc["benzene_khabarovsk_2005"].geometry
    places = layer("places").set_index("place_id")
    start, end = shapely.Point(path.coords[0]), shapely.Point(path.coords[-1])
    jilin, khv, harbin = (places.loc[p].geometry for p in ("jilin_city", "khabarovsk", "harbin"))
    assert distance_km_lonlat(start.x, start.y, jilin.x, jilin.y) < 10
    assert distance_km_lonlat(end.x, end.y, khv.x, khv.y) < 10
    assert 1_200 < events.loc["benzene_khabarovsk_2005", "length_km"] < 1_700
    assert to_regional(path).distance(to_regional(harbin)) < 5_000
    rivers = layer("rivers").set_index("name_en").geometry
    near_rivers = to_regional(shapely.union_all([rivers["Songhua"], rivers["Amur"]])).buffer(3_000)
    assert to_regional(path).difference(near_rivers).length < 0.02 * to_regional(path).length
    stages = events.loc[["jilin_explosion_2005", "benzene_harbin_2005", "benzene_amur_2005", "benzene_khabarovsk_2005"]]
    assert list(stages["seq"]) == sorted(stages["seq"])
    assert stages["length_km"].iloc[1:].is_monotonic_increasing


@pytest.mark.parametrize(
    ("name", "layer_name", "expected"),
    [("Huichun", "places", "Hunchun"), ("Shinuiju", "places", "Sinuiju"), ("Rajin", "places", "Najin"),
     ("Kaesong", "places", "Gaeseong"), ("Primorski Krai", "provinces", "Primorsky Krai"),
     ("Primor'ye", "provinces", "Primorsky Krai"), ("Neimenggu", "provinces", "Inner Mongolia"),
     ("chita", "provinces", "Zabaykalsky Krai"), ("Yevrey", "provinces", "Jewish Autonomous Oblast"),
     ("P'YŎNGAN-BUKTO", "provinces", "North Pyongan"), ("鴨綠江", "rivers", "Yalu"), ("Туманная", "rivers", "Tumen"),
     ("두만강", "rivers", "Tumen"), ("sinŭiju", "places", "Sinuiju"), ("Mount Kumgang", "places", "Mount Geumgang")],
)
def test_aliases_resolve(built, name, layer_name, expected):
    hits = neageo.find(name, gpkg=built)
    assert expected in set(hits.loc[hits["layer"] == layer_name, "name_en"])


def test_unknown_name_suggests_the_closest(built):
    with pytest.raises(PlaceNotFound, match=r"no feature is called 'Vladivostock'; closest: Vladivostok"):
        neageo.find("Vladivostock", gpkg=built)
    with pytest.raises(QueryError, match="empty"):
        neageo.find(" -- ", gpkg=built)


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "'; DROP TABLE places; --",
    '"><script>alert("x")</script>',
    "Robert'); DELETE FROM gpkg_contents; --",
    "\u202eevil\u202e name | with pipe",
    "emoji 🚢 and NUL-free \\x00 text",
]


def test_hostile_strings_survive_the_build_unchanged(sources_copy, tmp_path):
    import csv

    path = sources_copy / "places" / "places.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for i, payload in enumerate(HOSTILE):
        rows[i]["name_en"] = payload
        rows[i]["name_ru"] = payload + " (ru)"
        rows[i]["citation"] = payload
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    out = tmp_path / "hostile.gpkg"
    neageo.build(sources=sources_copy, out=out)
    places = pyogrio.read_dataframe(out, layer="places")
    for i, payload in enumerate(HOSTILE):
        assert places["name_en"].iloc[i] == payload
        assert places["name_ru"].iloc[i] == payload + " (ru)"
        assert places["citation"].iloc[i] == payload
    assert {n for n, _ in pyogrio.list_layers(out)} >= {"places", "countries"}  # nothing dropped


def test_declared_country_must_match_the_geometry(sources_copy, tmp_path):
    path = sources_copy / "places" / "places.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",city,CHN,2036502,", ",city,RUS,2036502,"), encoding="utf-8")
    with pytest.raises(SourceError, match=r"places.csv, row 5: Jilin City is declared RUS but its point lies in Jilin"):
        neageo.build(sources=sources_copy, out=tmp_path / "x.gpkg")


def test_place_outside_the_region_is_refused(sources_copy, tmp_path):
    path = sources_copy / "places" / "places.csv"
    text = path.read_text(encoding="utf-8").replace("manual: Wikipedia (en), 'Nizhneleninskoye'", "manual: moved to Moscow")
    assert ",132.669,47.963," in text  # row 30, Nizhneleninskoye
    text = text.replace(",132.669,47.963,", ",37.62,55.75,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=r"places.csv, row 30: coordinates \(37.62, 55.75\) lie outside"):
        neageo.build(sources=sources_copy, out=tmp_path / "x.gpkg")


def test_bad_geometry_spec_names_file_and_row(sources_copy, tmp_path):
    path = sources_copy / "paper" / "projects.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("place:musan,", "place:atlantis,"), encoding="utf-8")
    with pytest.raises(SourceError, match=r"projects.csv, row 11: cannot read geometry 'place:atlantis'"):
        neageo.build(sources=sources_copy, out=tmp_path / "x.gpkg")
