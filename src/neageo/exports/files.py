"""File formats: one file per layer (GeoJSON, FlatGeobuf, Shapefile, KML, CSV, GeoParquet) or one GeoPackage.

:func:`export` writes the layers asked for and what describes them: a
``<layer>.qml`` beside each file (QGIS loads it as the default style) and one
``codebook.csv`` with every layer's title and description and every column's
type, alias and description.  Attribute-only tables go to CSV in every format
but GeoPackage.  Each family has its own module: :mod:`.geopackage`,
:mod:`.shapefile`, :mod:`.kml`, :mod:`.delimited` (CSV), :mod:`.geoparquet`;
GeoJSON and FlatGeobuf are written by GDAL as they are; FlatGeobuf without
its spatial index, which would reorder the features along a Hilbert curve: every
format keeps the GeoPackage's row order (the layers are small enough to scan).

Files an export would replace are refused unless ``overwrite=True`` (CLI
``--force``): a folder of an earlier export is not silently mixed with a new one.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from .._atomic import atomic_target
from .._errors import ExportError
from ..io import gpkg_path, read
from .common import descriptions, existing_outputs, gdal_write, inside, out_folder, refuse_replacing, selected, writing
from .delimited import write_csv
from .geopackage import export_gpkg
from .geoparquet import write_geoparquet
from .kml import placemark_names, style_kml
from .shapefile import write_shapefile

__all__ = ["FORMATS", "export"]

#: format -> (GDAL driver, file extension)
FORMATS = {
    "gpkg": ("GPKG", ".gpkg"),
    "geojson": ("GeoJSON", ".geojson"),
    "fgb": ("FlatGeobuf", ".fgb"),
    "shp": ("ESRI Shapefile", ".shp"),
    "kml": ("KML", ".kml"),
    "csv": ("CSV", ".csv"),
    "parquet": ("Parquet", ".parquet"),  # GeoParquet 1.1: see .geoparquet
}


def export(
    *,
    fmt: str,
    out: str | Path,
    layers: str | Sequence[str] | None = None,
    gpkg: str | Path | None = None,
    csv_geometry: str = "wkt",
    overwrite: bool = False,
) -> list[Path]:
    """Write layers to ``out`` in ``fmt`` (gpkg, geojson, fgb, shp, kml, csv, parquet); return every file written.

    ``layers`` is one layer name or several (default: every layer); ``overwrite`` replaces the
    files of an earlier export in ``out`` (otherwise they are refused).

    Raises
    ------
    ExportError
        for an unknown format, or a file GDAL could not write.
    OutputError
        for an output folder that cannot be created or written, or files the export would
        replace without ``overwrite``.

    Examples
    --------
    >>> neageo.export(fmt="shp", out="exports/shp", layers=["places", "customs_gates"])   # doctest: +SKIP
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if csv_geometry not in ("wkt", "lonlat"):
        raise ExportError("csv geometry must be 'wkt' or 'lonlat'")
    source = gpkg_path(gpkg)
    names = selected(layers, source)
    folder = out_folder(out)
    if not overwrite:
        refuse_replacing(existing_outputs(folder, names, single="neageo.gpkg" if fmt == "gpkg" else None))
    if fmt == "gpkg":
        return export_gpkg(names, folder, source)
    about, columns, styles = descriptions(source)
    driver, suffix = FORMATS[fmt]
    written: list[Path] = []
    dtypes: dict[str, pd.Series] = {}
    for name in names:
        frame = read(name, gpkg=source)
        dtypes[name] = frame.dtypes
        if fmt == "parquet":
            written.append(write_geoparquet(frame, inside(folder, name, suffix)))
            continue
        if fmt == "csv" or not isinstance(frame, gpd.GeoDataFrame):
            written += write_csv(frame, inside(folder, name, ".csv"), geometry=csv_geometry)
            continue
        if fmt == "shp":
            files = write_shapefile(frame, folder, name)
        else:
            options: dict[str, Any] = {"layer": name}
            if fmt == "geojson":
                options["layer_options"] = {"RFC7946": "YES", "WRITE_NAME": "YES"}
            if fmt == "fgb":  # the index would reorder the features; the GeoPackage's order is kept
                options["layer_options"] = {"SPATIAL_INDEX": "NO"}
            if fmt == "kml":
                frame = frame.assign(kml_name=placemark_names(name, frame, about.get(name, (name, ""))[0]))
                options["dataset_options"] = {"NameField": "kml_name", "DescriptionField": "description"}
            path = inside(folder, name, suffix)
            files = gdal_write(frame, path, driver, **options)
            if fmt == "kml":
                with writing(path):
                    style_kml(path, name, frame)
        written += files
        if name in styles:  # QGIS loads <file>.qml beside a data file as its default style
            for data in (f for f in files if f.suffix == suffix):
                qml = data.with_suffix(".qml")
                with writing(qml), atomic_target(qml) as tmp:
                    tmp.write_text(styles[name], encoding="utf-8")
                written.append(qml)
    written.append(_write_codebook(folder, dtypes, about, columns))
    return written


_TYPE_NAMES = {"i": "integer", "u": "integer", "f": "real", "b": "boolean", "M": "datetime"}


def _write_codebook(folder: Path, dtypes: dict[str, pd.Series], about: dict[str, tuple[str, str]],
                    columns: dict[str, dict[str, tuple[str, str]]]) -> Path:
    """``codebook.csv``: each exported layer's title and description, then each column's type, alias and description."""
    path = inside(folder, "codebook", ".csv")
    rows = []
    for name, types in dtypes.items():
        title, description = about.get(name, (name, ""))
        rows.append({"layer": name, "column": "", "type": "layer", "alias": title, "description": description})
        for col, dtype in types.items():
            alias, text = columns.get(name, {}).get(str(col), (str(col), ""))
            kind = "geometry" if col == "geometry" else _TYPE_NAMES.get(dtype.kind, "text")
            if col == "geometry":
                alias, text = "Geometry", "Geometry in EPSG:4326 (WGS 84 longitude, latitude in degrees)"
            rows.append({"layer": name, "column": str(col), "type": kind, "alias": alias, "description": text})
    with writing(path), atomic_target(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["layer", "column", "type", "alias", "description"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path
