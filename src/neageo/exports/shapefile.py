"""Shapefiles: ten-character field names mapped predictably, UTF-8, one file per geometry kind.

Field names longer than ten characters are truncated, then numbered if two
collide (:func:`shapefile_fields`), and the mapping is written beside the
files (``<layer>.fieldmap.csv``); a ``.cpg`` says UTF-8; a layer of mixed
geometry is split by geometry type (``projects_point``, ``projects_line``, ...).
DBF text is limited to 254 bytes (longer values are cut).  Both losses are
announced: a :class:`ShapefileLimits` warning per layer names the fields
shortened and the values cut (the CLI prints it as a ``neageo: note:`` line).
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .._atomic import atomic_target
from .common import PARTS, gdal_write, inside, writing

__all__ = ["ShapefileLimits", "shapefile_fields", "write_shapefile"]

#: The DBF limit on a text value, in bytes.
DBF_TEXT_BYTES = 254


class ShapefileLimits(UserWarning):
    """A shapefile export shortened field names (to 10 characters) or cut text values (to 254 bytes)."""


def _limits_note(name: str, mapping: dict[str, str], frame: pd.DataFrame) -> str | None:
    """What the shapefile of layer ``name`` loses, in one sentence (None: nothing)."""
    parts = []
    shortened = [(c, f) for c, f in mapping.items() if c != f]
    if shortened:
        shown = ", ".join(f"{c} -> {f}" for c, f in shortened[:3]) + (", ..." if len(shortened) > 3 else "")
        parts.append(f"{len(shortened)} field names cut to 10 characters ({shown}; every one in {name}.fieldmap.csv)")
    for col in mapping:
        if frame[col].dtype.kind not in "OSU" and not pd.api.types.is_string_dtype(frame[col].dtype):
            continue
        long = frame[col].dropna().astype(str).map(lambda v: len(v.encode("utf-8")) > DBF_TEXT_BYTES)
        if long.any():
            parts.append(f"{int(long.sum())} values of {col} cut to {DBF_TEXT_BYTES} bytes (use another format for "
                         "the whole text)")
    return f"{name}.shp: " + "; ".join(parts) if parts else None


def shapefile_fields(columns: list[str]) -> dict[str, str]:
    """Column -> DBF field name (at most 10 characters, unique, in column order)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for col in columns:
        base = col[:10]
        name, n = base, 1
        while name.lower() in used:
            suffix = f"_{n}"
            name = base[: 10 - len(suffix)] + suffix
            n += 1
        used.add(name.lower())
        out[col] = name
    return out


def write_shapefile(frame: gpd.GeoDataFrame, out: Path, name: str) -> list[Path]:
    """Write layer ``name`` as one shapefile per geometry kind in ``out``, with its field map; return every file."""
    mapping = shapefile_fields([c for c in frame.columns if c != "geometry"])
    note = _limits_note(name, mapping, frame)
    if note:
        warnings.warn(ShapefileLimits(note), stacklevel=3)
    renamed = frame.rename(columns=mapping)
    kinds = renamed.geom_type.map(PARTS)
    groups = [(name, renamed)] if kinds.nunique() <= 1 else [
        (f"{name}_{k}", renamed[kinds == k]) for k in ("point", "line", "polygon") if (kinds == k).any()]
    written: list[Path] = []
    for stem, part in groups:
        path = inside(out, stem, ".shp")
        files = gdal_write(part, path, "ESRI Shapefile", layer=stem, encoding="UTF-8")
        cpg = path.with_suffix(".cpg")
        if cpg not in files:
            cpg.write_text("UTF-8\n", encoding="ascii")
            files.append(cpg)
        written += files
    fieldmap = inside(out, name, ".fieldmap.csv")
    with writing(fieldmap), atomic_target(fieldmap) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["column", "shapefile_field"])
        w.writerows(mapping.items())
    written.append(fieldmap)
    return written
