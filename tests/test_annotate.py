"""neageo.annotate: provinces, borders, gates, rivers and places for many rows, checked by brute force."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

import neageo
from helpers import geodesic_bruteforce as brute
from neageo import QueryError
from neageo.annotation import COLUMNS, annotate
from neageo.cli import main as cli_main

#: Hand-picked rows: (name, lon, lat).  The fixture adds a point in the Amur and the CHN-PRK-RUS tripoint.
HAND = [
    ("Wihwa Island (Yalu)", 124.455, 40.125),
    ("Bolshoy Ussuriysky", 134.6, 48.37),
    ("Sea of Japan offshore", 132.0, 42.0),
    ("Yellow Sea offshore", 123.0, 38.5),
    ("Seoul (outside)", 126.98, 37.57),
    ("London (outside)", 0.0, 51.5),
    ("Chukotka across 180", -175.0, 66.0),
]


def _random_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(112, 148, n), rng.uniform(36, 58, n)


@pytest.fixture(scope="module")
def sample(built):
    """Random points over (and a little beyond) the study box plus the hand-picked ones, annotated."""
    x, y = _random_points(50, seed=13)
    # a point in the Amur itself: on the river's line, opposite the Heihe gate
    amur = neageo.read("rivers", where="name_en = 'Amur'", gpkg=built).geometry.iloc[0]
    heihe = neageo.read("customs_gates", where="gate_id = 'heihe'", gpkg=built).geometry.iloc[0]
    in_amur = amur.interpolate(amur.project(heihe))
    # the tripoint: the end of a PRK-RUS border line that touches a CHN-PRK one
    borders = neageo.read("borders", gpkg=built)
    if "valid_to" in borders:
        borders = borders[borders["valid_to"].isna()]
    chn_prk = shapely.union_all(borders[borders["countries"] == "CHN-PRK"].geometry.values)
    ends = [Point(c) for g in borders[borders["countries"] == "PRK-RUS"].geometry for c in (g.coords[0], g.coords[-1])]
    tripoint = min(ends, key=chn_prk.distance)
    hand = [*HAND, ("in the Amur at Heihe", in_amur.x, in_amur.y), ("Tumen tripoint", tripoint.x, tripoint.y)]
    names = [f"random {i}" for i in range(len(x))] + [h[0] for h in hand]
    frame = pd.DataFrame({"name": names, "lon": np.r_[x, [h[1] for h in hand]],
                          "lat": np.r_[y, [h[2] for h in hand]]})
    frame.index = [f"r{i}" for i in np.random.default_rng(1).permutation(len(frame))]  # a shuffled text index
    return frame, annotate(frame, gpkg=built)


def _brute_cover(polys: gpd.GeoDataFrame, x: float, y: float) -> int:
    for i, poly in enumerate(polys.geometry):
        if poly.intersects(Point(x, y)):
            return i
    return -1


def test_provinces_and_countries_equal_point_in_polygon(built, sample):
    frame, out = sample
    prov = neageo.read("provinces", gpkg=built)
    ctry = neageo.read("countries", gpkg=built)
    for (_, row), (_, res) in zip(frame.iterrows(), out.iterrows()):
        if res["outside"]:
            continue
        i = _brute_cover(prov, row.lon, row.lat)
        if i >= 0:
            assert (res["province_id"], res["province"], res["country"]) == (
                prov["adm1_code"].iloc[i], prov["name_en"].iloc[i], prov["iso_a3"].iloc[i]), row["name"]
        else:
            assert pd.isna(res["province_id"]) and pd.isna(res["province"]), row["name"]
            j = _brute_cover(ctry, row.lon, row.lat)
            assert (ctry["iso_a3"].iloc[j] if j >= 0 else None) == (None if pd.isna(res["country"]) else res["country"])


def test_outside_rule(sample):
    frame, out = sample
    w, s, e, n = neageo.settings.STUDY_BBOX
    in_box = frame.lon.between(w, e) & frame.lat.between(s, n)
    expected = ~(in_box | out["province_id"].notna())
    assert (out["outside"].astype(bool) == expected).all()
    outside = out[out["outside"].astype(bool)]
    assert len(outside) >= 2
    added = [c for c in COLUMNS if c != "outside"]
    assert outside[added].isna().all().all()  # nulls, never a wrong province


def test_nearest_line_features_equal_brute_force(built, sample):
    frame, out = sample
    inside = ~out["outside"].astype(bool)
    for layer, km, attr, col in (("borders", "border_km", "countries", "border_pair"),
                                 ("rivers", "river_km", "name_en", "river")):
        feats = neageo.read(layer, gpkg=built)
        segments = brute.line_segments(feats.geometry.values)
        for (_, row), (_, res) in zip(frame[inside].iterrows(), out[inside].iterrows()):
            f, d = brute.nearest_line(row.lon, row.lat, segments)
            assert abs(res[km] * 1000 - d) < 1.0, (layer, row["name"], res[km], d / 1000)
            if abs(res[km] * 1000 - d) < 0.5:
                assert res[col] == feats[attr].iloc[f], (layer, row["name"])
            if layer == "borders":
                assert res["border_segment"] == feats["segment"].iloc[f] or res["border_pair"] != feats[attr].iloc[f]


def test_nearest_points_equal_brute_force(built, sample):
    frame, out = sample
    inside = ~out["outside"].astype(bool)
    for layer, group in (("customs_gates", "gate"), ("places", "place")):
        feats = neageo.read(layer, gpkg=built)
        for (_, row), (_, res) in zip(frame[inside].iterrows(), out[inside].iterrows()):
            i, d = brute.nearest_point(row.lon, row.lat, feats.geometry.x, feats.geometry.y)
            assert res[group] == feats["name_en"].iloc[i], (layer, row["name"])
            assert abs(res[f"{group}_km"] * 1000 - d) < 0.01


def test_hand_picked_cases(sample):
    _, out = sample
    by_name = out.set_index("name")
    amur = by_name.loc["in the Amur at Heihe"]
    assert (amur["border_pair"], amur["border_segment"], amur["river"]) == ("CHN-RUS", "Amur", "Amur")
    assert amur["river_km"] < 0.001 and amur["border_km"] < 3  # the border follows the channel, not the centreline
    island = by_name.loc["Wihwa Island (Yalu)"]
    assert island["border_segment"] == "Yalu" and island["border_km"] < 5
    assert island["country"] in ("PRK", "CHN")  # whichever polygon the island lies in, never null on land
    tri = by_name.loc["Tumen tripoint"]
    assert tri["border_km"] < 0.001  # three borders meet here: a tie, settled by layer order
    assert tri["border_pair"] in ("CHN-PRK", "PRK-RUS", "CHN-RUS")
    for sea in ("Sea of Japan offshore", "Yellow Sea offshore"):
        row = by_name.loc[sea]
        assert not row["outside"] and pd.isna(row["country"]) and pd.isna(row["province"])
        assert row["border_km"] > 50 and row["gate_km"] > row["border_km"] * 0.5
    assert by_name.loc["Seoul (outside)", "outside"] and by_name.loc["London (outside)", "outside"]
    chukotka = by_name.loc["Chukotka across 180"]
    assert chukotka["province"] == "Chukotka Autonomous Okrug" and chukotka["border_km"] > 2000


def test_order_index_and_dtypes_kept(sample):
    frame, out = sample
    assert list(out.index) == list(frame.index)
    assert list(out.columns) == [*frame.columns, *COLUMNS]
    pd.testing.assert_frame_equal(out[frame.columns], frame)
    assert str(out["outside"].dtype) == "boolean" and out["border_km"].dtype == float


def test_threads_give_the_one_thread_answer(built):
    """Many small chunks over 4 threads: the same frame as one thread (and no crash in GEOS)."""
    from neageo.annotation.core import annotate_frame
    from neageo.annotation.index import layer_index

    x, y = _random_points(40_000, seed=7)
    frame = pd.DataFrame({"lon": x, "lat": y}, index=np.arange(len(x))[::-1])
    index = layer_index(gpkg=built)
    one = annotate_frame(frame, index, groups=tuple(neageo.annotation.GROUPS), workers=1)
    many = annotate_frame(frame, index, groups=tuple(neageo.annotation.GROUPS), chunk_rows=997, workers=4)
    pd.testing.assert_frame_equal(many, one)
    assert one["province"].notna().sum() > 10_000


def test_nulls_and_empties_pass_through(built):
    gdf = gpd.GeoDataFrame({"v": [1, 2, 3, 4]}, geometry=[Point(130, 45), None, Point(), Point(128, 44)],
                           crs=4326, index=[7, 7, 3, 1])  # duplicate labels too
    out = annotate(gdf, gpkg=built)
    assert list(out.index) == [7, 7, 3, 1] and out.geometry.equals(gdf.geometry)
    assert out["outside"].isna().tolist() == [False, True, True, False]
    assert out.iloc[1:3][[c for c in COLUMNS if c != "outside"]].isna().all().all()
    frame = pd.DataFrame({"lon": [130.0, None, np.nan, 128.0], "lat": [45.0, 40.0, None, 44.0]})
    res = annotate(frame, gpkg=built)
    assert res["province"].isna().tolist() == [False, True, True, False]


def test_any_crs_and_column_names(built):
    x, y = _random_points(20, seed=5)
    ref = annotate(pd.DataFrame({"Longitude": x, "LATITUDE": y}), gpkg=built)  # detected, any case
    named = annotate(pd.DataFrame({"e": x, "n": y}), lon="e", lat="n", gpkg=built)
    geo = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    for crs in (3857, 32652, "+proj=laea +lat_0=45 +lon_0=130"):
        res = annotate(geo.to_crs(crs), gpkg=built)
        assert res.crs.equals(geo.to_crs(crs).crs)
        for col in ("province_id", "border_pair", "gate", "river", "place"):
            assert res[col].tolist() == ref[col].tolist()
        np.testing.assert_allclose(res["border_km"], ref["border_km"], atol=1e-5)
    for col in COLUMNS:
        assert named[col].equals(ref[col])


def test_non_point_geometries_use_a_point_on_their_surface(built):
    shapes = [Polygon([(129, 44), (131, 44), (131, 46), (129, 46)]), LineString([(125, 41), (127, 42), (128, 44)]),
              shapely.MultiPoint([(130, 45), (120, 40)])]
    geo = gpd.GeoDataFrame(geometry=shapes, crs=4326)
    res = annotate(geo, gpkg=built)
    pts = gpd.GeoDataFrame(geometry=shapely.point_on_surface(np.array(shapes, dtype=object)), crs=4326)
    ref = annotate(pts, gpkg=built)
    pd.testing.assert_frame_equal(res.drop(columns="geometry"), ref.drop(columns="geometry"))


def test_columns_option_and_prefix(built):
    frame = pd.DataFrame({"lon": [130.0], "lat": [45.0]})
    out = annotate(frame, columns=["province", "gate_km"], gpkg=built)
    assert list(out.columns) == ["lon", "lat", "outside", "province_id", "province", "gate", "gate_km"]
    out = annotate(frame, columns="border", prefix="ng_", gpkg=built)
    assert list(out.columns) == ["lon", "lat", "ng_outside", "ng_border_km", "ng_border_pair", "ng_border_segment"]


@pytest.mark.parametrize(("frame", "kwargs", "message"), [
    (pd.DataFrame({"a": [1.0], "b": [2.0]}), {}, "cannot find a longitude column"),
    (pd.DataFrame({"lon": [1.0], "lat": [2.0]}), {"lon": "x"}, "no column 'x'"),
    (pd.DataFrame({"lon": [130.0, "abc"], "lat": [45.0, 44.0]}, index=["a", "b"]), {}, "row b: longitude 'abc'"),
    (pd.DataFrame({"lon": [130.0, 131.0], "lat": [45.0, 95.0]}), {}, "row 1: latitude 95"),
    (pd.DataFrame({"lon": [130.0], "lat": [45.0], "country": ["x"]}), {}, "already has column(s) 'country'"),
    (pd.DataFrame({"lon": [130.0], "lat": [45.0]}), {"columns": ["provinces"]}, "unknown annotation column"),
    (pd.DataFrame({"lon": [130.0], "lat": [45.0]}), {"year": "2005"}, "year must be a whole number"),
    (gpd.GeoDataFrame(geometry=[Point(130, 45)]), {}, "has no CRS"),
])
def test_bad_input_is_a_clear_query_error(built, frame, kwargs, message):
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        annotate(frame, gpkg=built, **kwargs)


# ------------------------------------------------------------------------------------------- year / dated borders


@pytest.fixture(scope="module")
def dated_gpkg(built, tmp_path_factory):
    """The built GeoPackage plus the issue-10 contract: a dated Amur section and a territory change.

    Synthetic on purpose: the section shifted 0.5 degrees north stands for the pre-2008 line.
    """
    import pyogrio

    path = tmp_path_factory.mktemp("dated") / "dated.gpkg"
    path.write_bytes(built.read_bytes())
    borders = neageo.read("borders", gpkg=path)
    borders["valid_from"] = pd.array([None] * len(borders), dtype="Int64")
    borders["valid_to"] = pd.array([None] * len(borders), dtype="Int64")
    amur = borders["segment"] == "Amur"
    old = borders[amur].copy()
    old["geometry"] = old.geometry.translate(yoff=0.5)
    old["valid_to"] = 2008
    borders.loc[amur, "valid_from"] = 2008
    dated = pd.concat([borders, old], ignore_index=True)
    pyogrio.write_dataframe(gpd.GeoDataFrame(dated, crs=4326), path, layer="borders",
                            layer_options={"OVERWRITE": "YES"})
    island = Polygon([(134.4, 48.25), (134.85, 48.25), (134.85, 48.45), (134.4, 48.45)])
    changes = gpd.GeoDataFrame({"change_id": ["test"], "name_en": ["test island"], "from_iso": ["RUS"],
                                "to_iso": ["CHN"], "from_province": ["Khabarovsk Krai"],
                                "to_province": ["Heilongjiang"], "year": [2008], "area_km2": [1.0],
                                "citation": ["synthetic"]}, geometry=[island], crs=4326)
    pyogrio.write_dataframe(changes, path, layer="territory_changes")
    return path, dated


def test_year_uses_the_border_in_force(dated_gpkg):
    path, dated = dated_gpkg
    x, y = _random_points(15, seed=8)
    frame = pd.DataFrame({"lon": np.r_[x, 128.0, 134.6], "lat": np.r_[y, 50.0, 48.35]})
    for year in (2000, 2015, None):
        vf, vt = dated["valid_from"], dated["valid_to"]
        rule = vt.isna() if year is None else (vf.isna() | (vf <= year)) & (vt.isna() | (vt > year))
        keep = dated[rule.astype(bool)]
        segments = brute.line_segments(keep.geometry.values)
        out = annotate(frame, year=year, gpkg=path)
        for (_, row), (_, res) in zip(frame.iterrows(), out.iterrows()):
            if res["outside"]:
                continue
            _, d = brute.nearest_line(row.lon, row.lat, segments)
            assert abs(res["border_km"] * 1000 - d) < 1.0, (year, row.lon, row.lat)
    before, after = (annotate(frame.tail(1), year=yr, gpkg=path).iloc[0] for yr in (2000, 2010))
    assert (before["country"], before["province"]) == ("RUS", "Khabarovsk Krai")
    today = annotate(frame.tail(1), gpkg=path).iloc[0]
    prov = neageo.read("provinces", gpkg=path)
    i = _brute_cover(prov, 134.6, 48.35)
    for res in (after, today):  # no change undone: the provinces layer decides
        assert res["province"] == prov["name_en"].iloc[i] and res["country"] == prov["iso_a3"].iloc[i]


def test_year_on_the_real_territory_change(built):
    names = set(neageo.layers(gpkg=built)["name"])
    if "territory_changes" not in names:
        pytest.skip("this GeoPackage has no territory_changes layer yet")
    changes = neageo.read("territory_changes", gpkg=built)
    prov = neageo.read("provinces", gpkg=built)
    for _, change in changes.iterrows():
        p = change.geometry.representative_point()
        frame = pd.DataFrame({"lon": [p.x], "lat": [p.y]})
        before = annotate(frame, year=int(change["year"]) - 1, gpkg=built).iloc[0]
        assert (before["country"], before["province"]) == (change["from_iso"], change["from_province"])
        for year in (int(change["year"]), None):
            res = annotate(frame, year=year, gpkg=built).iloc[0]
            assert (res["country"], res["province"]) == (change["to_iso"], change["to_province"])
            assert res["province"] == prov["name_en"].iloc[_brute_cover(prov, p.x, p.y)]
    borders = neageo.read("borders", gpkg=built)
    if "valid_to" in borders:
        frame = pd.DataFrame({"lon": [134.9, 135.05, 134.2], "lat": [48.45, 48.48, 48.3]})
        for year in (2000, None):
            vf, vt = borders["valid_from"], borders["valid_to"]
            rule = vt.isna() if year is None else (vf.isna() | (vf <= year)) & (vt.isna() | (vt > year))
            segments = brute.line_segments(borders[rule.astype(bool)].geometry.values)
            out = annotate(frame, year=year, gpkg=built)
            for (_, row), km in zip(frame.iterrows(), out["border_km"]):
                assert abs(km * 1000 - brute.nearest_line(row.lon, row.lat, segments)[1]) < 1.0


def test_year_without_dated_layers_is_today(built):
    frame = pd.DataFrame({"lon": [130.0, 127.5], "lat": [45.0, 50.2]})
    pd.testing.assert_frame_equal(annotate(frame, year=2000, gpkg=built), annotate(frame, gpkg=built))


# ------------------------------------------------------------------------------------------------------ Dask


def _dask_sample(n=600):
    x, y = _random_points(n, seed=21)
    frame = pd.DataFrame({"id": np.arange(n), "lon": x, "lat": y})
    frame.index = np.arange(n)[::-1] * 2
    return frame


def test_dask_equals_in_memory(built):
    dd = pytest.importorskip("dask.dataframe")
    dgpd = pytest.importorskip("dask_geopandas")
    frame = _dask_sample()
    ref = annotate(frame, gpkg=built)
    lazy = annotate(dd.from_pandas(frame, npartitions=3, sort=False), gpkg=built)
    assert type(lazy).__module__.startswith("dask")
    pd.testing.assert_frame_equal(lazy.compute(), ref)
    geo = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame.lon, frame.lat), crs=4326).to_crs(3857)
    got = annotate(dgpd.from_geopandas(geo, npartitions=4, sort=False), columns=["border", "province"], gpkg=built).compute()
    want = annotate(geo, columns=["border", "province"], gpkg=built)
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(want))


@pytest.mark.dask
def test_dask_on_a_local_cluster_of_two_processes(built):
    pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    import dask.dataframe as dd

    frame = _dask_sample(2000)
    ref = annotate(frame, gpkg=built)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        lazy = annotate(dd.from_pandas(frame, npartitions=6, sort=False), gpkg=built)
        got = lazy.compute()
        # the layers go to every worker once, as one scattered (broadcast) object
        from neageo.annotation.dask import _ship
        from neageo.annotation.index import layer_index

        shipped = _ship(layer_index(gpkg=built))
        assert isinstance(shipped, distributed.Future)
        assert len(client.who_has([shipped])[shipped.key]) == 2
    pd.testing.assert_frame_equal(got, ref)


# -------------------------------------------------------------------------------------------------------- CLI


def _run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli_main(argv)
    captured = capsys.readouterr()
    return exc.value.code, captured.out, captured.err


def test_cli_streams_in_chunks_and_matches_python(built, tmp_path, capsys):
    frame = _dask_sample(2500).reset_index(drop=True)
    frame["lon"] = frame["lon"].round(6)
    frame["lat"] = frame["lat"].round(6)
    frame.loc[5, "lon"] = np.nan
    src = tmp_path / "events.csv"
    frame.to_csv(src, index=False)
    ref = annotate(pd.read_csv(src), gpkg=built)
    out = tmp_path / "out.csv"
    code, stdout, err = _run(["annotate", str(src), "--out", str(out), "--chunk-size", "1000",
                              "--gpkg", str(built)], capsys)
    assert code == 0, err
    assert "2500 rows" in stdout and "3 chunks" in stdout
    got = pd.read_csv(out)
    assert len(got) == 2500 and list(got.columns) == list(ref.columns)
    for col in COLUMNS:
        if col.endswith("_km"):
            np.testing.assert_allclose(got[col], ref[col], rtol=1e-12)
        else:
            assert got[col].astype(object).where(got[col].notna(), None).tolist() == \
                ref[col].astype(object).where(ref[col].notna(), None).tolist(), col
    for fmt in ("parquet", "gpkg", "geojson"):
        path = tmp_path / f"out.{fmt}"
        code, _, err = _run(["annotate", str(src), "--out", str(path), "--chunk-size", "700", "--columns",
                             "province,border", "--gpkg", str(built)], capsys)
        assert code == 0, err
        back = gpd.read_file(path) if fmt != "parquet" else pd.read_parquet(path)
        assert len(back) == 2500
        assert back["province_id"].fillna("").tolist() == ref["province_id"].fillna("").tolist()
        np.testing.assert_allclose(back["border_km"].astype(float), ref["border_km"], rtol=1e-9)
    # a geometry file in, GeoParquet out, keeps the geometry
    code, _, err = _run(["annotate", str(tmp_path / "out.gpkg"), "--out", str(tmp_path / "again.parquet"),
                         "--prefix", "n_", "--columns", "gate", "--chunk-size", "999", "--gpkg", str(built)], capsys)
    assert code == 0, err
    again = gpd.read_parquet(tmp_path / "again.parquet")
    assert again.crs.equals(4326) and again["n_gate"].tolist() == ref["gate"].tolist()
    meta = json.loads((tmp_path / "out.geojson").read_text())
    assert meta["type"] == "FeatureCollection" and len(meta["features"]) == 2500


@pytest.mark.parametrize(("content", "args", "message"), [
    ("lon,lat\n130,45\n131,abc\n", [], "row 2: latitude 'abc'"),
    ("lon,lat\n130,45\n131,95\n", [], "row 2: latitude 95"),
    ("x1,y1\n130,45\n", ["--lon", "lng"], "no column 'lng'"),
    ("lon,lat\n130,45\n", ["--columns", "nope"], "unknown annotation column 'nope'"),
    (b"\xff\xfe\x00\x81garbage", [], "cannot read it as csv"),
])
def test_cli_bad_input_one_line_nonzero_exit(built, tmp_path, capsys, content, args, message):
    src = tmp_path / "in.csv"
    src.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "out.csv"
    code, _, err = _run(["annotate", str(src), "--out", str(out), "--gpkg", str(built), *args], capsys)
    assert code != 0
    assert err.count("\n") == 1 and err.startswith("neageo: error:") and message in err, err
    assert "Traceback" not in err and not out.exists()


def test_cli_unreadable_and_missing_files(built, tmp_path, capsys):
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    for path in (bad, tmp_path / "missing.gpkg"):
        code, _, err = _run(["annotate", str(path), "--out", str(tmp_path / "o.csv"), "--gpkg", str(built)], capsys)
        assert code != 0 and err.count("\n") == 1 and str(path) in err


def test_worked_example_annotates_and_summarises(built):
    import importlib.util

    from neageo.settings import repo_root

    spec = importlib.util.spec_from_file_location("annotate_events", repo_root() / "examples" / "annotate_events.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    events = neageo.annotate(example.synthetic_events(800, gpkg=built), gpkg=built)
    by_segment, by_gate = example.summarise(events)
    assert set(by_segment["border_segment"]) >= {"Amur", "Yalu", "Tumen", "land"}
    assert by_gate["events_within_25km"].sum() > 100 and len(by_gate) == 7


def test_empty_input_keeps_the_column_types(built):
    out = annotate(pd.DataFrame({"lon": [], "lat": []}), gpkg=built)
    full = annotate(pd.DataFrame({"lon": [130.0], "lat": [45.0]}), gpkg=built)
    assert len(out) == 0 and (out.dtypes == full.dtypes).all()


def test_chord_bounds_bracket_the_geodesic():
    from neageo._nearest import GEOD, _lower, _upper, ecef

    rng = np.random.default_rng(4)
    n = 20_000
    lon, lat = rng.uniform(-180, 180, n), rng.uniform(-89, 89, n)
    dist = 10 ** rng.uniform(0, 6.6, n)  # 1 m to 4,000 km
    lon2, lat2, _ = GEOD.fwd(lon, lat, rng.uniform(0, 360, n), dist)
    chord = np.linalg.norm(ecef(lon, lat) - ecef(lon2, lat2), axis=1)
    assert (_lower(chord) <= dist).all() and (dist <= _upper(chord)).all()
    assert np.median(_upper(chord) - _lower(chord)) < 1.0  # tight: under a metre for most distances
