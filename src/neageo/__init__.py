"""neageo: Northeast Asia's provinces, borders, rivers and customs gates as a GeoPackage.

The data flow is one way: committed sources (``geodata/sources``) ->
:func:`neageo.build` -> ``geodata/neageo.gpkg`` -> maps, queries and exports.
"""

from __future__ import annotations

__version__ = "0.1.0"

from ._errors import (
    BuildError,
    DataError,
    ExportError,
    LayerNotFound,
    NeageoError,
    NotDownstream,
    PlaceNotFound,
    QueryError,
    SourceError,
)

__all__ = [
    "__version__",
    "build",
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


def build(*, sources=None, out=None, progress=None):
    """Build ``geodata/neageo.gpkg`` from the committed sources (see :func:`neageo.builder.pipeline.build`)."""
    from .builder.pipeline import build as _build

    return _build(sources=sources, out=out, progress=progress)
