"""Reading the committed source files, with checks that name the file and row.

Every reader here raises :class:`neageo.SourceError` with a message of the form
``geodata/sources/x.csv, row 7: column 'value' must be a number, not 'abc'``;
nothing downstream has to guess what went wrong.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from ._errors import SourceError

__all__ = ["Sources", "read_table", "read_vector", "split_aliases"]

#: Every source geometry must fall inside this box (lon/lat); it is generous
#: (whole countries reach far beyond the study region) but rules out swapped
#: coordinates and projected data mistaken for degrees.
WORLD_BOX = (-180.0, -90.0, 180.0, 90.0)


@dataclass(frozen=True)
class Sources:
    """Where the committed inputs live."""

    root: Path

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent.parent))
        except ValueError:
            return str(path)


def _require(path: Path, shown: str) -> None:
    if not path.is_file():
        raise SourceError(f"{shown}: file is missing; restore it from git (git checkout -- {shown})")


def split_aliases(value) -> list[str]:
    """Split a ``|``-separated alias cell; empty cells give no aliases."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return [a.strip() for a in str(value).split("|") if a.strip()]


_CASTS = {
    "str": str,
    "int": int,
    "float": float,
}


#: Control characters no source cell may hold (tab, newline and carriage return are allowed):
#: SQLite and GDAL would cut text at a NUL ("Har\x00bin" became "Har").
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_table(
    sources: Sources,
    *parts: str,
    columns: dict[str, str],
    optional: tuple[str, ...] = (),
    key: str | tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Read a UTF-8 CSV and check its columns and cell types.

    Parameters
    ----------
    columns
        Column name -> ``"str"``, ``"int"`` or ``"float"``.  Every listed column
        must be present; cells of columns in ``optional`` may be empty (null),
        others may not.
    key
        Column(s) whose values must be unique.
    """
    path = sources.path(*parts)
    shown = sources.display(path)
    _require(path, shown)
    try:
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            try:
                header = next(reader)
            except StopIteration:
                raise SourceError(f"{shown}: file is empty; it needs a header row") from None
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise SourceError(f"{shown}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise SourceError(f"{shown}: not a readable CSV file ({exc})") from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise SourceError(f"{shown}: missing column(s) {', '.join(map(repr, missing))}; the header is {header}")
    index = {c: header.index(c) for c in header}
    records = []
    for lineno, row in enumerate(rows, start=2):
        if not row or not "".join(row).strip():  # a blank line
            continue
        if len(row) != len(header):
            raise SourceError(
                f"{shown}, row {lineno}: has {len(row)} cells but the header has {len(header)}"
                " (a stray comma or an unquoted value?)"
            )
        rec: dict[str, object] = {}
        for col, kind in columns.items():
            cell = row[index[col]].strip()
            bad = _CONTROL.search(cell)
            if bad:
                raise SourceError(f"{shown}, row {lineno}: column {col!r} contains the control character "
                                  f"U+{ord(bad.group()):04X} in {cell!r}; remove it")
            if cell == "":
                if col not in optional:
                    raise SourceError(f"{shown}, row {lineno}: column {col!r} must not be empty")
                rec[col] = None
                continue
            try:
                value = _CASTS[kind](cell)
            except ValueError:
                raise SourceError(
                    f"{shown}, row {lineno}: column {col!r} must be {'a number' if kind != 'str' else 'text'},"
                    f" not {cell!r}"
                ) from None
            if kind == "float" and not math.isfinite(value):
                raise SourceError(f"{shown}, row {lineno}: column {col!r} must be a finite number, not {cell!r}")
            rec[col] = value
        rec["_row"] = lineno
        records.append(rec)
    frame = pd.DataFrame(records, columns=[*columns, "_row"], dtype=object)
    # numeric columns without nulls get a numeric dtype; with nulls they keep None (not NaN)
    for col, kind in columns.items():
        if kind != "str" and frame[col].notna().all():
            frame[col] = frame[col].astype("int64" if kind == "int" else "float64")
    frame["_row"] = frame["_row"].astype("int64")
    if key is not None and len(frame):
        cols = [key] if isinstance(key, str) else list(key)
        dup = frame[frame.duplicated(cols, keep="first")]
        if len(dup):
            first = dup.iloc[0]
            value = ", ".join(str(first[c]) for c in cols)
            raise SourceError(f"{shown}, row {first['_row']}: duplicate {'/'.join(cols)} {value!r}")
    return frame


def check_lonlat(shown: str, row: int, lon: float, lat: float, bbox=WORLD_BOX) -> None:
    w, s, e, n = bbox
    if not (w <= lon <= e and s <= lat <= n):
        raise SourceError(
            f"{shown}, row {row}: coordinates ({lon}, {lat}) lie outside {bbox}"
            " (lon/lat swapped, or a projected coordinate?)"
        )


def read_vector(
    sources: Sources,
    *parts: str,
    geom_types: tuple[str, ...],
    columns: tuple[str, ...] = (),
    bbox=WORLD_BOX,
) -> gpd.GeoDataFrame:
    """Read a committed vector file and check CRS, geometry and columns."""
    path = sources.path(*parts)
    shown = sources.display(path)
    _require(path, shown)
    try:
        frame = pyogrio.read_dataframe(path, use_arrow=False)
    except Exception as exc:  # pyogrio raises several unrelated classes
        raise SourceError(f"{shown}: cannot be read as vector data ({exc})") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceError(f"{shown}: missing column(s) {', '.join(map(repr, missing))}")
    if frame.crs is None or not CRS(frame.crs).equals(CRS("OGC:CRS84"), ignore_axis_order=True):
        raise SourceError(f"{shown}: coordinates must be WGS84 lon/lat (EPSG:4326), not {frame.crs}")
    frame = frame.set_crs(4326, allow_override=True)
    geoms = frame.geometry.values
    for i, geom in enumerate(geoms):
        feature = f"{shown}, feature {i + 1}"
        if geom is None or geom.is_empty:
            raise SourceError(f"{feature}: geometry is empty")
        if geom.geom_type not in geom_types:
            raise SourceError(f"{feature}: geometry is a {geom.geom_type}, expected {' or '.join(geom_types)}")
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        i = int(invalid.argmax())
        reason = shapely.is_valid_reason(geoms[i])
        raise SourceError(f"{shown}, feature {i + 1}: invalid geometry ({reason})")
    w, s, e, n = shapely.total_bounds(geoms)
    if w < bbox[0] or s < bbox[1] or e > bbox[2] or n > bbox[3]:
        raise SourceError(f"{shown}: coordinates reach ({w:.3f}, {s:.3f}, {e:.3f}, {n:.3f}), outside {bbox}")
    return frame
