"""Atomic file replacement: write beside the target, then rename over it.

``os.replace`` is atomic on POSIX file systems, so a reader (or a crash) sees
either the old file or the complete new one, never a half-written file.
:func:`output_lock` serialises the processes that write a GeoPackage and the
files beside it (the build, the publish step).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

__all__ = ["atomic_target", "output_lock", "write_text_atomic"]


@contextlib.contextmanager
def atomic_target(path: Path, *, suffix: str = ".tmp", fsync: bool = False):
    """Yield a temporary path beside ``path``; move it over ``path`` if the block succeeds.

    On any error (or interruption) the temporary file is removed and ``path``
    is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}{suffix}")
    try:
        yield tmp
        if fsync:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
        if fsync:
            dir_fd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 text to ``path`` atomically; return ``path``."""
    with atomic_target(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


@contextlib.contextmanager
def output_lock(target: Path):
    """Hold an exclusive lock beside ``target`` (``.<name>.lock``) for the duration of the block.

    The lock is per open file: a process must not take it twice at once.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    lock_path = target.with_name(f".{target.name}.lock")
    with open(lock_path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
