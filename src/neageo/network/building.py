"""Building the river network from raw, downstream-oriented lines: noding, gaps, lakes.

:meth:`RiverNetwork.from_lines` nodes the source lines, orients each piece
like the line it was cut from, prunes overshooting stubs, carries water across
lakes, reservoirs and double-lined rivers along their medial axis
(:class:`_Skeleton`) and links river ends that stop short of the line they flow
into.
"""

from __future__ import annotations

import logging
from typing import Any

import networkx as nx
import numpy as np
import shapely
import shapely.ops
from shapely.geometry import LineString, Point

from .graph import KEY_DECIMALS, NodeKey, node_key
from .paths import TracedGraph

__all__ = ["RiverNetwork"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class RiverNetwork(TracedGraph):
    """The regional river network: built from raw lines, traced by the build, routed by queries.

    Made from noded, oriented edges like :class:`~neageo.network.graph.RiverGraph`, from the
    stored ``waterways`` layer (:meth:`~neageo.network.graph.RiverGraph.from_edges`) or from
    raw lines (:meth:`from_lines`).
    """

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
            def reach(n: NodeKey) -> float:
                below = self.graph.subgraph(nx.descendants(self.graph, n) | {n})
                total = 0.0
                w: float  # an edge's length, m
                for _, _, w in below.edges(data="weight"):
                    total += w
                return total

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
                if node_key(line.coords[-1]) in upstream:
                    continue
                at = line.project(p)
                target = node_key(line.interpolate(at).coords[0])
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
        coords = np.round(coords, KEY_DECIMALS)
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
        return node_key(self.nodes[i])

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
