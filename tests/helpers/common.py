"""Paths and small utilities every test module may use."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

__all__ = ["REPO", "SOURCES", "md5", "cli"]

#: The checkout under test, and its committed sources.
REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "geodata" / "sources"


def md5(path: Path) -> str:
    """Digest of a file's bytes (to tell whether a file changed)."""
    return hashlib.md5(path.read_bytes()).hexdigest()


def cli(*args: str, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m neageo.cli ARGS`` and capture its output (the caller checks the exit code)."""
    return subprocess.run([sys.executable, "-m", "neageo.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, check=False)
