"""CSV rows kept as text (neageo.annotation.csvrows): rows pass through byte for byte, only the asked columns are parsed."""

from __future__ import annotations

import gzip
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from helpers.tricky_csv import TRICKY_ROWS as TRICKY
from helpers.tricky_csv import csv_bytes
from neageo.annotation import csvrows as _csvrows
from neageo.annotation.csvrows import CsvFormatError, CsvRows, RowWriter, coded_text, csv_text


def _roundtrip(path, *, sep=",", chunk_rows=3, columns=("lon", "lat")):
    out = io.BytesIO()
    with CsvRows(path, sep=sep, chunk_rows=chunk_rows) as reader:
        writer = RowWriter(out, reader.header, ["n", "flag"], sep=sep)
        blocks = list(reader.blocks(list(columns)))
        for block in blocks:
            lon = block.columns.column("lon")
            writer.write(block.rows, [csv_text(pa.array(np.arange(len(block)) + block.first_row)),
                                      csv_text(pa.compute.is_null(lon), sep=sep)])
    return out.getvalue(), blocks


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 100])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_rows_pass_through_unchanged_and_cells_are_added(tmp_path, chunk_rows, newline, monkeypatch):
    monkeypatch.setattr(_csvrows, "READ_BYTES", 5)  # row ends and quotes split across reads
    path = tmp_path / "in.csv"
    path.write_bytes(csv_bytes(TRICKY, newline=newline))
    data, blocks = _roundtrip(path, chunk_rows=chunk_rows)
    assert sum(len(b) for b in blocks) == len(TRICKY)
    assert [b.first_row for b in blocks] == list(range(1, len(TRICKY) + 1, chunk_rows))
    text = data.decode("utf-8")
    for i, row in enumerate(TRICKY):  # each row's text, then the added cells
        assert f"{','.join(row)},{i + 1},{row[1] == ''}\n" in text
    got = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    want = pd.read_csv(path, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got[want.columns], want)
    lon = pd.concat([b.columns.to_pandas() for b in blocks], ignore_index=True)
    ref = pd.read_csv(path, dtype=str)[["lon", "lat"]]  # pandas' missing values: "" and "NA"
    assert lon.isna().equals(ref.isna()) and lon.fillna("").equals(ref.fillna(""))


def test_blank_lines_bom_gzip_tsv_and_no_final_line_break(tmp_path):
    body = "\ufeff" + "id\tlon\tlat\tnote\n\n1\t130\t45\ta, b\n\n\n2\t131\t46\t\"x\ty\"\n3\t132\t47\tlast"
    path = tmp_path / "in.tsv.gz"
    path.write_bytes(gzip.compress(body.encode("utf-8")))
    data, blocks = _roundtrip(path, sep="\t", chunk_rows=2)
    assert data.decode("utf-8").splitlines() == [
        "id\tlon\tlat\tnote\tn\tflag", "1\t130\t45\ta, b\t1\tFalse", '2\t131\t46\t"x\ty"\t2\tFalse',
        "3\t132\t47\tlast\t3\tFalse"]
    assert [b.first_row for b in blocks] == [1, 2]  # blocks count line breaks; blank rows are no rows


def test_header_only_and_empty_files(tmp_path):
    path = tmp_path / "in.csv"
    path.write_bytes(b"lon,lat\n")
    data, blocks = _roundtrip(path)
    assert data == b"lon,lat,n,flag\n" and blocks == []
    path.write_bytes(b"")
    with CsvRows(path) as reader:
        assert reader.names == [] and list(reader.blocks([])) == []


@pytest.mark.parametrize(("content", "message"), [
    (b"lon,lat\n1,2\n\xff\xfe,3\n", "UTF-8"),
    (b"\xff\xfelon,lat\n1,2\n", "UTF-8"),
    (b'lon,lat\n1,"2\n3,4\n', "not closed"),
    (b"lon,lat\n1,2,3\n", "Expected 2 columns"),
    (b"lon,lat\n1,2\r3,4\n", "carriage return"),
    (b'lon,lat\n1,2 "inch\n3,4\n', "not closed"),
])
def test_damaged_input_is_an_error(tmp_path, content, message):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    with pytest.raises(CsvFormatError, match=message), CsvRows(path) as reader:
        list(reader.blocks(["lon", "lat"]))


def test_added_cells_as_pandas_writes_them():
    assert csv_text(pa.array([True, False, None])).to_pylist() == ["True", "False", ""]
    assert csv_text(pa.array(["a", "b,c", 'd"e', "f\ng", None])).to_pylist() == \
        ["a", '"b,c"', '"d""e"', '"f\ng"', ""]
    assert csv_text(pa.array(["b,c", "t\tu"]), sep="\t").to_pylist() == ["b,c", '"t\tu"']
    values = np.array([4.664096302513722, 0.1 + 0.2, 1e-5, 123.0, np.nan])
    back = [float(v) if v else np.nan for v in csv_text(pa.array(values, from_pandas=True)).to_pylist()]
    np.testing.assert_array_equal(back, values)  # exact: the shortest text that reads back the same
    names = ["Jilin", "Rason, PRK", 'say "x"']
    codes = np.array([2, -1, 0, 1, 1])
    assert coded_text(codes, names).to_pylist() == ['"say ""x"""', "", "Jilin", '"Rason, PRK"', '"Rason, PRK"']
