"""The build: committed sources -> one GeoPackage, step by step.

Each step is a function of the sources (and of earlier steps' results) that
returns :class:`~neageo.builder.layer.Layer` objects; :func:`build_gpkg` runs them
in order, reports progress through an optional callback, and hands the layers to
:func:`~neageo.builder.writer.write_gpkg`, which replaces the GeoPackage
atomically.  The builder writes the GeoPackage and nothing else: the QGIS
project, the codebook, the reports and the maps are made from the written file
by the publish step (:mod:`neageo.publishing`).  Nothing here prints: the CLI
renders progress.

The first step, ``sources``, reads and checks *every* committed file (tables,
vector files, geometry specifications, provenance) in a couple of seconds, so
a broken source is reported before the heavy hydrography and border steps run.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .._atomic import ensure_folder, output_lock
from .._errors import BuildError, OutputError, SourceError
from .._version import __version__
from ..dated import in_force
from ..metadata import check_catalogue, dataset_info, own_sources
from ..qgis import write_qgis_support
from ..settings import REGIONAL_CRS, STORAGE_CRS, STUDY_BBOX, build_target, sources_dir
from ..sources import Sources
from .borders import build_borders
from .boundaries import build_boundaries
from .coverage import add_map_coverage, start_map_coverage
from .gates import build_gates, read_gates
from .geomspec import GeometryResolver
from .grid import add_lookup_grids
from .hydro import build_hydro, read_hydro_inputs, read_osm_borders, shared_border_lines
from .joins import build_joins, read_capitals
from .layer import Layer, described
from .paper import paper_layer, read_paper_tables
from .paper_checks import run_checks
from .places import build_places, read_places
from .projects import build_events, build_projects, check_geometry_specs, read_events, read_projects
from .writer import DEFAULT_GPKG_VERSION, write_gpkg, write_layer

__all__ = ["STEPS", "BuildReport", "build_gpkg", "gpkg_target"]

log = logging.getLogger(__name__)

#: Step names in order, for progress displays.
STEPS = ("sources", "hydrography", "borders", "paper", "places", "projects", "write")

@dataclass
class BuildReport:
    """What a build produced: the GeoPackage, rows per layer, seconds per step.

    ``published`` and ``maps`` list the files :func:`neageo.build` then published
    from the GeoPackage (empty after :func:`build_gpkg` alone).
    """

    path: Path
    layers: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    published: list[Path] = field(default_factory=list)
    maps: list[Path] = field(default_factory=list)
    #: True when an earlier GeoPackage at ``path`` was replaced.
    replaced: bool = False


def _registry_sources(src: Sources) -> list[dict]:
    path = src.path("provenance.json")
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(f"{src.display(path)}: file is missing; run scripts/extract_sources.py") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceError(f"{src.display(path)}: not valid JSON ({exc})") from None
    rows = []
    for rec in records:
        try:
            rows.append({
                "source": rec["source"],
                "package": f"{rec['registry']}: {rec['package']}",
                "licence": rec["licence"],
                "attribution": rec["attribution"],
                "sha256": rec["sha256"],
                "note": f"Extracted with: {rec['extract_command']} (fetched with: {rec['fetch_command']})",
            })
        except (KeyError, TypeError):
            raise SourceError(f"{src.display(path)}: a record lacks source/registry/package/licence fields") from None
    return rows


def _checks_layer(checks) -> Layer:
    return described("paper_checks", checks)


def gpkg_target(out: Path | str | None) -> Path:
    """The GeoPackage to write: ``out`` (a file, or a folder for ``neageo.gpkg``), else the checkout's."""
    if out is None:
        return build_target()
    out = Path(out)
    if out.is_dir() or out.suffix.lower() != ".gpkg":
        return out / "neageo.gpkg"
    return out


def _check_target(target: Path, *, chosen: bool, overwrite: bool) -> bool:
    """Whether ``target`` exists (and may be replaced); :class:`OutputError` if it may not.

    A build replaces the GeoPackage it wrote before (the checkout's, or any neageo build named
    with ``out``); a file at ``out`` that is not a neageo GeoPackage is replaced only with
    ``overwrite=True`` (``--force``).
    """
    if target.is_dir():
        raise OutputError(f"{target}: a folder is in the way of the GeoPackage; remove it or choose another --out")
    if not target.exists():
        return False
    if not chosen or overwrite:
        return True
    from ..metadata import read_written

    try:
        read_written(target)
    except (BuildError, ValueError):  # not SQLite, not a GeoPackage, or not neageo's: all the same here
        raise OutputError(f"{target} exists and is not a neageo GeoPackage; pass --force (overwrite=True) to "
                          "replace it") from None
    return True


