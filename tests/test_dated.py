"""One rule for "in force in year Y" (neageo.dated.in_force): its edges, as properties."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neageo
from neageo.dated import SUPERSEDED_SQL, TODAY_SQL, in_force

YEARS = st.integers(min_value=1850, max_value=2150)
#: pandas work per example varies with the machine's load: no per-example deadline.
PROFILE = settings(deadline=None, max_examples=60)
#: How the columns arrive: nullable integers (read from the GeoPackage), floats with NaN (pandas' default
#: when nulls meet numbers), or Python objects with None (a frame built by hand).
DTYPES = ("Int64", "float64", "object")


def _frame(rows: list[tuple[int | None, int | None]], dtype: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["valid_from", "valid_to"], dtype=object)
    frame["name"] = [f"row {i}" for i in range(len(rows))]
    frame.index = pd.Index([f"i{i}" for i in range(len(rows))])
    if dtype != "object":
        frame = frame.astype({"valid_from": dtype, "valid_to": dtype})
    return frame


def _kept(rows, year, dtype="Int64") -> list[str]:
    return list(in_force(_frame(rows, dtype), year)["name"])


@PROFILE
@given(start=YEARS, dtype=st.sampled_from(DTYPES))
def test_a_row_is_in_force_from_its_first_year(start, dtype):
    rows = [(start, None)]
    assert _kept(rows, start, dtype) == ["row 0"], "valid_from is inclusive: the first year counts"
    assert _kept(rows, start - 1, dtype) == [], "a row is not in force before valid_from"


@PROFILE
@given(end=YEARS, dtype=st.sampled_from(DTYPES))
def test_a_row_is_no_longer_in_force_in_its_end_year(end, dtype):
    rows = [(None, end)]
    assert _kept(rows, end - 1, dtype) == ["row 0"], "the year before valid_to is the last year in force"
    assert _kept(rows, end, dtype) == [], "valid_to is exclusive: in that year the successor is in force"
    assert _kept(rows, None, dtype) == [], "a row with an end is not today's"


@PROFILE
@given(start=st.none() | YEARS, later=st.integers(min_value=0, max_value=300), dtype=st.sampled_from(DTYPES))
def test_an_open_end_is_in_force_every_year_after_its_start_and_today(start, later, dtype):
    rows = [(start, None)]
    year = (start if start is not None else 1850) + later
    assert _kept(rows, year, dtype) == ["row 0"]
    assert _kept(rows, None, dtype) == ["row 0"]


@PROFILE
@given(first=YEARS, change=st.integers(min_value=1, max_value=100), last=st.integers(min_value=1, max_value=100),
       dtype=st.sampled_from(DTYPES))
def test_two_versions_meeting_at_a_year_never_overlap_and_leave_no_gap(first, change, last, dtype):
    y = first + change
    frame = _frame([(first, y), (y, None), (None, None)], dtype)  # before, after, a stretch that never changed
    for year in range(first, y + last):
        kept = list(in_force(frame, year)["name"])
        assert "row 2" in kept
        assert len([r for r in kept if r != "row 2"]) == 1, (year, kept)
    assert list(in_force(frame, None)["name"]) == ["row 1", "row 2"]


@PROFILE
@given(st.lists(st.tuples(st.none() | YEARS, st.none() | YEARS), max_size=12), st.none() | YEARS,
       st.sampled_from(DTYPES))
def test_rows_keep_their_order_index_and_columns(rows, year, dtype):
    frame = _frame(rows, dtype)
    out = in_force(frame, year)
    assert list(out.columns) == list(frame.columns)
    assert list(out.index) == [i for i in frame.index if i in set(out.index)], "order kept"
    pd.testing.assert_frame_equal(out, frame.loc[out.index])


@PROFILE
@given(st.lists(st.tuples(st.none() | YEARS, st.none() | YEARS), max_size=12))
def test_the_sql_forms_say_what_in_force_says_of_today(rows):
    frame = _frame(rows, "Int64")
    with sqlite3.connect(":memory:") as con:
        con.execute("CREATE TABLE t (name TEXT, valid_from INTEGER, valid_to INTEGER)")
        con.executemany("INSERT INTO t VALUES (?, ?, ?)", [(f"row {i}", a, b) for i, (a, b) in enumerate(rows)])
        today = [n for (n,) in con.execute(f"SELECT name FROM t WHERE {TODAY_SQL} ORDER BY rowid")]
        superseded = [n for (n,) in con.execute(f"SELECT name FROM t WHERE {SUPERSEDED_SQL} ORDER BY rowid")]
    assert today == list(in_force(frame, None)["name"])
    assert sorted(today + superseded) == sorted(frame["name"])


def test_an_undated_frame_is_always_in_force():
    frame = pd.DataFrame({"name": ["a", "b"]})
    assert in_force(frame, 2005) is frame and in_force(frame, None) is frame


def test_reading_and_annotating_use_the_same_rule(built):
    """The Heixiazi stretch: its old line is the border of 2007, the new one that of 2008 (valid_to exclusive)."""
    every = neageo.read("borders", gpkg=built)
    change = int(every["valid_to"].dropna().min())
    for year in (change - 1, change, None):
        read = neageo.read("borders", gpkg=built, year=year) if year is not None else in_force(every, None)
        assert list(read["geometry"].to_wkb()) == list(in_force(every, year)["geometry"].to_wkb()), year
    assert list(neageo.read("borders", gpkg=built, year=change).index) == list(range(len(in_force(every, change))))
    # a point on the old line is on a border in force only before the change
    old = every[every["valid_to"].notna()].geometry.iloc[0].representative_point()
    points = pd.DataFrame({"lon": [old.x], "lat": [old.y]})
    before = neageo.annotate(points, columns=["border"], year=change - 1, gpkg=built)["border_km"].iloc[0]
    after = neageo.annotate(points, columns=["border"], year=change, gpkg=built)["border_km"].iloc[0]
    assert before == pytest.approx(0.0, abs=1e-6) and after > 0.05
