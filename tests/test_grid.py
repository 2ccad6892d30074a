"""The lookup grid behind annotate's provinces and countries (neageo._grid), checked against exact point-in-polygon.

Exact means GEOS's point-in-polygon with annotate's rule: the first polygon in layer order whose
closure holds the point (``intersects``).  geopandas' ``sjoin`` answers it independently.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

import neageo
from neageo import gpkg
from neageo._grid import BOUNDARY, GRID_LAYERS, GROW, NONE, CellGrid, fingerprint, first_cover, grid_for
from neageo.gpkg import LOOKUP_GRIDS as GRID_TABLE


def _record(path, layer):
    with gpkg.read_only(path) as con:
        return gpkg.lookup_grid(con, layer)


def read_grid(path, layer):
    record = _record(path, layer)
    return None if record is None else CellGrid.from_record(record)


#: Metres per degree of latitude (near enough for placing points "within 1 m").
_M_PER_DEG = 111_000.0


@pytest.fixture(scope="module", params=GRID_LAYERS)
def layer(request, built):
    """(name, frame, prepared geometries, their bounds, the grid stored in the build)."""
    frame = neageo.read(request.param, gpkg=built)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    shapely.prepare(geoms)
    grid = read_grid(built, request.param)
    assert grid is not None, f"the build stored no lookup grid for {request.param}"
    return request.param, frame, geoms, shapely.bounds(geoms), grid


def _resolve(grid: CellGrid, geoms, bounds, x, y) -> np.ndarray:
    """The lookup as annotate uses it: cells decide, boundary cells are tested exactly."""
    code = grid.lookup(x, y).astype(np.int64)
    mixed = code == BOUNDARY
    code[mixed] = first_cover(geoms, bounds, x[mixed], y[mixed])
    return code


def _sjoin_first(frame, x, y, predicate: str) -> np.ndarray:
    """Row of the first polygon (layer order) each point joins with geopandas.sjoin; -1 for none."""
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=frame.crs)
    poly = frame[["geometry"]].reset_index(drop=True)
    joined = gpd.sjoin(pts, poly, how="left", predicate=predicate)
    right = joined["index_right"].fillna(-1).astype(np.int64)
    return right.groupby(level=0).min().reindex(range(len(x))).to_numpy()


def _random_points(n: int, seed: int, grid: CellGrid) -> tuple[np.ndarray, np.ndarray]:
    """Mostly over the study region and around it; one in ten anywhere on the grid or beyond it."""
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(105, 155, n), rng.uniform(30, 62, n)
    far = rng.random(n) < 0.1
    _, s, _, nn = grid.bounds
    x[far], y[far] = rng.uniform(-180, 180, far.sum()), rng.uniform(max(s - 5, -90), min(nn + 5, 90), far.sum())
    return x, y


def _boundary_points(geoms, n: int, seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Points exactly on vertices, on edges (to float precision), and within 1 m of edges."""
    rng = np.random.default_rng(seed)
    rings = shapely.get_rings(shapely.get_parts(geoms))
    coords, which = shapely.get_coordinates(rings, return_index=True)
    seg = np.flatnonzero(which[1:] == which[:-1])
    vert = coords[rng.choice(len(coords), n, replace=False)]
    pick = rng.choice(seg, n)
    t = rng.random(n)[:, None]
    on_edge = coords[pick] + (coords[pick + 1] - coords[pick]) * t
    pick = rng.choice(seg, n)
    t = rng.random(n)[:, None]
    base = coords[pick] + (coords[pick + 1] - coords[pick]) * t
    r, theta = rng.uniform(0, 1.0, n), rng.uniform(0, 2 * np.pi, n)
    near = base + np.column_stack([r * np.cos(theta) / (_M_PER_DEG * np.cos(np.radians(base[:, 1]))),
                                   r * np.sin(theta) / _M_PER_DEG])
    near_vertex = coords[rng.choice(len(coords), n)] + near - base  # within 1 m of a vertex
    return {"vertices": (vert[:, 0], vert[:, 1]), "on edges": (on_edge[:, 0], on_edge[:, 1]),
            "within 1 m of edges": (near[:, 0], near[:, 1]),
            "within 1 m of vertices": (near_vertex[:, 0], near_vertex[:, 1])}


