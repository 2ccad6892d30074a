"""Paths the build traces: snapping splits edges, so traced courses become edges of their own.

:meth:`TracedGraph.trace_waypoints` follows a named river downstream through
ordered waypoints; :meth:`~TracedGraph.path_between` gives the water's path
between two points (the build's project and event geometries);
:meth:`~TracedGraph.follow` and :meth:`~TracedGraph.extend` redraw a reach along
a finer line (a river that is a border follows the border's main channel) and
continue the network across an estuary.  The splits are stored in the
``waterways`` layer.
"""

from __future__ import annotations

from itertools import pairwise

import networkx as nx
import numpy as np
from shapely.geometry import LineString, Point
from shapely.ops import substring

from .._errors import BuildError, NotDownstream, QueryError
from .graph import SNAPPABLE, Trace, node_key
from .routing import RoutedGraph, snapped_ends

__all__ = ["TracedGraph"]


class TracedGraph(RoutedGraph):
    """A :class:`~neageo.network.routing.RoutedGraph` that snaps by splitting edges and redraws reaches."""

    def snap(self, point: Point, *, max_m: float = float("inf")) -> tuple:
        """Split the nearest river or centreline at the point closest to ``point``; return that node.

        Straight links are never snapped to: they are not water.
        """
        eid = self.nearest_water(point, max_m)
        line = self.edges[eid]
        at = line.project(point)
        target = node_key(line.interpolate(at).coords[0])
        if not self.graph.has_node(target):
            self._split_edge(eid, [(at, target)])
            self._tree = None
        return target

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
        a, b = snapped_ends(start, end, max_m, self.snap, self._snap_downstream)
        return self.downstream_path(a, b)

    def _snap_downstream(self, node, point: Point, max_m: float):
        """Snap ``point`` to the nearest river or centreline reachable downstream of ``node``."""
        reach = nx.descendants(self.graph, node) | {node}
        best: tuple[float, int] | None = None
        eid: int  # the edge's index in self.edges
        for _, _, eid in self.graph.edges(reach, data="id"):
            if self.kinds[eid] not in SNAPPABLE:
                continue
            d = self.edges[eid].distance(point)
            if d <= max_m and (best is None or (d, eid) < best):
                best = (d, eid)
        if best is None:
            return None
        line = self.edges[best[1]]
        at = line.project(point)
        target = node_key(line.interpolate(at).coords[0])
        if not self.graph.has_node(target):
            self._split_edge(best[1], [(at, target)])
            self._tree = None
        return target

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
        new = [node_key(guide.interpolate(d).coords[0]) for d in pos]
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
        end = node_key(coords[-1])
        coords[-1] = end
        if end in self.graph:
            raise BuildError("an extension would end on an existing node of the network")
        self._append(LineString(coords), kind)
        self._tree = None
        return end
