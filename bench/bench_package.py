#!/usr/bin/env python3
"""Benchmark the package as users get it: wheel size, import time, docs build, notebook run.

Run from the repository root (needs the test and docs extras)::

    python bench/bench_package.py

Targets (issue 12): wheel <= 25 MB; ``import neageo`` <= 0.3 s; the tutorial notebook <= 60 s on 2 cores.
The wheel is built offline from a clone of HEAD, as the test suite does.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _seconds(cmd: list[str], **kw) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    return time.perf_counter() - t0


def wheel_size() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        secs = _seconds([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", f"{tmp}/dist",
                         str(clone)])
        (whl,) = Path(tmp, "dist").glob("*.whl")
        print(f"wheel: {whl.name} {whl.stat().st_size / 1e6:.1f} MB (target <= 25 MB), built in {secs:.1f} s")


def import_time(repeat: int = 7) -> None:
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    times = [_seconds([sys.executable, "-c", "import neageo"], env=env) for _ in range(repeat)]
    base = [_seconds([sys.executable, "-c", "pass"], env=env) for _ in range(repeat)]
    print(f"import neageo: {statistics.median(times) - statistics.median(base):.3f} s over a bare interpreter "
          f"(process {statistics.median(times):.3f} s; target <= 0.3 s)")


def docs_build() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        secs = _seconds([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", tmp], cwd=ROOT)
        print(f"docs: mkdocs build --strict in {secs:.1f} s")


def notebook() -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "examples" / "tutorial.ipynb", as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": tmp}}).execute()
        print(f"notebook: examples/tutorial.ipynb ran in {time.perf_counter() - t0:.1f} s (target <= 60 s)")


if __name__ == "__main__":
    wheel_size()
    import_time()
    docs_build()
    notebook()
