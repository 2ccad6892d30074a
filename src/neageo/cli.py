"""The ``neageo`` command line: the only module that prints or configures logging.

User errors (bad input, missing files, unknown names) end with one line on
stderr, ``neageo: error: ...``, and the exit status of the error's class (see
the README's table); no traceback.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from . import _errors

gpkg_option = click.option(
    "--gpkg",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="GeoPackage to read (default: $NEAGEO_GPKG or geodata/neageo.gpkg).",
)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--verbose", "-v", is_flag=True, help="Log what each step does.")
@click.version_option(package_name="neageo")
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
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="GeoPackage to write (default geodata/neageo.gpkg).")
@click.option("--sources", type=click.Path(path_type=Path, file_okay=False), help="Folder of committed sources.")
@click.option("--maps/--no-maps", default=False, help="Also render the HTML maps into maps/.")
def build(out: Path | None, sources: Path | None, maps: bool) -> None:
    """Build the GeoPackage from the committed sources (atomically)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from .builder.pipeline import STEPS
    from .builder.pipeline import build as run_build

    err = _console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TimeElapsedColumn(), console=err, transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("building", total=len(STEPS))

        def progress(step: str) -> None:
            bar.update(task, description=step, completed=STEPS.index(step))

        report = run_build(sources=sources, out=out, progress=progress)
        bar.update(task, completed=len(STEPS))
    out_console = _console()
    total = sum(report.seconds.values())
    out_console.print(f"wrote {report.path} ({report.path.stat().st_size / 1e6:.1f} MB) in {total:.1f} s")
    for name, count in report.layers.items():
        out_console.print(f"  {name:<16} {count:>6} rows")
    if maps:
        _render_maps(report.path)


def _render_maps(gpkg: Path | None) -> None:
    from .maps import render_all

    paths = render_all(gpkg=gpkg)
    _console().print(f"wrote {len(paths)} maps to {paths[0].parent}")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``neageo`` console script."""
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
    except _errors.NeageoError as exc:
        print(f"neageo: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("neageo: interrupted", file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(rv if isinstance(rv, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
