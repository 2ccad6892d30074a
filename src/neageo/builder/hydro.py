"""Hydrography: the regional river network, named rivers, lakes and the coast.

Named rivers are our own work on unnamed World Data Bank II lines: each is
defined by ordered waypoints (``geodata/sources/hydro/river_courses.csv``) and
traced downstream along the network (see :mod:`neageo.network`).
"""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import substring

from .._errors import BuildError, SourceError
from ..geodesy import area_km2, distance_km_lonlat, from_regional, length_km, to_regional
from ..network import RiverNetwork
from ..network.graph import NodeKey
from ..settings import HYDRO_BBOX
from ..sources import Sources, check_lonlat, read_table, read_vector, split_aliases
from .layer import Layer, described

__all__ = [
    "GUIDE_MARGIN_M",
    "GUIDE_SIMPLIFY_M",
    "LINK_TOL_M",
    "SNAP_MAX_M",
    "HydroInputs",
    "HydroResult",
    "build_hydro",
    "read_hydro_inputs",
    "read_osm_borders",
    "shared_border_lines",
]

#: How far a river end may stop short of the line (or lake) it flows into and
#: still be joined to it.  The largest gap bridged on the six named rivers is
#: reported by the bench script; 2 km is about the width of the lower Amur.
LINK_TOL_M = 2000.0
#: How far a waypoint may lie from the river it marks.
SNAP_MAX_M = 10000.0
#: How far beyond a border reach's end waypoints its guide line runs, m.
GUIDE_MARGIN_M = 5000.0
#: Tolerance to which the border line is simplified before rivers follow it, m.  The
#: OpenStreetMap line has a vertex every few tens of metres along meanders; 20 m keeps
#: every bend at the scale of a river bridge and the length to within 0.1 %.
GUIDE_SIMPLIFY_M = 20.0

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
                 "definition": "str", "published_km": "float", "published_source": "str",
                 "source_lon": "float", "source_lat": "float", "source_ref": "str",
                 "mouth_lon": "float", "mouth_lat": "float", "mouth_ref": "str", "note": "str"},
        optional=("aliases",), key="name_en",
    )
    waypoints = read_table(
        src, "hydro", "river_courses.csv",
        columns={"river": "str", "seq": "int", "lon": "float", "lat": "float", "follow": "str", "network": "str",
                 "waypoint": "str"},
        key=("river", "seq"),
    )
    shown = "geodata/sources/hydro/river_courses.csv"
    for lineno, lon, lat in zip(waypoints["_row"], waypoints["lon"], waypoints["lat"]):
        check_lonlat(shown, lineno, lon, lat, HYDRO_BBOX)
    for lineno, follow, on_net in zip(waypoints["_row"], waypoints["follow"], waypoints["network"]):
        if not (follow in ("river", "estuary") or follow.startswith("border:")):
            raise SourceError(f"{shown}, row {lineno}: follow must be river, estuary or border:AAA-BBB, not {follow!r}")
        if on_net not in ("yes", "no"):
            raise SourceError(f"{shown}, row {lineno}: network must be yes or no, not {on_net!r}")
    unknown = sorted(set(waypoints["river"]) - set(names["name_en"]))
    if unknown:
        raise SourceError(f"{shown}: river(s) {', '.join(unknown)} have no row in rivers.csv")
    lonely = sorted(str(n) for n, g in waypoints.groupby("river") if (g["network"] == "yes").sum() < 2)
    if lonely:
        raise SourceError(f"{shown}: river(s) {', '.join(lonely)} need at least two waypoints on the network")
    for name, g in waypoints.groupby("river"):
        flags = list(g.sort_values("seq")["network"])
        if "no" in flags and "yes" in flags[flags.index("no"):]:
            raise SourceError(f"{shown}: {name}: waypoints off the network (network=no) may only come last")
    return rivers, lakes, coast, names, waypoints


def read_osm_borders(src: Sources) -> gpd.GeoDataFrame:
    """The OpenStreetMap country polygons (land only) whose shared edges are the border lines."""
    return read_vector(src, "borders", "osm_countries.geojson", geom_types=("Polygon", "MultiPolygon"),
                       columns=("iso_a3",))


