"""The river graph: oriented edges (lines in metres) and the directed graph over them.

:class:`RiverGraph` holds the edges, their kinds and labels, and a
:class:`networkx.DiGraph` whose nodes are edge ends (coordinates rounded to
centimetres, :func:`node_key`) and whose edges point downstream.  It adds and
splits edges and turns a list of nodes into a :class:`Trace`.  The
capabilities built on it live in their own modules: :mod:`.routing` (read-only
paths, for queries), :mod:`.paths` (tracing that snaps and splits edges, for
the build) and :mod:`.building` (noding raw lines, closing gaps, crossing lakes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self, cast

import networkx as nx
import shapely
from shapely.geometry import LineString
from shapely.ops import substring

from .._errors import QueryError

__all__ = ["KEY_DECIMALS", "SNAPPABLE", "NodeKey", "RiverGraph", "Trace", "edge_piece", "node_key"]

#: Edge kinds a point may snap to (water); straight ``link`` edges are not.
SNAPPABLE = ("river", "centreline", "channel", "estuary")
#: Node keys are coordinates rounded to centimetres.
KEY_DECIMALS = 2
#: A node of the graph: an edge end in metres, rounded (:func:`node_key`).
NodeKey = tuple[float, float]


def node_key(xy: Any) -> tuple[float, float]:
    """The node key of a coordinate pair: metres rounded to :data:`KEY_DECIMALS` decimals."""
    return (round(float(xy[0]), KEY_DECIMALS), round(float(xy[1]), KEY_DECIMALS))


def edge_piece(line: LineString, start: float, end: float) -> LineString:
    """The part of ``line`` between two distances along it (start < end: never a point here)."""
    return cast(LineString, substring(line, start, end))


@dataclass
class Trace:
    """A path through the network: its line (metres, oriented downstream) and edges."""

    line: LineString
    edges: list[int]
    linked_m: float
    nodes: list
    #: index in ``nodes`` of each waypoint (for traces through waypoints)
    marks: list[int] | None = None


class RiverGraph:
    """Oriented, noded river edges and the directed graph over them.

    Parameters
    ----------
    edges
        LineStrings in a metric CRS, noded (meeting only at their ends) and
        oriented downstream.
    kinds
        ``"river"``, ``"centreline"`` or ``"link"`` per edge (default all river).
    labels
        A label per edge (default none).
    """

    def __init__(self, edges, kinds=None, labels=None):
        self.edges: list[LineString] = list(edges)
        self.kinds: list[str] = list(kinds) if kinds is not None else ["river"] * len(self.edges)
        self.labels: list[str | None] = list(labels) if labels is not None else [None] * len(self.edges)
        self.graph: nx.DiGraph[NodeKey] = nx.DiGraph()
        for i, line in enumerate(self.edges):
            self._add_edge(i, line)
        self._tree = None

    def _add_edge(self, i: int, line: LineString) -> None:
        a, b = node_key(line.coords[0]), node_key(line.coords[-1])
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
    def from_edges(cls, lines, kinds, from_nodes, to_nodes, labels=None) -> Self:
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

    def _split_edge(self, eid: int, cuts) -> None:
        line = self.edges[eid]
        a, b = node_key(line.coords[0]), node_key(line.coords[-1])
        if self.graph.has_edge(a, b) and self.graph[a][b]["id"] == eid:
            self.graph.remove_edge(a, b)
        marks = [0.0] + [at for at, _ in cuts if 0.0 < at < line.length] + [line.length]
        for s, e in zip(marks[:-1], marks[1:]):
            if e > s:
                self._append(edge_piece(line, s, e), self.kinds[eid], self.labels[eid])

    def _live(self):
        if self._tree is None:
            live = [d["id"] for _, _, d in self.graph.edges(data=True) if self.kinds[d["id"]] in SNAPPABLE]
            self._tree = (live, shapely.STRtree([self.edges[i] for i in live]))
        return self._tree

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
