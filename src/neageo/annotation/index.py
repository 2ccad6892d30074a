"""neageo's layers prepared for annotation: lookup grids for provinces and countries, k-d trees for the nearest searches.

:class:`LayerIndex` holds the provinces and countries (prepared polygons and
their lookup grids, :mod:`neageo._grid`: a point in a cell that lies inside one
polygon or outside all is answered by lookup, only points in cells a boundary
runs through are tested against the polygons), the borders in force in the year
asked for (:func:`neageo.dated.in_force`), the territory that changed hands
since, and the certified geodesic nearest-feature engines of
:mod:`neageo._nearest` for borders, rivers, gates and places.
:func:`layer_index` caches one per GeoPackage version and year.

Text columns come back as :class:`Coded` (a code per row into a small table of
values), so that a frame, a CSV or an Arrow column is made from them without a
Python string per row.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from .._grid import BOUNDARY, GRID_LAYERS, CellGrid, first_cover, grid_for
from .._nearest import NearestLines, NearestPoints
from ..dated import in_force
from ..gpkg import lookup_grid, read_only
from ..io import check_year, gpkg_path, read
from ..io import layers as _layers
from ..settings import STUDY_BBOX

__all__ = ["Coded", "LayerIndex", "layer_index"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: Serialises queries on prepared GEOS geometries: GEOS builds a prepared geometry's index lazily and
#: is not safe when two threads query the same one (seen as "double free or corruption" on 1M points).
_GEOS_LOCK = threading.Lock()


def _attrs(frame, attrs: dict[str, str]) -> dict[str, np.ndarray]:
    return {k: frame[c].astype(object).where(frame[c].notna(), None).to_numpy(dtype=object) for k, c in attrs.items()}


@dataclass(frozen=True)
class Coded:
    """A text column as codes: row i holds ``values[codes[i]]``, or null where ``codes[i]`` is -1."""

    codes: np.ndarray
    values: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)

    def decoded(self) -> np.ndarray:
        """The column as an object array (None for null)."""
        return _pick(self.values, self.codes)


class LayerIndex:
    """neageo's layers prepared for annotation: polygons for lookup, k-d trees for the nearest searches.

    Picklable (shapely geometries and scipy k-d trees pickle), so one copy can
    be shipped to Dask workers; polygons are prepared again on arrival.
    """

    def __init__(self, frames: dict, *, year: int | None = None, grids: dict[str, CellGrid] | None = None,
                 lookup: bool = True):
        """``grids``: lookup grids by layer (for exactly these geometries; default: built now);
        ``lookup=False`` tests every point against the polygons instead (the exact path, for checks)."""
        self.year = year
        prov = frames["provinces"]
        self.prov_geoms = np.asarray(prov.geometry.values, dtype=object)
        prov_id = prov["adm1_code"].to_numpy(dtype=object)
        prov_name = prov["name_en"].to_numpy(dtype=object)
        ctry = frames["countries"]
        self.ctry_geoms = np.asarray(ctry.geometry.values, dtype=object)
        changes = frames.get("territory_changes")
        if changes is not None:  # today's map needs no change; a past year undoes the later ones
            changes = changes.iloc[:0] if year is None else changes[changes["year"] > year]
        if changes is None:
            changes = pd.DataFrame({"from_iso": [], "from_province": []})
        by_name = dict(zip(prov_name, prov_id))
        self.change_geoms = np.asarray(getattr(changes, "geometry", pd.Series([])).values, dtype=object)
        self.change_bounds = shapely.bounds(self.change_geoms)
        # the tables the codes of the country and province columns point into: provinces first, then
        # countries (for the country column) or the changes (the province a change gives back)
        self.country_values = np.concatenate([prov["iso_a3"].to_numpy(dtype=object), ctry["iso_a3"].to_numpy(dtype=object),
                                              changes["from_iso"].to_numpy(dtype=object)])
        self.province_id_values = np.concatenate([prov_id, np.array([by_name.get(n) for n in changes["from_province"]],
                                                                    dtype=object)])
        self.province_values = np.concatenate([prov_name, changes["from_province"].to_numpy(dtype=object)])
        self.prov_bounds = shapely.bounds(self.prov_geoms)
        self.ctry_bounds = shapely.bounds(self.ctry_geoms)
        grids = grids or {}
        self.grids: dict[str, CellGrid] | None = None
        if lookup:
            self.grids = {layer: grids.get(layer) or CellGrid.build(geoms)
                          for layer, geoms in zip(GRID_LAYERS, (self.prov_geoms, self.ctry_geoms))}
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
        shapely.prepare(self.change_geoms)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._prepare()

    @classmethod
    def from_gpkg(cls, path: Path, *, year: int | None = None, lookup: bool = True) -> LayerIndex:
        names = set(_layers(gpkg=path)["name"])
        frames = {name: read(name, gpkg=path) for name in
                  ("provinces", "countries", "borders", "customs_gates", "rivers", "places")}
        if "territory_changes" in names:
            frames["territory_changes"] = read("territory_changes", gpkg=path)
        elif year is not None:
            log.info("%s has no territory_changes layer: year=%s changes borders only", path, year)
        if not lookup:
            return cls(frames, year=year, lookup=False)
        with read_only(path) as con:
            stored = {layer: lookup_grid(con, layer) for layer in GRID_LAYERS}
        grids = {layer: grid_for(stored[layer], np.asarray(frames[layer].geometry.values, dtype=object),
                                 where=path, layer=layer) for layer in GRID_LAYERS}
        return cls(frames, year=year, grids=grids)

    # -------------------------------------------------------------------------------- per chunk of rows

    def annotate_xy(self, x: np.ndarray, y: np.ndarray, groups) -> dict[str, np.ndarray | Coded]:
        """Added columns (without prefix) for lon/lat arrays; NaN coordinates give nulls.

        ``outside`` is a bool array (False also for a null point: see ``valid``), ``valid`` marks the
        points with coordinates, ``*_km`` are float arrays (NaN for null), every text column is :class:`Coded`.
        """
        n = len(x)
        valid = ~(np.isnan(x) | np.isnan(y))
        prov = np.full(n, -1)
        iv = np.flatnonzero(valid)
        prov[iv] = self._first(0, x[iv], y[iv])
        w, s, e, nn = self.bbox
        in_box = (x >= w) & (x <= e) & (y >= s) & (y <= nn)
        inside = valid & (in_box | (prov >= 0))
        out: dict[str, np.ndarray | Coded] = {"outside": valid & ~inside, "valid": valid}
        ii = np.flatnonzero(inside)
        if "country" in groups or "province" in groups:
            p = prov[ii]
            country, province = p.copy(), p.copy()  # a province's row is its code in both tables
            need = np.flatnonzero(p < 0)
            if len(need):
                c = self._first(1, x[ii[need]], y[ii[need]])
                country[need] = np.where(c >= 0, len(self.prov_geoms) + c, -1)
            if len(self.change_geoms):
                with _GEOS_LOCK:
                    ch = first_cover(self.change_geoms, self.change_bounds, x[ii], y[ii])
                hit = ch >= 0
                country[hit] = len(self.prov_geoms) + len(self.ctry_geoms) + ch[hit]
                province[hit] = len(self.prov_geoms) + ch[hit]
            if "country" in groups:
                out["country"] = Coded(_spread(n, ii, country, -1), self.country_values)
            if "province" in groups:
                codes = _spread(n, ii, province, -1)
                out["province_id"] = Coded(codes, self.province_id_values)
                out["province"] = Coded(codes, self.province_values)
        nearest = [g for g in ("border", "gate", "river", "place") if g in groups]
        if nearest:
            ii = ii[_spatial_order(x[ii], y[ii])]  # neighbours together: the searches run ~25 % faster
        for group in nearest:
            engine, attrs = self.nearest[group]
            feat, dist = engine.query(x[ii], y[ii])
            km = np.where(feat >= 0, dist / 1000.0, np.nan)
            codes = _spread(n, ii, feat, -1)
            if group == "border":
                out["border_km"] = _spread(n, ii, km, np.nan)
                out["border_pair"] = Coded(codes, attrs["pair"])
                out["border_segment"] = Coded(codes, attrs["segment"])
            else:
                out[group] = Coded(codes, attrs["name"])
                out[f"{group}_km"] = _spread(n, ii, km, np.nan)
        return out

    def _first(self, which: int, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Row of the first province (``which`` 0) or country (1) covering each point; -1 for none.

        The lookup grid answers the points in cells inside one polygon or outside all; the others (cells a
        boundary runs through) are tested against the prepared polygons, as are all without a grid.
        """
        geoms, bounds = (self.prov_geoms, self.prov_bounds) if which == 0 else (self.ctry_geoms, self.ctry_bounds)
        if self.grids is None:
            with _GEOS_LOCK:
                return first_cover(geoms, bounds, x, y)
        code = self.grids[GRID_LAYERS[which]].lookup(x, y).astype(np.int64)
        mixed = np.flatnonzero(code == BOUNDARY)
        if len(mixed):
            with _GEOS_LOCK:
                code[mixed] = first_cover(geoms, bounds, x[mixed], y[mixed])
        return code


def _spatial_order(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A serpentine order over rows 0.25 degrees high, so that nearby points are processed together."""
    row = np.floor(y / 0.25).astype(np.int64)
    return np.lexsort((np.where(row % 2 == 0, x, -x), row))


def _spread(n: int, idx: np.ndarray, values: np.ndarray, fill: float) -> np.ndarray:
    """An array of ``n`` holding ``values`` at ``idx`` and ``fill`` elsewhere (int32 codes for an int fill)."""
    out = np.full(n, fill, dtype=np.int32 if isinstance(fill, int) else float)
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
