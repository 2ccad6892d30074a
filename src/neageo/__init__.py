"""neageo: Northeast Asia's provinces, borders, rivers and customs gates as a GeoPackage.

The data flow is one way: committed sources (``geodata/sources``) -> the
builder -> ``geodata/neageo.gpkg`` -> the publish step (QGIS project, codebook,
reports, maps), queries, annotation and exports.  :func:`build` runs the
builder and then :func:`publish`.  Modules inside the package never import this
face; they import each other (see the architecture page of the docs).

Heavy libraries (geopandas, folium, ...) load on first use, so ``import neageo``
stays fast; every public name below is importable from the package itself.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from ._errors import (
    BuildError,
    DataError,
    ExportError,
    LayerNotFound,
    NeageoError,
    NotDownstream,
    OutputError,
    PlaceNotFound,
    QueryError,
    SourceError,
)
from ._version import __version__

#: Public functions, loaded from their modules on first use (PEP 562).
_LAZY = {
    "build": "neageo.workflow",
    "publish": "neageo.publishing",
    "data_version": "neageo.data_in_use",
    "about": "neageo.data_in_use",
    "layers": "neageo.io",
    "read": "neageo.io",
    "find": "neageo.gazetteer",
    "near": "neageo.query",
    "distance_km": "neageo.query",
    "within": "neageo.query",
    "river_path": "neageo.query",
    "border_length_km": "neageo.query",
    "annotate": "neageo.annotation",
    "border_segments_km": "neageo.query",
    "render_maps": "neageo.maps",
    "render_all": "neageo.maps",
    "web_map": "neageo.maps",
    "explore": "neageo.maps",
    "save_offline": "neageo.maps",
    "export": "neageo.exports",
    "export_postgis": "neageo.exports",
}

__all__ = [
    "__version__",
    "build",
    "publish",
    "data_version",
    "about",
    "layers",
    "read",
    "find",
    "near",
    "distance_km",
    "within",
    "river_path",
    "border_length_km",
    "border_segments_km",
    "annotate",
    "render_maps",
    "render_all",
    "web_map",
    "explore",
    "save_offline",
    "export",
    "export_postgis",
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

if TYPE_CHECKING:  # the same names, seen by type checkers and IDEs without importing them at run time
    from .annotation import annotate
    from .data_in_use import about, data_version
    from .exports import export, export_postgis
    from .gazetteer import find
    from .io import layers, read
    from .maps import explore, render_all, render_maps, save_offline, web_map
    from .publishing import publish
    from .query import border_length_km, border_segments_km, distance_km, near, river_path, within
    from .workflow import build


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'neageo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
