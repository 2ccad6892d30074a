"""Read-only paths along the river graph, for queries.

Nothing here modifies the network: a snapped point is a :class:`Spot`, a
position along one edge, and a path starts and ends with the part of an edge
beyond or before it.  A network cached by a query module can therefore be
shared by every call (and thread) without copying.  :func:`snapped_ends` is
shared with the build's splitting paths (:mod:`.paths`), so both kinds of path
give the same answers and errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Point

from .._errors import NotDownstream, QueryError
from .graph import SNAPPABLE, RiverGraph, Trace, edge_piece, node_key

__all__ = ["RoutedGraph", "Spot", "snapped_ends"]


@dataclass(frozen=True)
class Spot:
    """A point on the network: edge ``eid`` at ``at`` metres from its start.

    ``key`` is the point's node key; ``on_node`` tells whether a node of the
    graph is already there (an edge end), in which case paths start or end at
    that node instead of part-way along the edge.
    """

    eid: int
    at: float
    key: tuple[float, float]
    on_node: bool


class RoutedGraph(RiverGraph):
    """A :class:`~neageo.network.graph.RiverGraph` that finds the water's path between two points without changing."""

    def _spot(self, eid: int, piece: LineString, offset: float, point: Point) -> Spot:
        """Where ``point`` meets ``piece`` (the part of edge ``eid`` from ``offset`` on)."""
        at = piece.project(point)
        key = node_key(piece.interpolate(at).coords[0])
        return Spot(eid, offset + at, key, self.graph.has_node(key))

    def nearest_water(self, point: Point, max_m: float) -> int:
        """The edge id of the river or centreline nearest ``point`` (straight links are not water).

        Raises
        ------
        QueryError
            when the network is empty or the nearest water is farther than ``max_m``.
        """
        live, tree = self._live()
        if not live:
            raise QueryError("the river network is empty")
        eid = live[int(tree.nearest(point))]
        if self.edges[eid].distance(point) > max_m:
            raise QueryError(f"no river within {max_m / 1000:g} km of that point")
        return eid

    def locate(self, point: Point, *, max_m: float = float("inf")) -> Spot:
        """The point of the nearest river or centreline closest to ``point``; the network is unchanged."""
        eid = self.nearest_water(point, max_m)
        return self._spot(eid, self.edges[eid], 0.0, point)

    def _ends_of(self, spot: Spot) -> tuple:
        line = self.edges[spot.eid]
        return node_key(line.coords[0]), node_key(line.coords[-1])

    def locate_downstream(self, spot: Spot, point: Point, max_m: float) -> Spot | None:
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
            piece = edge_piece(line, spot.at, line.length)
            d = piece.distance(point)
            if d <= max_m:
                best = (d, own, piece, spot.at)
        eid: int  # the edge's index in self.edges
        for _, _, eid in self.graph.edges(reach, data="id"):
            if self.kinds[eid] not in SNAPPABLE:
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
        a, b = snapped_ends(start, end, max_m, self.locate, self.locate_downstream)
        return self._route_between(a, b)

    def _route_between(self, a: Spot, b: Spot) -> Trace:
        pieces: list[tuple[int, LineString]] = []  # (edge id, the part of it travelled)
        nodes: list = [a.key]
        if not a.on_node and not b.on_node and a.eid == b.eid and b.at >= a.at:
            pieces.append((a.eid, edge_piece(self.edges[a.eid], a.at, b.at)))
        else:
            first, last = a.key, b.key
            if not a.on_node:
                line = self.edges[a.eid]
                pieces.append((a.eid, edge_piece(line, a.at, line.length)))
                first = self._ends_of(a)[1]
            tail = None
            if not b.on_node:
                tail = (b.eid, edge_piece(self.edges[b.eid], 0.0, b.at))
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


def snapped_ends(start: Point, end: Point, max_m: float, snap, downstream):
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
