"""annotate's province and country equal exact point-in-polygon: 200,000 random points, and points on and near
every kind of edge (provinces, countries, the territory that changed hands), today and in a past year.

The reference here is written from the rule alone (README: the first province in layer order whose closure
holds the point; else the first such country; land that changed hands after the year goes back), with
geopandas' sjoin for random points and GEOS point-in-polygon, point by polygon, for points on edges.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import neageo
from neageo.annotation import annotate
from neageo.annotation.core import annotate_frame
from neageo.annotation.index import LayerIndex

#: Metres per degree of latitude (near enough for placing points "within 1 m").
_M_PER_DEG = 111_000.0


@pytest.fixture(scope="module")
def layers(built):
    out = {name: neageo.read(name, gpkg=built) for name in ("provinces", "countries")}
    names = set(neageo.layers(gpkg=built)["name"])
    out["territory_changes"] = neageo.read("territory_changes", gpkg=built) if "territory_changes" in names else None
    return out


def _first_within(frame, x, y) -> np.ndarray:
    """geopandas: row of the first polygon (layer order) holding each point, -1 for none."""
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    joined = gpd.sjoin(pts, frame[["geometry"]].reset_index(drop=True), how="left", predicate="within")
    return joined["index_right"].fillna(-1).astype(np.int64).groupby(level=0).min().to_numpy()


def _first_covering(frame, x, y) -> np.ndarray:
    """GEOS, polygon by polygon: row of the first polygon whose closure holds each point, -1 for none."""
    out = np.full(len(x), -1)
    for i, geom in reversed(list(enumerate(frame.geometry.values))):
        out[shapely.intersects_xy(geom, x, y)] = i
    return out


def _expected(layers, x, y, year, first) -> dict[str, np.ndarray]:
    prov, ctry, changes = layers["provinces"], layers["countries"], layers["territory_changes"]
    p = first(prov, x, y)
    c = first(ctry, x, y)
    country = np.where(p >= 0, prov["iso_a3"].to_numpy(dtype=object)[np.maximum(p, 0)],
                       np.where(c >= 0, ctry["iso_a3"].to_numpy(dtype=object)[np.maximum(c, 0)], None))
    pid = np.where(p >= 0, prov["adm1_code"].to_numpy(dtype=object)[np.maximum(p, 0)], None)
    pname = np.where(p >= 0, prov["name_en"].to_numpy(dtype=object)[np.maximum(p, 0)], None)
    if year is not None and changes is not None:
        undone = changes[changes["year"] > year].reset_index(drop=True)
        if len(undone):
            ch = first(undone, x, y)
            hit = ch >= 0
            by_name = dict(zip(prov["name_en"], prov["adm1_code"]))
            country[hit] = undone["from_iso"].to_numpy(dtype=object)[ch[hit]]
            pname[hit] = undone["from_province"].to_numpy(dtype=object)[ch[hit]]
            pid[hit] = np.array([by_name.get(n) for n in pname[hit]], dtype=object)
    w, s, e, n = neageo.settings.STUDY_BBOX
    outside = ~(((x >= w) & (x <= e) & (y >= s) & (y <= n)) | (p >= 0))
    for arr in (country, pid, pname):
        arr[outside] = None
    return {"outside": outside, "country": country, "province_id": pid, "province": pname}


def _edge_points(geoms, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertices, points on edges, and points within 1 m of edges and of vertices of ``geoms``' rings."""
    rng = np.random.default_rng(seed)
    coords, which = shapely.get_coordinates(shapely.get_rings(shapely.get_parts(np.asarray(geoms))),
                                            return_index=True)
    seg = np.flatnonzero(which[1:] == which[:-1])
    m = min(n, len(coords))
    vertices = coords[rng.choice(len(coords), m, replace=False)]
    pick = rng.choice(seg, n)
    on_edge = coords[pick] + (coords[pick + 1] - coords[pick]) * rng.random(n)[:, None]
    r, theta = rng.uniform(0, 1.0, 2 * n), rng.uniform(0, 2 * np.pi, 2 * n)
    base = np.r_[on_edge, coords[rng.choice(len(coords), n)]]
    near = base + np.column_stack([r * np.cos(theta) / (_M_PER_DEG * np.cos(np.radians(base[:, 1]))),
                                   r * np.sin(theta) / _M_PER_DEG])
    pts = np.r_[vertices, on_edge, near]
    pts = pts[(np.abs(pts[:, 0]) <= 180) & (np.abs(pts[:, 1]) <= 90)]  # not past the antimeridian (Chukotka)
    return pts[:, 0], pts[:, 1]


