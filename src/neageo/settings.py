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
    "REGIONAL_CRS",
    "STORAGE_CRS",
    "STUDY_BBOX",
    "VIEW_BBOX",
    "HYDRO_BBOX",
    "PLACES_BBOX",
    "OSM_BBOX",
    "RIVER_SNAP_KM",
    "FIRST_YEAR",
    "LAST_YEAR",
    "build_target",
    "checkout",
    "default_gpkg",
    "gpkg_choice",
    "maps_dir",
    "packaged_geodata",
    "repo_root",
    "sources_dir",
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
#: OpenStreetMap country polygons are kept inside this box: every border of
#: China, Russia, North Korea and Mongolia with each other (the China-Mongolia
#: and Mongolia-Russia borders reach west to 87.7E) and the seas around Korea.
OSM_BBOX = (87.0, 30.0, 150.0, 62.0)
#: How far a place may lie from the river where a river path starts or ends, km
#: (``neageo.river_path`` and the ``riverpath:`` geometries of projects and events).
RIVER_SNAP_KM = 25.0
#: The oldest year the dated layers answer for: the Convention of Peking (1860) drew the
#: Ussuri and Tumen lines and confirmed the Amur's (Treaty of Aigun, 1858); a border "in
#: force" before it is not in the data.
FIRST_YEAR = 1860
#: The last year a dated layer answers for: years after the last recorded change get today's
#: lines (planned events can be annotated); a later year is taken for a typo.
LAST_YEAR = 2100


def checkout() -> Path | None:
    """The neageo checkout in use (the folder holding ``geodata/sources``), or ``None``.

    ``NEAGEO_HOME`` if set; otherwise the checkout this package is imported
    from (editable install or ``PYTHONPATH=src``); otherwise the current
    directory if it is a checkout.  An installed package used anywhere else
    has no checkout: it reads its packaged data and writes only where told.
    """
    env = os.environ.get("NEAGEO_HOME")
    if env:
        return Path(env)
    for root in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (root / "geodata" / "sources").is_dir():
            return root
    return None


def packaged_geodata() -> Path:
    """The data shipped inside the package: ``neageo/data/geodata`` (read-only in site-packages)."""
    return Path(__file__).resolve().parent / "data" / "geodata"


def repo_root() -> Path:
    """The checkout (see :func:`checkout`); :class:`~neageo.DataError` if there is none."""
    root = checkout()
    if root is None:
        from ._errors import DataError

        raise DataError(
            "no neageo checkout here (an installed package writes nowhere by default): "
            "name an output folder (--out DIR), or set NEAGEO_HOME to a checkout"
        )
    return root


def sources_dir() -> Path:
    """Committed source files the build reads: the checkout's, else the packaged copy."""
    root = checkout()
    if root is not None and (root / "geodata" / "sources").is_dir():
        return root / "geodata" / "sources"
    return packaged_geodata() / "sources"


def gpkg_choice() -> tuple[Path, str]:
    """The GeoPackage read by default, and why it was chosen.

    In order: ``$NEAGEO_GPKG``; the checkout's ``geodata/neageo.gpkg``; the
    copy packaged with neageo.
    """
    env = os.environ.get("NEAGEO_GPKG")
    if env:
        return Path(env), "NEAGEO_GPKG"
    root = checkout()
    if root is not None and (root / "geodata" / "neageo.gpkg").is_file():
        return root / "geodata" / "neageo.gpkg", f"the checkout {root}"
    return packaged_geodata() / "neageo.gpkg", "the copy packaged with neageo"


def default_gpkg() -> Path:
    """GeoPackage read by queries (see :func:`gpkg_choice`)."""
    return gpkg_choice()[0]


def build_target() -> Path:
    """Where ``neageo build`` writes by default: the checkout's ``geodata/neageo.gpkg``, never site-packages."""
    return repo_root() / "geodata" / "neageo.gpkg"


def maps_dir() -> Path:
    """Folder the HTML maps are written to by default: the checkout's ``maps/``."""
    return repo_root() / "maps"
