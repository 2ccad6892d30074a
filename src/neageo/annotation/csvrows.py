"""CSV rows kept as text: read whole rows in blocks, parse only the columns needed, write each row back with values added.

Passing a CSV through a parser and a formatter changes it (quoting, number formats) and, for
millions of rows, costs more than annotating them.  Here every row's bytes are written back
exactly as read; only the columns asked for (the coordinates) are parsed, by pyarrow's CSV
parser, and the added values are appended after a separator.

Rows end at a line break outside quotes (RFC 4180: a quoted value may hold separators, quotes
doubled, and line breaks), so a value with a line break in it stays one row.  Blank lines are
skipped, as pandas does; the rows of a block are numbered as data rows from 1.  Line breaks
may be ``\\n`` or ``\\r\\n``; the output uses ``\\n``.  Text must be UTF-8 (a file that is not is
an error, never passed through).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

__all__ = ["CsvFormatError", "CsvRows", "RowBlock", "RowWriter", "coded_text", "csv_text"]

#: Bytes read from the file at a time.
READ_BYTES = 1 << 22
#: Cells pandas reads as missing by default; the same here, so a coordinate "NA" is a missing one.
NA_VALUES = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
             "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")
_NL, _CR, _QUOTE = 10, 13, 34


class CsvFormatError(ValueError):
    """The bytes are not CSV this reader can pass through (bad UTF-8, unpaired quotes, ragged rows)."""


@dataclass(frozen=True)
class RowBlock:
    """Consecutive data rows: their raw text and the columns asked for, parsed as text."""

    first_row: int
    """Number of the block's first data row (the first data row of the file is 1)."""
    rows: pa.StringArray
    """Each row's text as read, without its line break."""
    columns: pa.Table
    """The columns asked for, as strings (null for missing cells)."""

    def __len__(self) -> int:
        return len(self.rows)


class CsvRows:
    """Read a CSV file's rows in blocks of ``chunk_rows`` (bounded memory whatever the file's size).

    Raises :class:`CsvFormatError` (a ``ValueError``) for bytes that are not such CSV, ``OSError``
    for an unreadable file.
    """

    def __init__(self, path: Path, *, sep: str = ",", chunk_rows: int = 200_000):
        self.path, self.sep, self.chunk_rows = Path(path), sep, max(int(chunk_rows), 1)
        self._raw = open(self.path, "rb")  # noqa: SIM115 - closed in close()
        self._fh: io.BufferedIOBase = gzip.GzipFile(fileobj=self._raw, mode="rb") \
            if self.path.suffix.lower() == ".gz" else self._raw
        self._buf = b""
        self._ends: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]  # row ends found in _buf so far (positions of their line breaks)
        self._scanned = 0
        self._parity = 0  # quotes seen in _buf[:_scanned], mod 2 (odd: inside a quoted value)
        self._eof = False
        self.header = self._header()
        try:
            self.names = next(csv.reader([self.header], delimiter=sep, strict=True))
        except csv.Error as exc:
            raise CsvFormatError(f"the header row is not CSV ({exc})") from None

    def close(self) -> None:
        self._fh.close()
        self._raw.close()

    def __enter__(self) -> CsvRows:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def raw_bytes_read(self) -> int:
        """Bytes of the file (as stored: compressed for .gz) read so far, for progress displays."""
        return self._raw.tell()

    # ---------------------------------------------------------------------------------------- scanning

    def _fill(self) -> bool:
        """Read more of the file and find the row ends in it; False at the end of the file."""
        if self._eof:
            return False
        more = self._fh.read(READ_BYTES)
        if not more:
            self._eof = True
            return False
        self._buf += more
        tail = np.frombuffer(self._buf, dtype=np.uint8, offset=self._scanned)
        quotes = np.flatnonzero(tail == _QUOTE)
        breaks = np.flatnonzero(tail == _NL)
        if len(quotes) or self._parity:
            inside = (self._parity + np.searchsorted(quotes, breaks)) % 2 == 1
            breaks = breaks[~inside]
        self._parity = (self._parity + len(quotes)) % 2
        self._ends.append(breaks + self._scanned)
        self._scanned = len(self._buf)
        return True

    def _take(self, rows: int | None) -> tuple[bytes, np.ndarray]:
        """The next ``rows`` rows (None: up to the first row end) as bytes, and the ends of the rows in them."""
        while True:
            ends = np.concatenate(self._ends) if len(self._ends) > 1 else self._ends[0]
            self._ends = [ends]
            want = 1 if rows is None else rows
            if len(ends) >= want or not self._fill():
                break
        if len(ends) >= want:
            cut = int(ends[want - 1]) + 1
            block, kept = self._buf[:cut], ends[:want]
            rest = ends[want:] - cut
        else:  # the end of the file: the last row may lack a line break
            if self._parity:
                raise CsvFormatError("a quoted value is not closed before the end of the file")
            block, kept, rest = self._buf, ends, ends[:0]
            if block and not block.endswith(b"\n"):
                kept = np.r_[kept, len(block)]
        self._buf = self._buf[len(block):]
        self._ends = [rest]
        self._scanned -= len(block)
        return block, kept

    def _header(self) -> str:
        block, ends = self._take(None)
        if not len(ends):
            return ""
        line = block[: int(ends[0])].rstrip(b"\r")
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CsvFormatError(f"the header row is not UTF-8 text ({exc.reason})") from None
        return text[1:] if text.startswith("\ufeff") else text

    # ---------------------------------------------------------------------------------------- blocks

    def blocks(self, columns: list[str] | None = None) -> Iterator[RowBlock]:
        """The data rows, ``chunk_rows`` at a time, with ``columns`` (default all) parsed as text."""
        wanted = list(self.names) if columns is None else list(columns)
        first = 1
        while True:
            block, ends = self._take(self.chunk_rows)
            if not len(block):
                return
            rows = _rows(block, ends)
            if not len(rows):  # blank lines only
                continue
            parsed = self._parse(block, wanted)
            if parsed.num_rows != len(rows):
                raise CsvFormatError(f"rows {first}-{first + len(rows) - 1}: {len(rows)} rows by their line "
                                     f"breaks but {parsed.num_rows} by the CSV parser (quotes that do not pair up, "
                                     "or a bare carriage return?)")
            yield RowBlock(first_row=first, rows=rows, columns=parsed)
            first += len(rows)

    def _parse(self, block: bytes, wanted: list[str]) -> pa.Table:
        try:
            return pcsv.read_csv(
                pa.BufferReader(block),
                read_options=pcsv.ReadOptions(column_names=self.names, use_threads=False,
                                              block_size=max(len(block) + 1, 1 << 16)),
                parse_options=pcsv.ParseOptions(delimiter=self.sep, newlines_in_values=b'"' in block),
                convert_options=pcsv.ConvertOptions(include_columns=wanted,
                                                    column_types=dict.fromkeys(wanted, pa.string()),
                                                    strings_can_be_null=True, null_values=list(NA_VALUES)),
            )
        except pa.ArrowInvalid as exc:
            raise CsvFormatError(str(exc).splitlines()[0]) from None


