"""Benchmark neageo.annotate: in memory, against geopandas and DuckDB, the CLI on a big CSV, and Dask.

Each measurement runs in its own process so its peak memory (max RSS) is its own; every figure
carries the machine's load average (other work on a shared machine slows it), and comparisons
with a peer are made in the same process, one after the other (a ratio survives load better than
a time).

    python bench/bench_annotate.py                 # everything at the issues' sizes (slow: ~40 min)
    python bench/bench_annotate.py province --points 200000       # province only, against sjoin and DuckDB
    python bench/bench_annotate.py exact --points 1000000         # the lookup equals exact point-in-polygon
    python bench/bench_annotate.py inmem --points 1000000 --workers 2
    python bench/bench_annotate.py geopandas --points 200000      # all columns against the geopandas route
    python bench/bench_annotate.py cli --rows 10000000 [--columns province]
    python bench/bench_annotate.py peer-csv --tool duckdb --rows 10000000
    python bench/bench_annotate.py dask --points 4000000

Targets (issues 13 and 24): province only <= 0.5x (goal 0.3x) the time of geopandas' sjoin with the
provinces, 200,000 points, warm; all columns >= 10x faster than the geopandas route; the CLI on a
10,000,000-row CSV: province only <= 20 s, all columns <= 120 s, peak <= 1.5 GB; the lookup equal to
exact point-in-polygon on 1,000,000 points and on points on and within 1 m of every edge; Dask on 2
local workers not slower per point than in memory.  DuckDB (the bench extra) is the peer.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))  # bench/peers.py

import peers  # noqa: E402


def _points(n: int, seed: int = 2026) -> pd.DataFrame:
    from neageo.settings import STUDY_BBOX

    w, s, e, nn = STUDY_BBOX
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"id": np.arange(n), "lon": rng.uniform(w, e, n), "lat": rng.uniform(s, nn, n)})


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """CPU time (user + system) this process has used: comparable across machine loads, unlike wall time."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _emit(result: dict) -> None:
    result["load"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))


def _median(values: list[float]) -> float:
    return float(np.median(values))


def _share_equal(a, b) -> float:
    return float(np.mean(pd.Series(a, dtype=object).fillna("-").to_numpy() ==
                         pd.Series(b, dtype=object).fillna("-").to_numpy()))


def bench_province(points: int, repeats: int) -> dict:
    """Province only, warm, in the same process: neageo.annotate against geopandas' sjoin and DuckDB."""
    import neageo
    from neageo.io import gpkg_path

    frame = _points(points)
    provinces = neageo.read("provinces")
    neageo.annotate(frame.head(1000), columns=["province"])  # warm: imports, layers, grids
    peers.geopandas_provinces_of(provinces, frame.head(1000))
    ours_t, within_t = [], []
    for _ in range(repeats):  # interleaved, so that a change of load hits both
        t0 = time.perf_counter()
        ours = neageo.annotate(frame, columns=["province"])["province_id"]
        ours_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        joined = peers.geopandas_sjoin(provinces, frame, predicate="within")
        within_t.append(time.perf_counter() - t0)
    within = peers.first_province(joined, provinces)  # not timed: sjoin's rows to one answer a point
    t0 = time.perf_counter()
    joined = peers.geopandas_sjoin(provinces, frame, predicate="intersects")  # annotate's rule; slow in GEOS
    intersects_s = time.perf_counter() - t0
    intersects = peers.first_province(joined, provinces)
    con = peers.duckdb_spatial()
    peers.duckdb_load_provinces(con, gpkg_path())
    peers.duckdb_provinces_of(con, frame.head(1000))
    t0 = time.perf_counter()
    duck = peers.duckdb_provinces_of(con, frame)
    duck_s = time.perf_counter() - t0
    return {"what": "province", "points": points, "repeats": repeats,
            "neageo_seconds": round(_median(ours_t), 3), "sjoin_within_seconds": round(_median(within_t), 3),
            "ratio_to_sjoin_within": round(_median(ours_t) / _median(within_t), 3),
            "ratio_best_of_each": round(min(ours_t) / min(within_t), 3),
            "sjoin_intersects_seconds": round(intersects_s, 2), "duckdb_seconds": round(duck_s, 2),
            "same_as_sjoin_within": _share_equal(ours, within), "same_as_sjoin_intersects":
            _share_equal(ours, intersects), "same_as_duckdb": _share_equal(ours, duck)}


