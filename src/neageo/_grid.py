"""Point-in-polygon by lookup: a grid of cells, each classified once as inside one polygon, outside all, or mixed.

:class:`CellGrid` answers "which is the first polygon (in layer order) that covers this point?"
(:func:`first_cover`'s rule: the boundary counts as inside) for millions of points by array
lookups, and leaves only the points in *boundary* cells to the exact test.

How a cell is classified, and why the lookup is exact
-----------------------------------------------------
Every boundary of the layer (polygon rings; lines and points of any other geometry) is cut into
pieces no longer than a cell, and every cell whose closed box, grown by :data:`GROW` of a cell on
each side, meets a piece's bounding box is marked *boundary*.  An unmarked cell is thus at least
``GROW`` cells from every boundary, so no polygon's boundary meets the grown cell: each polygon
either holds the whole grown cell in its interior (it *properly contains* it) or misses it.
Neighbouring unmarked cells of a row are one boundary-free region, so one exact test of one cell
centre per run of such cells classifies the run: the first polygon covering that centre, or none.
The grown margin (about 2 mm at :data:`CELL_DEG`) absorbs the rounding of a point's cell index,
which is ``floor((x - west) * 2^k)``: below a nanometre here.

Two levels keep it small: coarse cells of ``BLOCK`` x ``BLOCK`` fine cells are stored as one code
when they are all alike, and as a block of fine codes only where a boundary runs through them.

Codes: ``i >= 0`` the i-th geometry covers the whole cell; :data:`NONE` none covers any of it;
:data:`BOUNDARY` test the point exactly.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from typing import Any

import numpy as np
import shapely

__all__ = ["BOUNDARY", "CELL_DEG", "FORMAT", "GRID_LAYERS", "NONE", "CellGrid", "fingerprint", "first_cover",
           "grid_for"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: Version of the grid's encoding (a grid of another format is rebuilt, never read).
FORMAT = 1
#: Fine cell size, degrees (a power of two, so a point's cell index is exact): about 1.7 x 1.2 km at 45 N.
CELL_DEG = 1.0 / 64.0
#: Fine cells per side of a coarse cell (coarse cells of 0.5 degree).
BLOCK = 32
#: How far each cell is grown before it is tested against the boundaries, in cells.
GROW = 1e-6
#: Code of a cell no geometry covers.
NONE = -1
#: Code of a cell a boundary runs through (its points are tested exactly).
BOUNDARY = -2
#: Coarse codes at or below this point into the fine blocks (``_BLOCK0 - code`` is the block).
_BLOCK0 = -3


def first_cover(geoms: np.ndarray, bounds: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row of the first geometry covering each point (-1: none); a point on a boundary is covered.

    The exact rule the grid reproduces.  One vectorised test per geometry, on the points inside
    its bounding box; ``geoms`` should be prepared (:func:`shapely.prepare`).
    """
    res = np.full(len(x), NONE, dtype=np.int64)
    for i in range(len(geoms) - 1, -1, -1):  # backwards, so the first in layer order wins
        w, s, e, n = bounds[i]
        sel = np.flatnonzero((x >= w) & (x <= e) & (y >= s) & (y <= n))
        if len(sel):
            hit = shapely.intersects_xy(geoms[i], x[sel], y[sel])
            res[sel[hit]] = i
    return res


def fingerprint(geoms: np.ndarray) -> str:
    """SHA-256 of the geometries in order (ISO WKB, 2-D, little-endian): a grid is valid only for these."""
    h = hashlib.sha256(f"neageo-grid-{FORMAT}:{len(geoms)}".encode())
    wkb = shapely.to_wkb(np.asarray(geoms, dtype=object), output_dimension=2, byte_order=1, flavor="iso")
    for item in wkb:
        blob = b"" if item is None else bytes(item)
        h.update(len(blob).to_bytes(8, "little"))
        h.update(blob)
    return h.hexdigest()


