"""The publish step: everything made from a built GeoPackage, written beside it.

From ``neageo.gpkg`` (and, for the fidelity report, the published figures in
the committed sources' ``fidelity/`` folder) :func:`publish` makes

* ``neageo.qgz`` - the QGIS project (:func:`neageo.qgis.project_qgz`);
* ``datapackage.json`` - the codebook (:func:`neageo.codebook.datapackage`);
* ``paper_check.md`` / ``.csv`` - the paper's numbers checked against each
  other (from the GeoPackage's ``paper_checks`` table);
* ``fidelity.md`` / ``.csv`` - the geometry against published figures;
* with ``maps=True``, the web maps (:func:`neageo.maps.render_all`).

Every file is computed before any is written, and each is written atomically
under the lock the build takes (:func:`neageo._atomic.output_lock`): a failed
publish leaves every earlier output as it was, and a build and a publish of the
same file never interleave.  The same GeoPackage always gives the same bytes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from .._atomic import atomic_target, ensure_folder, output_lock
from .._errors import DataError
from ..codebook import datapackage_json
from ..io import gpkg_path, read
from ..qgis import project_qgz
from ..settings import build_target, sources_dir
from ..settings import maps_dir as default_maps_dir
from ..sources import Sources
from .fidelity import FidelityRow, boundary_checks, fidelity_texts
from .paper_report import paper_check_markdown
from .record_checks import date_rows, gate_rows, river_rows
from .report import pair_texts

__all__ = ["OUTPUTS", "PublishReport", "fidelity_rows", "outputs", "publish"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: The files :func:`publish` writes beside the GeoPackage, in the order it writes them
#: (the QGIS project takes the GeoPackage's name: ``neageo.gpkg`` -> ``neageo.qgz``).
OUTPUTS = ("neageo.qgz", "datapackage.json", "paper_check.csv", "paper_check.md", "fidelity.csv", "fidelity.md")


@dataclass
class PublishReport:
    """What a publish wrote: the files beside the GeoPackage, then the maps (if any), and seconds per part."""

    gpkg: Path
    paths: list[Path]
    maps: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def _spatial(name: str, gpkg: Path) -> gpd.GeoDataFrame:
    frame = read(name, gpkg=gpkg)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise DataError(f"{gpkg}: layer {name!r} has no geometry; rebuild it with `neageo build`")
    return frame


def fidelity_rows(gpkg: Path, sources: Sources) -> list[FidelityRow]:
    """Every row of the fidelity report for the GeoPackage ``gpkg`` (published figures from ``sources``)."""
    def layer(name: str) -> gpd.GeoDataFrame:
        return _spatial(name, gpkg)

    rows = boundary_checks(
        sources, countries=layer("countries"), provinces=layer("provinces"), borders=layer("borders"),
        territory_changes=layer("territory_changes"), places=layer("places"),
    )
    return rows + river_rows(layer("rivers")) + gate_rows(layer("customs_gates")) + date_rows(
        layer("events"), layer("projects"))


def outputs(gpkg: Path, sources: Sources) -> dict[Path, bytes]:
    """Path -> bytes of every file the publish step writes beside ``gpkg`` (:data:`OUTPUTS`), computed in memory."""
    checks = read("paper_checks", gpkg=gpkg)
    texts = {
        "datapackage.json": datapackage_json(gpkg),
        **pair_texts("paper_check", checks, paper_check_markdown(checks)),
        **fidelity_texts(fidelity_rows(gpkg, sources)),
    }
    project = gpkg.with_suffix(".qgz")
    files = {project: project_qgz(gpkg, project.with_suffix(".qgs").name)}
    files |= {gpkg.with_name(name): texts[name].encode("utf-8") for name in OUTPUTS[1:]}
    return files


def publish(
    gpkg: str | Path | None = None,
    *,
    sources: str | Path | None = None,
    maps: bool = False,
    maps_dir: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> PublishReport:
    """Write the QGIS project, the codebook, the reports (and the maps) of a built GeoPackage beside it.

    Parameters
    ----------
    gpkg
        The GeoPackage (default: the checkout's ``geodata/neageo.gpkg``; an
        installed package without a checkout needs it named, since it never
        writes into its own install folder).
    sources
        Folder of committed sources whose ``fidelity/`` tables hold the published
        figures (default: the checkout's ``geodata/sources``, else the packaged copy).
    maps
        Also render the web maps (needs the ``maps`` extra).
    maps_dir
        Folder for the maps (default: ``maps/`` beside ``gpkg`` when ``gpkg`` is
        given, else the checkout's ``maps/``).
    progress
        Called with ``"publish"`` and, with ``maps``, ``"maps"`` as each part starts.

    Returns
    -------
    PublishReport

    Raises
    ------
    DataError
        if ``gpkg`` is missing or not a GeoPackage built by neageo.
    """
    target = Path(gpkg) if gpkg is not None else build_target()
    gpkg_path(target)  # a clear error before any work if the file is missing or not a GeoPackage
    folder = Path(maps_dir) if maps_dir is not None else (target.parent / "maps" if gpkg is not None else None)
    ensure_folder(target.parent)  # and a folder that cannot be written, before any work too
    if maps:
        ensure_folder(folder if folder is not None else default_maps_dir())
    src = Sources(Path(sources) if sources is not None else sources_dir())
    seconds: dict[str, float] = {}
    if progress:
        progress("publish")
    start = time.perf_counter()
    with output_lock(target):
        files = outputs(target, src)  # everything first: a failure here writes nothing
        for path, data in files.items():
            with atomic_target(path) as tmp:
                tmp.write_bytes(data)
    paths = list(files)
    seconds["publish"] = round(time.perf_counter() - start, 3)
    report = PublishReport(target, paths, seconds=seconds)
    if maps:
        if progress:
            progress("maps")
        start = time.perf_counter()
        from ..maps import render_all

        report.maps = render_all(gpkg=target, out_dir=folder)
        seconds["maps"] = round(time.perf_counter() - start, 3)
    log.info("published %d files beside %s", len(paths), target)
    return report
