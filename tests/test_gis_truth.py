"""GIS answers right at the border line: gates on their own side, border segments named honestly."""

from __future__ import annotations

import csv
import warnings

import pandas as pd
import pytest
import shapely

import neageo
from helpers.common import SOURCES
from neageo.builder.gates import INSET_M
from neageo.gazetteer import AmbiguousName
from neageo.geodesy import distance_km_lonlat, to_regional

# ---------------------------------------------------------------- customs gates


@pytest.fixture(scope="module")
def gates(built):
    return neageo.read("customs_gates", gpkg=built).set_index("gate_id")


@pytest.fixture(scope="module")
def areas(built):
    """Every province and country, as ``within`` names them ('layer:name')."""
    provinces = neageo.read("provinces", gpkg=built)
    countries = neageo.read("countries", gpkg=built)
    return ([(f"provinces:{n}", n) for n in provinces["name_en"]]
            + [(f"countries:{n}", iso) for n, iso in zip(countries["name_en"], countries["iso_a3"])])


def test_every_gate_is_within_its_own_province_and_country_and_no_other(built, gates, areas):
    found: dict[str, set[str]] = {g: set() for g in gates.index}
    for target, label in areas:
        for gate_id in neageo.within(target, "customs_gates", gpkg=built)["gate_id"]:
            found[gate_id].add(label)
    for gate_id, g in gates.iterrows():
        # both directions: its own province and country return it, and no other area does
        assert found[gate_id] == {g["province"], g["iso_a3"]}, gate_id
    # the three the issue found on the Russian side
    assert {"tongjiang", "hulin"} <= set(neageo.within("Heilongjiang", "customs_gates", gpkg=built)["gate_id"])
    assert list(neageo.within("Inner Mongolia", "customs_gates", gpkg=built)["gate_id"]) == ["manzhouli"]
    assert neageo.within("Russia", "customs_gates", gpkg=built).empty
    assert len(neageo.within("China", "customs_gates", gpkg=built)) == len(gates)


def test_every_gate_lies_at_least_the_inset_inside_and_says_why_it_moved(built, gates):
    provinces = neageo.read("provinces", gpkg=built).set_index("name_en")
    for gate_id, g in gates.iterrows():
        own = to_regional(provinces.loc[g["province"], "geometry"])
        depth = own.boundary.distance(to_regional(g.geometry))
        assert own.contains(to_regional(g.geometry)) and depth >= INSET_M * 0.99, (gate_id, depth)
        assert g["crossing_to_border_m"] >= INSET_M * 0.99
        if g["inset_m"] > 0:
            assert g["position_note"].startswith(f"Moved {g['inset_m']:.1f} m") and "Chinese side" in g["position_note"]
        else:
            assert pd.isna(g["position_note"])
    # the positions on the line were moved, the bridge and the rail crossing 45 m inland were not
    assert gates.loc[["tongjiang", "hulin", "manzhouli", "heihe", "hunchun"], "inset_m"].between(4, 6).all()
    assert (gates.loc[["dandong_sinuiju", "suifenhe"], "inset_m"] == 0).all()
    assert "across the border line, in Jewish Autonomous Oblast (RUS)" in gates.loc["tongjiang", "position_note"]


def _unmoved_positions(gates) -> dict[str, tuple[float, float]]:
    """Each gate's position before it was set inside its province: the sourced crossing, else the nearest border point."""
    with (SOURCES / "paper" / "customs_gates.csv").open(encoding="utf-8") as fh:
        rows = {r["gate_id"]: r for r in csv.DictReader(fh)}
    out = {}
    for gate_id, g in gates.iterrows():
        r = rows[gate_id]
        if r["crossing_lon"]:
            out[gate_id] = (float(r["crossing_lon"]), float(r["crossing_lat"]))
        else:
            out[gate_id] = (g["nearest_border_lon"], g["nearest_border_lat"])
    return out


