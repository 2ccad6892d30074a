#!/usr/bin/env python3
"""Benchmark the first map of a session: fresh processes, with and without the stored map coverage.

A notebook user's first ``neageo.web_map(...)`` pays for everything a process does once: importing,
reading the layers and simplifying the countries and provinces as one coverage.  The build stores
that coverage in the GeoPackage (table ``neageo_map_coverage``); this script times, each in a fresh
process and as a whole process (wall clock, CPU and peak memory of the child, from ``os.wait4``)::

    python -c "import neageo; neageo.web_map('overview').save(...)"    # the first map
    neageo maps --out DIR                                               # every map and the index

once on the GeoPackage as built and once on a copy without the table (what a GeoPackage of one's
own, or one built before the table existed, costs: the coverage is simplified in memory), in turn
(A B A B ...), and prints medians, the ratio pair by pair and the load average.  Run from the
repository root after ``neageo build``::

    python bench/bench_cold.py [--repeat 5] [--gpkg geodata/neageo.gpkg]

Target: the first map in a fresh process at least 3 times faster with the stored coverage, and the
pages byte-identical either way (checked here too).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = "neageo_map_coverage"
FIRST_MAP = "import sys, neageo; neageo.web_map('overview', gpkg=sys.argv[1]).save(sys.argv[2])"
TARGET_RATIO = 3.0


def run(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak memory (MB) of one fresh process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def without_table(gpkg: Path, out: Path) -> Path:
    shutil.copy(gpkg, out)
    with contextlib.closing(sqlite3.connect(out)) as con, con:
        con.execute(f"DROP TABLE IF EXISTS {TABLE}")
        con.execute("DELETE FROM gpkg_extensions WHERE table_name = ?", (TABLE,))
    return out


def sizes(gpkg: Path) -> None:
    with contextlib.closing(sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)) as con:
        got = dict(con.execute("SELECT name, SUM(pgsize) FROM dbstat WHERE name IN (?, ?) GROUP BY name",
                               (TABLE, "neageo_lookup_grids")).fetchall())
    print(f"{gpkg.name}: {gpkg.stat().st_size / 1e6:.2f} MB; {TABLE} {got.get(TABLE, 0) / 1e3:.0f} KB, "
          f"neageo_lookup_grids {got.get('neageo_lookup_grids', 0) / 1e3:.0f} KB")


def compare(name: str, a: list[str], b: list[str], repeat: int) -> float:
    """Time ``a`` (stored coverage) and ``b`` (none) in turn after one warm-up each; the median ratio b/a."""
    run(a)
    run(b)
    ra, rb = [], []
    for _ in range(repeat):
        ra.append(run(a))
        rb.append(run(b))
    ratios = [y[0] / x[0] for x, y in zip(ra, rb)]

    def row(label: str, runs: list[tuple[float, float, float]]) -> str:
        wall, cpu, mem = (statistics.median(r[i] for r in runs) for i in range(3))
        lo, hi = min(r[0] for r in runs), max(r[0] for r in runs)
        return f"  {label:<26} wall {wall:6.2f} s (min {lo:.2f}, max {hi:.2f})   cpu {cpu:6.2f} s   peak {mem:5.0f} MB"

    print(f"{name} (fresh process, median of {repeat}):")
    print(row("stored coverage", ra))
    print(row("no table (simplified now)", rb))
    ratio = statistics.median(ratios)
    print(f"  -> {ratio:.1f} x faster with the stored coverage (pairwise ratios {min(ratios):.1f}-{max(ratios):.1f})")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--gpkg", type=Path, default=ROOT / "geodata" / "neageo.gpkg")
    args = parser.parse_args()
    neageo_cli = shutil.which("neageo") or str(Path(sys.executable).parent / "neageo")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        bare = without_table(args.gpkg, t / "bare.gpkg")
        sizes(args.gpkg)
        first = compare("first map: web_map('overview').save()",
                        [sys.executable, "-c", FIRST_MAP, str(args.gpkg), str(t / "a.html")],
                        [sys.executable, "-c", FIRST_MAP, str(bare), str(t / "b.html")], args.repeat)
        same = (t / "a.html").read_bytes() == (t / "b.html").read_bytes()
        compare("neageo maps (every map and the index)",
                [neageo_cli, "maps", "--gpkg", str(args.gpkg), "--out", str(t / "maps-a")],
                [neageo_cli, "maps", "--gpkg", str(bare), "--out", str(t / "maps-b")], max(1, args.repeat // 2))
        pages = sorted(p.name for p in (t / "maps-a").glob("*.html"))
        same &= all((t / "maps-a" / p).read_bytes() == (t / "maps-b" / p).read_bytes() for p in pages)
    print(f"pages byte-identical with and without the stored coverage: {same}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"target: first map >= {TARGET_RATIO:.0f} x faster -> {'OK' if first >= TARGET_RATIO and same else 'OVER'}")


if __name__ == "__main__":
    main()
