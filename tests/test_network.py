"""The river network on small hand-made cases: gaps, lakes, flow direction."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, Point, Polygon

from neageo import BuildError, NotDownstream
from neageo.network import RiverNetwork


def test_gap_is_bridged_only_downstream():
    main = LineString([(0, 0), (10_000, 0)])
    # a tributary flowing south that stops 500 m short of the main river
    trib = LineString([(5_000, 8_000), (5_000, 500)])
    net = RiverNetwork.from_lines([main, trib], link_tol_m=1_000)
    a = net.snap(Point(5_000, 7_000))
    b = net.snap(Point(9_000, 0))
    path = net.downstream_path(a, b)
    assert path.linked_m == pytest.approx(500, abs=1)
    assert path.line.length == pytest.approx(6_500 + 500 + 4_000, rel=1e-6)
    with pytest.raises(NotDownstream, match="upstream"):
        net.downstream_path(b, a)


def test_gap_beyond_tolerance_stays_open():
    main = LineString([(0, 0), (10_000, 0)])
    trib = LineString([(5_000, 8_000), (5_000, 3_000)])
    net = RiverNetwork.from_lines([main, trib], link_tol_m=1_000)
    a, b = net.snap(Point(5_000, 7_000)), net.snap(Point(9_000, 0))
    with pytest.raises(NotDownstream, match="does not connect"):
        net.downstream_path(a, b)


def test_lake_is_crossed_along_its_medial_axis():
    inflow = LineString([(0, 500), (1_000, 500)])
    lake = Polygon([(1_000, 0), (9_000, 0), (9_000, 1_000), (1_000, 1_000)])
    outflow = LineString([(9_000, 500), (12_000, 500)])
    net = RiverNetwork.from_lines([inflow, outflow], link_tol_m=200, lakes=[lake])
    a, b = net.snap(Point(100, 500)), net.snap(Point(11_000, 500))
    path = net.downstream_path(a, b)
    kinds = {net.kinds[e] for e in path.edges}
    assert "centreline" in kinds
    # the crossing stays inside the lake and, away from its corners, on its middle line y = 500
    inside = path.line.intersection(lake)
    assert inside.length > 7_000
    middle = [y for x, y in inside.coords if 2_000 < x < 8_000]
    assert middle and max(abs(y - 500) for y in middle) < 50


def test_overshooting_tributary_does_not_trap_water():
    main = LineString([(0, 0), (10_000, 0)])
    trib = LineString([(5_000, 5_000), (5_000, -100)])  # digitised 100 m past the river
    net = RiverNetwork.from_lines([main, trib], link_tol_m=1_000)
    a, b = net.snap(Point(5_000, 4_000)), net.snap(Point(9_000, 0))
    assert net.downstream_path(a, b).line.length == pytest.approx(4_000 + 4_000, rel=1e-6)


def test_waypoints_must_be_in_downstream_order():
    line = LineString([(0, 0), (10_000, 0)])
    net = RiverNetwork.from_lines([line], link_tol_m=100)
    trace = net.trace_waypoints([Point(1_000, 10), Point(8_000, -10)], snap_max_m=100)
    assert trace.line.length == pytest.approx(7_000)
    with pytest.raises(BuildError, match="waypoint 2"):
        net.trace_waypoints([Point(8_000, 0), Point(1_000, 0)], snap_max_m=100)


def _state(net: RiverNetwork):
    return len(net.edges), sorted(net.graph.edges(data="id")), net._tree is None


@pytest.mark.parametrize(
    ("start", "end", "length"),
    [
        ((5_000, 7_000), (9_000, 100), 6_500 + 500 + 4_000),  # tributary into the main river
        ((1_000, 50), (3_000, -50), 2_000),  # both ends on one edge
        ((0, 0), (10_000, 0), 10_000),  # both ends on nodes
        ((5_000, 500), (7_000, 0), 500 + 2_000),  # from the tributary's end, over the link, down the river
    ],
)
def test_route_never_modifies_the_network_and_agrees_with_splitting(start, end, length):
    import copy

    main = LineString([(0, 0), (10_000, 0)])
    trib = LineString([(5_000, 8_000), (5_000, 500)])
    net = RiverNetwork.from_lines([main, trib], link_tol_m=1_000)
    net._live()
    before = _state(net)
    route = net.route(Point(start), Point(end), max_m=1_000)
    assert _state(net) == before, "route() must leave the network as it was"
    split = copy.deepcopy(net).path_between(Point(start), Point(end), max_m=1_000)
    assert route.line.length == pytest.approx(length, rel=1e-6)
    assert route.line.equals_exact(split.line, 1e-6)
    assert route.linked_m == pytest.approx(split.linked_m)
    assert [net.labels[e] for e in route.edges] == [None] * len(route.edges)
    assert _state(net) == before


def test_route_errors_match_path_between():
    import copy

    main = LineString([(0, 0), (10_000, 0)])
    trib = LineString([(5_000, 8_000), (5_000, 500)])
    net = RiverNetwork.from_lines([main, trib], link_tol_m=1_000)
    before = _state(net)
    for start, end in [((9_000, 0), (5_000, 7_000)), ((9_000, 0), (1_000, 0)), ((2_000, 0), (2_000, 5_000)),
                       ((3_000, 0), (3_000, 10))]:
        with pytest.raises(Exception) as ours:
            net.route(Point(start), Point(end), max_m=1_000)
        with pytest.raises(Exception) as theirs:
            copy.deepcopy(net).path_between(Point(start), Point(end), max_m=1_000)
        assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))
    assert _state(net) == before
