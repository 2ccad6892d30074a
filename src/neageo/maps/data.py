"""The layers a map needs, read once from the GeoPackage and prepared for the web."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import shapely

from ..io import read
from .web import TOLERANCE_M, drop_small_parts, round_points, simplify_coverage, simplify_lines

__all__ = ["MapData"]


class MapData:
    """Layers of one GeoPackage, raw and web-ready (clipped, simplified, rounded)."""

    def __init__(self, gpkg=None):
        self.gpkg = gpkg
        self._raw: dict[str, gpd.GeoDataFrame] = {}
        self.admin = lru_cache(maxsize=16)(self._admin)
        self.lines = lru_cache(maxsize=64)(self._lines)

    def raw(self, name: str):
        if name not in self._raw:
            self._raw[name] = read(name, gpkg=self.gpkg)
        return self._raw[name]

    def _admin(self, box: tuple[float, float, float, float], min_part_km2: float = 0.0):
        out = simplify_coverage({"provinces": self.raw("provinces"), "countries": self.raw("countries")}, box=box)
        if min_part_km2:
            out = {k: drop_small_parts(v, min_part_km2) for k, v in out.items()}
        return out["countries"], out["provinces"]

    def _lines(self, name: str, box: tuple[float, float, float, float], tolerance_m: float = TOLERANCE_M):
        return simplify_lines(self.raw(name), box=box, tolerance_m=tolerance_m)

    def points(self, name: str, box=None):
        frame = self.raw(name)
        if box is not None:
            frame = frame[frame.intersects(shapely.box(*box))]
        return round_points(frame)

    def any_geom(self, name: str, box=None, where=None):
        """Mixed layers (projects, events): points rounded, lines and polygons simplified."""
        frame = self.raw(name)
        if where is not None:
            frame = frame[where(frame)]
        if box is not None:
            frame = frame[frame.intersects(shapely.box(*box))]
        pts = frame.geom_type.isin(["Point", "MultiPoint"])
        out = []
        if pts.any():
            out.append(round_points(frame[pts]))
        if (~pts).any():
            out.append(simplify_lines(frame[~pts]))
        if not out:
            return frame
        import pandas as pd

        return gpd.GeoDataFrame(pd.concat(out).sort_index(), crs=4326)
