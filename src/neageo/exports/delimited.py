"""CSV: attributes as UTF-8 text, geometry as WKT or, for points, lon/lat columns."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from .._atomic import atomic_target
from .common import writing

__all__ = ["write_csv"]


def write_csv(frame: pd.DataFrame, path: Path, *, geometry: str) -> None:
    """Write ``frame`` to ``path`` (atomically); ``geometry`` is ``wkt`` or ``lonlat`` (point layers only)."""
    plain = pd.DataFrame(frame.drop(columns="geometry")) if "geometry" in frame else pd.DataFrame(frame)
    if isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame:
        g = frame.geometry
        if geometry == "lonlat" and (g.geom_type == "Point").all():
            plain["lon"], plain["lat"] = g.x.round(7), g.y.round(7)
        else:
            plain["wkt"] = g.to_wkt(rounding_precision=7)
    with writing(path), atomic_target(path) as tmp:
        plain.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