def _edge_points(geoms, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertices, points on edges, and within 1 m of edges and vertices of ``geoms``' rings."""
    import shapely

    rng = np.random.default_rng(seed)
    coords, which = shapely.get_coordinates(shapely.get_rings(shapely.get_parts(np.asarray(geoms))),
                                            return_index=True)
    seg = np.flatnonzero(which[1:] == which[:-1])
    pick = rng.choice(seg, n)
    on_edge = coords[pick] + (coords[pick + 1] - coords[pick]) * rng.random(n)[:, None]
    base = np.r_[on_edge, coords[rng.choice(len(coords), n)]]
    r, theta = rng.uniform(0, 1.0, 2 * n), rng.uniform(0, 2 * np.pi, 2 * n)
    near = base + np.column_stack([r * np.cos(theta) / (111_000 * np.cos(np.radians(base[:, 1]))),
                                   r * np.sin(theta) / 111_000])
    pts = np.r_[coords[rng.choice(len(coords), min(n, len(coords)), replace=False)], on_edge, near]
    pts = pts[(np.abs(pts[:, 0]) <= 180) & (np.abs(pts[:, 1]) <= 90)]
    return pts[:, 0], pts[:, 1]


def bench_exact(points: int, edge_points: int) -> dict:
    """The lookup's answers against annotate's exact path and geopandas, on random points and on edges."""
    import shapely

    import neageo
    from neageo._grid import BOUNDARY
    from neageo.annotation.core import annotate_frame
    from neageo.annotation.index import LayerIndex
    from neageo.io import gpkg_path

    path = gpkg_path()
    rng = np.random.default_rng(24)
    x, y = rng.uniform(110, 150, points), rng.uniform(33, 60, points)
    result: dict = {"what": "exact", "points": points}
    kinds = {"random": (x, y)}
    for layer in ("provinces", "countries", "territory_changes"):
        geoms = shapely.clip_by_rect(neageo.read(layer).geometry.values, 100, 30, 160, 65)
        kinds[f"{layer} edges"] = _edge_points(geoms, edge_points, seed=len(layer))
    provinces = neageo.read("provinces")
    for year in (None, 2007):
        fast, exact = LayerIndex.from_gpkg(path, year=year), LayerIndex.from_gpkg(path, year=year, lookup=False)
        for kind, (kx, ky) in kinds.items():
            frame = pd.DataFrame({"lon": kx, "lat": ky})
            t0 = time.perf_counter()
            got = annotate_frame(frame, fast, groups=("country", "province"))
            t_fast = time.perf_counter() - t0
            t0 = time.perf_counter()
            want = annotate_frame(frame, exact, groups=("country", "province"))
            t_exact = time.perf_counter() - t0
            differ = int((~(got.fillna("-") == want.fillna("-")).all(axis=1)).sum())
            key = f"{kind}, year {year or 'today'}"
            result[key] = {"points": len(kx), "differ": differ, "lookup_seconds": round(t_fast, 2),
                           "exact_seconds": round(t_exact, 2)}
            for layer, grid in fast.grids.items():  # share of points in boundary cells (tested exactly)
                result[key][f"{layer}_boundary_cells"] = round(float(np.mean(grid.lookup(kx, ky) == BOUNDARY)), 4)
            if kind == "random" and year is None:  # and geopandas, independently
                ref = peers.geopandas_provinces_of(provinces, frame, predicate="within")
                result[key]["same_as_sjoin_within"] = _share_equal(got["province_id"], ref)
    result["all_equal"] = all(v["differ"] == 0 for k, v in result.items() if isinstance(v, dict))
    return result


def bench_inmem(points: int, workers: int) -> dict:
    import neageo
    from neageo.annotation.index import layer_index

    frame = _points(points)
    t0 = time.perf_counter()
    layer_index()
    t_index = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), _cpu_seconds()
    out = neageo.annotate(frame, workers=workers)
    seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    return {"what": "inmem", "points": points, "workers": workers, "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2), "cpu_us_per_point": round(cpu / points * 1e6, 2),
            "index_seconds": round(t_index, 2), "us_per_point": round(seconds / points * 1e6, 2),
            "peak_mb": round(_peak_mb()), "outside": int(out["outside"].sum())}


