"""Rivers, crossings and dates set against the published record, as fidelity-report rows.

The rows (:class:`~neageo.publishing.fidelity.FidelityRow`) sit beside the border
and province checks in ``geodata/fidelity.md`` / ``.csv``:

``river_length``
    each named river's length against its published length (15 % tolerance);
``river_end``
    where each line starts and ends against the cited source and mouth;
``gate_crossing``
    each customs gate's real crossing against the border point nearest its
    town, where gates used to be drawn;
``event_date`` / ``project_date``
    the documented date against the paper's, where they were checked.
"""

from __future__ import annotations

import re
from dataclasses import replace

import geopandas as gpd
import pandas as pd

from .fidelity import FidelityRow, compare, match, offset

__all__ = ["MOUTH_MAX_KM", "RIVER_TOLERANCE_PCT", "SOURCE_MAX_KM", "date_rows", "gate_rows", "river_rows"]

#: Tolerance of river lengths against published figures, per cent.
RIVER_TOLERANCE_PCT = 15.0
#: Largest acceptable distance of a river's first point from its cited source, km.
SOURCE_MAX_KM = 10.0
#: Largest acceptable distance of a river's last point from its cited mouth, km.
MOUTH_MAX_KM = 3.0


def river_rows(rivers: gpd.GeoDataFrame) -> list[FidelityRow]:
    """Each named river's length, source and mouth against the published ones."""
    rows = []
    for r in rivers.sort_values("name_en").to_dict("records"):
        name = r["name_en"]
        geom = r["geometry"]
        rows.append(compare(
            f"river-{name}", "river_length", name, r["length_km"], r["published_km"], "km",
            citation=r["published_source"], tolerance_pct=RIVER_TOLERANCE_PCT,
            note=f"{r['definition']}; {r['border_km']:,.0f} km drawn along the OpenStreetMap border line",
        ))
        rows.append(offset(
            f"river-source-{name}", "river_end", f"{name}: source", geom.coords[0], (r["source_lon"], r["source_lat"]),
            citation=r["source_ref"], max_km=SOURCE_MAX_KM,
        ))
        rows.append(offset(
            f"river-mouth-{name}", "river_end", f"{name}: mouth", geom.coords[-1], (r["mouth_lon"], r["mouth_lat"]),
            citation=r["mouth_ref"], max_km=MOUTH_MAX_KM,
        ))
    return rows


def gate_rows(gates: gpd.GeoDataFrame) -> list[FidelityRow]:
    """Each customs gate's former position (the border point nearest its town) against its real crossing."""
    rows = []
    for g in gates.sort_values("gate_id").to_dict("records"):
        former = (g["nearest_border_lon"], g["nearest_border_lat"])
        inset = f", moved {g['inset_m']:.1f} m onto its own side" if g["inset_m"] > 0 else ""
        if pd.isna(g["crossing_precision_m"]):
            rows.append(offset(
                f"gate-{g['gate_id']}", "gate_crossing", g["name_en"], former, (g["geometry"].x, g["geometry"].y),
                citation=g["crossing_source"],
                note=f"{g['crossing_name']}: no published position found, so the gate stays at the nearest border "
                     f"point{inset}",
            ))
            continue
        rows.append(offset(
            f"gate-{g['gate_id']}", "gate_crossing", g["name_en"], former, (g["geometry"].x, g["geometry"].y),
            citation=g["crossing_source"],
            note=(
                f"{g['crossing_name']}: the gate now sits on the crossing{inset} ({g['crossing_to_border_m']:,.0f} m "
                f"from the border line, precision {g['crossing_precision_m']:,.0f} m); measured = its former position, "
                "the border point nearest the town"
            ),
        ))
    return rows


def date_rows(events: pd.DataFrame, projects: pd.DataFrame) -> list[FidelityRow]:
    """Dates checked against reports of the time: the documented date against the paper's."""
    rows = []
    for e in events.to_dict("records"):
        if e["date_source"] == "paper" or pd.isna(e["date_note"]):
            continue
        paper = "" if pd.isna(e["date_paper"]) else str(e["date_paper"])
        dated = re.match(r"\d{4}(-\d{2}){0,2}(?= |$)", paper)  # "2003-08 ('in August ...')" -> "2003-08"
        row = match(
            f"date-{e['event_id']}", "event_date", e["title"], e["date"],
            (dated.group(0) if dated else paper) or "(not dated)",
            citation=e["date_source"], note=e["date_note"],
        )
        if not paper:  # the paper gives no date to compare: the record only adds one
            row = replace(row, verdict="info", tolerance="")
        rows.append(row)
    for p in projects.to_dict("records"):
        note = p["date_note"]
        if pd.isna(note) or str(note).startswith("Not yet checked"):
            continue
        row = match(
            f"date-{p['project_id']}", "project_date", p["name_en"], "see note", str(p["date_paper"]),
            citation=p["citation"], note=note,
        )
        rows.append(replace(row, verdict="info", tolerance=""))  # a plan or proposal against what followed
    return rows