def shared_border_lines(countries: gpd.GeoDataFrame) -> dict[str, list]:
    """Each pair's shared boundary (lon/lat LineStrings), keyed ``"AAA-BBB"`` (alphabetical)."""
    geoms = dict(zip(countries["iso_a3"], countries.geometry))
    out = {}
    isos = sorted(geoms)
    for i, a in enumerate(isos):
        for b in isos[i + 1:]:
            if not geoms[a].intersects(geoms[b]):
                continue
            shared = geoms[a].boundary.intersection(geoms[b].boundary)
            lines = [g for g in shapely.get_parts(shared) if g.geom_type in ("LineString", "MultiLineString")]
            if lines:
                merged = shapely.line_merge(shapely.union_all(lines))
                out[f"{a}-{b}"] = [g for g in shapely.get_parts(merged) if g.length > 0]
    return out


def _guide(parts_m: list, a: Point, b: Point, where: str) -> LineString:
    """The stretch of a border (metres) between the points nearest ``a`` and ``b``, oriented a -> b.

    The stretch runs :data:`GUIDE_MARGIN_M` beyond each end so the nodes of the
    reach project inside it.
    """
    part = min(parts_m, key=lambda g: g.distance(a) + g.distance(b))
    off = max(part.distance(a), part.distance(b))
    if off > SNAP_MAX_M:
        raise BuildError(f"{where}: the border passes {off / 1000:.1f} km from a waypoint of the reach it should follow")
    sa, sb = part.project(a), part.project(b)
    if sa > sb:
        part = LineString(part.coords[::-1])
        sa, sb = part.length - sa, part.length - sb
    return _stretch(part, max(sa - GUIDE_MARGIN_M, 0.0), min(sb + GUIDE_MARGIN_M, part.length), where)


def _stretch(line: LineString, start: float, end: float, where: str) -> LineString:
    """The part of ``line`` between two distances along it; a line, never a point."""
    piece = substring(line, start, end)
    if not isinstance(piece, LineString):
        raise BuildError(f"{where}: the reach has no length along the border; check the order of its waypoints")
    return piece


def _trace_named(net: RiverNetwork, names: pd.DataFrame, waypoints: pd.DataFrame, borders_m: dict) -> dict:
    """Trace every named river, redraw its border reaches along the border and extend it to its mouth.

    Returns name -> list of network nodes from source to mouth.
    """
    stops: dict[str, list] = {}  # the waypoints' nodes
    runs = []  # (name, first waypoint, last waypoint, follow, first point, last point)
    tails = {}
    for name in names["name_en"]:
        wp = waypoints[waypoints["river"] == name].sort_values("seq")
        if wp.empty:
            continue
        on = wp[wp["network"] == "yes"]
        points = list(to_regional(shapely.points(on[["lon", "lat"]].to_numpy())))
        trace = net.trace_waypoints(points, snap_max_m=SNAP_MAX_M, name=name)
        stops[name] = [trace.nodes[m] for m in (trace.marks or [])]
        follows = list(on["follow"])
        i = 0
        while i < len(follows) - 1:  # runs of legs that follow the same border
            j = i
            while j + 1 < len(follows) - 1 and follows[j + 1] == follows[i]:
                j += 1
            if follows[i].startswith("border:"):
                runs.append((name, i, j + 1, follows[i], points[i], points[j + 1]))
            i = j + 1
        off = wp[wp["network"] == "no"]
        if not off.empty:
            leg_follows = list(wp["follow"])[len(on) - 1:-1]  # each leg runs as its first waypoint says
            tails[name] = list(zip(leg_follows, to_regional(shapely.points(off[["lon", "lat"]].to_numpy()))))
    # later traces split edges of earlier ones: walk each river again between its waypoints
    paths: dict[str, list] = {}
    marks: dict[str, list] = {}
    for name, nodes in stops.items():
        path, mk = [nodes[0]], [0]
        for node in nodes[1:]:
            path.extend(nx.shortest_path(net.graph, path[-1], node, weight="weight")[1:])
            mk.append(len(path) - 1)
        paths[name], marks[name] = path, mk
    legs = [(name, marks[name][i], marks[name][j], follow, a, b) for name, i, j, follow, a, b in runs]

    def relabel(moved: dict) -> None:
        for nodes in paths.values():
            nodes[:] = [moved.get(n, n) for n in nodes]

    for name, m0, m1, follow, a, b in legs:
        pair = follow.split(":", 1)[1]
        where = f"{name} along the {pair} border"
        if pair not in borders_m:
            raise BuildError(f"{where}: the countries share no border line")
        guide = _guide(borders_m[pair], a, b, where)
        try:
            relabel(net.follow(paths[name][m0:m1 + 1], guide, kind="channel"))
        except BuildError as exc:
            raise BuildError(f"{where}: {exc}") from None

    for name, tail in tails.items():
        for follow, point in tail:
            last = Point(paths[name][-1])
            if follow.startswith("border:"):
                pair = follow.split(":", 1)[1]
                where = f"{name} to its mouth along the {pair} border"
                guide = _guide(borders_m[pair], last, point, where)
                line = _stretch(guide, guide.project(last), guide.project(point), where)
                kind = "channel"
            else:
                line = LineString([last, point])
                kind = "estuary"
            paths[name].append(net.extend(paths[name][-1], line, kind=kind))
    return paths