def _geopandas_route(frame: pd.DataFrame):
    """sjoin for provinces, sjoin_nearest in the regional CRS for gates/borders/rivers, then pyproj distances."""
    import geopandas as gpd
    import shapely

    import neageo
    from neageo.geodesy import GEOD
    from neageo.settings import REGIONAL_CRS

    pts = gpd.GeoDataFrame(frame[["id"]], geometry=gpd.points_from_xy(frame.lon, frame.lat), crs=4326)
    prov = neageo.read("provinces")[["adm1_code", "geometry"]]
    joined = gpd.sjoin(pts, prov, how="left", predicate="intersects")
    out = {"province_id": joined[~joined.index.duplicated()]["adm1_code"].to_numpy(dtype=object)}
    pm = pts.to_crs(REGIONAL_CRS)
    for group, layer, attr in (("gate", "customs_gates", "name_en"), ("border", "borders", "countries"),
                               ("river", "rivers", "name_en")):
        feats = neageo.read(layer)
        if "valid_to" in feats:  # the borders in force today, as annotate uses them
            feats = feats[feats["valid_to"].isna()]
        feats = feats[[attr, "geometry"]].reset_index(drop=True).to_crs(REGIONAL_CRS)
        near = gpd.sjoin_nearest(pm, feats, how="left")
        near = near[~near.index.duplicated()]
        target = feats.geometry.to_numpy()[near["index_right"].to_numpy()]
        line = shapely.shortest_line(pm.geometry.to_numpy(), target)
        ends = gpd.GeoSeries(shapely.get_point(line, 0), crs=REGIONAL_CRS).to_crs(4326)
        foot = gpd.GeoSeries(shapely.get_point(line, 1), crs=REGIONAL_CRS).to_crs(4326)
        _, _, d = GEOD.inv(ends.x.to_numpy(), ends.y.to_numpy(), foot.x.to_numpy(), foot.y.to_numpy())
        out[group] = near[attr].to_numpy(dtype=object)
        out[f"{group}_km"] = np.asarray(d) / 1000
    return out


def bench_geopandas(points: int) -> dict:
    import neageo

    frame = _points(points)
    t0, c0 = time.perf_counter(), _cpu_seconds()
    ref = _geopandas_route(frame)
    seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    t0, c0 = time.perf_counter(), _cpu_seconds()
    ours = neageo.annotate(frame, columns=["province", "gate", "border", "river"], workers=1)
    ours_seconds, ours_cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    agree = {"province_id": float(np.mean(pd.Series(ref["province_id"]).fillna("-").to_numpy()
                                           == ours["province_id"].fillna("-").to_numpy()))}
    diffs = {}
    pair = {"gate": "gate", "border": "border_pair", "river": "river"}
    for group in ("gate", "border", "river"):
        same = ref[group] == ours[pair[group]].to_numpy(dtype=object)
        agree[group] = float(np.mean(same))
        d = np.abs(ref[f"{group}_km"][same] - ours[f"{group}_km"].to_numpy()[same]) * 1000
        diffs[group] = {"median_m": round(float(np.median(d)), 3), "max_m": round(float(d.max()), 1),
                        "geopandas_minus_neageo_min_m": round(float(
                            ((ref[f"{group}_km"] - ours[f"{group}_km"].to_numpy()) * 1000)[same].min()), 3)}
    return {"what": "geopandas", "points": points, "geopandas_seconds": round(seconds, 2),
            "neageo_same_columns_1_thread_seconds": round(ours_seconds, 2),
            "speedup": round(seconds / ours_seconds, 2), "geopandas_cpu_seconds": round(cpu, 2),
            "neageo_cpu_seconds": round(ours_cpu, 2), "speedup_cpu": round(cpu / ours_cpu, 2), "same_feature_share": agree, "distance_diff": diffs,
            "peak_mb": round(_peak_mb())}


def _write_csv(path: Path, rows: int, chunk: int = 1_000_000) -> None:
    from neageo.settings import STUDY_BBOX

    w, s, e, n = STUDY_BBOX
    rng = np.random.default_rng(7)
    with open(path, "w") as fh:
        fh.write("id,lon,lat,kind\n")
        for start in range(0, rows, chunk):
            m = min(chunk, rows - start)
            part = pd.DataFrame({"id": np.arange(start, start + m), "lon": rng.uniform(w, e, m).round(5),
                                 "lat": rng.uniform(s, n, m).round(5), "kind": "event"})
            part.to_csv(fh, header=False, index=False, lineterminator="\n")


