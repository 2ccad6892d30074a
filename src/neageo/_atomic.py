"""Writing outputs: atomic file replacement, and folders checked before anything is written.

``os.replace`` is atomic on POSIX file systems, so a reader (or a crash) sees
either the old file or the complete new one, never a half-written file.  A
folder that cannot be created or written is an :class:`~neageo.OutputError`
naming the path and the reason, before any work is done.
:func:`output_lock` serialises the processes that write a GeoPackage and the
files beside it (the build, the publish step).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
from pathlib import Path

from ._errors import OutputError

__all__ = ["atomic_target", "ensure_folder", "output_lock", "write_text_atomic"]

#: Plain words for the errors a folder or file can meet.
_WHY = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "over the disk quota",
    errno.ENAMETOOLONG: "the name is too long",
}


def _why(path: Path, exc: OSError) -> str:
    """Why ``path`` cannot be written, in plain words."""
    if exc.errno == errno.ENOTDIR:
        for parent in [path, *path.parents]:
            if parent.exists() and not parent.is_dir():
                return f"{parent} is a file, not a folder"
    if exc.errno in _WHY:
        return _WHY[exc.errno]
    return (exc.strerror or str(exc)).lower()


def ensure_folder(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` (and its parents) if needed; :class:`OutputError` if it cannot be created or written."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{folder}: cannot write into it: it is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the folder ({_why(folder, exc)}); "
                          "choose a folder you can write to") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{folder}: cannot write into the folder (permission denied); "
                          "choose a folder you can write to")
    return folder


@contextlib.contextmanager
def atomic_target(path: Path, *, suffix: str = ".tmp", fsync: bool = False):
    """Yield a temporary path beside ``path``; move it over ``path`` if the block succeeds.

    On any error (or interruption) the temporary file is removed and ``path``
    is left as it was.  The folder is checked first (:func:`ensure_folder`); a
    failure to write the temporary file or to move it into place is an
    :class:`OutputError` naming ``path``.
    """
    path = Path(path)
    ensure_folder(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}{suffix}")
    try:
        try:
            yield tmp
            if fsync:
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            if exc.filename is None or Path(exc.filename) not in (tmp, path):
                raise
            raise OutputError(f"{path}: cannot write it ({_why(path, exc)})") from None
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
    ensure_folder(target.parent)
    lock_path = target.with_name(f".{target.name}.lock")
    with open(lock_path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
