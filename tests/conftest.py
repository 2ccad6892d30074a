"""Shared fixtures: one real build per test session, and CI's no-skip rule."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers.browser import ARGS, CHROMIUM
from helpers.common import SOURCES
from helpers.qgis_runner import QGIS_PYTHON, qgis_available


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """A GeoPackage built from the committed sources, once per test run (read-only for the tests).

    Under pytest-xdist the workers share one build: the first to ask builds it under a file lock in
    the run's common temporary folder; the build's write is atomic, so a file there is complete.
    """
    import neageo

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        out = tmp_path_factory.mktemp("build") / "neageo.gpkg"
        neageo.build(sources=SOURCES, out=out)
        return out
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent
    out = shared / "shared_build" / "neageo.gpkg"
    with FileLock(str(shared / "shared_build.lock")):
        if not out.exists():
            neageo.build(sources=SOURCES, out=out)
    return out


@pytest.fixture(scope="module")
def layer(built):
    """Read a layer of the session's build once per test module (cached)."""
    import pyogrio

    cache = {}

    def read(name):
        if name not in cache:
            cache[name] = pyogrio.read_dataframe(built, layer=name)
        return cache[name]

    return read


@pytest.fixture()
def sources_copy(tmp_path) -> Path:
    """A writable copy of the committed sources, for tests that break them."""
    dst = tmp_path / "geodata" / "sources"
    shutil.copytree(SOURCES, dst)
    return dst


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's) for the whole session, driven by Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install playwright)")
    if not Path(CHROMIUM).exists():
        pytest.skip("headless Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def qgis_python() -> str:
    """The Python that has QGIS's bindings (skips when QGIS is missing)."""
    reason = qgis_available()
    if reason:
        pytest.skip(reason)
    return QGIS_PYTHON


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On CI (CI=true) a skipped test is a failed test: CI installs every tool."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI", "").lower() in ("1", "true", "yes") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped on CI, where every tool must be installed: {reason}"
