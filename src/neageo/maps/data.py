"""The layers a map needs, read once from the GeoPackage and prepared for the web."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import pandas as pd
import shapely

from ..io import gpkg_path, read
from .web import TOLERANCE_M, drop_small_parts, round_points, simplify_coverage, simplify_lines

__all__ = ["MapData"]


def _map_boxes(box) -> tuple[tuple[float, ...], ...]:
    """Every map's data box and ``box``: the admin layers are simplified once over their union, cut at their sides."""
    from .specs import load_specs

    return tuple(sorted({*(tuple(spec.box) for spec in load_specs().values()), tuple(box)}))


@lru_cache(maxsize=2)
def _simplified_admin(path: str, stamp: tuple[int, int], box: tuple[float, float, float, float],
                      cuts: tuple[tuple[float, ...], ...] = ()):
    """Countries and provinces of a GeoPackage simplified as one coverage over ``box``.

    Cached per file (path, modification time and size), so every map rendered from one GeoPackage in
    a process shares one simplification: it is by far the costliest step of rendering.  The edges
    cross the sides of the ``cuts`` (every map's box) where the originals do, so clipping to a map's
    box adds no displacement along its sides.
    """
    layers = {name: read(name, gpkg=path) for name in ("provinces", "countries")}
    return simplify_coverage({k: v for k, v in layers.items() if isinstance(v, gpd.GeoDataFrame)}, box=box,
                             cuts=cuts)


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
        cuts = _map_boxes(box)
        union = (min(c[0] for c in cuts), min(c[1] for c in cuts), max(c[2] for c in cuts), max(c[3] for c in cuts))
        every = _simplified_admin(str(path.resolve()), (st.st_mtime_ns, st.st_size), union, cuts)
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
