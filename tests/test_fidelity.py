"""Geometry at the scale of a river bridge: borders, tripoints, towns, provinces, dated borders.

Published figures are written out here (not read from the committed CSVs) so a
change of source data or of the report's inputs cannot move the goalposts.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest
import shapely

import neageo
from neageo import QueryError
from neageo.geodesy import GEOD, area_km2, length_km
from neageo.publishing.fidelity import town_points, tripoint
from neageo.sources import Sources

SOURCES = Path(__file__).resolve().parents[1] / "geodata" / "sources"

#: (pair, published km, source)
PUBLISHED_BORDERS = [
    ("CHN-RUS", 4209.3),  # after the final demarcation (both sections)
    ("CHN-PRK", 1352.0),
    ("PRK-RUS", 17.3),  # official Russian figure for the land (river) border
    ("CHN-MNG", 4677.0),
    ("MNG-RUS", 3485.0),
]

#: Town, country whose polygon must hold it.
BORDER_TOWNS = {
    "Heihe": "CHN", "Blagoveshchensk": "RUS", "Dandong": "CHN", "Sinuiju": "PRK", "Manzhouli": "CHN",
    "Zabaykalsk": "RUS", "Suifenhe": "CHN", "Pogranichny": "RUS", "Hunchun": "CHN", "Musan": "PRK",
    "Hyesan": "PRK", "Tumen": "CHN", "Namyang": "PRK", "Khasan": "RUS", "Tongjiang": "CHN",
}


@pytest.mark.parametrize(("pair", "published"), PUBLISHED_BORDERS)
def test_border_length_within_5_percent_of_published(built, pair, published):
    a, b = pair.split("-")
    km = neageo.border_length_km(a, b, gpkg=built)
    assert km == pytest.approx(published, rel=0.05), f"{pair}: {km} km against {published} km published"


def test_border_before_2008_is_the_pre_settlement_line(built):
    today = neageo.border_length_km("CHN", "RUS", gpkg=built)
    in_2005 = neageo.border_length_km("CHN", "RUS", year=2005, gpkg=built)
    assert neageo.border_length_km("CHN", "RUS", year=2008, gpkg=built) == today
    assert neageo.border_length_km("CHN", "RUS", year=2030, gpkg=built) == today
    assert 5 < today - in_2005 < 60  # the island stretch only
    # the eastern section before the settlement against the 1999 joint estimate (4,195 km)
    old = neageo.read("borders", year=2005, where="countries = 'CHN-RUS'", gpkg=built)
    west = old[old["part"] == old["part"].min()]
    assert west.total_bounds[2] < 88  # the first part is the Altai section
    eastern = sum(length_km(g) for g in old.geometry) - sum(length_km(g) for g in west.geometry)
    assert eastern == pytest.approx(4195, rel=0.05)
    # other pairs did not change
    assert neageo.border_length_km("CHN", "PRK", year=2005, gpkg=built) == neageo.border_length_km(
        "CHN", "PRK", gpkg=built)


def test_island_section_exists_in_both_versions(built, layer):
    borders = layer("borders")
    old = borders[borders["valid_to"] == 2008]
    new = borders[borders["valid_from"] == 2008]
    assert len(old) and len(new)
    assert set(old["countries"]) == set(new["countries"]) == {"CHN-RUS"}
    assert borders[["valid_from", "valid_to"]].notna().any(axis=1).sum() == len(old) + len(new)
    island = shapely.box(134.1, 48.2, 134.9, 48.5)
    for part in (old, new):
        geom = shapely.union_all(part.geometry.values)
        assert island.contains(geom), "the dated stretches lie at the Amur-Ussuri confluence"
    old_geom, new_geom = shapely.union_all(old.geometry.values), shapely.union_all(new.geometry.values)
    assert not old_geom.equals(new_geom)
    # the changed stretches join today's common line at both ends: each version is continuous
    common = shapely.union_all(borders[borders["countries"].eq("CHN-RUS") & borders["valid_to"].isna()
                                       & borders["valid_from"].isna()].geometry.values)
    for geom in (old_geom, new_geom):
        ends = [shapely.Point(c) for line in shapely.get_parts(shapely.line_merge(geom))
                for c in (line.coords[0], line.coords[-1])]
        assert all(common.distance(e) < 1e-9 for e in ends)
    # read(year=) applies the rule: the old line until 2007, the new one from 2008
    y2007 = neageo.read("borders", year=2007, gpkg=built)
    y2008 = neageo.read("borders", year=2008, gpkg=built)
    assert (y2007["valid_to"] == 2008).sum() == len(old) and not (y2007["valid_from"] == 2008).any()
    assert (y2008["valid_from"] == 2008).sum() == len(new) and not (y2008["valid_to"] == 2008).any()
    with pytest.raises(QueryError, match="no validity years"):
        neageo.read("rivers", year=2005, gpkg=built)
    with pytest.raises(QueryError, match="whole number"):
        neageo.read("borders", year="2005; DROP TABLE borders", gpkg=built)


def test_territory_change_is_the_western_island(layer):
    changes = layer("territory_changes")
    row = changes[changes["change_id"] == "heixiazi-2008"].iloc[0]
    assert (row["from_iso"], row["to_iso"], row["year"]) == ("RUS", "CHN", 2008)
    assert (row["from_province"], row["to_province"]) == ("Khabarovsk Krai", "Heilongjiang")
    countries = layer("countries").set_index("iso_a3").geometry
    geom = row.geometry
    assert area_km2(geom.intersection(countries["CHN"])) == pytest.approx(area_km2(geom), rel=1e-6)
    # land plus river channels: more than the ~174 km² of land, less than the whole island group
    assert 150 < row["area_km2"] < 400
    # western Bolshoy Ussuriysky (Heixiazi) is inside; Russia's eastern part and Khabarovsk are not
    assert geom.contains(shapely.Point(134.55, 48.37))
    assert not geom.contains(shapely.Point(134.85, 48.40))
    assert not geom.contains(shapely.Point(135.07, 48.48))
    # the pre-2008 China-Russia line runs along the polygon's edge on the Chinese side
    borders = layer("borders")
    old = shapely.union_all(borders[borders["valid_to"] == 2008].geometry.values)
    assert length_km(old.intersection(geom.boundary.buffer(1e-7))) > 0.8 * length_km(old)


def test_china_russia_north_korea_tripoint_within_2km(layer):
    outlines = dict(zip(layer("countries")["iso_a3"], layer("countries").geometry))
    pts = [g for g in shapely.get_parts(tripoint(outlines, ["CHN", "RUS", "PRK"])) if g.geom_type == "Point"]
    assert pts, "China, Russia and North Korea do not meet"
    km = min(GEOD.inv(p.x, p.y, 130.637, 42.418)[2] for p in pts) / 1000
    assert km < 2.0, f"tripoint {km:.2f} km from 130.637E 42.418N"


@pytest.mark.parametrize(("town", "iso"), sorted(BORDER_TOWNS.items()))
def test_border_town_strictly_inside_its_own_country(layer, town, iso):
    towns = town_points(Sources(SOURCES), layer("places")).set_index("name_en")
    pt = towns.geometry[town]
    countries = layer("countries").set_index("iso_a3").geometry
    holders = [i for i, g in countries.items() if g.intersects(pt)]
    assert holders == [iso], f"{town} falls in {holders}"
    assert countries[iso].contains_properly(pt)  # strictly inside, not on the line


def test_provinces_tile_their_countries_exactly(layer):
    countries = layer("countries").set_index("iso_a3").geometry
    prov = layer("provinces")
    borders = layer("borders")
    today = borders[borders["valid_to"].isna()]
    for iso in ("CHN", "RUS", "PRK"):
        mine = prov[prov["iso_a3"] == iso].geometry.values
        assert shapely.coverage_is_valid(mine), f"{iso}: provinces overlap or their shared edges differ"
        union = shapely.coverage_union_all(mine)
        spill = area_km2(union.difference(countries[iso]))
        assert spill < 0.1, f"{iso}: provinces spill {spill:.3f} km² outside the country"
        # every stretch of the border between China, Russia and North Korea has a province on this side
        for pair in ("CHN-RUS", "CHN-PRK", "PRK-RUS"):
            if iso not in pair:
                continue
            lines = shapely.union_all(today[today["countries"] == pair].geometry.values)
            if pair == "CHN-RUS":  # the Altai section lies beyond the provinces in the layer
                lines = lines.intersection(shapely.box(110, 38, 150, 60))
            # sample every ~100 m: each point lies on a province outline (to 1e-9 degrees, 0.1 mm)
            outlines = shapely.union_all([g.boundary for g in mine])
            shapely.prepare(outlines)
            pts = shapely.points(shapely.get_coordinates(shapely.segmentize(lines, 0.001)))
            off = ~shapely.dwithin(outlines, pts, 1e-9)
            assert off.mean() < 0.0005, f"{iso} {pair}: {off.mean():.2%} of the border has no province edge"
    # North Korea has every province in the layer: they cover the country with no gap
    prk = shapely.coverage_union_all(prov[prov["iso_a3"] == "PRK"].geometry.values)
    assert area_km2(countries["PRK"].difference(prk)) < 0.1
    # the Fangchuan corridor (China's strip to the Tumen mouth) belongs to Jilin
    jilin = prov[prov["name_en"] == "Jilin"].geometry.iloc[0]
    assert jilin.contains(shapely.Point(130.59, 42.45))


def test_fidelity_report_is_written_and_clean(built):
    folder = built.parent
    with open(folder / "fidelity.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    kinds = {r["kind"] for r in rows}
    assert {"border_length", "segment_length", "province_area", "tripoint", "town_in_country",
            "territory_change_area"} <= kinds
    # what differs is what the report exists to show: the Songhua's generalised course and the two dates
    # where the paper and the record disagree; anything else differing is a regression
    expected = {"river-Songhua", "date-yang_bin_sentence_2003", "date-benzene_amur_2005"}
    assert {r["check_id"] for r in rows if r["verdict"] == "differs"} == expected
    published = [r for r in rows if r["kind"] == "border_length" and r["published"]]
    assert len(published) >= 6 and all(r["citation"] for r in published)
    years = {r["year"] for r in rows if r["subject"] == "CHN-RUS" and r["kind"] == "border_length"}
    assert years == {"", "2007"}
    text = (folder / "fidelity.md").read_text(encoding="utf-8")
    assert "## Border lengths" in text and "Heixiazi" in text


def test_osm_layers_carry_the_odbl(built):
    sources = pyogrio.read_dataframe(built, layer="sources").set_index("source")
    assert "ODbL" in sources.loc["osm-borders", "licence"]
    assert "OpenStreetMap contributors" in sources.loc["osm-borders", "attribution"]
    links = pyogrio.read_dataframe(built, layer="layer_sources")
    derived = set(links.loc[links["source"] == "osm-borders", "layer"])
    assert {"countries", "provinces", "borders", "territory_changes"} <= derived
    layers = neageo.layers(gpkg=built).set_index("name")
    for name in derived:
        assert "ODbL" in layers.loc[name, "description"] and "OpenStreetMap" in layers.loc[name, "description"]


def test_cli_border_with_year(built):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "neageo.cli", *args, "--gpkg", str(built)],
                              check=False, capture_output=True, text=True)

    old = run("border", "China", "Russia", "--year", "2005", "--format", "json")
    assert old.returncode == 0, old.stderr
    rows = json.loads(old.stdout)
    assert rows[0]["length_km"] == neageo.border_length_km("CHN", "RUS", year=2005, gpkg=built)
    bad = run("border", "Japan", "Russia")
    assert bad.returncode != 0 and "no border" in bad.stderr and "Traceback" not in bad.stderr
