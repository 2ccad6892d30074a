#!/usr/bin/env python3
"""The paper's spatial claims, answered from neageo's GeoPackage.

Run after `neageo build` (or pass --gpkg)::

    python examples/paper_questions.py

Every figure is geodesic (WGS84 ellipsoid). The test suite runs this script's
``answers()`` on a fresh build and checks the figures.
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np
import shapely

import neageo
from neageo.geodesy import GEOD, length_km, to_regional


def answers(gpkg=None) -> dict:
    out = {}

    # 1. Sinuiju and Dandong face each other across the Yalu.
    out["sinuiju_dandong_km"] = round(neageo.distance_km("Sinuiju", "Dandong", gpkg=gpkg), 2)

    # 2. Customs gates: which border segment each sits on, and how far apart they are.
    gates = neageo.read("customs_gates", gpkg=gpkg)
    out["gate_segments"] = {r.name_en: f"{r.border} {r.border_segment}" for r in gates.itertuples()}
    pairs = {}
    for a, b in itertools.combinations(gates.itertuples(), 2):
        pairs[f"{a.name_en} - {b.name_en}"] = round(GEOD.inv(a.geometry.x, a.geometry.y, b.geometry.x, b.geometry.y)[2] / 1000, 1)
    out["gate_distances_km"] = pairs

    # 3. The 2005 benzene spill: Jilin City down the Songhua and Amur to Khabarovsk.
    path = neageo.river_path("Jilin City", "Khabarovsk", gpkg=gpkg).iloc[0]
    out["benzene_path_km"] = path["length_km"]
    out["benzene_rivers"] = path["rivers"]

    # 4. Provinces and federal subjects touching the China-Russia border.
    border = shapely.union_all(neageo.read("borders", where="countries = 'CHN-RUS' AND valid_to IS NULL", gpkg=gpkg).geometry.values)
    provinces = neageo.read("provinces", gpkg=gpkg)
    touching = {}
    for r in provinces.itertuples():
        shared = length_km(r.geometry.boundary.intersection(border))
        if shared > 1:
            touching[r.name_en] = round(shared, 1)
    out["china_russia_border_provinces_km"] = dict(sorted(touching.items(), key=lambda kv: -kv[1]))
    # The border outside every province: a line minus the (closed) province areas needs no
    # tolerance, because the provinces are conflated to the border (shared vertices).
    outside = border.difference(shapely.union_all(provinces.geometry.values))
    out["china_russia_border_outside_layer_km"] = round(length_km(outside), 1)

    # 5. Places within 50 km of the Tumen's mouth (the downstream end of the traced river).
    tumen = neageo.read("rivers", where="name_en = 'Tumen'", gpkg=gpkg).geometry.iloc[0]
    mouth = tumen.coords[-1]
    out["tumen_mouth"] = (round(mouth[0], 4), round(mouth[1], 4))
    near = neageo.near(mouth, km=50, layers=["places"], gpkg=gpkg)
    out["places_within_50km_of_tumen_mouth"] = dict(zip(near["name"], near["distance_km"].round(1)))

    # 6. The Northeast Frontier Railway against the border (China with North Korea and Russia).
    rail = neageo.read("projects", where="project_id = 'ne_frontier_railway'", gpkg=gpkg).geometry.iloc[0]
    borders = neageo.read("borders", where="valid_to IS NULL", gpkg=gpkg)  # the border in force today
    frontier = shapely.union_all(borders[borders["countries"].isin(["CHN-PRK", "CHN-RUS"])].geometry.values)
    rail_m, frontier_m = to_regional(rail), to_regional(frontier)
    samples = shapely.points(shapely.get_coordinates(shapely.segmentize(rail_m, 5_000)))
    dist = shapely.distance(frontier_m, samples) / 1000
    out["railway"] = {
        "length_km": round(length_km(rail), 0),
        "median_km_from_border": round(float(np.median(dist)), 1),
        "share_within_50km_pct": round(float((dist <= 50).mean() * 100), 1),
        "max_km_from_border": round(float(dist.max()), 1),
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gpkg", default=None, help="GeoPackage to read (default geodata/neageo.gpkg)")
    args = parser.parse_args()
    a = answers(args.gpkg)
    print(f"1. Sinuiju to Dandong across the Yalu: {a['sinuiju_dandong_km']} km")
    print("2. Customs gates and their border segments:")
    for gate, seg in a["gate_segments"].items():
        print(f"     {gate:<18} {seg}")
    closest = sorted(a["gate_distances_km"].items(), key=lambda kv: kv[1])[:5]
    print("   closest pairs: " + "; ".join(f"{k} {v} km" for k, v in closest))
    print(f"3. Benzene spill path, Jilin City to Khabarovsk: {a['benzene_path_km']} km ({a['benzene_rivers']})")
    print("4. Provinces on the China-Russia border (km of border): "
          + ", ".join(f"{k} {v}" for k, v in a["china_russia_border_provinces_km"].items())
          + f"; plus {a['china_russia_border_outside_layer_km']} km in the Altai (Xinjiang / Altai Republic),"
          " outside the provinces layer")
    print(f"5. Within 50 km of the Tumen mouth {a['tumen_mouth']}: "
          + ", ".join(f"{k} {v} km" for k, v in a["places_within_50km_of_tumen_mouth"].items()))
    r = a["railway"]
    print(f"6. Northeast Frontier Railway ({r['length_km']:.0f} km): median {r['median_km_from_border']} km from the "
          f"border, {r['share_within_50km_pct']} % within 50 km, at most {r['max_km_from_border']} km")


if __name__ == "__main__":
    main()
