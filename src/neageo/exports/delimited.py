"""CSV: attributes as UTF-8 text, geometry as WKT or, for points, lon/lat columns; types and CRS beside it.

Beside each ``<layer>.csv`` go the two files GDAL's CSV driver (and QGIS,
through it) reads with it: ``<layer>.csvt``, each column's type (``Integer``,
``Real``, ``String``, the geometry as ``WKT`` or ``CoordX``/``CoordY``), so
numbers are not read back as text; and, for a layer with geometry,
``<layer>.prj``, its coordinate reference system (EPSG:4326, WGS 84
longitude/latitude), so the CSV states its CRS.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from .._atomic import atomic_target
from .common import writing

__all__ = ["csv_types", "write_csv"]

#: numpy/pandas dtype kind -> GDAL CSV type (``.csvt``).
_CSVT = {"i": "Integer", "u": "Integer", "f": "Real", "b": "Integer(Boolean)", "M": "DateTime"}


def csv_types(frame: pd.DataFrame, geometry: dict[str, str] | None = None) -> list[str]:
    """The ``.csvt`` type of each column of ``frame``; ``geometry`` names the geometry columns' types
    (``{"wkt": "WKT"}`` or ``{"lon": "CoordX", "lat": "CoordY"}``).  64-bit integers beyond 32 bits are
    ``Integer64``."""
    out = []
    for col in frame.columns:
        if geometry and col in geometry:
            out.append(geometry[col])
        else:
            kind = getattr(frame[col].dtype, "kind", "O")
            t = _CSVT.get(kind, "String")
            if t == "Integer" and not frame[col].dropna().empty and (frame[col].dropna().abs() >= 2**31).any():
                t = "Integer64"
            out.append(t)
    return out


def _wgs84_prj() -> str:
    from pyproj import CRS

    return CRS.from_epsg(4326).to_wkt("WKT1_GDAL")


def write_csv(frame: pd.DataFrame, path: Path, *, geometry: str) -> list[Path]:
    """Write ``frame`` to ``path`` with its ``.csvt`` (and ``.prj``), atomically; return the files.

    ``geometry`` is ``wkt`` or ``lonlat`` (point layers only).
    """
    plain = pd.DataFrame(frame.drop(columns="geometry")) if "geometry" in frame else pd.DataFrame(frame)
    spatial = isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame
    geometry_types: dict[str, str] = {}
    if spatial:
        g = frame.geometry
        if geometry == "lonlat" and (g.geom_type == "Point").all():
            plain["lon"], plain["lat"] = g.x.round(7), g.y.round(7)
            geometry_types = {"lon": "CoordX", "lat": "CoordY"}
        else:
            plain["wkt"] = g.to_wkt(rounding_precision=7)
            geometry_types = {"wkt": "WKT"}
    files = [path, path.with_suffix(".csvt")]
    texts = {files[1]: ",".join(f'"{t}"' for t in csv_types(plain, geometry_types)) + "\n"}
    if spatial:
        files.append(path.with_suffix(".prj"))
        texts[files[2]] = _wgs84_prj()
    with writing(path), atomic_target(path) as tmp:
        plain.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    for side, text in texts.items():
        with writing(side), atomic_target(side) as tmp:
            tmp.write_text(text, encoding="utf-8")
    return files
