"""The real geometry in the built GeoPackage: validity, topology, rivers and borders."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from neageo.geodesy import area_km2, length_km, to_regional

RIVERS = ("Songhua", "Amur", "Ussuri", "Argun", "Yalu", "Tumen")


@pytest.mark.parametrize("name", ["countries", "provinces", "borders", "rivers", "waterways", "lakes", "coastline"])
def test_geometries_are_valid_and_in_wgs84(layer, name):
    frame = layer(name)
    assert frame.crs.to_epsg() == 4326
    assert len(frame) > 0
    assert frame.geometry.notna().all() and not frame.geometry.is_empty.any()
    assert frame.geometry.is_valid.all(), frame[~frame.geometry.is_valid]


def test_every_province_the_paper_discusses_is_there_whole(layer):
    prov = layer("provinces").set_index("name_en")
    wanted = {
        "CHN": ["Liaoning", "Jilin", "Heilongjiang", "Inner Mongolia"],
        "RUS": ["Primorsky Krai", "Khabarovsk Krai", "Amur Oblast", "Jewish Autonomous Oblast",
                "Zabaykalsky Krai", "Sakhalin Oblast"],
        "PRK": ["North Pyongan", "Rason", "North Hamgyong", "South Hamgyong", "Chagang", "Ryanggang",
                "South Pyongan", "North Hwanghae", "South Hwanghae", "Kangwon", "Pyongyang"],
    }
    for iso, names in wanted.items():
        for name in names:
            assert prov.loc[name, "iso_a3"] == iso
    # whole, not clipped: Inner Mongolia reaches 97E, far west of the study box; Khabarovsk 62N
    assert prov.loc["Inner Mongolia"].geometry.bounds[0] < 98
    assert prov.loc["Khabarovsk Krai"].geometry.bounds[3] > 62
    # published areas (km²): Heilongjiang 454,800; Primorsky Krai 164,673; Jilin 187,400
    for name, published in [("Heilongjiang", 454_800), ("Primorsky Krai", 164_673), ("Jilin", 187_400)]:
        assert prov.loc[name, "area_km2"] == pytest.approx(published, rel=0.05)
    aliases = prov.loc["Zabaykalsky Krai", "aliases"].split("|")
    assert "Chita" in aliases
    assert "Primorski Krai" in prov.loc["Primorsky Krai", "aliases"].split("|")
    assert "Neimenggu" in prov.loc["Inner Mongolia", "aliases"].split("|")


def test_provinces_tile_their_countries(layer):
    """Within a country, provinces do not overlap, lie inside it, and cover the study box.

    Tolerance: 0.01 % of the country's area in the box for gaps and overlaps
    (shared edges are vertex-identical, so only floating-point slivers remain),
    plus North Korea's small islands that the source leaves without a province
    (under 60 km²).
    """
    countries = layer("countries").set_index("iso_a3")
    prov = layer("provinces")
    box = shapely.box(115, 38, 145, 56)
    for iso in ("CHN", "RUS", "PRK"):
        country = countries.geometry[iso]
        mine = prov[prov["iso_a3"] == iso].geometry.values
        union = shapely.union_all(mine)
        overlap = sum(area_km2(g) for g in mine) - area_km2(union)
        in_box = area_km2(country.intersection(box))
        assert overlap < 1e-4 * in_box, f"{iso}: provinces overlap by {overlap:.1f} km²"
        outside = area_km2(union.difference(country))
        assert outside < 1e-4 * in_box, f"{iso}: provinces spill {outside:.1f} km² outside the country"
        gap = area_km2(country.intersection(box).difference(union))
        allowed = 1e-4 * in_box + (60 if iso == "PRK" else 0)
        assert gap < allowed, f"{iso}: {gap:.1f} km² of the study box not covered by provinces"


def test_province_edges_coincide_with_the_border(layer):
    borders = layer("borders")
    prov = layer("provinces")
    china_russia = shapely.union_all(borders[borders["countries"] == "CHN-RUS"].geometry.values)
    heilongjiang = prov[prov["name_en"] == "Heilongjiang"].geometry.iloc[0]
    shared = heilongjiang.boundary.intersection(china_russia)
    assert length_km(shared) > 1500  # exact coincidence, not merely nearby


@pytest.mark.parametrize("name", RIVERS)
def test_named_river_is_one_continuous_line(layer, name):
    rivers = layer("rivers").set_index("name_en")
    geom = rivers.geometry[name]
    assert geom.geom_type == "LineString"
    assert geom.is_simple or name in ("Amur", "Songhua")  # centrelines may touch themselves at islands
    assert rivers.loc[name, "length_km"] == pytest.approx(length_km(geom), abs=0.01)
    for col in ("name_zh", "name_ru", "name_ko"):
        assert rivers.loc[name, col]


def test_rivers_run_downstream(layer):
    """Each course starts at its source end and ends at its mouth (see test_rivers_crossings for the figures)."""
    rivers = layer("rivers").set_index("name_en").geometry
    ends = {
        "Songhua": ((128.05, 42.02), (132.5, 47.7)),  # Erdaobai head below Heaven Lake -> Amur
        "Amur": ((121.5, 53.3), (141.08, 52.95)),  # Shilka/Argun confluence -> the Amur Liman
        "Tumen": ((128.12, 41.97), (130.7, 42.3)),  # Paektu -> sea
        "Yalu": ((128.1, 41.96), (124.32, 39.87)),  # Paektu -> Korea Bay
        "Argun": ((122.43, 49.93), (121.48, 53.33)),  # Hailar headwater -> Shilka confluence
    }
    for name, (start, end) in ends.items():
        line = rivers[name]
        assert shapely.Point(line.coords[0]).distance(shapely.Point(start)) < 0.1, name
        assert shapely.Point(line.coords[-1]).distance(shapely.Point(end)) < 0.1, name


def test_songhua_ends_within_5km_of_the_amur(layer):
    rivers = layer("rivers").set_index("name_en").geometry
    end = to_regional(shapely.Point(rivers["Songhua"].coords[-1]))
    assert to_regional(rivers["Amur"]).distance(end) < 5_000


@pytest.mark.parametrize(
    ("countries", "river"),
    [("CHN-RUS", "Amur"), ("CHN-RUS", "Ussuri"), ("CHN-RUS", "Argun"), ("CHN-PRK", "Yalu"), ("CHN-PRK", "Tumen"),
     ("PRK-RUS", "Tumen")],
)
def test_border_segments_follow_their_river(layer, countries, river):
    """The OpenStreetMap border runs along the main channel; the traced river (World Data Bank II)
    sometimes takes another arm, so a short segment may have only ~70 % of its length within 2 km."""
    borders = layer("borders")
    seg = borders[(borders["countries"] == countries) & (borders["segment"] == river) & borders["valid_to"].isna()]
    assert len(seg) >= 1
    line_m = to_regional(shapely.union_all(seg.geometry.values))
    river_m = to_regional(layer("rivers").set_index("name_en").geometry[river])
    pts = shapely.points(shapely.get_coordinates(shapely.segmentize(line_m, 250)))
    share = float((shapely.distance(river_m, pts) <= 2_000).mean())
    assert share > 0.85, f"only {share:.0%} of the {countries} {river} segment lies within 2 km of the river"
    # estuary fragments between islands (a few km long) lie off the river's single line across the estuary
    assert seg.loc[seg["length_km"] >= 5, "river_within_2km_pct"].min() > 65
    assert seg["river_within_2km_pct"].notna().all()


def test_border_lengths_match_published_figures(layer):
    """Today's borders (OpenStreetMap) against published lengths: within 5 % for every pair.

    Published: China-Russia 4,209.3 km, China-North Korea 1,352 km, China-Mongolia 4,677 km,
    Russia-North Korea 17.3 km (land), Mongolia-Russia 3,485 km (see geodata/fidelity.md).
    """
    borders = layer("borders")
    today = borders[borders["valid_to"].isna()]
    total = today.groupby("countries")["length_km"].sum()
    for pair, published in [("CHN-RUS", 4209.3), ("CHN-PRK", 1352), ("CHN-MNG", 4677), ("PRK-RUS", 17.3),
                            ("MNG-RUS", 3485)]:
        assert total[pair] == pytest.approx(published, rel=0.05), pair
    lengths = today.set_index(["countries", "segment"])["length_km"]
    assert lengths.loc[("CHN-RUS", "Amur")].sum() > lengths.loc[("CHN-RUS", "Ussuri")].sum()
    assert lengths.loc[("CHN-PRK", "Yalu")].sum() > lengths.loc[("CHN-PRK", "Tumen")].sum()
    for value in borders["length_km"]:
        assert np.isfinite(value) and value > 0


def test_fast_geodesic_measures_equal_pyprojs_bit_for_bit():
    from neageo.geodesy import GEOD

    ring = [(120, 40), (130, 40), (130, 50), (120, 50)]
    hole = [(122, 42), (124, 42), (124, 44), (122, 44)]
    shapes = [
        shapely.Polygon(ring),
        shapely.Polygon(ring, [hole]),
        shapely.MultiPolygon([shapely.Polygon(ring, [hole]), shapely.Polygon([(140, 40), (141, 40), (141, 41)])]),
    ]
    for g in shapes:
        assert area_km2(g) == abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6
    lines = [shapely.LineString(ring), shapely.MultiLineString([ring, hole])]
    for g in lines:
        assert length_km(g) == GEOD.geometry_length(g) / 1000
