"""Spatial questions over the GeoPackage, answered geodesically.

Every distance here is measured on the WGS84 ellipsoid between the nearest
points of the two geometries (found in the regional projection, then measured
with :class:`pyproj.Geod`); nothing is measured in degrees.  Functions take a
name (anything :func:`neageo.find` resolves), a ``(lon, lat)`` pair, or a
shapely geometry in lon/lat.

A name that several features share (Hunchun is a place and a customs gate)
resolves to the first match - places, then customs gates, provinces,
countries, rivers, projects, events - with an :class:`~neageo.gazetteer.AmbiguousName`
warning saying which was used; prefix the layer to choose:
``"customs_gates:Hunchun"``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeAlias, overload

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from ._errors import NotDownstream, PlaceNotFound, QueryError, shown
from .dated import in_force
from .gazetteer import SEARCHED_LAYERS, AmbiguousName, Match, find, matches
from .geodesy import GEOD, from_regional, length_km, to_regional
from .io import gpkg_path, layer_names, read
from .network import RiverNetwork
from .settings import RIVER_SNAP_KM

__all__ = ["near", "distance_km", "within", "river_path", "border_length_km", "border_segments_km", "resolve",
           "NEAR_LAYERS"]

#: Layers :func:`near` searches by default.
NEAR_LAYERS = ("places", "customs_gates", "projects")
#: Largest radius :func:`near` accepts, km (half the Earth's circumference).
MAX_KM = 20_037.5

#: Anything a query can locate: a name, a ``(lon, lat)`` pair or a shapely geometry in lon/lat.
Target: TypeAlias = str | tuple[float, float] | BaseGeometry
_KIND_WORD = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line"}


def _check_lonlat(lon: object, lat: object) -> Point:
    try:
        x, y = float(lon), float(lat)  # type: ignore[arg-type]  # any object: what float() refuses is caught below
    except (TypeError, ValueError):
        raise QueryError(f"coordinates must be numbers, not ({lon!r}, {lat!r})") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise QueryError(f"coordinates must be finite numbers, not ({x}, {y})")
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        raise QueryError(f"({x}, {y}) is not a lon/lat position (lon -180..180, lat -90..90)")
    return Point(x, y)


@dataclass(frozen=True)
class Resolved:
    """A query's target: its geometry, a label for messages, and the feature it is (layer, id), if any."""

    geometry: BaseGeometry
    label: str
    feature: tuple[str, str] | None = None


def _resolve(target: Target, *, gpkg: str | Path | None = None,
             layers: list[str] | tuple[str, ...] | None = None) -> Resolved:
    if isinstance(target, BaseGeometry):
        if target.is_empty:
            raise QueryError("the geometry is empty")
        return Resolved(target, target.geom_type)
    if isinstance(target, str):
        hits = matches(target, gpkg=gpkg, layers=layers)
        best = hits[0]
        if _ambiguous(target, hits):
            others = ", ".join(f"{h.layer}:{h.name}" for h in hits[1:])
            warnings.warn(
                f"{target!r} names {len(hits)} features; using {best.layer}:{best.name} "
                f"(also {others}); write e.g. '{hits[1].layer}:{target}' to choose",
                AmbiguousName, stacklevel=3)
        return Resolved(best.geometry, f"{best.name} ({best.layer})", (best.layer, best.id))
    if isinstance(target, (tuple, list)) and len(target) == 2:
        p = _check_lonlat(*target)
        return Resolved(p, f"({p.x:g}, {p.y:g})")
    raise QueryError(f"cannot locate {shown(target)}: give a name, a (lon, lat) pair or a geometry")


def _ambiguous(target: str, hits: list[Match]) -> bool:
    """Whether a name really is shared: by two features' own names (Hunchun, the town and the gate).

    A name that is one feature's own name and another's alias (Khabarovsk, the
    city; "Khabarovsk" for Khabarovsk Krai) resolves to the first without fuss.
    """
    if len(hits) < 2:
        return False
    from .gazetteer import normalise, split_layer

    key = normalise(split_layer(target)[1])
    own = sum(normalise(h.name) == key or normalise(h.id) == key for h in hits)
    return own != 1


