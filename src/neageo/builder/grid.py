"""The build's last step on the new GeoPackage: the lookup grids of the provinces and countries.

The grids are built from the layers as written (read back from the file), so their fingerprints
are those of the geometries :func:`neageo.annotate` will read (see :mod:`neageo._grid`).
"""

from __future__ import annotations

from pathlib import Path

import pyogrio

from .._grid import GRID_LAYERS, CellGrid
from ..gpkg import write_lookup_grids, writing

__all__ = ["add_lookup_grids"]


def add_lookup_grids(path: Path) -> None:
    """Classify the grid cells of every layer in :data:`~neageo._grid.GRID_LAYERS` and store them in ``path``."""
    records = {}
    for layer in GRID_LAYERS:
        frame = pyogrio.read_dataframe(path, layer=layer, columns=[], use_arrow=True)
        records[layer] = CellGrid.build(frame.geometry.values).to_record()
    with writing(path) as con:
        write_lookup_grids(con, records)