def bench_cli(rows: int, chunk_rows: int, columns: str | None, csv: str | None) -> dict:
    with tempfile.TemporaryDirectory(dir=os.environ.get("NEAGEO_BENCH_TMP")) as tmp:
        src, out = Path(csv or Path(tmp) / "events.csv"), Path(tmp) / "events_annotated.csv"
        t0 = time.perf_counter()
        if csv is None:
            _write_csv(src, rows)
        t_write = time.perf_counter() - t0
        cmd = [sys.executable, "-m", "neageo.cli", "annotate", str(src), "--out", str(out),
               "--chunk-size", str(chunk_rows), *(["--columns", columns] if columns else [])]
        seconds, usage, stdout = _timed(cmd)
        return {"what": "cli", "rows": rows, "columns": columns or "all", "chunk_rows": chunk_rows,
                "csv_mb": round(src.stat().st_size / 1e6), "out_mb": round(out.stat().st_size / 1e6),
                "write_csv_seconds": round(t_write, 1), "seconds": round(seconds, 1),
                "us_per_row": round(seconds / rows * 1e6, 2),
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
                "peak_mb": round(usage.ru_maxrss / 1024), "stdout": stdout.strip()}


def _timed(cmd: list[str]) -> tuple[float, os.struct_rusage, str]:
    """Run ``cmd``; its wall time, resource usage (its own, waited for) and output."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    stdout, stderr = proc.stdout.read().decode(), proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[:4]} failed: {stderr}")
    return seconds, usage, stdout


def bench_peer_csv(tool: str, rows: int, csv: str | None, keep: str | None) -> dict:
    """A peer end to end on the same CSV, province only: read, join with the provinces, write."""
    import neageo
    from neageo.io import gpkg_path

    with tempfile.TemporaryDirectory(dir=os.environ.get("NEAGEO_BENCH_TMP")) as tmp:
        src = Path(csv or Path(tmp) / "events.csv")
        if csv is None:
            _write_csv(src, rows)
        out = Path(keep) if keep else Path(tmp) / "out.csv"
        t0, c0 = time.perf_counter(), _cpu_seconds()
        if tool == "duckdb":
            con = peers.duckdb_spatial()
            peers.duckdb_load_provinces(con, gpkg_path())
            peers.duckdb_province_csv(con, src, out)
        else:
            peers.geopandas_province_csv(neageo.read("provinces"), src, out)
        seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
        return {"what": f"peer-csv {tool}", "rows": rows, "seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
                "peak_mb": round(_peak_mb()), "out_mb": round(out.stat().st_size / 1e6)}


def _agreement(ours: Path, theirs: Path) -> float:
    """Share of rows whose province_id (neageo's CSV) and adm1_code (the peer's) agree, matched by id."""
    import pyarrow.csv as pcsv

    def column(path: Path, name: str) -> pd.Series:
        table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
            include_columns=["id", name], column_types={"id": "int64", name: "string"}, strings_can_be_null=True))
        return table.to_pandas().set_index("id")[name]

    a = column(ours, "province_id")
    return _share_equal(a, column(theirs, "adm1_code").reindex(a.index))


def bench_dask(points: int, partitions: int) -> dict:
    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster, wait

    import neageo

    frame = _points(points)
    # steady state, as on a long-running cluster: no sampling profiler, workers that have imported neageo,
    # the input already on the workers
    with dask.config.set({"distributed.worker.profile.enabled": False}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=None, memory_limit="3GB") as cluster, Client(cluster) as client:
        client.run(lambda: __import__("neageo.annotation"))
        ddf = dd.from_pandas(frame, npartitions=partitions, sort=False).persist()
        wait(ddf)
        cpu0 = sum(client.run(_cpu_seconds).values())
        t0 = time.perf_counter()
        out = neageo.annotate(ddf)
        n_outside = int(out["outside"].sum().compute())
        seconds = time.perf_counter() - t0
        cpu = sum(client.run(_cpu_seconds).values()) - cpu0
    return {"what": "dask", "points": points, "partitions": partitions, "workers": 2, "seconds": round(seconds, 2),
            "worker_cpu_seconds": round(cpu, 2), "cpu_us_per_point": round(cpu / points * 1e6, 2),
            "us_per_point": round(seconds / points * 1e6, 2), "outside": n_outside}


def _child(args: list[str]) -> dict:
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, str(HERE), *args], check=False, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd")
    p = sub.add_parser("province")
    p.add_argument("--points", type=int, default=200_000)
    p.add_argument("--repeats", type=int, default=7)
    p = sub.add_parser("exact")
    p.add_argument("--points", type=int, default=1_000_000)
    p.add_argument("--edge-points", type=int, default=20_000)
    p = sub.add_parser("inmem")
    p.add_argument("--points", type=int, default=1_000_000)
    p.add_argument("--workers", type=int, default=2)
    p = sub.add_parser("geopandas")
    p.add_argument("--points", type=int, default=200_000)
    p = sub.add_parser("cli")
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--chunk-rows", type=int, default=200_000)
    p.add_argument("--columns", default=None, help="e.g. province (default: all)")
    p.add_argument("--csv", default=None, help="an existing CSV of --rows rows to read (default: one written now)")
    p = sub.add_parser("peer-csv")
    p.add_argument("--tool", choices=("duckdb", "geopandas"), required=True)
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--csv", default=None)
    p.add_argument("--keep", default=None, help="write the peer's output here (to compare it)")
    p = sub.add_parser("dask")
    p.add_argument("--points", type=int, default=4_000_000)
    # 20 partitions of 200,000 points: the same rows per task as the in-memory path's chunks
    p.add_argument("--partitions", type=int, default=20)
    p = sub.add_parser("all")
    p.add_argument("--scale", type=float, default=1.0, help="Multiply every size (e.g. 0.1 for a quick run).")
    args = ap.parse_args()
    if args.cmd == "province":
        _emit(bench_province(args.points, args.repeats))
    elif args.cmd == "exact":
        _emit(bench_exact(args.points, args.edge_points))
    elif args.cmd == "inmem":
        _emit(bench_inmem(args.points, args.workers))
    elif args.cmd == "geopandas":
        _emit(bench_geopandas(args.points))
    elif args.cmd == "cli":
        _emit(bench_cli(args.rows, args.chunk_rows, args.columns, args.csv))
    elif args.cmd == "peer-csv":
        _emit(bench_peer_csv(args.tool, args.rows, args.csv, args.keep))
    elif args.cmd == "dask":
        _emit(bench_dask(args.points, args.partitions))
    else:
        _all(getattr(args, "scale", 1.0))


def _all(scale: float) -> None:
    n1, n10, n4, ngp = (str(int(v * scale)) for v in (1_000_000, 10_000_000, 4_000_000, 200_000))
    print(f"load average before: {os.getloadavg()}, cpus: {os.cpu_count()}", flush=True)
    runs = [
        ["province", "--points", ngp],
        ["exact", "--points", n1],
        ["inmem", "--points", n1, "--workers", "2"],
        ["inmem", "--points", n1, "--workers", "1"],
        ["geopandas", "--points", ngp],  # the geopandas route is slow: compared per point on 200,000
        ["inmem", "--points", n4, "--workers", "2"],
        ["dask", "--points", n4],
    ]
    for run in runs:
        print(json.dumps(_child(run)), flush=True)
    with tempfile.TemporaryDirectory(dir=os.environ.get("NEAGEO_BENCH_TMP")) as tmp:
        csv = Path(tmp) / "events.csv"
        _write_csv(csv, int(n10))
        for columns in ("province", None):
            print(json.dumps(_child(["cli", "--rows", n10, "--csv", str(csv), *(["--columns", columns] if columns else [])])),
                  flush=True)
        ours = Path(tmp) / "ours.csv"
        subprocess.run([sys.executable, "-m", "neageo.cli", "annotate", str(csv), "--out", str(ours), "--columns",
                        "province"], check=True, capture_output=True)
        for tool in ("geopandas", "duckdb"):
            theirs = Path(tmp) / f"{tool}.csv"
            result = _child(["peer-csv", "--tool", tool, "--rows", n10, "--csv", str(csv), "--keep", str(theirs)])
            result["same_province_as_neageo"] = _agreement(ours, theirs)
            print(json.dumps(result), flush=True)
            theirs.unlink()
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
