"""Development projects and zones, and dated events, from the curated tables.

Fields follow public project databases (AidData GCDF, CSIS Reconnecting Asia):
id, title, type, status, years, countries, actors, description, geometry,
location precision and citations.  Descriptions are written in our own words.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from .._errors import SourceError
from ..geodesy import area_km2, length_km
from ..sources import Sources, read_table
from .geomspec import GeometryResolver
from .layer import Layer, described

__all__ = ["read_projects", "read_events", "build_projects", "build_events", "PRECISION_CODES"]

_PROJECTS = "geodata/sources/paper/projects.csv"
_EVENTS = "geodata/sources/paper/events.csv"
_DATE_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}

#: Location precision, after AidData's geographic precision codes.
PRECISION_CODES = {
    1: "exact location",
    2: "near the place given (within about 25 km)",
    3: "approximate position of a named feature",
    4: "first-order administrative unit (province)",
    5: "indicative route or line",
    6: "estimated area or illustrative position",
    8: "no location given in the paper; geometry indicative only",
}


def _measure(geom) -> tuple[float | None, float | None]:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return None, round(area_km2(geom), 1)
    if geom.geom_type in ("LineString", "MultiLineString"):
        return round(length_km(geom), 1), None
    return None, None


def check_geometry_specs(rows: pd.DataFrame, resolver: GeometryResolver, *, events: bool = False) -> None:
    """Check the geometry specification of every row :func:`read_projects` (or :func:`read_events`) returned."""
    shown = _EVENTS if events else _PROJECTS
    for row, spec in zip(rows["_row"], rows["geometry_spec"]):
        resolver.check(spec, f"{shown}, row {row}")


def read_projects(src: Sources) -> pd.DataFrame:
    """Read and check ``projects.csv`` row by row (geometry specifications: :func:`check_geometry_specs`)."""
    rows = read_table(
        src, "paper", "projects.csv",
        columns={"project_id": "str", "name_en": "str", "name_local": "str", "project_type": "str", "status": "str",
                 "start_year": "int", "end_year": "int", "period_text": "str", "date_paper": "str", "date_note": "str",
                 "countries": "str", "actors": "str",
                 "geometry_spec": "str", "location_precision": "int", "location_note": "str", "description": "str",
                 "citation": "str"},
        optional=("name_local", "start_year", "end_year", "period_text", "date_paper", "date_note", "actors",
                  "location_note"),
        key="project_id",
    )
    for r in rows.to_dict("records"):
        where = f"{_PROJECTS}, row {r['_row']}"
        if r["location_precision"] not in PRECISION_CODES:
            raise SourceError(f"{where}: location_precision must be one of {sorted(PRECISION_CODES)}")
    return rows


def build_projects(src: Sources, resolver: GeometryResolver, *, rows: pd.DataFrame | None = None) -> Layer:
    """The projects layer, from ``rows`` as :func:`read_projects` returns them (read now if not given)."""
    if rows is None:
        rows = read_projects(src)
    records = []
    for r in rows.to_dict("records"):
        where = f"{_PROJECTS}, row {r['_row']}"
        geom = resolver.resolve(r["geometry_spec"], where)
        length, area = _measure(geom)
        records.append({**{k: v for k, v in r.items() if k != "_row"},
                        "precision_meaning": PRECISION_CODES[r["location_precision"]],
                        "length_km": length, "area_km2": area, "geometry": geom})
    frame = gpd.GeoDataFrame(records, crs=4326)
    for col in ("start_year", "end_year"):
        frame[col] = frame[col].astype("Int64")
    cols = ["project_id", "name_en", "name_local", "project_type", "status", "start_year", "end_year", "period_text",
            "date_paper", "date_note", "countries", "actors", "description", "location_precision", "precision_meaning", "location_note",
            "geometry_spec", "length_km", "area_km2", "citation", "geometry"]
    return described("projects", gpd.GeoDataFrame(frame[cols], crs=4326))


def _event_start(r: dict, where: str) -> pd.Timestamp:
    fmt = _DATE_FORMATS.get(r["date_precision"])
    if fmt is None:
        raise SourceError(f"{where}: date_precision must be day, month or year")
    try:
        return pd.to_datetime(r["date"], format=fmt)
    except ValueError:
        raise SourceError(f"{where}: date {r['date']!r} does not match its precision {r['date_precision']!r}") from None


def read_events(src: Sources) -> pd.DataFrame:
    """Read and check ``events.csv`` row by row, dates too (geometry specifications: :func:`check_geometry_specs`)."""
    rows = read_table(
        src, "paper", "events.csv",
        columns={"event_id": "str", "date": "str", "date_precision": "str", "date_source": "str", "date_paper": "str",
                 "date_note": "str", "title": "str", "event_type": "str", "geometry_spec": "str", "description": "str",
                 "citation": "str"},
        optional=("date_paper", "date_note"),
        key="event_id",
    )
    for r in rows.to_dict("records"):
        _event_start(r, f"{_EVENTS}, row {r['_row']}")
    return rows


def build_events(src: Sources, resolver: GeometryResolver, *, rows: pd.DataFrame | None = None) -> Layer:
    """The events layer, from ``rows`` as :func:`read_events` returns them (read now if not given)."""
    if rows is None:
        rows = read_events(src)
    records = []
    for r in rows.to_dict("records"):
        where = f"{_EVENTS}, row {r['_row']}"
        start = _event_start(r, where)
        geom = resolver.resolve(r["geometry_spec"], where)
        length, area = _measure(geom)
        records.append({
            "event_id": r["event_id"], "date": r["date"], "date_start": start.strftime("%Y-%m-%d"),
            "date_precision": r["date_precision"], "date_source": r["date_source"],
            "date_paper": r["date_paper"], "date_note": r["date_note"], "year": start.year,
            "title": r["title"], "event_type": r["event_type"], "description": r["description"],
            "geometry_spec": r["geometry_spec"], "length_km": length, "area_km2": area,
            "citation": r["citation"], "geometry": geom,
        })
    # kept in the table's order, which is chronological (a month-precise date cannot be sorted
    # against a day in the same month)
    frame = gpd.GeoDataFrame(records, crs=4326)
    frame.insert(1, "seq", range(1, len(frame) + 1))
    return described("events", frame)
