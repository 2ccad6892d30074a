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

The package: :mod:`.graph` (edges and the directed graph), :mod:`.routing`
(read-only paths, for queries), :mod:`.paths` (tracing that splits edges, for
the build) and :mod:`.building` (the network from raw lines); each class adds
one capability to the one below, and :class:`RiverNetwork` has them all.
"""

from __future__ import annotations

from .building import RiverNetwork
from .graph import Trace

__all__ = ["RiverNetwork", "Trace"]
