"""GeoParquet 1.1: WKB geometry, the CRS as PROJJSON and a ``bbox`` covering column.

Read by geopandas, DuckDB, and GDAL or QGIS where GDAL has its (Arrow) Parquet
driver.  QGIS 3.22 cannot open it: Debian 12's GDAL 3.6, which it runs on there,
is built without that driver; open the GeoPackage instead (``neageo export
--format gpkg``), which also carries the styles and metadata.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from .._atomic import atomic_target
from .._errors import ExportError

__all__ = ["write_geoparquet"]


def write_geoparquet(frame: pd.DataFrame, path: Path) -> Path:
    """One layer as GeoParquet 1.1 (WKB geometry, CRS as PROJJSON, a ``bbox`` covering column), or a table
    as plain Parquet; readable by geopandas, DuckDB, and GDAL/QGIS with a Parquet driver (not QGIS 3.22 on
    Debian 12: see the module docstring).  Written atomically; returns ``path``."""
    try:
        with atomic_target(path, suffix=".tmp.parquet") as tmp:
            if isinstance(frame, gpd.GeoDataFrame):
                frame.to_parquet(tmp, index=False, compression="zstd", schema_version="1.1.0",
                                 write_covering_bbox=True)
            else:
                frame.to_parquet(tmp, index=False, compression="zstd")
    except (ImportError, ValueError, OSError) as exc:  # pyarrow missing or refusing a column
        raise ExportError(f"could not write {path.name} ({exc})") from None
    return path
