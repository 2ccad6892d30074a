"""neageo's layers prepared for annotation: polygons for point lookup, k-d trees for the nearest searches.

:class:`LayerIndex` holds the provinces and countries (prepared polygons), the
borders in force in the year asked for (:func:`neageo.dated.in_force`), the
territory that changed hands since, and the certified geodesic nearest-feature
engines of :mod:`neageo._nearest` for borders, rivers, gates and places.
:func:`layer_index` caches one per GeoPackage version and year.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from .._nearest import NearestLines, NearestPoints
from ..dated import in_force
from ..io import check_year, gpkg_path, read
from ..io import layers as _layers
from ..settings import STUDY_BBOX

__all__ = ["LayerIndex", "layer_index"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: Serialises queries on prepared GEOS geometries: GEOS builds a prepared geometry's index lazily and
#: is not safe when two threads query the same one (seen as "double free or corruption" on 1M points).
_GEOS_LOCK = threading.Lock()


def _attrs(frame, attrs: dict[str, str]) -> dict[str, np.ndarray]:
    return {k: frame[c].astype(object).where(frame[c].notna(), None).to_numpy(dtype=object) for k, c in attrs.items()}


class LayerIndex:
    """neageo's layers prepared for annotation: polygons for lookup, k-d trees for the nearest searches.

    Picklable (shapely geometries and scipy k-d trees pickle), so one copy can
    be shipped to Dask workers; polygons are prepared again on arrival.
    """

    def __init__(self, frames: dict, *, year: int | None = None):
        self.year = year
        prov = frames["provinces"]
        self.prov_geoms = np.asarray(prov.geometry.values, dtype=object)
        self.prov_id = prov["adm1_code"].to_numpy(dtype=object)
        self.prov_name = prov["name_en"].to_numpy(dtype=object)
        self.prov_iso = prov["iso_a3"].to_numpy(dtype=object)
        ctry = frames["countries"]
        self.ctry_geoms = np.asarray(ctry.geometry.values, dtype=object)
        self.ctry_iso = ctry["iso_a3"].to_numpy(dtype=object)
        changes = frames.get("territory_changes")
        if changes is not None:  # today's map needs no change; a past year undoes the later ones
            changes = changes.iloc[:0] if year is None else changes[changes["year"] > year]
        self.changes = None
        if changes is not None and len(changes):
            by_name = dict(zip(self.prov_name, self.prov_id))
            self.changes = {
                "geoms": np.asarray(changes.geometry.values, dtype=object),
                "iso": changes["from_iso"].to_numpy(dtype=object),
                "province": changes["from_province"].to_numpy(dtype=object),
                "province_id": np.array([by_name.get(n) for n in changes["from_province"]], dtype=object),
            }
            self.changes["bounds"] = shapely.bounds(self.changes["geoms"])
        self.prov_bounds = shapely.bounds(self.prov_geoms)
        self.ctry_bounds = shapely.bounds(self.ctry_geoms)
        borders = in_force(frames["borders"], year)
        self.nearest: dict[str, tuple[NearestLines | NearestPoints, dict[str, np.ndarray]]] = {
            "border": (NearestLines(borders.geometry.values), _attrs(borders, {"pair": "countries",
                                                                              "segment": "segment"})),
            "river": (NearestLines(frames["rivers"].geometry.values), _attrs(frames["rivers"], {"name": "name_en"})),
        }
        for group, layer in (("gate", "customs_gates"), ("place", "places")):
            frame = frames[layer]
            pts = np.asarray(frame.geometry.values, dtype=object)
            self.nearest[group] = (NearestPoints(shapely.get_x(pts), shapely.get_y(pts)),
                                   _attrs(frame, {"name": "name_en"}))
        w, s, e, n = STUDY_BBOX
        self.bbox = (w, s, e, n)
        self._prepare()

    def _prepare(self) -> None:
        shapely.prepare(self.prov_geoms)
        shapely.prepare(self.ctry_geoms)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._prepare()

    @classmethod
    def from_gpkg(cls, path: Path, *, year: int | None = None) -> LayerIndex:
        names = set(_layers(gpkg=path)["name"])
        frames = {name: read(name, gpkg=path) for name in
                  ("provinces", "countries", "borders", "customs_gates", "rivers", "places")}
        if "territory_changes" in names:
            frames["territory_changes"] = read("territory_changes", gpkg=path)
        elif year is not None:
            log.info("%s has no territory_changes layer: year=%s changes borders only", path, year)
        return cls(frames, year=year)

    # -------------------------------------------------------------------------------- per chunk of rows

    def annotate_xy(self, x: np.ndarray, y: np.ndarray, groups) -> dict[str, np.ndarray]:
        """Added columns (without prefix) for lon/lat arrays; NaN coordinates give nulls."""
        n = len(x)
        valid = ~(np.isnan(x) | np.isnan(y))
        prov = np.full(n, -1)
        iv = np.flatnonzero(valid)
        with _GEOS_LOCK:
            prov[iv] = self._cover(self.prov_geoms, self.prov_bounds, x[iv], y[iv])
        w, s, e, nn = self.bbox
        in_box = (x >= w) & (x <= e) & (y >= s) & (y <= nn)
        inside = valid & (in_box | (prov >= 0))
        outside = np.where(valid, ~inside, False).astype(object)
        outside[~valid] = pd.NA
        out: dict[str, np.ndarray] = {"outside": outside}
        ii = np.flatnonzero(inside)
        ii = ii[_spatial_order(x[ii], y[ii])]  # neighbours together: the searches run ~25 % faster
        xi, yi = x[ii], y[ii]
        if "country" in groups or "province" in groups:
            p = prov[ii]
            country = _pick(self.prov_iso, p)
            need = np.flatnonzero(p < 0)
            if len(need):
                with _GEOS_LOCK:
                    c = self._cover(self.ctry_geoms, self.ctry_bounds, xi[need], yi[need])
                country[need] = _pick(self.ctry_iso, c)
            pid = _pick(self.prov_id, p)
            pname = _pick(self.prov_name, p)
            if self.changes is not None:
                with _GEOS_LOCK:
                    ch = self._cover(self.changes["geoms"], self.changes["bounds"], xi, yi)
                hit = ch >= 0
                country[hit] = self.changes["iso"][ch[hit]]
                pid[hit] = self.changes["province_id"][ch[hit]]
                pname[hit] = self.changes["province"][ch[hit]]
            if "country" in groups:
                out["country"] = _spread(n, ii, country, None)
            if "province" in groups:
                out["province_id"] = _spread(n, ii, pid, None)
                out["province"] = _spread(n, ii, pname, None)
        for group in ("border", "gate", "river", "place"):
            if group not in groups:
                continue
            engine, attrs = self.nearest[group]
            feat, dist = engine.query(xi, yi)
            km = np.where(feat >= 0, dist / 1000.0, np.nan)
            if group == "border":
                out["border_km"] = _spread(n, ii, km, np.nan)
                out["border_pair"] = _spread(n, ii, _pick(attrs["pair"], feat), None)
                out["border_segment"] = _spread(n, ii, _pick(attrs["segment"], feat), None)
            else:
                out[group] = _spread(n, ii, _pick(attrs["name"], feat), None)
                out[f"{group}_km"] = _spread(n, ii, km, np.nan)
        return out

    @staticmethod
    def _cover(geoms, bounds, x, y) -> np.ndarray:
        """Row of the first polygon covering each point (-1: none); boundary counts as inside.

        One vectorised test per polygon (tens of them), on the points inside its bounding box.
        """
        res = np.full(len(x), -1)
        for i in range(len(geoms) - 1, -1, -1):  # backwards, so the first polygon in layer order wins
            w, s, e, n = bounds[i]
            sel = np.flatnonzero((x >= w) & (x <= e) & (y >= s) & (y <= n))
            if len(sel):
                hit = shapely.intersects_xy(geoms[i], x[sel], y[sel])
                res[sel[hit]] = i
        return res


def _spatial_order(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A serpentine order over rows 0.25 degrees high, so that nearby points are processed together."""
    row = np.floor(y / 0.25).astype(np.int64)
    return np.lexsort((np.where(row % 2 == 0, x, -x), row))


def _spread(n: int, idx: np.ndarray, values: np.ndarray, fill) -> np.ndarray:
    dtype = float if fill is not None and isinstance(fill, float) else object
    out = np.full(n, fill, dtype=dtype)
    out[idx] = values
    return out


def _pick(values: np.ndarray, feat: np.ndarray) -> np.ndarray:
    """``values[feat]`` as objects, None where ``feat`` is -1."""
    out = np.full(len(feat), None, dtype=object)
    found = feat >= 0
    out[found] = values[feat[found]]
    return out


@lru_cache(maxsize=4)
def _cached_index(path: str, mtime_ns: int, year: int | None) -> LayerIndex:
    return LayerIndex.from_gpkg(Path(path), year=year)


def layer_index(*, gpkg: str | Path | None = None, year: int | None = None) -> LayerIndex:
    """The (cached) :class:`LayerIndex` of a GeoPackage for a year."""
    year = check_year(year)
    path = gpkg_path(gpkg)
    return _cached_index(str(path), path.stat().st_mtime_ns, year)
