"""Recompute what the paper's own numbers imply, and report where they disagree.

Every printed number stands for an interval: "2,955" for [2954.5, 2955.5],
"43.9" for [43.85, 43.95].  Each check combines the intervals of the cells it
uses (interval arithmetic) and compares the result with the interval of the
printed figure it should match.  A check is ``ok`` when the two overlap,
i.e. the paper is consistent up to its own rounding; otherwise it is a
``discrepancy``, reported with the cells involved.  Checks of looser claims
(the text's "about one hundred million", structural sums that need not add
up) carry an explicit tolerance and are marked ``info`` when they only
describe the data.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any, NamedTuple

import pandas as pd

from .._errors import BuildError
from .paper import decimals

__all__ = ["Interval", "run_checks", "CHECK_COLUMNS"]

CHECK_COLUMNS = ["check_id", "kind", "status", "tables", "claim", "cells", "computed", "printed", "tolerance", "note"]


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float

    @classmethod
    def printed(cls, value: float, text: str) -> Interval:
        half = 0.5 * 10 ** -decimals(text)
        return cls(value - half, value + half)

    @classmethod
    def exact(cls, value: float) -> Interval:
        return cls(value, value)

    def __add__(self, o: Interval) -> Interval:
        return Interval(self.lo + o.lo, self.hi + o.hi)

    def __sub__(self, o: Interval) -> Interval:
        return Interval(self.lo - o.hi, self.hi - o.lo)

    def __mul__(self, o: Interval) -> Interval:
        p = [self.lo * o.lo, self.lo * o.hi, self.hi * o.lo, self.hi * o.hi]
        return Interval(min(p), max(p))

    def __truediv__(self, o: Interval) -> Interval:
        if o.lo <= 0 <= o.hi:
            raise ZeroDivisionError("interval contains zero")
        return self * Interval(1 / o.hi, 1 / o.lo)

    def overlaps(self, o: Interval, slack: float = 0.0) -> bool:
        return self.lo - slack <= o.hi and o.lo - slack <= self.hi

    @property
    def mid(self) -> float:
        return (self.lo + self.hi) / 2

    @property
    def half(self) -> float:
        return (self.hi - self.lo) / 2


def _fmt(x: float) -> str:
    return f"{x:,.4f}".rstrip("0").rstrip(".")


class Cell(NamedTuple):
    """A printed figure: the interval its rounding allows, and how the report cites it."""

    value: Interval
    ref: str


#: A cell's key: (table number or None for the text's figures, row label, measure, year or None).
CellKey = tuple[int | None, str, str, int | None]


class _Cells:
    """Lookup of printed cells by (table, row, measure, year)."""

    def __init__(self, tables: pd.DataFrame):
        self.frame = tables
        self.index: dict[CellKey, dict[str, Any]] = {}
        for rec in tables.to_dict("records"):
            t = None if pd.isna(rec["table_no"]) else int(rec["table_no"])
            y = None if pd.isna(rec["year"]) else int(rec["year"])
            self.index[(t, str(rec["row_label"]), str(rec["measure"]), y)] = {str(k): v for k, v in rec.items()}

    def get(self, table: int | None, row: str, measure: str, year: int | None) -> dict[str, Any] | None:
        """The record of a printed cell, or None where the cell is blank or absent."""
        rec = self.index.get((table, row, measure, year))
        if rec is None or rec["value"] is None or pd.isna(rec["value"]):
            return None
        return rec

    def iv(self, table: int | None, row: str, measure: str, year: int | None) -> Cell | None:
        """The cell as an interval with its citation, or None where the table leaves it blank."""
        rec = self.get(table, row, measure, year)
        if rec is None:
            return None
        ref = f"T{table} {row} {measure} {year} = {rec['printed']}" if table else f"text {row} = {rec['printed']}"
        return Cell(Interval.printed(float(rec["value"]), str(rec["printed"])), ref)

    def cell(self, table: int | None, row: str, measure: str, year: int | None) -> Cell:
        """A cell a check needs: :meth:`iv`, or :class:`~neageo.BuildError` naming the missing cell."""
        found = self.iv(table, row, measure, year)
        if found is None:
            where = f"Table {table}" if table else "the text's figures"
            raise BuildError(f"paper check: {where} has no figure for {row!r}, {measure} {year or ''}".rstrip()
                             + "; restore it in geodata/sources/paper/")
        return found

    def cells(self, table: int, row: str, measures: tuple[str, ...], year: int) -> list[Cell] | None:
        """Several cells of one row, or None if any of them is blank."""
        found = [self.iv(table, row, m, year) for m in measures]
        return [x for x in found if x is not None] if all(x is not None for x in found) else None

    def rows(self, table: int) -> list[str]:
        seen: list[str] = []
        for rec in self.frame[self.frame["table_no"] == table].to_dict("records"):
            if rec["row_label"] not in seen:
                seen.append(str(rec["row_label"]))
        return seen


class _Report:
    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []

    def add(self, check_id: str, kind: str, tables: str, claim: str, cells: list[str], computed: Interval,
            printed: Interval | None, *, slack: float = 0.0, note: str = "", info: bool = False,
            shown: tuple[str, str] | None = None) -> None:
        if printed is None:
            status = "info"
        elif computed.overlaps(printed, slack):
            status = "ok"
        else:
            status = "info" if info else "discrepancy"
        tol = computed.half + (printed.half if printed else 0) + slack
        self.rows.append({
            "check_id": check_id,
            "kind": kind,
            "status": status,
            "tables": tables,
            "claim": claim,
            "cells": "; ".join(cells),
            "computed": shown[0] if shown else (
                _fmt(computed.mid) if computed.lo == computed.hi else f"{_fmt(computed.lo)} to {_fmt(computed.hi)}"),
            "printed": shown[1] if shown else (_fmt(printed.mid) if printed else ""),
            "tolerance": _fmt(tol),
            "note": note,
        })


def _sum_checks(c: _Cells, r: _Report, table: int, parts: tuple[str, str], total: str,
                years: tuple[int, ...]) -> None:
    for row in c.rows(table):
        for y in years:
            found = c.cells(table, row, (*parts, total), y)
            if found is None:
                continue
            a, b, t = found
            r.add(f"T{table}-{row}-{y}-sum", "row sum", f"{table}", f"{parts[0]} + {parts[1]} = {total}",
                  [a[1], b[1], t[1]], a[0] + b[0], t[0])


def _index_checks(c: _Cells, r: _Report) -> None:
    """Table 6: are 'year-on-year increase %' figures growth rates or indices (previous year = 100)?"""
    fits = {"index": 0, "growth": 0}
    for row in c.rows(6):
        found = c.cells(6, row, ("exports", "imports", "total", "exports_yoy_pct", "imports_yoy_pct",
                                 "total_yoy_pct"), 2006)
        if found is None:
            continue
        ex, im, to, gx, gi, gt = found
        hundred = Interval.exact(100.0)
        # as an index: previous = value / (index / 100)
        prev = ex[0] / (gx[0] / hundred) + im[0] / (gi[0] / hundred)
        implied_index = to[0] / prev * hundred
        prev_g = ex[0] / (Interval.exact(1) + gx[0] / hundred) + im[0] / (Interval.exact(1) + gi[0] / hundred)
        implied_growth = (to[0] / prev_g - Interval.exact(1)) * hundred
        ok_index = implied_index.overlaps(gt[0])
        ok_growth = implied_growth.overlaps(gt[0])
        fits["index"] += int(ok_index)
        fits["growth"] += int(ok_growth)
        r.add(f"T6-{row}-yoy", "growth consistency", "6",
              "total year-on-year figure follows from the export and import ones (read as indices, previous year = 100)",
              [ex[1], im[1], gx[1], gi[1], gt[1]], implied_index, gt[0],
              note=f"read as growth rates instead the total would be {_fmt(implied_growth.mid)} "
                   f"({'also consistent' if ok_growth else 'inconsistent'})")
    r.add("T6-yoy-meaning", "reading", "6", "'Year-on-year increase %' means an index (previous year = 100)",
          [f"rows consistent as indices: {fits['index']}", f"as growth rates: {fits['growth']}"],
          Interval.exact(fits["index"]), Interval.exact(fits["index"]),
          note="Values such as 64.1 (US exports) are then falls, not rises." if fits["index"] > fits["growth"]
          else "Inconclusive.")


def _sum(values: list[Interval]) -> Interval:
    """The intervals added left to right (a check's cells in the order it cites them)."""
    return reduce(operator.add, values)


def _column_checks(c: _Cells, r: _Report) -> None:
    _table6_columns(c, r)
    _table4_structure(c, r)
    _table3_partners(c, r)
    _table2_methods(c, r)


def _table6_columns(c: _Cells, r: _Report) -> None:
    """Table 6: partner rows add up to 'Total amount', and the total's index follows from the partners'."""
    for m in ("exports", "imports", "total"):
        parts = [c.cell(6, row, m, 2006) for row in c.rows(6) if row != "Total amount"]
        total = c.cell(6, "Total amount", m, 2006)
        r.add(f"T6-column-{m}", "column sum", "6", f"partners add up to the total ({m})",
              [p.ref for p in parts] + [total.ref], _sum([p.value for p in parts]), total.value)
        terms: list[Interval] = []
        cells: list[str] = []
        for row in c.rows(6):
            if row == "Total amount":
                continue
            v, g = c.cell(6, row, m, 2006), c.cell(6, row, f"{m}_yoy_pct", 2006)
            terms.append(v.value / (g.value / Interval.exact(100)))
            cells += [v.ref, g.ref]
        gt = c.cell(6, "Total amount", f"{m}_yoy_pct", 2006)
        r.add(f"T6-column-{m}-yoy", "growth consistency", "6", f"the total's year-on-year index ({m}) follows from the partners'",
              cells + [gt.ref], total.value / _sum(terms) * Interval.exact(100), gt.value)


def _table4_structure(c: _Cells, r: _Report) -> None:
    """Table 4: the structure of Jilin's trade methods, and the total's growth from its components'."""
    for side in ("exports", "imports"):
        g = {row: c.cell(4, row, side, 2005) for row in c.rows(4)}
        total = g["Total amount"]
        s = g["General trade"].value + g["Processing trade"].value + g["Other trade"].value
        r.add(f"T4-{side}-structure", "column sum", "4", f"general + processing + other trade = total ({side})",
              [g[k].ref for k in ("General trade", "Processing trade", "Other trade", "Total amount")], s, total.value)
        s2 = g["OEM trade"].value + g["Import processing trade"].value
        r.add(f"T4-{side}-processing", "column sum", "4", f"OEM + import processing = processing trade ({side})",
              [g["OEM trade"].ref, g["Import processing trade"].ref, g["Processing trade"].ref], s2,
              g["Processing trade"].value)
        fr, ot = g["Frontier trade"], g["Other trade"]
        r.add(f"T4-{side}-frontier-within-other", "bound", "4", f"frontier trade is part of 'other trade' ({side})",
              [fr.ref, ot.ref], fr.value, Interval(0.0, ot.value.hi),
              shown=(_fmt(fr.value.mid), f"at most {_fmt(ot.value.mid)}"))
        # growth of the total from the components' implied 2004 values
        terms: list[Interval] = []
        cells: list[str] = []
        for row in ("General trade", "Processing trade", "Other trade"):
            v, gr = c.cell(4, row, side, 2005), c.cell(4, row, f"{side}_growth_pct", 2005)
            terms.append(v.value / (Interval.exact(1) + gr.value / Interval.exact(100)))
            cells += [v.ref, gr.ref]
        gt = c.cell(4, "Total amount", f"{side}_growth_pct", 2005)
        implied = (total.value / _sum(terms) - Interval.exact(1)) * Interval.exact(100)
        r.add(f"T4-{side}-growth", "growth consistency", "4", f"the total's growth ({side}) follows from its components'",
              cells + [gt.ref], implied, gt.value)


def _table3_partners(c: _Cells, r: _Report) -> None:
    """Table 3: the listed partners never exceed the total; Tables 3 and 4 give the same totals."""
    for side in ("exports", "imports"):
        rows = [row for row in c.rows(3) if c.get(3, row, side, 2005) and row != "Total volume"]
        acc = _sum([c.cell(3, row, side, 2005).value for row in rows])
        total = c.cell(3, "Total volume", side, 2005)
        r.add(f"T3-{side}-partners-within-total", "bound", "3", f"the five partners listed make up part of the total ({side})",
              [c.cell(3, row, side, 2005).ref for row in rows] + [total.ref], acc, Interval(0.0, total.value.hi),
              shown=(f"{_fmt(acc.lo)} to {_fmt(acc.hi)}", f"at most {_fmt(total.value.mid)}"),
              note=f"listed partners: {acc.mid / total.value.mid:.0%} of the total")
        for m in (side, f"{side}_growth_pct"):
            a, b = c.cell(3, "Total volume", m, 2005), c.cell(4, "Total amount", m, 2005)
            r.add(f"T3-T4-{m}", "cross-table", "3, 4", f"Tables 3 and 4 give the same total ({m})", [a.ref, b.ref],
                  a.value, b.value)


def _table2_methods(c: _Cells, r: _Report) -> None:
    """Table 2: are the trade methods additive?"""
    for y in (1995, 2000, 2001, 2002):
        listed = [c.iv(2, row, "total", y) for row in ("General trade", "OEM trade", "Frontier trade", "Barter trade")]
        parts = [p for p in listed if p is not None]
        acc = _sum([p.value for p in parts])
        total = c.cell(2, "Total amount", "total", y)
        r.add(f"T2-{y}-methods", "column sum", "2", "the methods listed add up to the total",
              [p.ref for p in parts] + [total.ref], acc, total.value, info=True,
              note=f"they cover {acc.mid / total.value.mid:.0%}: the table lists only some trade methods, "
                   "so this describes the table rather than contradicting it")


def _table7_checks(c: _Cells, r: _Report) -> None:
    for row in c.rows(7):
        p0, p1 = c.cell(7, row, "population_m", 2002), c.cell(7, row, "population_m", 2015)
        ch, pct = c.cell(7, row, "change_m", 2015), c.cell(7, row, "change_pct", 2015)
        r.add(f"T7-{row}-change", "difference", "7", "change = late-2015 estimate - 2002",
              [p0[1], p1[1], ch[1]], p1[0] - p0[0], ch[0])
        r.add(f"T7-{row}-pct", "percentage", "7", "change % = change / 2002 population x 100",
              [ch[1], p0[1], pct[1]], ch[0] / p0[0] * Interval.exact(100), pct[0])


def _text_checks(c: _Cells, r: _Report) -> None:
    t = {str(rec["row_label"]): rec for rec in c.frame[c.frame["table_no"].isna()].to_dict("records")}

    def tv(fid: str) -> Cell:
        rec = t[fid]
        return Cell(Interval.printed(float(rec["value"]), str(rec["printed"])),
                    f"text {fid} = {rec['printed']} {rec['unit']}")

    # Russian Far East population: text vs Table 7
    for fid, year in (("rfe_population_2002", 2002), ("rfe_population_2015", 2015)):
        a, b = tv(fid), c.cell(7, "Russian Far East", "population_m", year)
        r.add(f"text-T7-{fid}", "text vs table", "7, text", f"the text's Far East population in {year} matches Table 7",
              [a[1], b[1]], a[0], b[0])
    a, b = tv("ne_china_population"), c.cell(7, "China's three northeastern provinces", "population_m", 2002)
    r.add("text-T7-ne-china", "text vs table", "7, text", "'about one hundred million' matches Table 7 (within 10 %)",
          [a[1], b[1]], a[0], b[0], slack=0.10 * b[0].mid)

    # Heilongjiang-Russia 2005 (text) against Table 1's 2004 figure
    v, g = tv("hlj_rus_trade_2005"), tv("hlj_rus_trade_growth_2005")
    implied_2004 = v[0] / (Interval.exact(1) + g[0] / Interval.exact(100))
    t1 = c.cell(1, "Russia", "total", 2004)
    r.add("text-T1-hlj-russia", "text vs table", "1, text",
          "the text's 2005 trade with Russia and its growth imply Table 1's 2004 figure",
          [v[1], g[1], t1[1]], implied_2004, t1[0],
          note="The text's 2005 figure (US$6.69 billion, +17.8 %) implies about US$5.68 billion in 2004; "
               "Table 1 gives US$3.82 billion. Either the two use different definitions or one is wrong.")

    # Jilin: the text's growth figures are the export columns of Tables 3 and 4
    a, b = tv("jl_rus_trade_growth_2005"), c.cell(3, "Russia", "exports_growth_pct", 2005)
    r.add("text-T3-jilin-russia", "text vs table", "3, text",
          "the text's growth of Jilin's trade with Russia equals Table 3's", [a[1], b[1]], a[0], b[0],
          note="The text calls 93.9 % the growth of trade; Table 3 shows it for exports only "
               "(Russia is not among the import partners listed).")
    ex, gx = c.cell(4, "Frontier trade", "exports", 2005), c.cell(4, "Frontier trade", "exports_growth_pct", 2005)
    im, gi = c.cell(4, "Frontier trade", "imports", 2005), c.cell(4, "Frontier trade", "imports_growth_pct", 2005)
    one, hundred = Interval.exact(1), Interval.exact(100)
    prev = ex[0] / (one + gx[0] / hundred) + im[0] / (one + gi[0] / hundred)
    implied = ((ex[0] + im[0]) / prev - one) * hundred
    a = tv("jl_small_border_trade_growth_2005")
    r.add("text-T4-jilin-frontier", "text vs table", "4, text",
          "the text's growth of Jilin's small-volume border trade follows from Table 4",
          [a[1], ex[1], gx[1], im[1], gi[1]], implied, a[0],
          note="Table 4's frontier trade grew 25.3 % in exports but fell 1.1 % in imports; "
               "both together grew about 13 %. The text quotes the export figure as if it were the total.")

    # Heihe's and Suifenhe's trade within Heilongjiang's trade with Russia
    he, su, hl = tv("heihe_total_trade_2005"), tv("suifenhe_trade_2005"), tv("hlj_rus_trade_2005")
    r.add("text-gates-within-province", "bound", "text", "Heihe's and Suifenhe's 2005 trade fit within Heilongjiang's trade with Russia",
          [he[1], su[1], hl[1]], he[0] + su[0], Interval(0, hl[0].hi),
          shown=(_fmt((he[0] + su[0]).mid), f"at most {_fmt(hl[0].mid)}"))
    sb = tv("heihe_small_border_trade_2005")
    r.add("text-heihe-small-within-total", "bound", "text", "Heihe's small-volume border trade is part of its total",
          [sb[1], he[1]], sb[0], Interval(0, he[0].hi), shown=(_fmt(sb[0].mid), f"at most {_fmt(he[0].mid)}"))

    # qualitative claims the tables can test
    hlj = {row: c.cell(1, row, "total", 2004) for row in c.rows(1)}
    largest = max(hlj, key=lambda k: hlj[k][0].mid)
    r.add("text-T1-largest-partner", "claim", "1, text", "Russia is Heilongjiang's largest trading partner (Table 1)",
          [v[1] for v in hlj.values()], Interval.exact(float(largest == "Russia")), Interval.exact(1.0),
          shown=(str(largest == "Russia").lower(), "true"),
          note=f"largest partner in 2004: {largest}")
    barter = [c.cell(2, "Barter trade", "total", y) for y in (2000, 2001, 2002)]
    falling = all(barter[i][0].mid > barter[i + 1][0].mid for i in range(len(barter) - 1))
    r.add("text-T2-barter-falling", "claim", "2, text", "barter trade has been decreasing since 2000 (Table 2)",
          [b[1] for b in barter], Interval.exact(float(falling)), Interval.exact(1.0),
          shown=(str(falling).lower(), "true"))
    rus = [(c.cell(5, "Russia", m, y)) for m in ("exports", "imports") for y in (2003, 2004, 2005)]
    rising = all(rus[i][0].mid < rus[i + 1][0].mid for i in (0, 1, 3, 4))
    r.add("text-T5-russia-rising", "claim", "5, text", "Liaoning's exports to and imports from Russia rise every year (Table 5)",
          [x[1] for x in rus], Interval.exact(float(rising)), Interval.exact(1.0),
          shown=(str(rising).lower(), "true"))


def run_checks(tables: pd.DataFrame) -> pd.DataFrame:
    """Run every check on the long paper table; one row per check."""
    c = _Cells(tables)
    r = _Report()
    _sum_checks(c, r, 1, ("exports", "imports"), "total", (2003, 2004))
    _sum_checks(c, r, 5, ("exports", "imports"), "total", (2003, 2004, 2005))
    _sum_checks(c, r, 6, ("exports", "imports"), "total", (2006,))
    _column_checks(c, r)
    _index_checks(c, r)
    _table7_checks(c, r)
    _text_checks(c, r)
    return pd.DataFrame(r.rows, columns=CHECK_COLUMNS)