def _rows(block: bytes, ends: np.ndarray) -> pa.StringArray:
    """Rows of a block from their ends (line breaks, or the block's end), without breaks or blank rows."""
    starts = np.r_[0, ends[:-1] + 1]
    stops = ends.copy()
    raw = np.frombuffer(block, dtype=np.uint8)
    stops[(stops > starts) & (raw[np.maximum(stops - 1, 0)] == _CR)] -= 1  # \r\n
    keep = stops > starts
    starts, stops = starts[keep], stops[keep]
    if not len(starts):
        return pa.array([], pa.string())
    # one contiguous value per row (a view of the block), up to the next row: then its breaks trimmed
    offsets = np.r_[starts, len(block) if not len(ends) or ends[-1] >= len(block) else ends[-1] + 1]
    whole = pa.StringArray.from_buffers(len(starts), pa.py_buffer(offsets.astype(np.int32).tobytes()),
                                        pa.py_buffer(block))
    try:
        whole.validate(full=True)
    except pa.ArrowInvalid as exc:
        raise CsvFormatError(f"not UTF-8 text ({str(exc).splitlines()[0]})") from None
    trimmed = pc.utf8_rtrim(whole, characters="\r\n")
    if not np.array_equal(np.asarray(pc.binary_length(trimmed)), stops - starts):
        raise CsvFormatError("a row ends in a bare carriage return")
    return trimmed


def csv_text(values: pa.Array | np.ndarray, *, sep: str = ",") -> pa.StringArray:
    """Cells of an added column as CSV text: strings quoted where needed, booleans True/False, numbers as
    their shortest exact form; empty for null (as pandas writes them)."""
    arr = values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values, from_pandas=True)
    if pa.types.is_boolean(arr.type):
        text = pc.if_else(arr, "True", "False")
    elif pa.types.is_floating(arr.type) or pa.types.is_integer(arr.type):
        text = pc.cast(arr, pa.string())
    else:
        text = pc.cast(arr, pa.string())
        need = pc.or_(pc.or_(pc.match_substring(text, sep), pc.match_substring(text, '"')),
                      pc.match_substring_regex(text, "[\r\n]"))
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
        text = pc.if_else(need, quoted, text)
    return pc.fill_null(text, "")


def coded_text(codes: np.ndarray, values: np.ndarray | list, *, sep: str = ",") -> pa.StringArray:
    """:func:`csv_text` of ``values[codes]`` (empty where a code is negative): each distinct value formatted once."""
    table = csv_text(pa.array(list(values), pa.string()), sep=sep)
    codes = np.asarray(codes)
    return pc.fill_null(table.take(pa.array(codes.astype(np.int32, copy=False), mask=codes < 0)), "")


class RowWriter:
    """Write rows read by :class:`CsvRows` with added cells: ``row + sep + cell + sep + cell ... + "\\n"``."""

    def __init__(self, fh: IO[bytes], header: str, added: list[str], *, sep: str = ","):
        self._fh, self.sep = fh, sep
        names = io.StringIO()
        csv.writer(names, delimiter=sep, lineterminator="").writerow(added)
        self._fh.write((header + (sep if header else "") + names.getvalue() + "\n").encode("utf-8"))

    def write(self, rows: pa.StringArray, cells: list[pa.StringArray]) -> None:
        """Append ``rows``, each followed by its ``cells`` (:func:`csv_text` arrays of the same length)."""
        if not len(rows):
            return
        joined = pc.binary_join_element_wise(rows, *cells, self.sep)
        lines = pc.binary_join_element_wise(joined, pa.scalar(""), "\n")
        _write_values(self._fh, lines)


def _write_values(fh: IO[bytes], arr: Any) -> None:
    """Write the concatenated values of a string array (no nulls) without a Python string per value."""
    if isinstance(arr, pa.ChunkedArray):
        for chunk in arr.chunks:
            _write_values(fh, chunk)
        return
    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int32, count=len(arr) + 1, offset=arr.offset * 4)
    fh.write(memoryview(data)[int(off[0]):int(off[-1])])