def test_the_move_changes_no_distance_by_more_than_10_m(built, gates):
    before = _unmoved_positions(gates)
    places = neageo.read("places", gpkg=built).set_index("name_en")
    for gate_id, g in gates.iterrows():
        x0, y0 = before[gate_id]
        x1, y1 = g.geometry.x, g.geometry.y
        assert distance_km_lonlat(x0, y0, x1, y1) * 1000 == pytest.approx(g["inset_m"], abs=0.2)
        assert distance_km_lonlat(x0, y0, x1, y1) * 1000 <= 10
        for town in (t for t in (g["town"], g["partner_town"]) if isinstance(t, str)):
            p = places.loc[town].geometry
            old = distance_km_lonlat(x0, y0, p.x, p.y)
            new = neageo.distance_km(f"customs_gates:{g['name_en']}", f"places:{town}", gpkg=built)
            assert abs(new - old) * 1000 <= 10, (gate_id, town, old, new)
        if isinstance(g["partner_town"], str):
            p = places.loc[g["partner_town"]].geometry
            assert g["partner_distance_km"] == pytest.approx(distance_km_lonlat(x0, y0, p.x, p.y), abs=0.010 + 0.005)
        nb = (g["nearest_border_lon"], g["nearest_border_lat"])
        assert g["nearest_border_offset_km"] == pytest.approx(distance_km_lonlat(x0, y0, *nb), abs=0.010 + 0.005)


# The figures published before the gates moved (README, fidelity report, issue 23), to 10 m plus
# half the printed last digit.
PUBLISHED_KM = [
    ("Heihe", "Blagoveshchensk", 4.379, 0.0005),
    ("Dandong", "Sinuiju", 3.189, 0.0005),
    ("customs_gates:Heihe", "Blagoveshchensk", 2.87, 0.005),
    ("customs_gates:Tongjiang", "Nizhneleninskoye", 0.63, 0.005),
    ("customs_gates:Suifenhe", "Pogranichny", 14.79, 0.005),
    ("customs_gates:Manzhouli", "Zabaykalsk", 4.21, 0.005),
    ("customs_gates:Hunchun", "Kraskino", 27.08, 0.005),
    ("customs_gates:Dandong–Sinuiju", "Sinuiju", 1.87, 0.005),
]


@pytest.mark.parametrize(("a", "b", "km", "half_digit"), PUBLISHED_KM)
def test_published_distances_hold_after_the_move(built, a, b, km, half_digit):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AmbiguousName)  # "Heihe" is a town and a gate: the town is meant
        measured = neageo.distance_km(a, b, gpkg=built)
    assert abs(measured - km) <= 0.010 + half_digit


def test_fidelity_report_gate_offsets_hold(built, gates):
    """The report's former-position-to-crossing figures move by no more than the inset."""
    with (built.parent / "fidelity.csv").open(encoding="utf-8") as fh:
        report = {r["subject"]: r for r in csv.DictReader(fh) if r["kind"] == "gate_crossing"}
    published = {"Dandong–Sinuiju": 1.468, "Heihe": 2.619, "Hulin": 0.0, "Hunchun": 0.0, "Manzhouli": 4.377,
                 "Suifenhe": 0.427, "Tongjiang": 30.066}
    for name, km in published.items():
        assert abs(float(report[name]["diff"]) - km) <= 0.010 + 0.0005, name


def test_a_gate_exactly_on_the_line_is_moved_onto_its_own_side():
    """The rule itself, on a made-up square province and a point on its edge."""
    import geopandas as gpd

    from neageo.builder.gates import _own_side

    own = shapely.box(130.0, 45.0, 131.0, 46.0)
    other = gpd.GeoDataFrame({"name_en": ["Other"], "iso_a3": ["RUS"]},
                             geometry=[shapely.box(131.0, 45.0, 132.0, 46.0)], crs=4326)
    moved, metres, note = _own_side(shapely.Point(131.0, 45.5), own, other, "CHN", "test")
    assert own.contains(moved) and not other.geometry.iloc[0].intersects(moved)
    assert metres == pytest.approx(INSET_M, abs=0.1) and moved.x < 131.0
    assert note.startswith(f"Moved {metres:.1f} m west onto the Chinese side") and "on the border line" in note
    inside = shapely.Point(130.5, 45.5)
    assert _own_side(inside, own, other, "CHN", "test") == (inside, 0.0, None)


# ---------------------------------------------------------------- border segment names


@pytest.fixture(scope="module")
def borders(built):
    return neageo.read("borders", gpkg=built)


@pytest.fixture(scope="module")
def rivers_m(built):
    rivers = neageo.read("rivers", gpkg=built)
    return {n: to_regional(g) for n, g in zip(rivers["name_en"], rivers.geometry)}


