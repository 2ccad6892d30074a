#!/usr/bin/env python3
"""Benchmark the build: wall time per step and the size of every layer.

Run from the repository root (plain Python, no extra packages)::

    python bench/bench_build.py [--repeat 3]

Target (issue 2): a full build from the committed sources in at most 15 s on a
2-core machine.  The figure reported is the median of the repeats.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import neageo  # noqa: E402
from neageo.workflow import build  # noqa: E402  (the builder, then the publish step)

TARGET_S = 15.0


def layer_sizes(path: Path) -> list[tuple[str, int, int]]:
    """(table, rows, bytes on disk) per table, bytes from SQLite's dbstat."""
    with contextlib.closing(sqlite3.connect(path)) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM gpkg_contents ORDER BY table_name")]
        sizes = dict(con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
        out = []
        for t in tables:
            (rows,) = con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()
            index = sum(v for k, v in sizes.items() if k.startswith(f"rtree_{t}_"))
            out.append((t, rows, sizes.get(t, 0) + index))
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "neageo.gpkg"
        totals, steps = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            report = build(sources=ROOT / "geodata" / "sources", out=out)
            totals.append(time.perf_counter() - t0)
            steps.append(report.seconds)
        median = statistics.median(totals)
        print(f"neageo {neageo.__version__} build on {os.cpu_count()} cores, {args.repeat} runs")
        print(f"  total: median {median:.2f} s (min {min(totals):.2f}, max {max(totals):.2f}); target <= {TARGET_S:.0f} s"
              f" -> {'OK' if median <= TARGET_S else 'OVER'} ({median / TARGET_S:.2f}x of target)")
        for name in steps[0]:
            print(f"  step {name:<12} {statistics.median(s[name] for s in steps):6.2f} s")
        print(f"  file: {out.stat().st_size / 1e6:.2f} MB")
        print(f"  {'table':<16}{'rows':>8}{'bytes':>12}")
        for name, rows, size in layer_sizes(out):
            print(f"  {name:<16}{rows:>8}{size:>12,}")


if __name__ == "__main__":
    main()