def test_the_build_stores_a_grid_with_its_resolution_extent_and_fingerprint(built, layer):
    name, _, geoms, _, grid = layer
    with sqlite3.connect(f"file:{built}?mode=ro", uri=True) as con:
        row = con.execute(f"SELECT cell_deg, block, west, south, east, north, fingerprint, features, "
                          f"boundary_cells FROM {GRID_TABLE} WHERE layer = ?", (name,)).fetchone()
        ext = con.execute("SELECT scope FROM gpkg_extensions WHERE table_name = ?", (GRID_TABLE,)).fetchone()
    cell, block, w, s, e, n, fp, features, boundary = row
    assert cell == 1 / 64 and block == 32 and fp == fingerprint(geoms) and features == len(geoms) and boundary > 0
    gw, gs, ge, gn = shapely.total_bounds(geoms)
    assert w <= gw and s <= gs and ge < e and gn < n  # the extent holds every polygon
    assert ext == ("read-write",)
    # what the build stored is what a fresh classification of the same geometries gives
    again = CellGrid.build(geoms)
    assert again.to_record() == grid.to_record()


def test_equal_to_exact_and_to_geopandas_on_200000_random_points(layer):
    _, frame, geoms, bounds, grid = layer
    x, y = _random_points(200_000, seed=24, grid=grid)
    got = _resolve(grid, geoms, bounds, x, y)
    np.testing.assert_array_equal(got, first_cover(geoms, bounds, x, y))
    # random points fall on no boundary, so 'within' (interior) is the same question, and fast in sjoin
    np.testing.assert_array_equal(got, _sjoin_first(frame, x, y, "within"))
    decided = grid.lookup(x, y) != BOUNDARY
    assert decided.mean() > 0.97, "the grid should decide nearly every point without an exact test"
    assert (got >= 0).any() and (got == NONE).any()


def test_equal_to_exact_on_and_within_1_m_of_edges_and_vertices(layer):
    _, frame, geoms, bounds, grid = layer
    for kind, (x, y) in _boundary_points(geoms, 15_000, seed=7).items():
        got = _resolve(grid, geoms, bounds, x, y)
        np.testing.assert_array_equal(got, first_cover(geoms, bounds, x, y), err_msg=kind)
        if kind == "vertices":
            assert (grid.lookup(x, y) == BOUNDARY).all(), "a vertex lies on a boundary: its cell must be tested"
    # geopandas' sjoin (boundary inclusive: 'intersects') on a share of them (it is slow on points)
    for kind, (x, y) in _boundary_points(geoms, 1_500, seed=8).items():
        got = _resolve(grid, geoms, bounds, x, y)
        np.testing.assert_array_equal(got, _sjoin_first(frame, x, y, "intersects"), err_msg=kind)


def test_points_on_cell_edges_and_corners(layer):
    _, _, geoms, bounds, grid = layer
    rng = np.random.default_rng(3)
    n = 40_000
    ix = rng.integers(int((110 - grid.west) / grid.cell), int((150 - grid.west) / grid.cell), n)
    iy = rng.integers(int((35 - grid.south) / grid.cell), int((60 - grid.south) / grid.cell), n)
    x, y = grid.west + ix * grid.cell, grid.south + iy * grid.cell
    for xs, ys in ((x, y), (x, y + rng.random(n) * grid.cell), (x + rng.random(n) * grid.cell, y),
                   (np.nextafter(x, -np.inf), np.nextafter(y, np.inf))):
        np.testing.assert_array_equal(_resolve(grid, geoms, bounds, xs, ys), first_cover(geoms, bounds, xs, ys))


