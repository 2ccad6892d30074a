"""neageo's exceptions: one small hierarchy, one module.

Every error a user can cause derives from :class:`NeageoError`, so callers can
catch one class; the CLI turns these into one line and a non-zero exit code.
Messages stay short whatever the input: :func:`shown` quotes a user's value cut
to :data:`SHOWN_CHARS` characters (with its length), and a message longer than
:data:`MESSAGE_CHARS` keeps its beginning and its end.
"""

from __future__ import annotations

__all__ = [
    "MESSAGE_CHARS",
    "SHOWN_CHARS",
    "shown",
    "NeageoError",
    "SourceError",
    "BuildError",
    "DataError",
    "LayerNotFound",
    "PlaceNotFound",
    "QueryError",
    "NotDownstream",
    "ExportError",
    "OutputError",
]


#: How much of a user's value a message quotes.
SHOWN_CHARS = 80
#: The longest message kept whole; longer ones keep their beginning and end.
MESSAGE_CHARS = 600


def shown(value: object, limit: int = SHOWN_CHARS) -> str:
    """``repr(value)``, or for a long string its first ``limit`` characters and its length."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def _bounded(message: str) -> str:
    if len(message) <= MESSAGE_CHARS:
        return message
    head, tail = MESSAGE_CHARS * 3 // 5, MESSAGE_CHARS // 3
    return f"{message[:head]}… ({len(message) - head - tail:,} characters left out) …{message[-tail:]}"


class NeageoError(Exception):
    """Base class of every error neageo raises on purpose."""

    #: The CLI's exit status for this kind of error.
    exit_code = 1

    def __init__(self, *args: object) -> None:
        if args and isinstance(args[0], str):
            args = (_bounded(args[0]), *args[1:])
        super().__init__(*args)


class SourceError(NeageoError):
    """A committed source file is missing, unreadable or inconsistent."""

    exit_code = 3


class BuildError(NeageoError):
    """The GeoPackage could not be built from readable sources."""

    exit_code = 4


class DataError(NeageoError):
    """The GeoPackage to read is missing, corrupt or not a neageo GeoPackage."""

    exit_code = 5


class LayerNotFound(DataError):
    """The GeoPackage has no layer of that name."""


class PlaceNotFound(NeageoError, LookupError):
    """No feature in any layer has that name or alias."""

    exit_code = 6


class QueryError(NeageoError, ValueError):
    """A query's arguments are out of range (negative km, NaN coordinates, ...)."""

    exit_code = 2


class NotDownstream(QueryError):
    """The end of a river path is not downstream of its start."""


class ExportError(NeageoError):
    """An export could not be written (bad format, unsafe path, unreachable database)."""

    exit_code = 7


class OutputError(NeageoError):
    """An output cannot be written: its folder cannot be created or written, or it exists.

    The message names the path and the reason (a parent that is a file, permission
    denied, a read-only file system) or, for an existing output, the option that
    replaces it (``--force`` / ``overwrite=True``).
    """

    exit_code = 8
