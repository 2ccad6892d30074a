"""The layers a map needs, read once from the GeoPackage and prepared for the web."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import pandas as pd
import shapely

from .._coverage import COVERAGE_LAYERS, coverage_for
from ..gpkg import map_coverage, read_only
from ..io import gpkg_path, read
from .specs import map_boxes
from .web import TOLERANCE_M, drop_small_parts, round_points, simplify_lines

__all__ = ["MapData"]


@lru_cache(maxsize=2)
def _simplified_admin(path: str, stamp: tuple[int, int], cuts: tuple[tuple[float, ...], ...]):
    """Countries and provinces of a GeoPackage simplified as one coverage over every box of ``cuts``.

    The build stores this coverage for every map's box (:mod:`neageo._coverage`); it is read if it
    was made for exactly these geometries and boxes, else computed now (the costliest step of
    rendering, logged).  Cached per file (path, modification time and size), so every map rendered
    from one GeoPackage in a process shares it.  The edges cross the sides of the ``cuts`` where the
    originals do, so clipping to a map's box adds no displacement along its sides.
    """
    layers = {name: read(name, gpkg=path) for name in COVERAGE_LAYERS}
    frames = {k: v for k, v in layers.items() if isinstance(v, gpd.GeoDataFrame)}
    with read_only(path) as con:
        stored = {name: map_coverage(con, name) for name in frames}
    simple = coverage_for(stored, {k: v.geometry.values for k, v in frames.items()}, cuts, where=path)
    out = {}
    for name, (rows, geoms) in simple.items():
        frame = frames[name].iloc[rows].reset_index(drop=True)
        frame["geometry"] = geoms
        out[name] = frame
    return out


def _clip(frame: gpd.GeoDataFrame, box) -> gpd.GeoDataFrame:
    out = frame.clip(box, keep_geom_type=True)
    return out[~out.geometry.is_empty].sort_index().reset_index(drop=True)


class MapData:
    """Layers of one GeoPackage, raw and web-ready (clipped, simplified, rounded)."""

    def __init__(self, gpkg=None):
        self.gpkg = gpkg
        self._raw: dict[str, pd.DataFrame] = {}
        self.admin = lru_cache(maxsize=16)(self._admin)
        self.lines = lru_cache(maxsize=64)(self._lines)

    def raw(self, name: str):
        if name not in self._raw:
            self._raw[name] = read(name, gpkg=self.gpkg)
        return self._raw[name]

    def _admin(self, box: tuple[float, float, float, float], min_part_km2: float = 0.0):
        """Countries and provinces for a map's box: simplified once over every map's box, then clipped.

        Clipping a simplified coverage keeps neighbours' shared edges identical (both are cut by the same
        rectangle), so each map gets the same edges it would get from simplifying its own box.
        """
        path = gpkg_path(self.gpkg)
        st = path.stat()
        cuts = tuple(sorted({*map_boxes(), tuple(box)}))
        every = _simplified_admin(str(path.resolve()), (st.st_mtime_ns, st.st_size), cuts)
        out = {k: _clip(v, box) for k, v in every.items()}
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
        return gpd.GeoDataFrame(pd.concat(out).sort_index(), crs=4326)