def resolve(target: Target, *, gpkg: str | Path | None = None,
            layers: list[str] | tuple[str, ...] | None = None) -> tuple[BaseGeometry, str]:
    """The geometry and a display label of a name (``"layer:name"`` to choose a layer), ``(lon, lat)`` or geometry."""
    found = _resolve(target, gpkg=gpkg, layers=layers)
    return found.geometry, found.label


def _check_km(value: object) -> float:
    if isinstance(value, (bool, str, bytes)):  # float("5") would pass: a radius is a number, not text
        raise QueryError(f"km must be a number, not {value!r}")
    try:
        km = float(value)  # type: ignore[arg-type]  # any object: what float() refuses is caught below
    except (TypeError, ValueError):
        raise QueryError(f"km must be a number, not {value!r}") from None
    if not math.isfinite(km) or km < 0:
        raise QueryError(f"km must be a finite number >= 0, not {km}")
    if km > MAX_KM:
        raise QueryError(f"km must be at most {MAX_KM:g} (half the Earth's circumference), not {km:g}")
    return float(km)


def _geodesic_distance_km(a: BaseGeometry, b_m: np.ndarray | None, b_geoms: Sequence[BaseGeometry] | np.ndarray
                          ) -> np.ndarray:
    """Geodesic distance (km) from ``a`` to each geometry in ``b_geoms`` (``b_m``: the same, projected).

    ``b_m`` may be None when every geometry is a point and ``a`` is a point:
    then the distance is simply the geodesic between them.
    """
    b_geoms = np.asarray(b_geoms, dtype=object)
    if isinstance(a, Point) and len(b_geoms) and (shapely.get_type_id(b_geoms) == 0).all():
        n = len(b_geoms)
        x, y = shapely.get_x(a), shapely.get_y(a)
        _, _, d = GEOD.inv(np.full(n, x), np.full(n, y), shapely.get_x(b_geoms), shapely.get_y(b_geoms))
        return np.asarray(d, dtype=float) / 1000.0
    if b_m is None:
        b_m = to_regional(b_geoms)
    a_m = to_regional(a)
    near_a, near_b = _nearest_pairs(a_m, b_m)
    pa, pb = from_regional(near_a), from_regional(near_b)
    _, _, d = GEOD.inv(shapely.get_x(pa), shapely.get_y(pa), shapely.get_x(pb), shapely.get_y(pb))
    d = np.asarray(d, dtype=float) / 1000.0
    d[shapely.intersects(a_m, b_m)] = 0.0
    return d


def _nearest_pairs(a_m: BaseGeometry, b_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lines = shapely.shortest_line(a_m, b_m)
    coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    return np.asarray(shapely.points(coords[:, 0])), np.asarray(shapely.points(coords[:, 1]))


def distance_km(a: Target, b: Target, *, gpkg: str | Path | None = None) -> float:
    """Geodesic distance in km between two features (nearest points for lines and areas).

    Examples
    --------
    >>> round(neageo.distance_km("Sinuiju", "Dandong"), 1)   # doctest: +SKIP
    3.2
    """
    ga = _resolve(a, gpkg=gpkg).geometry
    gb = _resolve(b, gpkg=gpkg).geometry
    gb_m = to_regional(np.array([gb], dtype=object))
    return float(_geodesic_distance_km(ga, gb_m, [gb])[0])


def _degree_box(geom: BaseGeometry, km: float) -> tuple[float, float, float, float]:
    """A lon/lat box certainly containing everything within ``km`` of ``geom``."""
    w, s, e, n = geom.bounds
    dlat = km / 110.5 + 0.01
    s2, n2 = max(s - dlat, -90.0), min(n + dlat, 90.0)
    coslat = math.cos(math.radians(min(max(abs(s2), abs(n2)), 89.9)))
    dlon = km / (111.3 * coslat) + 0.01
    if dlon >= 180 or n2 >= 89.9 or s2 <= -89.9:
        return (-180.0, -90.0, 180.0, 90.0)
    return (max(w - dlon, -180.0), s2, min(e + dlon, 180.0), n2)


def near(
    target: Target,
    *,
    km: float,
    layers: str | list[str] | tuple[str, ...] | None = None,
    gpkg: str | Path | None = None,
) -> gpd.GeoDataFrame:
    """Features within ``km`` of a named feature or a ``(lon, lat)``, nearest first.

    The layers' spatial indexes (GeoPackage R-trees) narrow the search to a
    box around the target; exact geodesic distances are then computed for the
    candidates only.

    Returns
    -------
    geopandas.GeoDataFrame
        ``layer``, ``name``, ``distance_km`` and the feature's columns' name and
        geometry; the target itself is left out when it is a feature.

    Examples
    --------
    >>> neageo.near("Tumen River mouth", km=50)   # doctest: +SKIP
    >>> neageo.near((130.7, 42.3), km=50, layers=["places"])   # doctest: +SKIP
    """
    km = _check_km(km)
    found = _resolve(target, gpkg=gpkg)
    found_layer, found_name, found_dist, found_geom = _near_arrays(
        found.geometry, km, tuple(layer_names(layers) or NEAR_LAYERS), gpkg_path(gpkg), exclude=found.feature)
    if not found_layer:
        return gpd.GeoDataFrame({"layer": [], "name": [], "distance_km": []}, geometry=[], crs=4326)
    name = np.concatenate(found_name)
    dist = np.round(np.concatenate(found_dist), 3)
    layer_arr = np.asarray(found_layer, dtype=object)
    order = np.lexsort((name.astype(str), layer_arr.astype(str), dist))
    return _result_frame({"layer": layer_arr[order], "name": name[order], "distance_km": dist[order]},
                         np.concatenate(found_geom)[order])


@lru_cache(maxsize=1)
def _wgs84() -> CRS:
    return CRS.from_epsg(4326)


def _result_frame(columns: dict[str, np.ndarray], geoms: np.ndarray) -> gpd.GeoDataFrame:
    """A GeoDataFrame (EPSG:4326) from plain columns and shapely geometries.

    The geometry column is built as a GeometryArray that already carries the
    (cached) CRS object, so the constructor does not derive it again.
    """
    from geopandas.array import GeometryArray

    crs = _wgs84()
    frame = pd.DataFrame({**columns, "geometry": GeometryArray(np.asarray(geoms, dtype=object), crs=crs)})
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=crs)


