"""neageo: Northeast Asia's provinces, borders, rivers and customs gates as a GeoPackage.

The data flow is one way: committed sources (``geodata/sources``) ->
:func:`neageo.build` -> ``geodata/neageo.gpkg`` -> maps, queries and exports.

Heavy libraries (geopandas, folium, ...) load on first use, so ``import neageo``
stays fast; every public name below is importable from the package itself.
"""

from __future__ import annotations

import importlib

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

#: The code version, the single source of the package version (pyproject.toml reads it).
#: The data have their own version: :func:`data_version`.
__version__ = "0.2.0"

#: Public functions, loaded from their modules on first use (PEP 562).
_LAZY = {
    "build": "neageo.builder.pipeline",
    "data_version": "neageo.about",
    "about": "neageo.about",
    "layers": "neageo.io",
    "read": "neageo.io",
    "find": "neageo.gazetteer",
    "near": "neageo.query",
    "distance_km": "neageo.query",
    "within": "neageo.query",
    "river_path": "neageo.query",
    "border_length_km": "neageo.query",
    "render_maps": "neageo.maps",
    "render_all": "neageo.maps",
    "export": "neageo.exports",
    "export_postgis": "neageo.exports",
}

__all__ = [
    "__version__",
    *_LAZY,
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


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'neageo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