def test_decided_cells_are_inside_one_polygon_or_outside_all(layer):
    """The invariant itself: a cell coded i lies, grown by GROW, in the interior of polygon i and of no
    earlier one; a cell coded NONE, grown, touches no polygon."""
    _, _, geoms, _, grid = layer
    rng = np.random.default_rng(11)
    # cells around boundary cells (next to vertices, up to 2 cells away), where a wrong call would be
    vx, vy = _boundary_points(geoms, 6_000, seed=12)["vertices"]
    ix = np.floor((vx - grid.west) / grid.cell).astype(np.int64) + rng.integers(-2, 3, len(vx))
    iy = np.floor((vy - grid.south) / grid.cell).astype(np.int64) + rng.integers(-2, 3, len(vx))
    # and cells anywhere over the study region
    ix = np.r_[ix, rng.integers(int((112 - grid.west) / grid.cell), int((148 - grid.west) / grid.cell), 3000)]
    iy = np.r_[iy, rng.integers(int((36 - grid.south) / grid.cell), int((58 - grid.south) / grid.cell), 3000)]
    cx, cy = grid.west + (ix + 0.5) * grid.cell, grid.south + (iy + 0.5) * grid.cell
    code = grid.lookup(cx, cy)
    sel = np.flatnonzero(code != BOUNDARY)
    assert len(sel) > 3000 and (code[sel] == NONE).any() and (code[sel] >= 0).any()
    g = GROW * grid.cell
    boxes = shapely.box(cx[sel] - grid.cell / 2 - g, cy[sel] - grid.cell / 2 - g,
                        cx[sel] + grid.cell / 2 + g, cy[sel] + grid.cell / 2 + g)
    for box, c in zip(boxes, code[sel]):
        hits = np.flatnonzero(shapely.intersects(geoms, box))
        if c == NONE:
            assert len(hits) == 0
        else:
            assert hits[0] == c and shapely.contains_properly(geoms[c], box)


def test_a_stale_or_damaged_grid_is_never_used(built, tmp_path, caplog):
    path = tmp_path / "mine.gpkg"
    shutil.copy(built, path)
    provinces = neageo.read("provinces", gpkg=built)
    moved = provinces.copy()
    moved.loc[0, "geometry"] = shapely.affinity.translate(moved.geometry.iloc[0], xoff=3.0)  # a user's own edit
    pyogrio.write_dataframe(moved, path, layer="provinces")
    geoms = np.asarray(neageo.read("provinces", gpkg=path).geometry.values, dtype=object)
    shapely.prepare(geoms)
    stored = read_grid(path, "provinces")
    assert stored is not None and stored.fingerprint != fingerprint(geoms)
    with caplog.at_level(logging.INFO, logger="neageo._grid"):
        grid = grid_for(_record(path, "provinces"), geoms, where=path, layer="provinces")
    assert "built for other geometries" in caplog.text
    assert grid.fingerprint == fingerprint(geoms)
    x, y = _random_points(50_000, seed=5, grid=grid)
    bounds = shapely.bounds(geoms)
    np.testing.assert_array_equal(_resolve(grid, geoms, bounds, x, y), first_cover(geoms, bounds, x, y))
    # a damaged blob: a warning, and a grid built in memory
    with sqlite3.connect(path) as con:
        con.execute(f"UPDATE {GRID_TABLE} SET blocks = x'00ff' WHERE layer = 'provinces'")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="neageo._grid"):
        again = grid_for(_record(path, "provinces"), geoms, where=path, layer="provinces")
    assert "not usable" in caplog.text and again.to_record() == grid.to_record()
    # no table at all (a GeoPackage of one's own): built in memory
    with sqlite3.connect(path) as con:
        con.execute(f"DROP TABLE {GRID_TABLE}")
    assert _record(path, "provinces") is None
    assert grid_for(None, geoms).to_record() == grid.to_record()


def test_any_geometry_and_empty_layers():
    """Lines, points, collections, holes and None rows: cells they touch are tested exactly."""
    square = shapely.box(0, 0, 10, 10).difference(shapely.box(4, 4, 6, 6))
    geoms = np.array([None, shapely.LineString([(1, 1), (9, 2)]), shapely.Point(5, 5), square,
                      shapely.GeometryCollection([shapely.box(20, 20, 21, 21), shapely.Point(30, 30)]),
                      shapely.Polygon()], dtype=object)
    grid = CellGrid.build(geoms)
    shapely.prepare(geoms)
    bounds = shapely.bounds(geoms)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-2, 32, 100_000), rng.uniform(-2, 32, 100_000)
    x = np.r_[x, 1, 9, 5, 4, 30, 30.0 + 1e-12, 5.0]
    y = np.r_[y, 1, 2, 5, 4, 30, 30.0, 1.125]
    np.testing.assert_array_equal(_resolve(grid, geoms, bounds, x, y), first_cover(geoms, bounds, x, y))
    empty = CellGrid.build(np.array([None], dtype=object))
    assert (empty.lookup(x, y) == NONE).all()
    assert CellGrid.from_record(empty.to_record()).to_record() == empty.to_record()