def _near_arrays(geom: BaseGeometry, km: float, wanted: tuple[str, ...], path: Path, *,
                 exclude: tuple[str, str] | None = None
                 ) -> tuple[list[str], list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """The search itself: R-tree candidates in a box, then exact geodesic distances (arrays out).

    ``exclude`` is the target feature (layer, id): only it is left out, not
    other features at the same position (a market in the town it is named after).
    """
    box = shapely.box(*_degree_box(geom, km))
    found_layer: list[str] = []
    found_name: list[np.ndarray] = []
    found_dist: list[np.ndarray] = []
    found_geom: list[np.ndarray] = []
    for layer in wanted:
        names, ids, geoms, tree = _layer_index(str(path), path.stat().st_mtime_ns, layer)
        idx = np.sort(tree.query(box))
        if len(idx) == 0:
            continue
        cand = geoms[idx]
        dist = _geodesic_distance_km(geom, None, cand)
        keep = dist <= km
        if exclude is not None and exclude[0] == layer and ids is not None:
            keep &= ids[idx] != exclude[1]
        found_layer += [layer] * int(keep.sum())
        found_name.append(names[idx][keep])
        found_dist.append(dist[keep])
        found_geom.append(cand[keep])
    return found_layer, found_name, found_dist, found_geom


def within(area: Target, layer: str, *, gpkg: str | Path | None = None) -> gpd.GeoDataFrame:
    """Features of ``layer`` inside a named province or country (or any polygon).

    Points count when inside; lines and polygons when they overlap it, with
    ``share_inside`` (0-1, by length or area in the equal-area projection).

    Examples
    --------
    >>> neageo.within("Primorsky Krai", "places")   # doctest: +SKIP
    """
    geom = _area(area, gpkg)
    frame = read(layer, bbox=geom.bounds, gpkg=gpkg)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise QueryError(f"layer {layer!r} has no geometry")
    if frame.empty:
        return frame.assign(share_inside=pd.Series(dtype=float))
    geoms = frame.geometry.values
    hit = shapely.intersects(geom, geoms)
    sel = frame[hit].copy()
    g_m, area_m = to_regional(sel.geometry.values), to_regional(geom)
    share = []
    for g in g_m:
        if g.geom_type in ("Point", "MultiPoint"):
            share.append(1.0)
        elif g.geom_type in ("LineString", "MultiLineString"):
            share.append(g.intersection(area_m).length / g.length if g.length else 1.0)
        else:
            share.append(g.intersection(area_m).area / g.area if g.area else 1.0)
    sel["share_inside"] = np.round(share, 4)
    return sel[sel["share_inside"] > 0].reset_index(drop=True)


def _area(area: Target, gpkg: str | Path | None) -> BaseGeometry:
    """The polygon ``within`` searches: a province or country by name (or ``layer:name``), or a polygon."""
    areas = ["provinces", "countries"]
    if isinstance(area, str):
        from .gazetteer import split_layer

        prefix, _ = split_layer(area)
        try:
            found = _resolve(area, gpkg=gpkg, layers=None if prefix else areas)
        except PlaceNotFound:
            try:  # a name that exists, but is not a province or country: say so
                other = find(area, gpkg=gpkg).iloc[0]
            except PlaceNotFound:
                raise PlaceNotFound(f"no province or country is called {shown(area)}") from None
            raise QueryError(
                f"{other['name_en']} is not an area: it is a {_KIND_WORD.get(other.geometry.geom_type, 'feature')} in {other['layer']}; "
                "within() takes a province, a country or a polygon") from None
    else:
        found = _resolve(area, gpkg=gpkg)
    geom = found.geometry
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise QueryError(f"{found.label if isinstance(area, str) else repr(area)} is not an area "
                         f"(it is a {geom.geom_type}); within() takes a province, a country or a polygon")
    return geom


@lru_cache(maxsize=16)
def _layer_index(path: str, mtime_ns: int, layer: str
                 ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, shapely.STRtree]:
    """Names, feature ids, geometries and an in-memory R-tree of a layer, kept while the GeoPackage is unchanged."""
    frame = read(layer, gpkg=path)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise QueryError(f"layer {layer!r} has no geometry to search")
    col = next((c for c in ("name_en", "title", "countries") if c in frame), None)
    names = frame[col].astype(str).to_numpy(dtype=object) if col else frame.index.astype(str).to_numpy(dtype=object)
    id_col = SEARCHED_LAYERS.get(layer, (None,))[0]
    ids = frame[id_col].astype(str).to_numpy(dtype=object) if id_col in frame else None
    geoms = np.asarray(frame.geometry.values, dtype=object)
    return names, ids, geoms, shapely.STRtree(geoms)


@lru_cache(maxsize=2)
def _network(path: str, mtime_ns: int) -> RiverNetwork:
    ways = read("waterways", gpkg=path)
    lines = list(to_regional(ways.geometry.values))
    labels = [r if isinstance(r, str) and r else None for r in ways["river"]]  # nulls come back as NaN
    return RiverNetwork.from_edges(lines, list(ways["kind"]), ways["from_node"], ways["to_node"], labels)


def river_path(start: Target, end: Target, *, gpkg: str | Path | None = None) -> gpd.GeoDataFrame:
    """The downstream path along the river network from ``start`` to ``end``.

    Each end snaps to the river: ``start`` to the nearest river, ``end`` to the
    nearest water downstream of it (within :data:`neageo.settings.RIVER_SNAP_KM`, 25 km).

    Returns
    -------
    geopandas.GeoDataFrame
        One row: the path (oriented downstream), ``length_km``, ``rivers`` (the
        named rivers passed, in order, separated by " > "), ``start_offset_km``
        and ``end_offset_km`` (how far each place is from where it meets the river).

    Raises
    ------
    NotDownstream
        when ``end`` is not downstream of ``start``.

    Examples
    --------
    >>> neageo.river_path("Jilin City", "Khabarovsk")[["length_km", "rivers"]]   # doctest: +SKIP
    """
    a, a_label = resolve(start, gpkg=gpkg)
    b, b_label = resolve(end, gpkg=gpkg)
    path = gpkg_path(gpkg)
    net = _network(str(path), path.stat().st_mtime_ns)  # shared: route() never modifies it
    pa, pb = to_regional(a.representative_point()), to_regional(b.representative_point())
    try:
        trace = net.route(pa, pb, max_m=RIVER_SNAP_KM * 1000)
    except NotDownstream as exc:
        raise NotDownstream(f"{b_label} is not downstream of {a_label}: {exc}") from None
    except QueryError as exc:
        raise QueryError(f"{a_label}: {exc}") from None
    names: list[str] = []
    for eid in trace.edges:
        label = net.labels[eid]
        if label and (not names or names[-1] != label):
            names.append(label)
    line = from_regional(trace.line)
    start_pt, end_pt = from_regional(Point(trace.line.coords[0])), from_regional(Point(trace.line.coords[-1]))
    ra, rb = a.representative_point(), b.representative_point()
    return gpd.GeoDataFrame(
        [{
            "start": a_label,
            "end": b_label,
            "length_km": round(length_km(line), 2),
            "rivers": " > ".join(names),
            "start_offset_km": round(GEOD.inv(ra.x, ra.y, start_pt.x, start_pt.y)[2] / 1000, 2),
            "end_offset_km": round(GEOD.inv(rb.x, rb.y, end_pt.x, end_pt.y)[2] / 1000, 2),
            "geometry": line,
        }],
        crs=4326,
    )


def _country(name: str, gpkg: str | Path | None) -> str:
    if isinstance(name, str) and len(name) == 3 and name.isalpha() and name.isupper():
        return name
    try:
        hits = find(name, gpkg=gpkg, layers=["countries"])
    except PlaceNotFound as exc:
        raise PlaceNotFound(f"{exc} (border_length_km takes countries)") from None
    return str(hits.iloc[0]["id"])


@overload
def border_length_km(
    a: str, b: str, *, year: int | None = None, by_segment: Literal[False] = False, gpkg: str | Path | None = None
) -> float: ...
@overload
def border_length_km(
    a: str, b: str, *, year: int | None = None, by_segment: Literal[True], gpkg: str | Path | None = None
) -> pd.DataFrame: ...
@overload
def border_length_km(
    a: str, b: str, *, year: int | None = None, by_segment: bool, gpkg: str | Path | None = None
) -> float | pd.DataFrame: ...
def border_length_km(
    a: str, b: str, *, year: int | None = None, by_segment: bool = False, gpkg: str | Path | None = None
) -> float | pd.DataFrame:
    """Geodesic length of the border between two countries (names or ISO codes), km.

    Parameters
    ----------
    a, b
        Countries, by name or ISO 3166-1 alpha-3 code.
    year
        The border in force in that year (None: today's).  China-Russia differs
        before 2008, when the Heixiazi / Bolshoy Ussuriysky settlement took effect.
    by_segment
        Kept for existing code: returns what :func:`border_segments_km` returns;
        new code should call that (its return type does not depend on a flag).

    Returns
    -------
    float
        Kilometres, measured on the WGS84 ellipsoid.

    Examples
    --------
    >>> neageo.border_length_km("China", "North Korea")   # doctest: +SKIP
    1359.16
    >>> neageo.border_length_km("CHN", "RUS", year=2005)  # doctest: +SKIP
    4283.13
    """
    pair = "-".join(sorted((_country(a, gpkg), _country(b, gpkg))))
    borders: pd.DataFrame = read("borders", where=f"countries = '{pair}'", gpkg=gpkg, year=year)
    if year is None:  # every version was read: today's
        borders = in_force(borders, None)
    if borders.empty:
        raise QueryError(f"neageo has no border between {pair.replace('-', ' and ')}")
    lengths = np.array([length_km(g) for g in borders.geometry])
    if not by_segment:
        return round(float(lengths.sum()), 2)
    frame = pd.DataFrame({"segment": borders["segment"].to_numpy(), "length_km": lengths,
                          "along_river_km": borders["along_river_km"].to_numpy()})
    out = frame.groupby("segment", sort=False).agg(length_km=("length_km", "sum"),
                                                   along_river_km=("along_river_km", "sum"), parts=("length_km", "size"))
    out["along_river_km"] = out["along_river_km"].where(out.index != "land")
    return out.round(2).reset_index()


def border_segments_km(
    a: str, b: str, *, year: int | None = None, gpkg: str | Path | None = None
) -> pd.DataFrame:
    """The border between two countries by segment: one row per river (or ``land``).

    Returns
    -------
    pandas.DataFrame
        ``segment``, ``length_km`` (geodesic), ``along_river_km`` (the length of
        the river alongside; null for land) and ``parts`` (pieces of border).

    Examples
    --------
    >>> neageo.border_segments_km("China", "Russia")   # doctest: +SKIP
    """
    return border_length_km(a, b, year=year, by_segment=True, gpkg=gpkg)
