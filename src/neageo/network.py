"""The river network: a directed graph over the regional hydrography.

World Data Bank II digitises every river line in the direction of flow (checked
on all six named rivers: every source piece along them runs downstream), so an
edge's orientation *is* the flow direction.  Edges are lines in the regional
projection (metres) with a ``kind``:

``river``
    hydrography as digitised (single-lined rivers);
``centreline``
    the medial axis of a lake, reservoir or double-lined river, from where
    rivers flow in to where water leaves (a river or the sea); the source has
    only shorelines there;
``link``
    a short straight join: a river end that stops short of the line it flows
    into (a gap in the source), or a river meeting a centreline;
``channel``
    a reach redrawn along a finer guide line: where a river is an international
    border, the border line follows its main channel (see :meth:`RiverNetwork.follow`);
``estuary``
    a course drawn through cited waypoints across an estuary the source leaves
    open (see :meth:`RiverNetwork.extend`).

The build uses the network to trace named rivers between ordered waypoints
and stores its edges as the ``waterways`` layer; queries rebuild it from that
layer to follow water downstream.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, cast

import networkx as nx
import numpy as np
import shapely
import shapely.ops
from shapely.geometry import LineString, Point
from shapely.ops import substring

from ._errors import BuildError, NotDownstream, QueryError

__all__ = ["RiverNetwork", "Trace"]

_SNAPPABLE = ("river", "centreline", "channel", "estuary")

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: Node keys are coordinates rounded to centimetres.
_KEY_DECIMALS = 2


def _key(xy: Any) -> tuple[float, float]:
    return (round(float(xy[0]), _KEY_DECIMALS), round(float(xy[1]), _KEY_DECIMALS))


def _piece(line: LineString, start: float, end: float) -> LineString:
    """The part of ``line`` between two distances along it (start < end: never a point here)."""
    return cast(LineString, substring(line, start, end))


@dataclass(frozen=True)
class _Spot:
    """A point on the network: edge ``eid`` at ``at`` metres from its start.

    ``key`` is the point's node key; ``on_node`` tells whether a node of the
    graph is already there (an edge end), in which case paths start or end at
    that node instead of part-way along the edge.
    """

    eid: int
    at: float
    key: tuple[float, float]
    on_node: bool


@dataclass
class Trace:
    """A path through the network: its line (metres, oriented downstream) and edges."""

    line: LineString
    edges: list[int]
    linked_m: float
    nodes: list
    #: index in ``nodes`` of each waypoint (for traces through waypoints)
    marks: list[int] | None = None


class RiverNetwork:
    """Oriented, noded river edges and the directed graph over them.

    Parameters
    ----------
    edges
        LineStrings in a metric CRS, noded (meeting only at their ends) and
        oriented downstream.
    kinds
        ``"river"``, ``"centreline"`` or ``"link"`` per edge (default all river).
    """

    def __init__(self, edges, kinds=None, labels=None):
        self.edges: list[LineString] = list(edges)
        self.kinds: list[str] = list(kinds) if kinds is not None else ["river"] * len(self.edges)
        self.labels: list[str | None] = list(labels) if labels is not None else [None] * len(self.edges)
        self.graph = nx.DiGraph()
        for i, line in enumerate(self.edges):
            self._add_edge(i, line)
        self._tree = None

    # -- construction -----------------------------------------------------------------
    def _add_edge(self, i: int, line: LineString) -> None:
        a, b = _key(line.coords[0]), _key(line.coords[-1])
        if a == b:
            return
        old = self.graph.get_edge_data(a, b)
        if old is not None and self.edges[old["id"]].length <= line.length:
            return  # of two parallel channels between the same nodes keep the shorter
        self.graph.add_edge(a, b, id=i, weight=line.length)

    def _append(self, line: LineString, kind: str, label: str | None = None) -> None:
        if line.length <= 0:
            return
        self.edges.append(line)
        self.kinds.append(kind)
        self.labels.append(label)
        self._add_edge(len(self.edges) - 1, line)

    @classmethod
    def from_edges(cls, lines, kinds, from_nodes, to_nodes, labels=None) -> RiverNetwork:
        """Rebuild a network from stored edges (the ``waterways`` layer).

        Endpoints are snapped to one coordinate per node id, so edges that
        share a node share a key even after a round trip through lon/lat.
        """
        canon: dict[int, tuple[float, float]] = {}
        fixed = []
        for line, u, v in zip(lines, from_nodes, to_nodes):
            coords = list(line.coords)
            canon.setdefault(int(u), coords[0])
            canon.setdefault(int(v), coords[-1])
            coords[0], coords[-1] = canon[int(u)], canon[int(v)]
            fixed.append(LineString(coords))
        return cls(fixed, kinds, labels)

    @classmethod
    def from_lines(
        cls, lines, *, link_tol_m: float, lakes=(), coast=None, skeleton_spacing_m: float = 250.0
    ) -> RiverNetwork:
        """Node raw, downstream-oriented river lines and close the gaps in them.

        Parameters
        ----------
        lines
            River lines (metres), oriented downstream.  Double-lined rivers
            (their banks) should be left out: the lake polygons stand for them.
        link_tol_m
            How far a river end may stop short of the line or lake it flows into.
        lakes
            Lake, reservoir and double-lined river polygons (metres).  Water
            crosses each along its medial axis from where rivers flow in to
            where one flows out, or to the sea.
        coast
            Sea coastline (metres); a lake within ``link_tol_m`` of it opens to
            the sea there.
        skeleton_spacing_m
            Boundary sampling for the medial axis.
        """
        lines = list(lines)
        parts = shapely.get_parts(shapely.line_merge(shapely.union_all(lines), directed=True))
        noded = [g for g in parts if g.length > 0]
        tree = shapely.STRtree(lines)
        oriented = []
        for edge in noded:
            oriented.append(_orient_like_source(edge, lines, tree))
        net = cls(oriented)
        net._prune_overshoots(link_tol_m / 4)
        if len(lakes):
            # A double-lined river often comes as a chain of lake polygons a few
            # hundred metres apart; a morphological closing joins the chain.
            half = link_tol_m / 2
            lakes = shapely.get_parts(shapely.union_all(shapely.buffer(lakes, half, quad_segs=4)))
            lakes = [g for g in shapely.get_parts(shapely.buffer(lakes, -half, quad_segs=4)) if not g.is_empty]
            lakes = sorted(lakes, key=lambda g: g.bounds)
        for lake in lakes:
            net._cross_lake(lake, link_tol_m, coast, skeleton_spacing_m)
        net._link_gaps(link_tol_m)
        return net

    def _prune_overshoots(self, max_m: float) -> None:
        """Drop short dead-end stubs where a tributary was digitised past the river it joins.

        Noding cuts such a tributary where it crosses the river; the bit beyond
        is a spur that water would enter and never leave.
        """
        removed = 0
        for u, v, d in sorted(self.graph.edges(data=True)):
            if (
                d["weight"] < max_m
                and self.graph.out_degree(v) == 0
                and self.graph.in_degree(v) == 1
                and self.graph.out_degree(u) >= 2
            ):
                self.graph.remove_edge(u, v)
                self.graph.remove_node(v)
                removed += 1
        log.debug("pruned %d overshoots", removed)

    def _ends(self) -> list:
        """Nodes where a river stops: water comes in, nothing goes out."""
        return sorted(n for n in self.graph if self.graph.out_degree(n) == 0 and self.graph.in_degree(n) >= 1)

    def _starts(self) -> list:
        return sorted(n for n in self.graph if self.graph.in_degree(n) == 0 and self.graph.out_degree(n) >= 1)

    def _cross_lake(self, lake, tol: float, coast, spacing: float) -> None:
        """Carry the rivers ending at a lake across it along its medial axis."""
        near = lake.buffer(tol)
        shapely.prepare(near)
        ins = [n for n in self._ends() if near.contains(Point(n))]
        if not ins:
            return
        outs = [n for n in self._starts() if near.contains(Point(n))]
        upstream = set().union(*(nx.ancestors(self.graph, a) | {a} for a in ins))
        outs = [n for n in outs if n not in upstream]
        if coast is not None and lake.distance(coast) <= tol:
            exit_point, outs = shapely.ops.nearest_points(lake, coast)[0], []  # it opens to the sea
        elif outs:
            # the main outflow: the one from which most river length follows
            def reach(n):
                below = self.graph.subgraph(nx.descendants(self.graph, n) | {n})
                return sum(w for _, _, w in below.edges(data="weight"))

            main = max(outs, key=lambda n: (reach(n), n))
            exit_point, outs = Point(main), [main]
        else:
            return  # a lake without outflow: the rivers end in it
        skel = _Skeleton(lake, spacing)
        if skel.size == 0:
            return
        outlet = skel.nearest(exit_point)
        pred = skel.tree_towards(outlet)
        used: list[tuple[int, int]] = []  # skeleton edges (i, j) carrying water towards the outlet
        on_course = {outlet}
        attach = {}
        for a in ins:
            s0 = skel.nearest(Point(a))
            walk = [s0]
            while walk[-1] not in on_course and pred[walk[-1]] >= 0:
                walk.append(int(pred[walk[-1]]))
            if walk[-1] not in on_course:
                continue  # this part of the lake does not connect to the outlet
            attach[a] = skel.key(s0)
            used.extend(zip(walk[:-1], walk[1:]))
            on_course.update(walk)
        outlet_key = skel.key(outlet)
        if not used and not attach:
            return
        segments = [LineString([skel.nodes[u], skel.nodes[v]]) for u, v in sorted(used)]
        merged: Any = shapely.get_parts(shapely.line_merge(shapely.multilinestrings(segments), directed=True)) if segments else []
        for line in merged:
            self._append(LineString(line.coords), "centreline")
        for end, s_key in sorted(attach.items()):
            self._append(LineString([end, s_key]), "link")
        if outs:
            self._append(LineString([outlet_key, outs[0]]), "link")

    def _link_gaps(self, tol: float) -> None:
        """Link each river end to the nearest line within ``tol`` that is not upstream of it.

        Ends are handled one at a time, each link applied before the next end
        is looked at, so two ends can never link into each other's rivers and
        make a loop.
        """
        linked = 0
        for node in self._ends():
            live, tree = self._live()
            p = Point(node)
            upstream = nx.ancestors(self.graph, node) | {node}
            best = None
            for j in tree.query(p, predicate="dwithin", distance=tol):
                eid = live[int(j)]
                line = self.edges[eid]
                if _key(line.coords[-1]) in upstream:
                    continue
                at = line.project(p)
                target = _key(line.interpolate(at).coords[0])
                if target in upstream:
                    continue
                d = line.distance(p)
                if best is None or (d, eid) < best[:2]:
                    best = (d, eid, at, target)
            if best is None:
                continue
            _, eid, at, target = best
            if not self.graph.has_node(target):
                self._split_edge(eid, [(at, target)])
            self._append(LineString([node, target]), "link")
            self._tree = None
            linked += 1
        log.debug("bridged %d gaps", linked)

    def _split_edge(self, eid: int, cuts) -> None:
        line = self.edges[eid]
        a, b = _key(line.coords[0]), _key(line.coords[-1])
        if self.graph.has_edge(a, b) and self.graph[a][b]["id"] == eid:
            self.graph.remove_edge(a, b)
        marks = [0.0] + [at for at, _ in cuts if 0.0 < at < line.length] + [line.length]
        for s, e in zip(marks[:-1], marks[1:]):
            if e > s:
                self._append(_piece(line, s, e), self.kinds[eid], self.labels[eid])

    # -- snapping and paths --------------------------------------------------------------
    def _live(self):
        if self._tree is None:
            live = [d["id"] for _, _, d in self.graph.edges(data=True) if self.kinds[d["id"]] in _SNAPPABLE]
            self._tree = (live, shapely.STRtree([self.edges[i] for i in live]))
        return self._tree

    def snap(self, point: Point, *, max_m: float = float("inf")) -> tuple:
        """Split the nearest river or centreline at the point closest to ``point``; return that node.

        Straight links are never snapped to: they are not water.
        """
        live, tree = self._live()
        if not live:
            raise QueryError("the river network is empty")
        eid = live[int(tree.nearest(point))]
        line = self.edges[eid]
        if line.distance(point) > max_m:
            raise QueryError(f"no river within {max_m / 1000:g} km of that point")
        at = line.project(point)
        target = _key(line.interpolate(at).coords[0])
        if not self.graph.has_node(target):
            self._split_edge(eid, [(at, target)])
            self._tree = None
        return target

    def _trace(self, nodes: list) -> Trace:
        coords: list[tuple[float, ...]] = []
        used: list[int] = []
        linked = 0.0
        for u, v in zip(nodes[:-1], nodes[1:]):
            eid = self.graph[u][v]["id"]
            line = self.edges[eid]
            used.append(eid)
            if self.kinds[eid] == "link":
                linked += line.length
            pts = list(line.coords)
            coords.extend(pts if not coords else pts[1:])
        if len(coords) < 2:
            raise QueryError("the path has no length: start and end snap to the same point of the river")
        return Trace(LineString(coords), used, linked, nodes)

    def downstream_path(self, a, b) -> Trace:
        """The path water takes from node ``a`` to node ``b``.

        Raises
        ------
        NotDownstream
            when ``b`` cannot be reached from ``a`` following the flow.
        """
        try:
            nodes = nx.shortest_path(self.graph, a, b, weight="weight")
        except nx.NetworkXNoPath:
            if nx.has_path(self.graph, b, a):
                raise NotDownstream("the end lies upstream of the start; swap them") from None
            raise NotDownstream("the end is not downstream of the start: the river network does not connect them") from None
        return self._trace(nodes)

    def path_between(self, start: Point, end: Point, *, max_m: float) -> Trace:
        """The water's path from the river nearest ``start`` to ``end``.

        ``start`` snaps to the nearest river or centreline; ``end`` to the
        nearest one *downstream of that point* (a town beside a confluence
        lands on the river the water actually reaches).

        Raises
        ------
        QueryError
            when ``start`` is more than ``max_m`` from any river.
        NotDownstream
            when no water from ``start`` passes within ``max_m`` of ``end``.
        """
        a, b = _ends(start, end, max_m, self.snap, self._snap_downstream)
        return self.downstream_path(a, b)

    def _snap_downstream(self, node, point: Point, max_m: float):
        """Snap ``point`` to the nearest river or centreline reachable downstream of ``node``."""
        reach = nx.descendants(self.graph, node) | {node}
        best = None
        for _, _, eid in self.graph.edges(reach, data="id"):
            if self.kinds[eid] not in _SNAPPABLE:
                continue
            d = self.edges[eid].distance(point)
            if d <= max_m and (best is None or (d, eid) < best):
                best = (d, eid)
        if best is None:
            return None
        line = self.edges[best[1]]
        at = line.project(point)
        target = _key(line.interpolate(at).coords[0])
        if not self.graph.has_node(target):
            self._split_edge(best[1], [(at, target)])
            self._tree = None
        return target

    # -- read-only queries ----------------------------------------------------------------
    # The methods above split edges where they snap (the build stores those
    # splits).  The ones below never modify the network: a snapped point is a
    # _Spot, a position along one edge, and paths start and end with the part of
    # an edge beyond or before it.  A network cached by a query module can be
    # shared by every call (and thread) without copying.

    def _spot(self, eid: int, piece: LineString, offset: float, point: Point) -> _Spot:
        """Where ``point`` meets ``piece`` (the part of edge ``eid`` from ``offset`` on)."""
        at = piece.project(point)
        key = _key(piece.interpolate(at).coords[0])
        return _Spot(eid, offset + at, key, self.graph.has_node(key))

    def locate(self, point: Point, *, max_m: float = float("inf")) -> _Spot:
        """The point of the nearest river or centreline closest to ``point``; the network is unchanged."""
        live, tree = self._live()
        if not live:
            raise QueryError("the river network is empty")
        eid = live[int(tree.nearest(point))]
        line = self.edges[eid]
        if line.distance(point) > max_m:
            raise QueryError(f"no river within {max_m / 1000:g} km of that point")
        return self._spot(eid, line, 0.0, point)

    def _ends_of(self, spot: _Spot) -> tuple:
        line = self.edges[spot.eid]
        return _key(line.coords[0]), _key(line.coords[-1])

    def locate_downstream(self, spot: _Spot, point: Point, max_m: float) -> _Spot | None:
        """The nearest river or centreline point to ``point`` that water from ``spot`` reaches, within ``max_m``."""
        if spot.on_node:
            reach = nx.descendants(self.graph, spot.key) | {spot.key}
            own = None
        else:
            u, v = self._ends_of(spot)
            reach = nx.descendants(self.graph, v) | {v}
            own = spot.eid
        best = None
        if own is not None and u not in reach:  # only the part of its own edge below the spot
            line = self.edges[own]
            piece = _piece(line, spot.at, line.length)
            d = piece.distance(point)
            if d <= max_m:
                best = (d, own, piece, spot.at)
        for _, _, eid in self.graph.edges(reach, data="id"):
            if self.kinds[eid] not in _SNAPPABLE:
                continue
            line = self.edges[eid]
            d = line.distance(point)
            if d <= max_m and (best is None or (d, eid) < best[:2]):
                best = (d, eid, line, 0.0)
        if best is None:
            return None
        found = self._spot(best[1], best[2], best[3], point)
        if not found.on_node and found.key == spot.key:
            return spot
        return found

    def route(self, start: Point, end: Point, *, max_m: float) -> Trace:
        """Like :meth:`path_between`, without modifying the network (for queries)."""
        a, b = _ends(start, end, max_m, self.locate, self.locate_downstream)
        return self._route_between(a, b)

    def _route_between(self, a: _Spot, b: _Spot) -> Trace:
        pieces: list[tuple[int, LineString]] = []  # (edge id, the part of it travelled)
        nodes: list = [a.key]
        if not a.on_node and not b.on_node and a.eid == b.eid and b.at >= a.at:
            pieces.append((a.eid, _piece(self.edges[a.eid], a.at, b.at)))
        else:
            first, last = a.key, b.key
            if not a.on_node:
                line = self.edges[a.eid]
                pieces.append((a.eid, _piece(line, a.at, line.length)))
                first = self._ends_of(a)[1]
            tail = None
            if not b.on_node:
                tail = (b.eid, _piece(self.edges[b.eid], 0.0, b.at))
                last = self._ends_of(b)[0]
            try:
                middle = nx.shortest_path(self.graph, first, last, weight="weight")
            except nx.NetworkXNoPath:
                if nx.has_path(self.graph, last, first):
                    raise NotDownstream("the end lies upstream of the start; swap them") from None
                raise NotDownstream(
                    "the end is not downstream of the start: the river network does not connect them"
                ) from None
            pieces += [(self.graph[u][v]["id"], self.edges[self.graph[u][v]["id"]])
                       for u, v in zip(middle[:-1], middle[1:])]
            nodes += middle if not a.on_node else middle[1:]
            if tail is not None:
                pieces.append(tail)
        if nodes[-1] != b.key:
            nodes.append(b.key)
        arrays: list[np.ndarray] = []  # coordinates piece by piece, each after the first without its shared start
        linked = 0.0
        for eid, piece in pieces:
            if self.kinds[eid] != "river":
                linked += piece.length
            xy = shapely.get_coordinates(piece)
            arrays.append(xy if not arrays else xy[1:])
        coords = np.concatenate(arrays) if arrays else np.empty((0, 2))
        if len(coords) < 2 or a.key == b.key:
            raise QueryError("the path has no length: start and end snap to the same point of the river")
        return Trace(cast(LineString, shapely.linestrings(coords)), [eid for eid, _ in pieces], linked, nodes)

    def trace_waypoints(self, points, *, snap_max_m: float, name: str = "river") -> Trace:
        """Trace a named course downstream through ordered waypoints (metres).

        The first waypoint snaps to the nearest river; each later one to the
        nearest river *downstream of the one before*, so a waypoint placed
        between a river and its tributary lands on the course being traced.
        """
        try:
            keys = [self.snap(points[0], max_m=snap_max_m)]
        except QueryError:
            raise BuildError(
                f"{name}: waypoint 1 lies more than {snap_max_m / 1000:g} km from any river; move it onto the river"
            ) from None
        nodes: list = [keys[0]]
        marks = [0]
        for i, p in enumerate(points[1:], start=2):
            key = self._snap_downstream(nodes[-1], p, snap_max_m)
            if key is None:
                raise BuildError(
                    f"{name}: waypoint {i} is not within {snap_max_m / 1000:g} km of the water downstream of "
                    f"waypoint {i - 1}; check the order of the waypoints, move it, or raise the gap tolerance"
                )
            leg = nx.shortest_path(self.graph, nodes[-1], key, weight="weight")
            nodes.extend(leg[1:])
            marks.append(len(nodes) - 1)
        trace = self._trace(nodes)
        trace.marks = marks
        return trace

    # -- redrawing reaches from finer sources ----------------------------------------------
    def follow(self, nodes: list, guide: LineString, *, kind: str = "channel") -> dict:
        """Redraw the path through ``nodes`` along ``guide`` (a finer line of the same reach).

        Each node moves to where it projects on the guide (kept in order), each
        edge between consecutive nodes becomes the guide between them, and the
        other edges meeting a moved node (tributaries, the river below) are
        re-ended there, so the network stays connected.

        Returns
        -------
        dict
            Old node key -> new node key, for every node that moved.
        """
        if len(nodes) < 2:
            return {}
        pos = np.array([guide.project(Point(n)) for n in nodes])
        for i in range(1, len(pos)):  # keep the order of the nodes along the guide
            pos[i] = max(pos[i], pos[i - 1] + 1.0)
        if pos[-1] > guide.length:
            raise BuildError("the guide line is shorter than the reach it should redraw")
        new = [_key(guide.interpolate(d).coords[0]) for d in pos]
        taken = set(self.graph.nodes) - set(nodes)
        if any(k in taken for k in new):
            raise BuildError("a redrawn node would land on another node of the network")
        on_path = set()
        for (u, v), (s0, s1), (a, b) in zip(pairwise(nodes), pairwise(pos), pairwise(new)):
            eid = self.graph[u][v]["id"]
            coords = list(substring(guide, s0, s1).coords)
            coords[0], coords[-1] = a, b
            self.edges[eid] = LineString(coords)
            self.kinds[eid] = kind
            on_path.add(eid)
        moved = {n: k for n, k in zip(nodes, new) if n != k}
        for n, k in moved.items():
            for u, v, eid in list(self.graph.in_edges(n, data="id")) + list(self.graph.out_edges(n, data="id")):
                if eid in on_path:
                    continue
                coords = list(self.edges[eid].coords)
                if v == n:
                    coords[-1] = k
                if u == n:
                    coords[0] = k
                self.edges[eid] = LineString(coords)
        nx.relabel_nodes(self.graph, moved, copy=False)
        for _, _, d in self.graph.edges(data=True):
            d["weight"] = self.edges[d["id"]].length
        self._tree = None
        return moved

    def extend(self, node, line: LineString, *, kind: str) -> tuple:
        """Continue the network from ``node`` along ``line`` (which starts at or near it).

        Returns the new end node.
        """
        coords = list(line.coords)
        coords[0] = node
        end = _key(coords[-1])
        coords[-1] = end
        if end in self.graph:
            raise BuildError("an extension would end on an existing node of the network")
        self._append(LineString(coords), kind)
        self._tree = None
        return end



class _Skeleton:
    """Medial axis of a polygon: Voronoi edges of its sampled boundary that lie inside it."""

    def __init__(self, poly, spacing: float):
        from scipy.sparse import coo_matrix

        pts = shapely.get_coordinates(shapely.segmentize(poly.boundary, spacing))
        self.size = 0
        if len(pts) < 4:
            return
        edges = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), only_edges=True))
        shapely.prepare(poly)
        inside = edges[shapely.contains(poly, edges)]
        coords, index = shapely.get_coordinates(inside, return_index=True)
        coords = np.round(coords, _KEY_DECIMALS)
        uniq, inverse = np.unique(coords, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        same = index[:-1] == index[1:]
        a, b = inverse[:-1][same], inverse[1:][same]
        keep = a != b
        a, b = a[keep], b[keep]
        w = np.hypot(*(uniq[a] - uniq[b]).T)
        n = len(uniq)
        self.nodes = uniq
        self.size = n
        self.matrix = coo_matrix((np.r_[w, w], (np.r_[a, b], np.r_[b, a])), shape=(n, n)).tocsr()
        self.tree = shapely.STRtree(np.asarray(shapely.points(uniq)))

    def key(self, i: int) -> tuple:
        return _key(self.nodes[i])

    def nearest(self, p: Point) -> int:
        return int(self.tree.nearest(p))

    def tree_towards(self, root: int):
        from scipy.sparse.csgraph import dijkstra

        _, pred = dijkstra(self.matrix, directed=False, indices=root, return_predecessors=True)
        return pred


def _orient_like_source(edge: LineString, lines, tree) -> LineString:
    """Return ``edge`` oriented like the source line it was cut from.

    The source line is the one lying along the whole edge (smallest greatest
    distance from the edge's vertices), not merely the nearest one: at a
    confluence a short edge can be nearer to the tributary than to its own line.
    """
    mid = edge.interpolate(0.5, normalized=True)
    cands = tree.query(mid, predicate="dwithin", distance=1.0)
    if len(cands) == 0:
        cands = [tree.nearest(mid)]
    probe = shapely.points(np.vstack([np.asarray(edge.coords), np.asarray(mid.coords)]))

    def off(g):  # how far the edge strays from g: ~0 for the line it was cut from
        return float(shapely.distance(g, probe).max())

    src = min((lines[int(j)] for j in cands), key=lambda g: (off(g), g.length))
    a, b = src.project(Point(edge.coords[0])), src.project(Point(edge.coords[-1]))
    return LineString(edge.coords[::-1]) if a > b else edge


def _ends(start: Point, end: Point, max_m: float, snap, downstream):
    """Snap ``start`` and then ``end`` downstream of it, or say why the water does not connect them.

    ``snap(point, max_m=)`` and ``downstream(snapped, point, max_m)`` are either
    the splitting pair (:meth:`RiverNetwork.snap`) or the read-only one
    (:meth:`RiverNetwork.locate`), so both kinds of path give the same answers and errors.
    """
    a = snap(start, max_m=max_m)
    b = downstream(a, end, max_m)
    if b is not None:
        return a, b
    try:
        back = snap(end, max_m=max_m)
    except QueryError:
        raise NotDownstream(f"the end is more than {max_m / 1000:g} km from any river") from None
    if downstream(back, start, max_m) is not None:
        raise NotDownstream("the end lies upstream of the start; swap them") from None
    raise NotDownstream(
        f"the end is not downstream of the start: no water from the start passes within {max_m / 1000:g} km of it"
    )
