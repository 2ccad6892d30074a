"""CSV rows that exercise RFC 4180, for the tests of rows kept as text (library and command line)."""

from __future__ import annotations

__all__ = ["TRICKY_ROWS", "csv_bytes"]

#: (id, lon, lat, note): quoted separators, doubled quotes, a line break inside quotes, an empty cell, a
#: missing-value marker, non-ASCII text, and a point far outside the region.
TRICKY_ROWS = [
    ("a1", "130.70", "42.43", '"Hunchun, Jilin"'),
    ("a2", "124.39", "40.10", '"the ""bridge"" at Sinuiju"'),
    ("a3", "135.1", "48.5", '"two\nlines"'),
    ("a4", "", "45.0", "no longitude"),
    ("a5", "127.5", "NA", "'NA' latitude"),
    ("a6", "129.97", "42.96", "Туманная 图们"),
    ("007", "0.0", "51.5", "London"),
]


def csv_bytes(rows, *, sep: str = ",", newline: str = "\n", header=("id", "lon", "lat", "note"),
              blank_after: int | None = None) -> bytes:
    """The rows as CSV bytes with a header, each line ended by ``newline`` (a blank line after row ``blank_after``)."""
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    if blank_after is not None:
        lines.insert(blank_after + 1, "")
    return (newline.join(lines) + newline).encode("utf-8")
