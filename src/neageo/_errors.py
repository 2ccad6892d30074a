"""neageo's exceptions: one small hierarchy, one module.

Every error a user can cause derives from :class:`NeageoError`, so callers can
catch one class; the CLI turns these into one line and a non-zero exit code.
"""

from __future__ import annotations

__all__ = [
    "NeageoError",
    "SourceError",
    "BuildError",
    "DataError",
    "LayerNotFound",
    "PlaceNotFound",
    "QueryError",
    "NotDownstream",
    "ExportError",
]


class NeageoError(Exception):
    """Base class of every error neageo raises on purpose."""

    #: The CLI's exit status for this kind of error.
    exit_code = 1


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
