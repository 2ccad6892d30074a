"""Running QGIS (Debian qgis + python3-qgis) offscreen on a project and GeoPackage.

Not called ``qgis.py``: qgis_probe.py runs from this folder, where a module of
that name would shadow QGIS's own ``qgis`` package.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

__all__ = ["QGIS_PYTHON", "PROBE", "qgis_available", "probe"]

#: QGIS's Python bindings live in the system Python, not in the project's virtualenv.
QGIS_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("qgis_probe.py")


def qgis_available() -> str | None:
    """``None`` when QGIS can be driven from Python, else why not."""
    if not Path(QGIS_PYTHON).exists():
        return "no system Python for QGIS"
    check = subprocess.run([QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, text=True, check=False,
                           env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if check.returncode != 0:
        return "QGIS's Python bindings are not installed (apt-get install qgis python3-qgis)"
    return None


def probe(qgis_python: str, qgz: Path, gpkg: Path, png: Path, *others: Path) -> dict[str, Any]:
    """Open ``qgz`` and ``gpkg`` in QGIS, render to ``png``; return what qgis_probe.py reports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["HOME"] = str(png.parent)  # QGIS writes its profile there, not into the user's home
    result = subprocess.run([qgis_python, str(PROBE), str(qgz), str(gpkg), str(png), *map(str, others)], capture_output=True,
                            text=True, env=env, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    out: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return out
