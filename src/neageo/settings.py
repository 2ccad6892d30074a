"""Paths, the study region and the coordinate reference systems neageo uses.

This module is the one place that chooses CRSs: everything is *stored* in
EPSG:4326; metric work (snapping, buffering, simplification) happens in
:data:`REGIONAL_CRS`, an Albers equal-area conic fitted to the study region;
lengths, distances and areas are computed on the WGS84 ellipsoid
(see :mod:`neageo.geodesy`).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "STORAGE_CRS",
    "REGIONAL_CRS",
    "STUDY_BBOX",
    "VIEW_BBOX",
    "HYDRO_BBOX",
    "PLACES_BBOX",
    "RIVER_SNAP_KM",
    "repo_root",
    "sources_dir",
    "default_gpkg",
    "maps_dir",
]

#: CRS of everything written to or read from the GeoPackage.
STORAGE_CRS = "EPSG:4326"

#: Albers equal-area conic for Northeast Asia (standard parallels 40N and 52N,
#: central meridian 128E): area-true, and within 1 % in scale over the region.
REGIONAL_CRS = (
    "+proj=aea +lat_0=45 +lat_1=40 +lat_2=52 +lon_0=128 +x_0=0 +y_0=0 "
    "+datum=WGS84 +units=m +no_defs"
)

# Every regional constant lives here, once; scripts/extract_sources.py imports them too.
# Boxes are (west, south, east, north) in degrees.

#: The study region: provinces and federal subjects that touch it are kept whole.
STUDY_BBOX = (115.0, 38.0, 145.0, 56.0)
#: The context countries (Mongolia, South Korea, Japan) are clipped to this box.
VIEW_BBOX = (95.0, 30.0, 150.0, 62.0)
#: Hydrography is extracted for this box, and river waypoints must lie in it.
HYDRO_BBOX = (110.0, 38.0, 145.0, 56.0)
#: GeoNames places are extracted for this box, and every place must lie in it.
PLACES_BBOX = (105.0, 36.0, 150.0, 60.0)
#: How far a place may lie from the river where a river path starts or ends, km
#: (``neageo.river_path`` and the ``riverpath:`` geometries of projects and events).
RIVER_SNAP_KM = 25.0


def repo_root() -> Path:
    """Folder holding ``geodata/`` and ``maps/``.

    ``NEAGEO_HOME`` overrides it; otherwise the checkout this package was
    installed from (editable install) or the current directory.
    """
    env = os.environ.get("NEAGEO_HOME")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2]
    if (here / "geodata" / "sources").is_dir():
        return here
    return Path.cwd()


def sources_dir() -> Path:
    """Committed source files the build reads."""
    return repo_root() / "geodata" / "sources"


def default_gpkg() -> Path:
    """GeoPackage read by queries: ``NEAGEO_GPKG`` or ``geodata/neageo.gpkg``."""
    env = os.environ.get("NEAGEO_GPKG")
    return Path(env) if env else repo_root() / "geodata" / "neageo.gpkg"


def maps_dir() -> Path:
    """Folder the HTML maps are written to."""
    return repo_root() / "maps"
