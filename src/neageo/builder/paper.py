"""The paper's Tables 1-7 and the figures its text states, as one tidy table.

The committed sources keep each table in the shape it is printed
(``geodata/sources/paper/tableN.csv``, one column per printed column, headed
``measure@year``), so that they can be checked cell by cell against the paper.
This module melts them into long form: one row per printed cell, blank cells
kept as nulls, every value carried with the text it was printed as.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal, InvalidOperation

import pandas as pd

from .._errors import SourceError
from ..sources import Sources, read_table
from .layer import Layer, described

__all__ = ["PARTNER_ISO", "read_paper_tables", "paper_layer", "parse_number", "decimals"]

#: Printed partner labels -> ISO code; None for rows that are not a country.
PARTNER_ISO = {
    "Japan": "JPN",
    "North Korea": "PRK",
    "South Korea": "KOR",
    "Korea": "KOR",  # Table 6 prints "Korea"; read as South Korea (see the row's note)
    "Russia": "RUS",
    "India": "IND",
    "United States": "USA",
    "Germany": "DEU",
    "Brazil": "BRA",
    "Hong Kong": "HKG",
    "Thailand": "THA",
    "Malaysia": "MYS",
    "China": "CHN",
}
_NOTES = {
    (6, "Korea"): "Printed as 'Korea'; taken to be South Korea.",
    (5, None): "Table 5 prints no unit; US$ million assumed from Tables 1-4.",
    (7, "population_m@2015"): "Estimate for late 2015.",
}
_HEADER = re.compile(r"^(?P<measure>[a-z_]+)@(?P<year>\d{4})(?:-(?P<year2>\d{4}))?$")
TABLES = range(1, 8)


def parse_number(text: str) -> float | None:
    """Parse a printed number ("2,955", "-20.0", "0.52"); empty -> None."""
    cell = text.strip().replace(",", "")
    if cell == "":
        return None
    try:
        return float(Decimal(cell))
    except InvalidOperation:
        raise ValueError(text) from None


def decimals(text: str) -> int:
    """Decimal places printed ("1,482.3" -> 1, "2,955" -> 0)."""
    cell = text.strip().replace(",", "")
    return len(cell.split(".")[1]) if "." in cell else 0


def _read_wide(src: Sources, table_no: int) -> list[dict]:
    path = src.path("paper", f"table{table_no}.csv")
    shown = src.display(path)
    if not path.is_file():
        raise SourceError(f"{shown}: file is missing; restore it from git (git checkout -- {shown})")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        raise SourceError(f"{shown}: file is empty; it needs a header row")
    header, body = rows[0], rows[1:]
    label_cols = [h for h in header if "@" not in h]
    if "row_label" not in label_cols:
        raise SourceError(f"{shown}: missing column 'row_label'")
    value_cols = []
    for h in header:
        if "@" in h:
            m = _HEADER.match(h)
            if not m:
                raise SourceError(f"{shown}: column {h!r} must be named measure@year or measure@year-year")
            value_cols.append((h, m))
    cells = []
    for lineno, row in enumerate(body, start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise SourceError(f"{shown}, row {lineno}: has {len(row)} cells but the header has {len(header)}")
        rec = dict(zip(header, row))
        label = rec["row_label"].strip()
        if not label:
            raise SourceError(f"{shown}, row {lineno}: column 'row_label' must not be empty")
        for col, m in value_cols:
            text = rec[col].strip()
            try:
                value = parse_number(text)
            except ValueError:
                raise SourceError(f"{shown}, row {lineno}: column {col!r} must be a number, not {text!r}") from None
            measure = m["measure"]
            if table_no == 3:  # exports and imports printed side by side
                side = rec.get("side", "").strip()
                if side not in ("exports", "imports"):
                    raise SourceError(f"{shown}, row {lineno}: column 'side' must be 'exports' or 'imports'")
                measure = side if measure == "value" else f"{side}_growth_pct"
            year2 = m["year2"]
            cells.append({
                "table_no": table_no,
                "row_label": label,
                "year": int(year2 or m["year"]),
                "period": f"{m['year']}-{year2}" if year2 else None,
                "measure": measure,
                "value": value,
                "printed": text,
                "column": col,
                "_row": lineno,
            })
    return cells


def read_paper_tables(src: Sources) -> pd.DataFrame:
    """All seven tables and the text figures, long form, in paper order."""
    meta = read_table(
        src, "paper", "tables.csv",
        columns={"table_no": "int", "reporter": "str", "title": "str", "unit": "str", "years_note": "str",
                 "source": "str", "citation": "str"},
        optional=("years_note",), key="table_no",
    )
    missing = sorted(set(TABLES) - set(meta["table_no"]))
    if missing:
        raise SourceError(f"geodata/sources/paper/tables.csv: no row for table(s) {missing}")
    meta = meta.set_index("table_no")
    rows = []
    for n in TABLES:
        for cell in _read_wide(src, n):
            label = cell["row_label"]
            note = _NOTES.get((n, label)) or _NOTES.get((n, cell["column"])) or _NOTES.get((n, None))
            rows.append({
                "table_no": n,
                "reporter": meta.loc[n, "reporter"],
                "row_label": label,
                "partner": label if label in PARTNER_ISO else None,
                "partner_iso": PARTNER_ISO.get(label),
                "year": cell["year"],
                "period": cell["period"],
                "measure": cell["measure"],
                "value": cell["value"],
                "printed": cell["printed"],
                "unit": "%" if cell["measure"].endswith("_pct") else meta.loc[n, "unit"],
                "citation": meta.loc[n, "citation"],
                "source_statistics": meta.loc[n, "source"],
                "note": note,
            })
    text = read_table(
        src, "paper", "text_figures.csv",
        columns={"figure_id": "str", "subject": "str", "partner": "str", "measure": "str", "year": "int",
                 "value": "float", "unit": "str", "place_id": "str", "citation": "str", "statement": "str"},
        optional=("partner", "year", "place_id"), key="figure_id",
    )
    for rec in text.to_dict("records"):
        rows.append({
            "table_no": None,
            "reporter": rec["subject"],
            "row_label": rec["figure_id"],
            "partner": rec["partner"],
            "partner_iso": PARTNER_ISO.get(rec["partner"] or ""),
            "year": rec["year"],
            "period": None,
            "measure": rec["measure"],
            "value": rec["value"],
            "printed": _format_plain(rec["value"]),
            "unit": rec["unit"],
            "citation": rec["citation"],
            "source_statistics": None,
            "note": rec["statement"],
        })
    frame = pd.DataFrame(rows)
    frame["table_no"] = frame["table_no"].astype("Int64")
    frame["year"] = frame["year"].astype("Int64")
    frame.insert(0, "cell_id", range(1, len(frame) + 1))
    return frame


def _format_plain(value: float) -> str:
    return f"{value:g}" if value == value else ""


def paper_layer(frame: pd.DataFrame) -> Layer:
    return described("paper_tables", frame)