def _boundary_pieces(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end points (n, 2) of every boundary segment: rings of polygons, lines, points."""
    parts = shapely.get_parts(geoms)
    while True:  # collections may nest
        nested = shapely.get_type_id(parts) == 7
        if not nested.any():
            break
        parts = np.concatenate([parts[~nested], shapely.get_parts(parts[nested])])
    types = shapely.get_type_id(parts)
    polygonal = types == 3
    lines = np.concatenate([shapely.get_rings(parts[polygonal]), parts[(types == 1) | (types == 2)]])
    coords, which = shapely.get_coordinates(lines, return_index=True)
    same = which[1:] == which[:-1]
    a, b = coords[:-1][same], coords[1:][same]
    points = shapely.get_coordinates(parts[types == 0])
    return np.concatenate([a, points]), np.concatenate([b, points])


def _marked_cells(a: np.ndarray, b: np.ndarray, nx: int, ny: int) -> np.ndarray:
    """Flat indices of the cells (grown by :data:`GROW`) that segments ``a``-``b`` (in cell units) may meet."""
    steps = np.maximum(np.ceil(np.abs(b - a).max(axis=1)).astype(np.int64), 1)  # pieces <= 1 cell long
    seg = np.repeat(np.arange(len(a)), steps)
    k = np.arange(len(seg)) - np.repeat(np.cumsum(steps) - steps, steps)
    frac0 = (k / steps[seg])[:, None]
    frac1 = ((k + 1) / steps[seg])[:, None]
    d = b[seg] - a[seg]
    p, q = a[seg] + d * frac0, a[seg] + d * frac1
    lo = np.floor(np.minimum(p, q) - GROW).astype(np.int64)
    hi = np.floor(np.maximum(p, q) + GROW).astype(np.int64)
    cells = []
    for dx in range(3):  # a piece spans at most 1 cell (+ the margins): at most 3 cells a side
        for dy in range(3):
            ix, iy = lo[:, 0] + dx, lo[:, 1] + dy
            ok = (ix <= hi[:, 0]) & (iy <= hi[:, 1]) & (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
            cells.append(iy[ok] * nx + ix[ok])
    flat = np.sort(np.concatenate(cells))
    return flat[np.r_[True, flat[1:] != flat[:-1]]] if len(flat) else flat


def _classify_runs(free: np.ndarray, centre_x: np.ndarray, centre_y: np.ndarray,
                   geoms: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Codes of a (rows, cols) array of cells: each run of free cells along a row by its first centre."""
    start = free.copy()
    start[:, 1:] &= ~free[:, :-1]
    flat_start = start.ravel()
    first = np.flatnonzero(flat_start)
    codes = first_cover(geoms, bounds, centre_x.ravel()[first], centre_y.ravel()[first])
    run = np.cumsum(flat_start) - 1
    out = np.where(free.ravel(), codes[np.maximum(run, 0)], BOUNDARY)
    return out.reshape(free.shape)


class _Layout:
    """Where the cells of a grid under construction are: coarse cells of ``block`` x ``block`` fine cells."""

    def __init__(self, west: float, south: float, cell: float, block: int, rows: int, cols: int):
        self.west, self.south, self.cell, self.block, self.rows, self.cols = west, south, cell, block, rows, cols
        self.nx = cols * block

    def coarse_of(self, fine: np.ndarray) -> np.ndarray:
        """Flat coarse index of flat fine indices."""
        return (fine // self.nx) // self.block * self.cols + (fine % self.nx) // self.block

    def coarse_codes(self, marked: np.ndarray, geoms: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Codes of the coarse cells (flat; BOUNDARY where a fine cell is marked) and which are marked."""
        is_marked = np.zeros(self.rows * self.cols, dtype=bool)
        is_marked[self.coarse_of(marked)] = True
        span = self.cell * self.block
        cx, cy = np.meshgrid(self.west + (np.arange(self.cols) + 0.5) * span,
                             self.south + (np.arange(self.rows) + 0.5) * span)
        codes = _classify_runs(~is_marked.reshape(self.rows, self.cols), cx, cy, geoms, bounds)
        return codes.ravel().astype(np.int32), np.flatnonzero(is_marked)

    def fine_codes(self, marked: np.ndarray, where: np.ndarray, geoms: np.ndarray, bounds: np.ndarray) -> np.ndarray:
        """``(len(where), block, block)`` codes of the fine cells of the marked coarse cells ``where``."""
        b = self.block
        free = np.ones((len(where), b, b), dtype=bool)
        local = np.searchsorted(where, self.coarse_of(marked))
        free[local, (marked // self.nx) % b, (marked % self.nx) % b] = False
        steps = np.arange(b)
        ix = np.broadcast_to((where % self.cols)[:, None, None] * b + steps[None, None, :], free.shape)
        iy = np.broadcast_to((where // self.cols)[:, None, None] * b + steps[None, :, None], free.shape)
        codes = _classify_runs(free.reshape(-1, b), (self.west + (ix + 0.5) * self.cell).reshape(-1, b),
                               (self.south + (iy + 0.5) * self.cell).reshape(-1, b), geoms, bounds)
        return codes.reshape(-1, b, b)


class CellGrid:
    """The lookup grid of one layer's geometries (see the module's docstring).

    Attributes
    ----------
    west, south
        South-west corner of the grid, degrees (a multiple of the coarse cell size).
    cell
        Fine cell size, degrees; ``block`` fine cells make a coarse cell.
    coarse
        ``(rows, cols)`` int32 codes of the coarse cells, rows south to north.
    blocks
        ``(n, block, block)`` fine codes of the coarse cells a boundary runs through.
    features
        Number of geometries (codes are their rows).
    fingerprint
        :func:`fingerprint` of the geometries the grid was built from.
    """

    def __init__(self, *, west: float, south: float, cell: float, block: int, coarse: np.ndarray,
                 blocks: np.ndarray, features: int, fingerprint: str):
        self.west, self.south, self.cell, self.block = float(west), float(south), float(cell), int(block)
        self.coarse = np.ascontiguousarray(coarse, dtype=np.int32)
        self.blocks = np.ascontiguousarray(blocks)
        self.features, self.fingerprint = int(features), str(fingerprint)
        self.rows, self.cols = self.coarse.shape
        self.nx, self.ny = self.cols * self.block, self.rows * self.block
        self._inv = 1.0 / self.cell
        self._coarse_flat = self.coarse.ravel()
        self._blocks_flat = self.blocks.ravel()

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` of the grid, degrees."""
        return (self.west, self.south, self.west + self.nx * self.cell, self.south + self.ny * self.cell)

    # ---------------------------------------------------------------------------------------- building

    @classmethod
    def build(cls, geoms: np.ndarray, *, cell: float = CELL_DEG, block: int = BLOCK) -> CellGrid:
        """Classify the cells for ``geoms`` (in layer order; any geometry type, None allowed)."""
        geoms = np.asarray(geoms, dtype=object)
        if not (np.log2(cell) == np.round(np.log2(cell)) and block >= 1):
            raise ValueError("the cell size must be a power of two (degrees) and the block at least 1")
        fp = fingerprint(geoms)
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        span = cell * block
        if not present.any():
            return cls(west=0.0, south=0.0, cell=cell, block=block, coarse=np.zeros((0, 0), np.int32),
                       blocks=np.zeros((0, block, block), np.int16), features=len(geoms), fingerprint=fp)
        shapely.prepare(geoms[present])
        bounds = shapely.bounds(geoms)
        # the extent: whole coarse cells, reaching beyond the east and north edges of every geometry
        c0, r0 = np.floor(np.nanmin(bounds[:, 0]) / span), np.floor(np.nanmin(bounds[:, 1]) / span)
        cols = int(np.floor(np.nanmax(bounds[:, 2]) / span) - c0) + 1
        rows = int(np.floor(np.nanmax(bounds[:, 3]) / span) - r0) + 1
        west, south = c0 * span, r0 * span
        a, b = _boundary_pieces(geoms[present])
        origin = np.array([west, south])
        marked = _marked_cells((a - origin) / cell, (b - origin) / cell, cols * block, rows * block)
        layout = _Layout(west, south, cell, block, rows, cols)
        coarse, where = layout.coarse_codes(marked, geoms, bounds)
        fine = layout.fine_codes(marked, where, geoms, bounds)
        # a marked coarse cell that is boundary throughout needs no block
        alike = (fine == BOUNDARY).all(axis=(1, 2))
        coarse[where[alike]] = BOUNDARY
        keep = np.flatnonzero(~alike)
        coarse[where[keep]] = _BLOCK0 - np.arange(len(keep))
        dtype = np.int16 if len(geoms) < np.iinfo(np.int16).max else np.int32
        return cls(west=west, south=south, cell=cell, block=block, coarse=coarse.reshape(rows, cols),
                   blocks=fine[keep].astype(dtype), features=len(geoms), fingerprint=fp)

    # ----------------------------------------------------------------------------------------- lookup

    def lookup(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Code of each point's cell: a geometry's row, :data:`NONE`, or :data:`BOUNDARY` (NaN: NONE)."""
        fx = (np.asarray(x, dtype=float) - self.west) * self._inv
        fy = (np.asarray(y, dtype=float) - self.south) * self._inv
        ok = (fx >= 0) & (fx < self.nx) & (fy >= 0) & (fy < self.ny)  # outside the grid: outside every geometry
        everywhere = bool(ok.all())
        if not everywhere:
            fx, fy = fx[ok], fy[ok]
        ix, iy = fx.astype(np.int64), fy.astype(np.int64)  # truncation is floor here: both are >= 0
        code = self._coarse_flat[(iy // self.block) * self.cols + ix // self.block]
        fine = np.flatnonzero(code <= _BLOCK0)
        if len(fine):
            b = _BLOCK0 - code[fine].astype(np.int64)
            code[fine] = self._blocks_flat[(b * self.block + iy[fine] % self.block) * self.block
                                           + ix[fine] % self.block]
        if everywhere:
            return code
        out = np.full(len(ok), NONE, dtype=np.int32)
        out[ok] = code
        return out

    def counts(self) -> dict[str, int]:
        """Fine cells by class: ``inside`` (one geometry), ``outside`` (none), ``boundary``."""
        area = self.block * self.block
        coarse = self._coarse_flat
        fine = self._blocks_flat
        return {
            "inside": int((coarse >= 0).sum()) * area + int((fine >= 0).sum()),
            "outside": int((coarse == NONE).sum()) * area + int((fine == NONE).sum()),
            "boundary": int((coarse == BOUNDARY).sum()) * area + int((fine == BOUNDARY).sum()),
        }

    # ----------------------------------------------------------------------------------- serialising

    def to_record(self) -> dict[str, Any]:
        """The grid as one row of plain values (blobs are zlib-compressed little-endian arrays)."""
        w, s, e, n = self.bounds
        return {"format": FORMAT, "fingerprint": self.fingerprint, "features": self.features,
                "west": w, "south": s, "east": e, "north": n, "cell_deg": self.cell, "block": self.block,
                **{f"{k}_cells": v for k, v in self.counts().items()},
                "fine_dtype": self.blocks.dtype.newbyteorder("<").str,
                "coarse": zlib.compress(self.coarse.astype("<i4").tobytes(), 6),
                "blocks": zlib.compress(self.blocks.astype(self.blocks.dtype.newbyteorder("<")).tobytes(), 6)}

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> CellGrid:
        """The grid of a :meth:`to_record` row; ValueError if the row is not a whole grid of this format."""
        if rec.get("format") != FORMAT:
            raise ValueError(f"grid format {rec.get('format')!r}, expected {FORMAT}")
        cell, block = float(rec["cell_deg"]), int(rec["block"])
        span = cell * block
        cols = round((float(rec["east"]) - float(rec["west"])) / span)
        rows = round((float(rec["north"]) - float(rec["south"])) / span)
        try:
            coarse = np.frombuffer(zlib.decompress(rec["coarse"]), dtype="<i4").reshape(rows, cols)
            blocks = np.frombuffer(zlib.decompress(rec["blocks"]), dtype=np.dtype(rec["fine_dtype"]))
            blocks = blocks.reshape(-1, block, block)
        except (zlib.error, TypeError) as exc:
            raise ValueError(f"damaged grid ({exc})") from None
        nb = len(blocks)
        if ((coarse < _BLOCK0 - nb + 1) | (coarse >= int(rec["features"]))).any() or \
                ((blocks < BOUNDARY) | (blocks >= int(rec["features"]))).any():
            raise ValueError("damaged grid (codes out of range)")
        return cls(west=float(rec["west"]), south=float(rec["south"]), cell=cell, block=block,
                   coarse=coarse.astype(np.int32), blocks=blocks.astype(blocks.dtype.newbyteorder("=")),
                   features=int(rec["features"]), fingerprint=str(rec["fingerprint"]))


# ------------------------------------------------------------------------------------ stored grids

#: The layers whose grids the build stores (with :func:`neageo.gpkg.write_lookup_grids`).
GRID_LAYERS = ("provinces", "countries")


def grid_for(stored: dict[str, Any] | None, geoms: np.ndarray, *, where: object = "the GeoPackage",
             layer: str = "") -> CellGrid:
    """The grid of ``geoms``: ``stored`` (a record read from the GeoPackage) if it was built for exactly these
    geometries (same format and fingerprint), else one built now, in memory: a stale grid is never used."""
    if stored is not None:
        try:
            grid = CellGrid.from_record(stored)
        except (ValueError, KeyError) as exc:
            log.warning("%s: the stored lookup grid of %s is not usable (%s); building one in memory", where, layer, exc)
        else:
            if grid.fingerprint == fingerprint(geoms) and grid.features == len(geoms):
                return grid
            log.info("%s: the stored lookup grid of %s was built for other geometries; building one in memory",
                     where, layer)
    return CellGrid.build(geoms)