def _share_on(line, river_m, metres: float) -> float:
    """Share (%) of a lon/lat line's length within ``metres`` of a river, sampled every 25 m (independent of the build)."""
    dense = shapely.segmentize(to_regional(line), 25.0)
    pts = shapely.points(shapely.get_coordinates(dense))
    return float(shapely.dwithin(river_m, pts, metres).mean() * 100)


def test_no_china_russia_segment_is_named_tumen(built, borders):
    assert "Tumen" not in set(borders.loc[borders["countries"] == "CHN-RUS", "segment"])
    for year in (None, 2005):
        by_segment = neageo.border_segments_km("China", "Russia", year=year, gpkg=built)
        assert "Tumen" not in set(by_segment["segment"])
    # the line beside the Fangchuan corridor, between the Ussuri's land stretch and the tripoint, is land
    fangchuan = to_regional(shapely.Point(130.6, 42.48))
    cr = borders[borders["countries"] == "CHN-RUS"]
    nearest = cr.index[shapely.distance(to_regional(cr.geometry.values), fangchuan).argmin()]
    assert borders.loc[nearest, "segment"] == "land"


def test_every_river_named_segment_lies_on_its_river(borders, rivers_m):
    """The rule, from the data: most of a river-named segment lies within ON_RIVER_M of that river."""
    from neageo.builder.borders import ON_RIVER_M, ON_RIVER_PCT

    changes = {}
    named = borders[borders["segment"] != "land"]
    assert len(named) >= 10
    for _, seg in named.iterrows():
        share = _share_on(seg.geometry, rivers_m[seg["segment"]], ON_RIVER_M)
        assert seg["on_river_pct"] == pytest.approx(share, abs=1.5), seg["border_id"]
        if share >= ON_RIVER_PCT:
            assert pd.isna(seg["segment_note"])
            continue
        # the one exception: a line no longer in force, named by the record of the change
        changes.setdefault("old", []).append(seg["border_id"])
        assert pd.notna(seg["valid_to"]) and "rests on this record" in seg["segment_note"], seg["border_id"]
    assert len(changes.get("old", [])) <= 1


def test_old_line_name_comes_from_the_territory_change_record(built, borders):
    changes = neageo.read("territory_changes", gpkg=built)
    old = borders[borders["segment_note"].notna()]
    for _, seg in old.iterrows():
        record = changes[changes["year"] == seg["valid_to"]].iloc[0]
        assert record["old_line"] == seg["segment"] and record["old_line_note"] == seg["segment_note"]


def test_no_land_segment_runs_along_a_named_river(borders, rivers_m):
    from neageo.builder.borders import BORDER_PAIRS, ON_RIVER_M, ON_RIVER_PCT

    rivers_of = {f"{a}-{b}": names for a, b, names in BORDER_PAIRS}
    for _, seg in borders[borders["segment"] == "land"].iterrows():
        assert pd.isna(seg["on_river_pct"])
        for river in rivers_of[seg["countries"]]:
            assert _share_on(seg.geometry, rivers_m[river], ON_RIVER_M) < ON_RIVER_PCT, (seg["border_id"], river)


def test_a_run_beside_a_river_is_land_and_one_on_it_keeps_the_name():
    """The naming rule on made-up lines: 1 km beside a river is land; on the river it is the river."""
    import numpy as np

    from neageo.builder.borders import _named
    from neageo.geodesy import from_regional

    river_m = shapely.LineString([(0, 0), (20_000, 0)])
    beside = np.asarray(from_regional(shapely.LineString([(0, 1000), (20_000, 1000)])).coords)
    on = np.asarray(from_regional(shapely.LineString([(0, 10), (20_000, 10)])).coords)
    rivers = {"Tumen": river_m}
    assert [r[0] for r in _named([("Tumen", 0, 1)], beside, rivers, None, "test")] == ["land"]
    assert [r[:2] for r in _named([("Tumen", 0, 1)], on, rivers, None, "test")] == [("Tumen", 0)]
    # a line no longer in force keeps the name its record gives, with the record's note
    kept = _named([("Tumen", 0, 1)], beside, rivers, ("Tumen", "as the record says"), "test")
    assert kept[0][0] == "Tumen" and kept[0][4] == "as the record says"