def _check(layers, built, x, y, year, first):
    frame = pd.DataFrame({"lon": x, "lat": y})
    got = annotate(frame, columns=["country", "province"], year=year, gpkg=built)
    want = _expected(layers, x, y, year, first)
    assert (got["outside"].to_numpy(dtype=bool) == want["outside"]).all()
    for col in ("country", "province_id", "province"):
        a = got[col].astype(object).where(got[col].notna(), None).to_numpy()
        bad = np.flatnonzero(a != want[col])
        example = f"({x[bad[0]]!r}, {y[bad[0]]!r}): {a[bad[0]]} != {want[col][bad[0]]}" if len(bad) else ""
        assert not len(bad), f"{col}: {len(bad)} differ, e.g. {example}"


@pytest.mark.parametrize("year", [None, 2007])
def test_200000_random_points_equal_geopandas(layers, built, year):
    rng = np.random.default_rng(2024 if year is None else 2007)
    n = 200_000
    x, y = rng.uniform(110, 150, n), rng.uniform(33, 60, n)
    if layers["territory_changes"] is not None:  # and a dense patch over the land that changed hands
        w, s, e, nn = layers["territory_changes"].total_bounds
        x[:20_000], y[:20_000] = rng.uniform(w - 0.1, e + 0.1, 20_000), rng.uniform(s - 0.1, nn + 0.1, 20_000)
    _check(layers, built, x, y, year, _first_within)


@pytest.mark.parametrize("year", [None, 2007])
@pytest.mark.parametrize("layer", ["provinces", "countries", "territory_changes"])
def test_on_and_within_1_m_of_edges_and_vertices(layers, built, layer, year):
    if layers[layer] is None:
        pytest.skip("this GeoPackage has no territory_changes layer yet")
    geoms = layers[layer].geometry.values
    if layer == "countries":  # the countries' edges that matter: around the study region
        geoms = shapely.clip_by_rect(geoms, 100, 30, 160, 65)
    x, y = _edge_points(geoms, 6_000, seed=len(layer) * 10 + (year is None))
    _check(layers, built, x, y, year, _first_covering)


@pytest.mark.parametrize("year", [None, 2007])
def test_lookup_equals_annotates_own_exact_path(layers, built, year):
    """The grid changes no answer of annotate's exact path (every point tested against the polygons)."""
    rng = np.random.default_rng(77)
    x, y = rng.uniform(110, 150, 100_000), rng.uniform(33, 60, 100_000)
    for layer in ("provinces", "countries", "territory_changes"):
        if layers[layer] is not None:
            ex, ey = _edge_points(shapely.clip_by_rect(layers[layer].geometry.values, 100, 30, 160, 65), 4_000, seed=5)
            x, y = np.r_[x, ex], np.r_[y, ey]
    frame = pd.DataFrame({"lon": x, "lat": y})
    fast = LayerIndex.from_gpkg(built, year=year)
    exact = LayerIndex.from_gpkg(built, year=year, lookup=False)
    assert fast.grids is not None and exact.grids is None
    groups = ("country", "province")
    pd.testing.assert_frame_equal(annotate_frame(frame, fast, groups=groups), annotate_frame(frame, exact, groups=groups))
