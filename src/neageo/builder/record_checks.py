"""Rivers, crossings and dates set against the published record, as rows for the fidelity report.

Each row is a dict with the keys of :data:`ROW_KEYS`: what kind of check it is,
the item, the measured and published values with their unit, the difference
in per cent, the citation and a note.  The report writer (``fidelity``) lays
them out beside the border and province checks.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd

__all__ = ["ROW_KEYS", "river_rows", "gate_rows", "date_rows"]

ROW_KEYS = ("kind", "item", "measured", "published", "unit", "difference_pct", "citation", "note")


def _row(kind, item, measured, published, unit, citation, note) -> dict:
    diff = None
    numeric = isinstance(measured, (int, float)) and isinstance(published, (int, float))
    if numeric and not _missing(measured) and not _missing(published) and published != 0:
        diff = round((float(measured) - float(published)) / float(published) * 100, 1)
    return dict(zip(ROW_KEYS, (kind, item, measured, published, unit, diff, citation, note)))


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def river_rows(rivers: gpd.GeoDataFrame) -> list[dict]:
    """Each named river's length against its published length, and where it starts and ends."""
    rows = []
    for r in rivers.sort_values("name_en").to_dict("records"):
        note = (
            f"{r['definition']}. Starts {r['source_offset_km']:.1f} km from the cited source and ends "
            f"{r['mouth_offset_km']:.1f} km from the cited mouth; {r['border_km']:.0f} km drawn along the "
            f"OpenStreetMap border line."
        )
        rows.append(_row("river length", r["name_en"], r["length_km"], r["published_km"], "km",
                         r["published_source"], note))
    return rows


def gate_rows(gates: gpd.GeoDataFrame) -> list[dict]:
    """Each customs gate: how far its real crossing is from the border point nearest its town."""
    rows = []
    for g in gates.sort_values("gate_id").to_dict("records"):
        sourced = not _missing(g["crossing_precision_m"])
        if sourced:
            note = (
                f"{g['crossing_name']}: {g['crossing_to_border_m']:.0f} m from the border line, precision "
                f"{g['crossing_precision_m']:.0f} m. The border point nearest the town, where the gate used to be "
                f"drawn, is {g['nearest_border_offset_km']:.1f} km away."
            )
        else:
            note = f"{g['crossing_name']}: no published position found; drawn at the border point nearest the town."
        rows.append(_row("gate crossing", g["name_en"], g["nearest_border_offset_km"] if sourced else None, None,
                         "km from the nearest border point", g["crossing_source"], note))
    return rows


def date_rows(events: pd.DataFrame, projects: pd.DataFrame) -> list[dict]:
    """Every event or project whose documented date differs from the paper's, or was checked against reports."""
    rows = []
    for e in events.to_dict("records"):
        if _missing(e["date_note"]) or e["date_source"] == "paper":
            continue
        paper = None if _missing(e["date_paper"]) else e["date_paper"]
        rows.append(_row("date", e["title"], e["date"], paper, "date", e["date_source"], e["date_note"]))
    for p in projects.to_dict("records"):
        if _missing(p["date_note"]) or p["date_note"].startswith("Not yet checked"):
            continue
        rows.append(_row("date", p["name_en"], None, p["date_paper"], "year", p["citation"], p["date_note"]))
    return rows