def build_gpkg(
    *,
    sources: Path | None = None,
    out: Path | None = None,
    progress: Callable[[str], None] | None = None,
    gpkg_version: str = DEFAULT_GPKG_VERSION,
    overwrite: bool = False,
) -> BuildReport:
    """Build the GeoPackage from the committed sources, and nothing else.

    What is made from the GeoPackage (the QGIS project, the codebook, the
    reports, the maps) is the publish step's (:func:`neageo.publish`);
    :func:`neageo.build` runs both.

    Parameters
    ----------
    sources
        Folder of committed sources (default ``geodata/sources``).
    out
        GeoPackage to (re)write, or a folder to write ``neageo.gpkg`` into (default: the
        checkout's ``geodata/neageo.gpkg``; an installed package without a checkout
        needs ``out``: it never writes into its own install folder).
    progress
        Called with each step's name as it starts.
    gpkg_version
        GeoPackage version to write: ``"1.3"`` (default: GDAL 3.6 and QGIS 3.22 read it without
        warnings) or ``"1.4"``.
    overwrite
        Replace a file at ``out`` that is not a neageo GeoPackage (an earlier neageo build is
        always replaced, atomically; :attr:`BuildReport.replaced` says so).

    Returns
    -------
    BuildReport
    """
    src = Sources(Path(sources) if sources else sources_dir())
    if not src.root.is_dir():
        raise SourceError(
            f"{src.root}: sources folder not found; pass sources= (CLI --sources DIR) a neageo checkout's "
            "geodata/sources, or set NEAGEO_HOME to a checkout"
        )
    target = gpkg_target(out)
    ensure_folder(target.parent)
    replaced = _check_target(target, chosen=out is not None, overwrite=overwrite)
    check_catalogue()  # a broken metadata file stops the build before any heavy step
    seconds: dict[str, float] = {}

    def step(name: str):
        if progress:
            progress(name)
        seconds[name] = time.perf_counter()

    def done(name: str):
        seconds[name] = round(time.perf_counter() - seconds[name], 3)

    # Every source is read and checked first; only then the heavy steps run.  The
    # tables' own rows first (a second or so), then what needs the boundaries
    # (places against their provinces, gates, geometry specifications); the
    # boundaries and places are built on the way.  The layers keep their order in
    # the GeoPackage.
    step("sources")
    tables = read_paper_tables(src)
    capitals = read_capitals(src, tables)
    project_rows = read_projects(src)
    event_rows = read_events(src)
    registry = _registry_sources(src)
    place_points = read_places(src)
    hydro_inputs = read_hydro_inputs(src)
    bounds = build_boundaries(src)
    countries, provinces = bounds.countries, bounds.provinces
    border_lines = shared_border_lines(read_osm_borders(src))  # the rivers follow them along border reaches
    places = build_places(src, provinces.geoframe, points=place_points)
    gate_inputs = read_gates(src, places.geoframe)
    precheck = GeometryResolver(places=places.frame, provinces=provinces.frame)
    check_geometry_specs(project_rows, precheck)
    check_geometry_specs(event_rows, precheck, events=True)
    done("sources")
    # the maps' admin coverage needs only these two final layers: simplified while the other steps run
    coverage = start_map_coverage({"countries": countries, "provinces": provinces},
                                  partial(write_layer, version=gpkg_version))

    layers: list[Layer] = [countries, provinces, bounds.territory_changes]
    step("hydrography")
    hydro = build_hydro(src, inputs=hydro_inputs, borders=border_lines)
    layers += hydro.layers
    done("hydrography")

    step("borders")
    borders = build_borders(countries.geoframe, hydro.rivers, bounds.changes)
    layers.append(borders)
    current_borders = in_force(borders.geoframe, None)
    done("borders")

    step("paper")
    checks = run_checks(tables)
    layers += [paper_layer(tables), _checks_layer(checks)]
    done("paper")

    step("places")
    gates = build_gates(src, places.geoframe, current_borders, tables, provinces=provinces.geoframe,
                        countries=countries.geoframe, inputs=gate_inputs)
    layers += [places, gates]
    done("places")

    step("projects")
    resolver = GeometryResolver(
        places=places.frame, provinces=provinces.frame, borders=current_borders, network=hydro.network
    )
    projects = build_projects(src, resolver, rows=project_rows)
    events = build_events(src, resolver, rows=event_rows)
    layers += [projects, events]
    layers += build_joins(src, tables, places.geoframe, provinces.geoframe, capitals=capitals)
    done("projects")

    for layer in layers:
        layer.check_columns()

    step("write")
    metadata = {
        "title": dataset_info()["title"],
        "neageo_version": __version__,
        "data_version": dataset_info()["data_version"],
        "crs": STORAGE_CRS,
        "regional_crs": REGIONAL_CRS,
        "study_bbox": list(STUDY_BBOX),
        "layers": {lyr.name: {"title": lyr.title, "description": lyr.description, "sources": list(lyr.sources)}
                   for lyr in layers},
    }
    with output_lock(target):
        write_gpkg(target, layers, sources=registry + own_sources(), metadata=metadata,
                   finish=(write_qgis_support, add_lookup_grids, partial(add_map_coverage, started=coverage)),
                   version=gpkg_version)
    done("write")
    log.info("built %s", target)
    return BuildReport(target, {lyr.name: len(lyr.frame) for lyr in layers}, seconds, replaced=replaced)
