"""How the command line shows results: a readable table, JSON, GeoJSON or CSV (part of :mod:`neageo.cli`)."""

from __future__ import annotations

import click

__all__ = ["format_option"]


def _console(stderr: bool = False):
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal:  # piped or captured: do not fold tables to 80 columns
        console = Console(stderr=stderr, highlight=False, width=160)
    return console


format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "geojson", "csv"]), default="table", show_default=True,
    help="Output format.",
)


def _emit(frame, fmt: str, *, title: str | None = None) -> None:
    """Print a (Geo)DataFrame as a table, JSON, GeoJSON or CSV."""
    import json

    import pandas as pd

    geo = "geometry" in getattr(frame, "columns", []) and hasattr(frame, "geometry")
    if fmt == "geojson":
        if not geo:
            raise click.UsageError("--format geojson needs a result with geometry")
        click.echo(frame.to_json(ensure_ascii=False, drop_id=True, to_wgs84=False))
        return
    if fmt == "json":
        if geo:
            doc = json.loads(frame.to_json(ensure_ascii=False, drop_id=True))
            rows = [{**f["properties"], "geometry": f["geometry"]} for f in doc["features"]]
        else:
            rows = json.loads(frame.to_json(orient="records", force_ascii=False))
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    plain = pd.DataFrame(frame.drop(columns="geometry")) if geo else pd.DataFrame(frame)
    if geo:
        plain["geometry"] = frame.geometry.to_wkt(rounding_precision=5) if fmt == "csv" else [
            f"POINT ({g.x:.4f} {g.y:.4f})" if g.geom_type == "Point" else g.geom_type for g in frame.geometry
        ]
    if fmt == "csv":
        click.echo(plain.to_csv(index=False, lineterminator="\n"), nl=False)
        return
    if len(plain) == 1 and len(plain.columns) > 4:  # one record: one field per line reads better
        if title:
            click.echo(title)
        width = max(len(str(c)) for c in plain.columns)
        for col, value in plain.iloc[0].items():
            click.echo(f"  {col!s:<{width}}  {'' if value is None else value}")
        return
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for col in plain.columns:
        table.add_column(str(col), overflow="fold")
    for rec in plain.itertuples(index=False):
        table.add_row(*("" if (v is None or (isinstance(v, float) and v != v)) else str(v) for v in rec))
    _console().print(table)