def build_hydro(src: Sources, *, inputs: HydroInputs | None = None, borders: dict | None = None) -> HydroResult:
    """The river network and the hydrography layers.

    Parameters
    ----------
    inputs
        The sources as :func:`read_hydro_inputs` returns them (read now if not given).
    borders
        Each country pair's shared boundary lines (lon/lat), as from
        :func:`shared_border_lines`; named rivers follow them along their
        border reaches.
    """
    rivers_src, lakes_src, coast_src, names, waypoints = inputs if inputs is not None else read_hydro_inputs(src)
    single = rivers_src[rivers_src["level"] > 0]  # level 0: banks of double-lined rivers
    lines_m = to_regional(single.geometry.values)
    lakes_m = to_regional(lakes_src.geometry.values)
    coast_m = shapely.union_all(to_regional(coast_src.geometry.values))
    net = RiverNetwork.from_lines(lines_m, link_tol_m=LINK_TOL_M, lakes=lakes_m, coast=coast_m)
    borders_m = {
        pair: list(shapely.simplify(to_regional(np.asarray(parts, dtype=object)), GUIDE_SIMPLIFY_M))
        for pair, parts in (borders or {}).items()
    }
    paths = _trace_named(net, names, waypoints, borders_m)

    named_rows: list[dict] = []
    named_edges: dict[int, str] = {}
    for name, nodes in paths.items():
        trace = net._trace(nodes)
        for eid in trace.edges:
            named_edges.setdefault(eid, name)
        by_kind: dict[str, float] = {}
        for e in trace.edges:
            by_kind[net.kinds[e]] = by_kind.get(net.kinds[e], 0.0) + net.edges[e].length

        def km(kind, by_kind=by_kind):
            return round(by_kind.get(kind, 0.0) / 1000, 2)

        geom = from_regional(trace.line)
        row = names[names["name_en"] == name].iloc[0]
        start, end = geom.coords[0], geom.coords[-1]
        length = length_km(geom)
        named_rows.append({
            "name_en": name,
            "name_zh": row["name_zh"],
            "name_ru": row["name_ru"],
            "name_ko": row["name_ko"],
            "aliases": "|".join(split_aliases(row["aliases"])) or None,
            "definition": row["definition"],
            "length_km": round(length, 2),
            "published_km": float(row["published_km"]),
            "published_source": row["published_source"],
            "difference_pct": round((length - row["published_km"]) / row["published_km"] * 100, 1),
            "border_km": km("channel"),
            "centreline_km": km("centreline"),
            "estuary_km": km("estuary"),
            "linked_km": km("link"),
            "waypoints": int((waypoints["river"] == name).sum()),
            "source_lon": float(row["source_lon"]),
            "source_lat": float(row["source_lat"]),
            "source_ref": row["source_ref"],
            "source_offset_km": round(float(distance_km_lonlat(start[0], start[1], row["source_lon"], row["source_lat"])), 2),
            "mouth_lon": float(row["mouth_lon"]),
            "mouth_lat": float(row["mouth_lat"]),
            "mouth_ref": row["mouth_ref"],
            "mouth_offset_km": round(float(distance_km_lonlat(end[0], end[1], row["mouth_lon"], row["mouth_lat"])), 2),
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
    edges: list[tuple[NodeKey, NodeKey, int]] = sorted(net.graph.edges(data="id"), key=lambda e: (e[0], e[1]))
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
