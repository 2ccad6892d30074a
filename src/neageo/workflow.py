"""The whole job: build the GeoPackage, then publish what is made from it.

:func:`build` (``neageo.build``, ``neageo build``) runs the builder
(:func:`neageo.builder.pipeline.build_gpkg`, which writes the GeoPackage and
nothing else) and then, unless ``publish=False``, the publish step
(:func:`neageo.publish`), which writes the QGIS project, the codebook, the
reports and, with ``maps=True``, the maps from the written file.  A failed
build publishes nothing, so every output of the last good run stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ._errors import BuildError
from .builder.pipeline import STEPS as BUILD_STEPS
from .builder.pipeline import BuildReport, build_gpkg
from .builder.writer import DEFAULT_GPKG_VERSION
from .publishing import publish as run_publish

__all__ = ["STEPS", "build"]

#: Step names in order, for progress displays: the builder's, then the publish step and the maps.
STEPS = (*BUILD_STEPS, "publish", "maps")


def build(
    *,
    sources: Path | None = None,
    out: Path | None = None,
    progress: Callable[[str], None] | None = None,
    publish: bool = True,
    maps: bool = False,
    maps_dir: Path | None = None,
    gpkg_version: str = DEFAULT_GPKG_VERSION,
    overwrite: bool = False,
) -> BuildReport:
    """Build the GeoPackage from the committed sources, then publish what is made from it.

    Parameters
    ----------
    sources, out
        As for :func:`~neageo.builder.pipeline.build_gpkg`: the committed sources (default
        ``geodata/sources``) and the GeoPackage to write, or a folder for ``neageo.gpkg``
        (default: the checkout's ``geodata/neageo.gpkg``).
    progress
        Called with each step's name (:data:`STEPS`) as it starts.
    publish
        Also write the QGIS project, ``datapackage.json`` and the reports beside the
        GeoPackage (:func:`neageo.publish`); default true.
    maps
        Also render the web maps (with ``publish``): into ``maps_dir``, else ``maps/``
        beside ``out`` when ``out`` is given, else the checkout's ``maps/``.
    gpkg_version
        GeoPackage version: ``"1.3"`` (default; GDAL 3.6 and QGIS 3.22 open it without a warning)
        or ``"1.4"``.
    overwrite
        Replace a file at ``out`` that is not a neageo GeoPackage; an earlier neageo build is
        always replaced (atomically), and :attr:`BuildReport.replaced` says so.

    Returns
    -------
    BuildReport
        The GeoPackage's path, rows per layer and seconds per step (``publish`` and
        ``maps`` included when they ran).
    """
    if maps and not publish:
        raise BuildError("the maps are published from the GeoPackage: maps=True needs publish=True")
    report = build_gpkg(sources=sources, out=out, progress=progress, gpkg_version=gpkg_version,
                        overwrite=overwrite)
    if publish:
        done = run_publish(report.path if out is not None else None, sources=sources, maps=maps,
                           maps_dir=maps_dir, progress=progress)
        report.seconds.update(done.seconds)
        report.published, report.maps = done.paths, done.maps
    return report
