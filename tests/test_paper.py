"""The paper as data: tables cell by cell, the consistency report, the joins."""

from __future__ import annotations

import subprocess
import sys

import pyogrio
import pytest

from helpers.common import SOURCES
from neageo.builder.paper import read_paper_tables
from neageo.builder.paper_checks import Interval, run_checks
from neageo.sources import Sources

#: Cells per table, counted in the paper (rows x value columns).
PAPER_CELLS = {1: 5 * 6, 2: 5 * 4, 3: 12 * 2, 4: 7 * 4, 5: 7 * 9, 6: 6 * 6, 7: 2 * 4}


@pytest.fixture(scope="module")
def tables():
    return read_paper_tables(Sources(SOURCES))


def test_every_table_has_the_papers_cell_count(tables):
    counts = tables.dropna(subset=["table_no"]).groupby("table_no").size().to_dict()
    assert counts == PAPER_CELLS


def test_blank_cells_stay_null_and_nothing_else_is(tables):
    blank = tables[tables["table_no"].notna() & tables["value"].isna()]
    assert list(zip(blank["table_no"], blank["row_label"], blank["year"])) == [(2, "Frontier trade", 1995)]
    assert (blank["printed"] == "").all()


@pytest.mark.parametrize(
    ("table", "row", "measure", "year", "value", "printed"),
    [
        (1, "Russia", "total", 2003, 2955, "2,955"),
        (1, "India", "imports", 2004, 2.95, "2.95"),
        (2, "Barter trade", "total", 2000, 0.52, "0.52"),
        (3, "Germany", "imports_growth_pct", 2005, 31.6, "31.6"),
        (3, "Total volume", "imports_growth_pct", 2005, -20.0, "-20.0"),
        (4, "Import processing trade", "exports", 2005, 425, "425"),
        (5, "North Korea", "total", 2004, 786, "786"),
        (5, "Japan", "exports", 2005, 6311, "6,311"),
        (6, "Japan", "imports", 2006, 1202.9, "1,202.9"),
        (6, "United States", "imports_yoy_pct", 2006, 208.5, "208.5"),
        (7, "Russian Far East", "change_pct", 2015, -32.8, "-32.8"),
        (7, "China's three northeastern provinces", "population_m", 2015, 120.0, "120.0"),
    ],
)
def test_cells_match_the_paper(tables, table, row, measure, year, value, printed):
    cell = tables[(tables["table_no"] == table) & (tables["row_label"] == row) & (tables["measure"] == measure)
                  & (tables["year"] == year)]
    assert len(cell) == 1
    assert cell["value"].iloc[0] == pytest.approx(value)
    assert cell["printed"].iloc[0] == printed
    assert cell["citation"].iloc[0] == f"Kim, Table {table}"


def test_text_figures_are_cited(tables):
    text = tables[tables["table_no"].isna()]
    assert len(text) >= 40
    assert text["citation"].str.startswith("Kim").all()
    heihe = text.set_index("row_label").loc["heihe_total_trade_2005"]
    assert heihe["value"] == 582 and heihe["unit"] == "US$ million"


def test_interval_arithmetic():
    a = Interval.printed(2955, "2,955")
    assert (a.lo, a.hi) == (2954.5, 2955.5)
    b = Interval.printed(0.52, "0.52")
    assert b.hi - b.lo == pytest.approx(0.01)
    assert (a - a).lo == -1 and (a / Interval.exact(5)).hi == pytest.approx(591.1)


def test_consistency_report_pins_the_papers_contradictions(tables):
    checks = run_checks(tables)
    bad = set(checks.loc[checks["status"] == "discrepancy", "check_id"])
    assert bad == {
        "T5-North Korea-2004-sum",  # 375 + 421 = 796, printed 786
        "text-T1-hlj-russia",  # 6.69 bn (+17.8 %) in 2005 implies 5.68 bn in 2004; Table 1 says 3,823
        "text-T4-jilin-frontier",  # the text's +25.3 % is Table 4's export figure, not the total (+13 %)
    }
    ok = checks.set_index("check_id")["status"]
    assert ok["T6-yoy-meaning"] == "ok"  # Table 6's "increase %" is an index (previous year = 100)
    assert ok["T4-exports-growth"] == ok["T6-column-total-yoy"] == ok["T3-T4-exports"] == "ok"
    assert ok["T7-China's three northeastern provinces-pct"] == "ok"  # 12.57 vs 12.5 is within rounding
    assert len(checks) > 60


def test_report_breaks_when_a_cell_is_corrupted(sources_copy):
    t5 = sources_copy / "paper" / "table5.csv"
    t5.write_text(t5.read_text().replace("Russia,373,532,805", "Russia,373,532,905"))
    checks = run_checks(read_paper_tables(Sources(sources_copy)))
    bad = set(checks.loc[checks["status"] == "discrepancy", "check_id"])
    assert "T5-Russia-2005-sum" in bad


def test_check_paper_command_writes_markdown_and_csv(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "neageo.cli", "check-paper", "--sources", str(SOURCES), "--out-dir", str(tmp_path)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    md = (tmp_path / "paper_check.md").read_text()
    assert "## Discrepancies" in md and "T5-North Korea-2004-sum" in md and "786" in md
    csv = (tmp_path / "paper_check.csv").read_text()
    assert csv.splitlines()[0].startswith("check_id,kind,status")
    assert "3 discrepancies" in result.stdout


def test_build_stores_tables_and_checks(built):
    stored = pyogrio.read_dataframe(built, layer="paper_tables")
    assert len(stored) == sum(PAPER_CELLS.values()) + len(stored[stored["table_no"].isna()])
    checks = pyogrio.read_dataframe(built, layer="paper_checks")
    assert (checks["status"] == "discrepancy").sum() == 3
    assert (built.parent / "paper_check.md").is_file()


def test_trade_joins(built):
    flows = pyogrio.read_dataframe(built, layer="trade_flows")
    hlj = flows[(flows["reporter"] == "Heilongjiang") & (flows["partner_iso"] == "RUS") & (flows["year"] == 2004)]
    assert hlj["total"].iloc[0] == 3823 and hlj["from_place"].iloc[0] == "Harbin"
    geom = hlj.geometry.iloc[0]
    start = (geom.geoms[0] if hasattr(geom, "geoms") else geom).coords[0]
    assert start == pytest.approx((126.65, 45.75), abs=0.01)
    jl = flows[(flows["reporter"] == "Jilin") & (flows["partner_iso"] == "RUS")]
    assert jl["exports"].iloc[0] == 143 and jl["imports"].isna().all()  # Russia is not among Jilin's import partners
    usa = flows[(flows["partner_iso"] == "USA")]
    assert all(g.is_valid for g in usa.geometry)  # lines across the antimeridian are split, not wrapped
    prov = pyogrio.read_dataframe(built, layer="province_trade").set_index(["reporter", "year"])
    assert prov.loc[("Liaoning", 2005), "russia_total"] == 805
    assert prov.loc[("Primorsky Krai", 2006), "china_total"] == 1737.7
    assert prov.loc[("Primorsky Krai", 2006), "all_total"] == 4580.5
    pop = pyogrio.read_dataframe(built, layer="regions_population").set_index("region")
    assert pop.loc["Russian Far East", "population_m_2002"] == 6.7
    assert pop.loc["Russian Far East", "area_km2"] == pytest.approx(6_169_000, rel=0.03)  # FEFD in 2002
    assert pop.loc["China's three northeastern provinces", "area_km2"] == pytest.approx(787_300, rel=0.03)
