"""neageo annotate on files: CSV rows pass through unchanged, chunks stream through threads in order."""

from __future__ import annotations

import gzip
import threading
import time

import numpy as np
import pandas as pd
import pytest

from helpers.tricky_csv import TRICKY_ROWS as ROWS
from helpers.tricky_csv import csv_bytes
from neageo.annotation import annotate
from neageo.annotation.streaming import run_pipeline
from neageo.cli import main as cli_main


def _run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli_main(argv)
    captured = capsys.readouterr()
    return exc.value.code, captured.out, captured.err


@pytest.mark.parametrize(("name", "sep", "newline"), [("events.csv", ",", "\r\n"), ("events.tsv.gz", "\t", "\n")])
def test_csv_rows_pass_through_byte_for_byte(built, tmp_path, capsys, name, sep, newline):
    raw = csv_bytes(ROWS, sep=sep, newline=newline, blank_after=3)
    src = tmp_path / name
    src.write_bytes(gzip.compress(raw) if name.endswith(".gz") else raw)
    out = tmp_path / ("out.tsv" if sep == "\t" else "out.csv")
    code, stdout, err = _run(["annotate", str(src), "--out", str(out), "--chunk-size", "2", "--gpkg", str(built)],
                             capsys)
    assert code == 0, err
    assert f"{len(ROWS)} rows" in stdout
    text = out.read_text(encoding="utf-8")
    for row in ROWS:  # each row's own text, then the added cells
        assert sep.join(row) + sep in text
    got = pd.read_csv(out, sep=sep, dtype=str, keep_default_na=False)
    ref = annotate(pd.read_csv(src, sep=sep), gpkg=built)
    assert list(got.columns) == list(ref.columns)
    assert got["id"].tolist() == [r[0] for r in ROWS]
    for col in ("country", "province_id", "province", "border_pair", "gate", "river", "place"):
        assert got[col].tolist() == ref[col].fillna("").tolist(), col
    assert got["outside"].tolist() == ref["outside"].astype(object).map({True: "True", False: "False"}).fillna("").tolist()
    for col in ("border_km", "gate_km", "river_km", "place_km"):
        np.testing.assert_array_equal(pd.to_numeric(got[col]).to_numpy(), ref[col].to_numpy())  # exact


def test_a_bad_coordinate_deep_in_the_file_names_its_row(built, tmp_path, capsys):
    rows = [f"{i},{120 + i / 10},45" for i in range(9)] + ["9,130,abc"] + [f"{i},125,40" for i in range(10, 14)]
    src = tmp_path / "in.csv"
    src.write_text("id,lon,lat\n" + "\n".join(rows) + "\n")
    out = tmp_path / "out.csv"
    code, _, err = _run(["annotate", str(src), "--out", str(out), "--chunk-size", "3", "--gpkg", str(built)], capsys)
    assert code != 0 and err.count("\n") == 1
    assert "row 10: latitude 'abc' in column 'lat' is not a number" in err
    assert not out.exists() and not list(tmp_path.glob(".out.csv*"))


def test_pipeline_keeps_order_overlaps_and_stops_at_the_first_error():
    written: list[int] = []
    threads = set()

    def annotate(i: int) -> int:
        time.sleep(0.01 * (i % 3))
        if i == 7:
            raise ValueError("chunk 7 is bad")
        return i * i

    def write(i: int, r: int) -> None:
        threads.add(threading.current_thread().name)
        time.sleep(0.02)
        written.append(r)

    run_pipeline(range(6), annotate, write)
    assert written == [i * i for i in range(6)]
    assert all(name.startswith("neageo-write") for name in threads)
    written.clear()
    with pytest.raises(ValueError, match="chunk 7"):
        run_pipeline(range(20), annotate, write)
    assert written == [i * i for i in range(7)]
