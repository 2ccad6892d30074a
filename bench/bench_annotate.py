"""Benchmark neageo.annotate (issue 13): in memory, against plain geopandas, the CLI on a big CSV, and Dask.

Each measurement runs in its own process so its peak memory (max RSS) is its own.

    python bench/bench_annotate.py                 # everything at the issue's sizes (slow: ~20 min)
    python bench/bench_annotate.py inmem --points 1000000 --workers 2
    python bench/bench_annotate.py geopandas --points 1000000
    python bench/bench_annotate.py cli --rows 10000000
    python bench/bench_annotate.py dask --points 4000000

Targets: 1,000,000 random points in the study box with all columns <= 30 s on 2 cores and
<= 2 GB peak; >= 3x faster than the geopandas route with the same answers; the CLI on a
10-million-row CSV <= 1.5 GB peak; Dask on 2 local workers not slower per point than in memory.
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
    print(json.dumps(result))


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
        feats = neageo.read(layer)[[attr, "geometry"]].to_crs(REGIONAL_CRS)
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


def bench_cli(rows: int, chunk_rows: int) -> dict:
    with tempfile.TemporaryDirectory(dir=os.environ.get("NEAGEO_BENCH_TMP")) as tmp:
        src, out = Path(tmp) / "events.csv", Path(tmp) / "events_annotated.csv"
        t0 = time.perf_counter()
        _write_csv(src, rows)
        t_write = time.perf_counter() - t0
        cmd = [sys.executable, "-m", "neageo.cli", "annotate", str(src), "--out", str(out),
               "--chunk-size", str(chunk_rows)]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
        stdout, stderr = proc.stdout.read().decode(), proc.stderr.read().decode()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"CLI failed: {stderr}")
        return {"what": "cli", "rows": rows, "chunk_rows": chunk_rows, "csv_mb": round(src.stat().st_size / 1e6),
                "out_mb": round(out.stat().st_size / 1e6), "write_csv_seconds": round(t_write, 1),
                "seconds": round(seconds, 1), "us_per_row": round(seconds / rows * 1e6, 2),
                "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
                "peak_mb": round(usage.ru_maxrss / 1024), "stdout": stdout.strip()}


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
    p = sub.add_parser("inmem")
    p.add_argument("--points", type=int, default=1_000_000)
    p.add_argument("--workers", type=int, default=2)
    p = sub.add_parser("geopandas")
    p.add_argument("--points", type=int, default=1_000_000)
    p = sub.add_parser("cli")
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--chunk-rows", type=int, default=200_000)
    p = sub.add_parser("dask")
    p.add_argument("--points", type=int, default=4_000_000)
    # 20 partitions of 200,000 points: the same rows per task as the in-memory path's chunks
    p.add_argument("--partitions", type=int, default=20)
    p = sub.add_parser("all")
    p.add_argument("--scale", type=float, default=1.0, help="Multiply every size (e.g. 0.1 for a quick run).")
    args = ap.parse_args()
    if args.cmd == "inmem":
        _emit(bench_inmem(args.points, args.workers))
    elif args.cmd == "geopandas":
        _emit(bench_geopandas(args.points))
    elif args.cmd == "cli":
        _emit(bench_cli(args.rows, args.chunk_rows))
    elif args.cmd == "dask":
        _emit(bench_dask(args.points, args.partitions))
    else:
        scale = getattr(args, "scale", 1.0)
        n1, n10, n4, ngp = (str(int(v * scale)) for v in (1_000_000, 10_000_000, 4_000_000, 200_000))
        print(f"load average before: {os.getloadavg()}, cpus: {os.cpu_count()}", flush=True)
        runs = [
            ["inmem", "--points", n1, "--workers", "2"],
            ["inmem", "--points", n1, "--workers", "1"],
            ["geopandas", "--points", ngp],  # the geopandas route is slow: compared per point on 200,000
            ["inmem", "--points", n4, "--workers", "2"],
            ["dask", "--points", n4],
            ["cli", "--rows", n10],
        ]
        for run in runs:
            print(json.dumps(_child(run)), f"load {os.getloadavg()[0]:.1f}", flush=True)
        print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
