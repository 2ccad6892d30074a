"""Hydrography: the regional river network, named rivers, lakes and the coast.

Named rivers are our own work on unnamed World Data Bank II lines: each is
defined by ordered waypoints (``geodata/sources/hydro/river_courses.csv``) and
traced downstream along the network (see :mod:`neageo.network`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._errors import SourceError
from ..geodesy import area_km2, from_regional, length_km, to_regional
from ..network import RiverNetwork
from ..settings import HYDRO_BBOX
from .layer import Layer, described
from .sources import Sources, check_lonlat, read_table, read_vector, split_aliases

__all__ = ["HydroResult", "HydroInputs", "read_hydro_inputs", "build_hydro", "LINK_TOL_M", "SNAP_MAX_M"]

#: How far a river end may stop short of the line (or lake) it flows into and
#: still be joined to it.  The largest gap bridged on the six named rivers is
#: reported by the bench script; 2 km is about the width of the lower Amur.
LINK_TOL_M = 2000.0
#: How far a waypoint may lie from the river it marks.
SNAP_MAX_M = 10000.0

_RIVER_LEVELS = {
    1: "permanent major river",
    2: "additional major river",
    3: "additional river",
    4: "minor river",
}


class HydroResult:
    """Layers plus the network itself (the borders step measures against the rivers)."""

    def __init__(self, layers: list[Layer], network: RiverNetwork, rivers: gpd.GeoDataFrame):
        self.layers = layers
        self.network = network
        self.rivers = rivers


#: The hydrography sources, read and checked: rivers, lakes, coast, river names, waypoints.
HydroInputs = tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]


def read_hydro_inputs(src: Sources) -> HydroInputs:
    """Read and check every hydrography source (cheap; no network is built)."""
    rivers = read_vector(src, "hydro", "wdbii_rivers.geojson", geom_types=("LineString",), columns=("level",))
    lakes = read_vector(src, "hydro", "gshhg_lakes.geojson", geom_types=("Polygon",))
    coast = read_vector(src, "hydro", "gshhg_coastline.geojson", geom_types=("LineString",))
    names = read_table(
        src, "hydro", "rivers.csv",
        columns={"name_en": "str", "name_zh": "str", "name_ru": "str", "name_ko": "str", "aliases": "str",
                 "note": "str"},
        optional=("aliases",), key="name_en",
    )
    waypoints = read_table(
        src, "hydro", "river_courses.csv",
        columns={"river": "str", "seq": "int", "lon": "float", "lat": "float", "waypoint": "str"},
        key=("river", "seq"),
    )
    shown = "geodata/sources/hydro/river_courses.csv"
    for lineno, lon, lat in zip(waypoints["_row"], waypoints["lon"], waypoints["lat"]):
        check_lonlat(shown, lineno, lon, lat, HYDRO_BBOX)
    unknown = sorted(set(waypoints["river"]) - set(names["name_en"]))
    if unknown:
        raise SourceError(f"{shown}: river(s) {', '.join(unknown)} have no row in rivers.csv")
    lonely = sorted(n for n, g in waypoints.groupby("river") if len(g) < 2)
    if lonely:
        raise SourceError(f"{shown}: river(s) {', '.join(lonely)} need at least two waypoints")
    return rivers, lakes, coast, names, waypoints


def build_hydro(src: Sources, *, inputs: HydroInputs | None = None) -> HydroResult:
    """The river network and the hydrography layers; ``inputs`` as :func:`read_hydro_inputs` returns them."""
    rivers_src, lakes_src, coast_src, names, waypoints = inputs if inputs is not None else read_hydro_inputs(src)
    single = rivers_src[rivers_src["level"] > 0]  # level 0: banks of double-lined rivers
    lines_m = to_regional(single.geometry.values)
    lakes_m = to_regional(lakes_src.geometry.values)
    coast_m = shapely.union_all(to_regional(coast_src.geometry.values))
    net = RiverNetwork.from_lines(lines_m, link_tol_m=LINK_TOL_M, lakes=lakes_m, coast=coast_m)

    named_rows: list[dict] = []
    named_edges: dict[int, str] = {}
    for name in names["name_en"]:
        wp = waypoints[waypoints["river"] == name].sort_values("seq")
        if wp.empty:
            continue
        points = list(to_regional(shapely.points(wp[["lon", "lat"]].to_numpy())))
        trace = net.trace_waypoints(points, snap_max_m=SNAP_MAX_M, name=name)
        for eid in trace.edges:
            named_edges.setdefault(eid, name)
        kinds = [net.kinds[e] for e in trace.edges]
        centre_m = sum(net.edges[e].length for e, k in zip(trace.edges, kinds) if k == "centreline")
        link_m = sum(net.edges[e].length for e, k in zip(trace.edges, kinds) if k == "link")
        geom = from_regional(trace.line)
        row = names[names["name_en"] == name].iloc[0]
        named_rows.append({
            "name_en": name,
            "name_zh": row["name_zh"],
            "name_ru": row["name_ru"],
            "name_ko": row["name_ko"],
            "aliases": "|".join(split_aliases(row["aliases"])) or None,
            "length_km": round(length_km(geom), 2),
            "centreline_km": round(centre_m / 1000, 2),
            "linked_km": round(link_m / 1000, 2),
            "waypoints": len(wp),
            "note": row["note"],
            "geometry": geom,
        })
    rivers = gpd.GeoDataFrame(named_rows, crs=4326)

    waterways = _waterways_frame(net, single, lines_m, named_edges)
    lakes = gpd.GeoDataFrame(
        {"lake_id": lakes_src["lake"].astype(int) if "lake" in lakes_src else range(1, len(lakes_src) + 1),
         "area_km2": [round(area_km2(g), 2) for g in lakes_src.geometry]},
        geometry=lakes_src.geometry.values, crs=4326,
    )
    coastline = gpd.GeoDataFrame(
        {"length_km": [round(length_km(g), 2) for g in coast_src.geometry]},
        geometry=coast_src.geometry.values, crs=4326,
    )
    layers = [
        described("rivers", rivers, link_km=LINK_TOL_M / 1000),
        described("waterways", waterways),
        described("lakes", lakes),
        described("coastline", coastline),
    ]
    return HydroResult(layers, net, rivers)


def _waterways_frame(net: RiverNetwork, single: gpd.GeoDataFrame, single_m, named_edges: dict) -> gpd.GeoDataFrame:
    edges = sorted(net.graph.edges(data="id"), key=lambda e: (e[0], e[1]))
    node_ids = {n: i for i, n in enumerate(sorted(net.graph.nodes))}
    geoms_m = np.array([net.edges[eid] for _, _, eid in edges], dtype=object)
    kinds = [net.kinds[eid] for _, _, eid in edges]
    # recover the WDBII level of each river edge from the source line it lies on
    tree = shapely.STRtree(single_m)  # the source lines, already projected for the network
    mids = shapely.line_interpolate_point(geoms_m, 0.5, normalized=True)
    nearest = tree.nearest(mids)
    levels = [int(single["level"].iloc[int(j)]) if k == "river" else None for j, k in zip(nearest, kinds)]
    geoms = from_regional(geoms_m)
    frame = gpd.GeoDataFrame(
        {
            "edge_id": range(1, len(edges) + 1),
            "kind": kinds,
            "level": pd.array(levels, dtype="Int64"),
            "level_name": [_RIVER_LEVELS.get(lv) if lv else None for lv in levels],
            "from_node": [node_ids[u] for u, _, _ in edges],
            "to_node": [node_ids[v] for _, v, _ in edges],
            "river": [named_edges.get(eid) for _, _, eid in edges],
            "length_km": [round(length_km(g), 3) for g in geoms],
        },
        geometry=geoms,
        crs=4326,
    )
    return frame
