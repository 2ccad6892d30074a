"""The ``neageo`` command line: the only module that prints or configures logging.

User errors (bad input, missing files, unknown names, a missing optional
extra) end with one line on stderr, ``neageo: error: ...``, and the exit status
of the error's class (see the README's table); no traceback.  Warnings meant
for the user (a name that several features share) are one ``neageo: note: ...``
line each.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import click

from ._cli_output import _console, _emit, format_option
from ._errors import NeageoError, OutputError
from ._version import __version__

gpkg_option = click.option(
    "--gpkg",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="GeoPackage to read (default: $NEAGEO_GPKG, else a checkout's geodata/neageo.gpkg, else the packaged copy).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--verbose", "-v", is_flag=True, help="Log what each step does.")
@click.version_option(version=__version__, prog_name="neageo")
def app(verbose: bool) -> None:
    """Build, map and query neageo's GeoPackage of Northeast Asia.

    Data from Woo-Jun Kim, 'Cooperation and Conflict among Provinces'.
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@app.command()
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder to write neageo.gpkg (and its QGIS project, codebook, reports) into, or a .gpkg file "
                   "(default: the checkout's geodata/; required for an installed package).")
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of committed sources (default: the checkout's geodata/sources, else the packaged copy).")
@click.option("--publish/--no-publish", default=True, show_default=True,
              help="Then publish from the new GeoPackage (QGIS project, codebook, reports; see `neageo publish`).")
@click.option("--maps/--no-maps", default=False, help="Also render the HTML maps (into maps/, or --out's maps/).")
@click.option("--gpkg-version", type=click.Choice(["1.3", "1.4"]), default="1.3", show_default=True,
              help="GeoPackage version: 1.3 opens without warnings in GDAL 3.6 / QGIS 3.22; 1.4 is the newest.")
@click.option("--force", is_flag=True,
              help="Replace a file at --out that is not a neageo GeoPackage (an earlier build is always replaced).")
def build(out: Path | None, sources: Path | None, publish: bool, maps: bool, gpkg_version: str, force: bool) -> None:
    """Build the GeoPackage from the committed sources (atomically), then publish from it."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .workflow import STEPS
    from .workflow import build as run_build

    if maps and not publish:
        raise click.UsageError("--maps needs the publish step: drop --no-publish")
    steps = [s for s in STEPS if (publish or s != "publish") and (maps or s != "maps")]
    err = _console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TimeElapsedColumn(), console=err, transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("building", total=len(steps))

        def progress(step: str) -> None:
            bar.update(task, description=step, completed=steps.index(step))

        with _maps_extra():
            report = run_build(sources=sources, out=out, progress=progress, publish=publish, maps=maps,
                               gpkg_version=gpkg_version, overwrite=force)
        bar.update(task, completed=len(steps))
    out_console = _console()
    total = sum(v for k, v in report.seconds.items() if k not in ("publish", "maps"))
    out_console.print(f"wrote {report.path} ({report.path.stat().st_size / 1e6:.1f} MB) in {total:.1f} s"
                      + (", replacing the previous build" if report.replaced else ""))
    for name, count in report.layers.items():
        out_console.print(f"  {name:<16} {count:>6} rows")
    if publish:
        out_console.print(f"published the QGIS project, codebook and reports beside it in {report.seconds['publish']:.1f} s")
    if report.maps:
        _maps_written(report.maps)


@app.command()
@click.option("--gpkg", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="The built GeoPackage to publish from (default: the checkout's geodata/neageo.gpkg; required "
                   "for an installed package).")
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of committed sources with the published figures (default: the checkout's geodata/sources, "
                   "else the packaged copy).")
@click.option("--maps/--no-maps", default=False, help="Also render the HTML maps.")
@click.option("--maps-dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the maps (default: maps/ beside --gpkg, else the checkout's maps/).")
def publish(gpkg: Path | None, sources: Path | None, maps: bool, maps_dir: Path | None) -> None:
    """Write the QGIS project, codebook and reports (and the maps) of a built GeoPackage beside it."""
    from .publishing import publish as run_publish

    with _maps_extra():
        report = run_publish(gpkg, sources=sources, maps=maps, maps_dir=maps_dir)
    out_console = _console()
    out_console.print(f"wrote {len(report.paths)} files beside {report.gpkg} in {report.seconds['publish']:.1f} s: "
                      + ", ".join(p.name for p in report.paths))
    if report.maps:
        _maps_written(report.maps)


@app.command("check-paper")
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False), help="Folder of committed sources.")
@click.option("--out", "--out-dir", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Where to write the report (default: the checkout's geodata/; required for an installed package).")
def check_paper(sources: Path | None, out_dir: Path | None) -> None:
    """Recompute what the paper's numbers imply and report every discrepancy."""
    from ._atomic import ensure_folder
    from .builder.paper import read_paper_tables
    from .builder.paper_checks import run_checks
    from .publishing.paper_report import write_report
    from .settings import repo_root, sources_dir
    from .sources import Sources

    folder = ensure_folder(out_dir or repo_root() / "geodata")  # a bad --out fails before any work
    src = Sources(sources or sources_dir())
    checks = run_checks(read_paper_tables(src))
    existed = (folder / "paper_check.md").exists()
    md, csv = write_report(checks, folder)
    counts = checks["status"].value_counts()
    click.echo(
        f"{len(checks)} checks: {counts.get('ok', 0)} ok, {counts.get('discrepancy', 0)} discrepancies, "
        f"{counts.get('info', 0)} informational; report: {md} and {csv}" + (" (replaced)" if existed else "")
    )
    for rec in checks[checks["status"] == "discrepancy"].to_dict("records"):
        click.echo(f"  {rec['check_id']}: {rec['claim']} - computed {rec['computed']}, printed {rec['printed']}")


@app.command()
@click.argument("name")
@click.option("--layer", "layers", multiple=True, help="Only search this layer (repeatable).")
@gpkg_option
@format_option
def find(name: str, layers: tuple[str, ...], gpkg: Path | None, fmt: str) -> None:
    """Find features by any name or alias (case, accents and punctuation ignored)."""
    from .gazetteer import find as _find

    _emit(_find(name, layers=layers or None, gpkg=gpkg), fmt, title=f"matches for {name!r}")


@app.command()
@click.argument("name")
@click.option("--km", type=float, required=True, help="Radius in km (geodesic).")
@click.option("--layer", "layers", multiple=True, help="Layer to search (repeatable; default places, customs_gates, projects).")
@gpkg_option
@format_option
def near(name: str, km: float, layers: tuple[str, ...], gpkg: Path | None, fmt: str) -> None:
    """Features within --km of a named feature or of 'LON,LAT'.

    A name several features share is resolved to the first (places first) with a
    note; write 'customs_gates:Hunchun' to choose the layer.
    """
    from .query import near as _near

    _emit(_near(_target(name), km=km, layers=layers or None, gpkg=gpkg), fmt, title=f"within {km:g} km of {name}")


def _target(text: str):
    """'LON,LAT' -> a coordinate pair; anything else is a name."""
    parts = text.split(",")
    if len(parts) == 2:
        try:
            return (float(parts[0]), float(parts[1]))
        except ValueError:
            pass
    return text


@app.command()
@click.argument("a")
@click.argument("b")
@gpkg_option
@format_option
def distance(a: str, b: str, gpkg: Path | None, fmt: str) -> None:
    """Geodesic distance in km between two features (nearest points); 'layer:name' picks a layer."""
    import pandas as pd

    from .query import distance_km

    km = distance_km(_target(a), _target(b), gpkg=gpkg)
    _emit(pd.DataFrame([{"from": a, "to": b, "distance_km": round(km, 3)}]), fmt)


@app.command()
@click.argument("area")
@click.argument("layer")
@gpkg_option
@format_option
def within(area: str, layer: str, gpkg: Path | None, fmt: str) -> None:
    """Features of LAYER inside AREA (a province or country; 'layer:name' for another polygon)."""
    from .query import within as _within

    _emit(_within(area, layer, gpkg=gpkg), fmt, title=f"{layer} within {area}")


@app.command()
@click.argument("a")
@click.argument("b")
@click.option("--year", type=int, default=None, help="The border in force in that year (default: today's).")
@click.option("--by-segment", is_flag=True, help="One row per segment (river or land).")
@gpkg_option
@format_option
def border(a: str, b: str, year: int | None, by_segment: bool, gpkg: Path | None, fmt: str) -> None:
    """Length in km of the border between two countries (e.g. China 'North Korea' --year 2005)."""
    import pandas as pd

    from .query import border_length_km

    out = border_length_km(a, b, year=year, by_segment=by_segment, gpkg=gpkg)
    if not by_segment:
        out = pd.DataFrame([{"a": a, "b": b, "year": year if year is not None else "today", "length_km": out}])
    _emit(out, fmt, title=f"border {a} - {b}" + (f" in {year}" if year is not None else ""))


@app.command()
@click.argument("start")
@click.argument("end")
@gpkg_option
@format_option
def path(start: str, end: str, gpkg: Path | None, fmt: str) -> None:
    """The downstream river path from START to END."""
    from .query import river_path

    _emit(river_path(_target(start), _target(end), gpkg=gpkg), fmt, title="river path")


@app.command("layers")
@gpkg_option
@format_option
def layers_cmd(gpkg: Path | None, fmt: str) -> None:
    """List the GeoPackage's layers and tables."""
    from .io import layers as _layers

    _emit(_layers(gpkg=gpkg)[["name", "kind", "geometry_type", "features", "title"]], fmt)


@app.command()
@click.argument("layer", required=False)
@gpkg_option
@format_option
def info(layer: str | None, gpkg: Path | None, fmt: str) -> None:
    """Which GeoPackage is in use and its data version; with LAYER, what the layer holds and every column."""
    import sqlite3

    import pandas as pd

    from .io import gpkg_path, read
    from .io import layers as _layers

    if layer is None:
        from .data_in_use import about

        facts = about(gpkg=gpkg)
        if fmt == "table":
            click.echo(f"GeoPackage    {facts['gpkg']} ({facts['size_mb']} MB, {facts['layers']} tables)")
            click.echo(f"chosen by     {facts['chosen_by']}")
            click.echo(f"data version  {facts['data_version'] or 'none recorded (rebuild with neageo build)'}"
                       f" (built with neageo {facts['built_with'] or '?'})")
            click.echo(f"neageo        {facts['neageo_version']}")
            return
        _emit(pd.DataFrame([facts]), fmt)
        return

    cat = _layers(gpkg=gpkg).set_index("name")
    frame = read(layer, gpkg=gpkg)  # raises LayerNotFound with the list of layers
    row = cat.loc[layer]
    path_ = gpkg_path(gpkg)
    with sqlite3.connect(f"file:{path_}?mode=ro", uri=True) as con:
        try:
            desc = dict(con.execute(
                "SELECT column_name, description FROM gpkg_data_columns WHERE table_name = ?", (layer,)).fetchall())
        except sqlite3.OperationalError:
            desc = {}
    cols = pd.DataFrame({
        "column": list(frame.columns),
        "type": [str(t) for t in frame.dtypes],
        "description": [desc.get(c, "") for c in frame.columns],
    })
    if fmt == "table":
        click.echo(f"{layer}: {row['title']} ({row['kind']}, {row['features']} features"
                   f"{', ' + row['geometry_type'] if row['geometry_type'] else ''})")
        click.echo(row["description"] or "")
    _emit(cols, fmt)


@app.command("export")
@gpkg_option
@click.option("--format", "fmt", type=click.Choice(["gpkg", "geojson", "fgb", "shp", "kml", "csv", "parquet"]),
              help="File format (one file per layer in --out).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), help="Output folder for file formats.")
@click.option("--to", "url", help="postgresql://user:password@host:port/database to write to PostGIS instead.")
@click.option("--schema", default="public", show_default=True, help="PostGIS schema.")
@click.option("--if-exists", type=click.Choice(["fail", "replace", "append"]), default="fail", show_default=True)
@click.option("--layers", "layer_list", multiple=True, help="Layer to export (repeatable; default all).")
@click.option("--csv-geometry", type=click.Choice(["wkt", "lonlat"]), default="wkt", show_default=True,
              help="CSV geometry: WKT, or lon/lat columns for point layers.")
@click.option("--force", is_flag=True, help="Replace the files of an earlier export in --out.")
def export_cmd(gpkg, fmt, out, url, schema, if_exists, layer_list, csv_geometry, force) -> None:
    """Export layers to files (--format, --out) or to PostGIS (--to)."""
    from .exports import export, export_postgis

    if bool(url) == bool(fmt):
        raise click.UsageError("give either --format with --out, or --to postgresql://...")
    if url:
        counts = export_postgis(url, schema=schema, if_exists=if_exists, layers=list(layer_list) or None, gpkg=gpkg)
        click.echo(f"wrote {len(counts)} tables ({sum(counts.values())} rows) to schema {schema}")
        return
    if out is None:
        raise click.UsageError("--format needs --out DIR")
    paths = export(fmt=fmt, out=out, layers=list(layer_list) or None, gpkg=gpkg, csv_geometry=csv_geometry,
                   overwrite=force)
    click.echo(f"wrote {len(paths)} files to {out}")


@app.command("annotate")
@click.argument("src", metavar="IN", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="File to write (.csv, .parquet, .gpkg, .geojson); written atomically.")
@click.option("--columns", help="Comma-separated groups or columns: country, province, border, gate, river, place "
              "(default all).")
@click.option("--year", type=int, help="Use the borders in force that year (default today's).")
@click.option("--lon", help="Longitude column of a table (default: lon/lng/longitude/x).")
@click.option("--lat", help="Latitude column of a table (default: lat/latitude/y).")
@click.option("--prefix", default="", help="Prefix for the added column names.")
@click.option("--chunk-size", "chunk_rows", type=click.IntRange(min=1), default=200_000, show_default=True,
              help="Rows per chunk (memory grows with it).")
@click.option("--in-format", type=click.Choice(["csv", "parquet", "gpkg", "geojson"]), help="Override the input format.")
@click.option("--format", "out_format", type=click.Choice(["csv", "parquet", "gpkg", "geojson"]),
              help="Override the output format.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@gpkg_option
def annotate_cmd(src, out, columns, year, lon, lat, prefix, chunk_rows, in_format, out_format, force, gpkg) -> None:
    """Add country, province, border, gate, river and place columns to every row of IN."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from .annotation.files import annotate_file

    err = _console(stderr=True)
    with Progress(TextColumn("[bold]annotating"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True,
                  disable=not err.is_terminal) as bar:
        task = bar.add_task("annotate", total=None)

        def progress(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        report = annotate_file(src, out, columns=columns, year=year, lon=lon, lat=lat, prefix=prefix,
                               in_format=in_format, out_format=out_format, chunk_rows=chunk_rows, gpkg=gpkg,
                               progress=progress, overwrite=force)
    click.echo(f"wrote {report.path}: {report.rows} rows ({report.outside} outside the region) "
               f"in {report.chunks} chunk{'s' if report.chunks != 1 else ''}")


@contextlib.contextmanager
def _maps_extra() -> Iterator[None]:
    """The maps need the optional [maps] extra: say what to install, no traceback."""
    try:
        yield
    except ImportError as exc:
        text = str(exc)
        if "pip install" not in text:
            text = f"the web maps need {exc.name or 'an optional package'}; install it with: pip install 'neageo[maps]'"
        raise NeageoError(text) from None


def _maps_written(paths: list[Path], before: set[Path] | None = None) -> None:
    """One line on the maps written (and how many earlier files they replaced)."""
    total = sum(p.stat().st_size for p in paths)
    replaced = len((before or set()) & set(paths))
    _console().print(f"wrote {len(paths)} HTML files ({total / 1e6:.1f} MB) to {paths[0].parent}"
                     + (f", replacing {replaced}" if replaced else ""))


def _render_maps(gpkg: Path | None, out_dir: Path | None = None) -> None:
    from ._atomic import ensure_folder
    from .maps import render_all
    from .settings import maps_dir

    folder = ensure_folder(out_dir if out_dir is not None else maps_dir())  # a bad --out fails before any work
    before = set(folder.glob("*.html"))
    with _maps_extra():
        paths = render_all(gpkg=gpkg, out_dir=out_dir)
    _maps_written(paths, before)


@app.command()
@gpkg_option
@click.option("--out", "--out-dir", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the HTML (default: the checkout's maps/; required for an installed package).")
def maps(gpkg: Path | None, out_dir: Path | None) -> None:
    """Render the themed web maps and their index from the GeoPackage."""
    from .io import gpkg_path

    gpkg_path(gpkg)  # a clear error before any work if the GeoPackage is missing
    _render_maps(gpkg, out_dir)


def _note(message, category, filename, lineno, file=None, line=None) -> None:
    """Show a warning as one ``neageo: note:`` line (no file name or source line)."""
    print(f"neageo: note: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``neageo`` console script."""
    warnings.showwarning = _note
    try:
        rv = app.main(args=argv, prog_name="neageo", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        print("neageo: aborted", file=sys.stderr)
        sys.exit(130)
    except click.ClickException as exc:
        print(f"neageo: error: {exc.format_message()}", file=sys.stderr)
        sys.exit(2)
    except NeageoError as exc:
        print(f"neageo: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("neageo: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:  # a file or folder the checks above did not foresee (a full disk, ...): one line
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"neageo: error: {where}{(exc.strerror or str(exc)).lower()}", file=sys.stderr)
        sys.exit(OutputError.exit_code)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
