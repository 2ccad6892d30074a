"""The gazetteer: every place the paper names, located from GeoNames where possible.

``places.csv`` is curated: names in four languages, every spelling the paper
or common romanisations use, a kind and a citation.  Coordinates come from the
committed GeoNames extract by ``geonames_id``; a place GeoNames lacks carries
its own coordinates, their source and a precision.  The province and country
are *derived* by a spatial join with the built provinces, and a declared
country that disagrees with the geometry stops the build.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from .._errors import SourceError
from ..geodesy import to_regional
from ..settings import PLACES_BBOX
from ..sources import Sources, check_lonlat, read_table, split_aliases
from .layer import Layer, described

__all__ = ["build_places", "PLACES_BBOX", "NEAREST_MAX_KM"]

#: A coastal or island point outside every province polygon takes the nearest
#: province within this distance (Natural Earth 1:10m drops small islands).
NEAREST_MAX_KM = 15.0
#: A town on a border river may fall just across the generalised 1:10m border;
#: within this distance of its declared country it takes that country's nearest province.
BORDER_SLACK_KM = 5.0

_COLUMNS = {
    "place_id": "str", "name_en": "str", "name_zh": "str", "name_ru": "str", "name_ko": "str", "aliases": "str",
    "kind": "str", "iso_a3": "str", "geonames_id": "int", "lon": "float", "lat": "float", "coord_source": "str",
    "precision_km": "float", "citation": "str",
}


def _geonames(src: Sources) -> pd.DataFrame:
    frame = read_table(
        src, "places", "geonames_cities500.csv",
        columns={"geonameid": "int", "name": "str", "latitude": "float", "longitude": "float",
                 "countrycode": "str", "population": "int"},
        key="geonameid",
    )
    return frame.set_index("geonameid")


_SHOWN = "geodata/sources/places/places.csv"


def read_places(src: Sources) -> gpd.GeoDataFrame:
    """Read and check ``places.csv`` row by row (ids, names, coordinates in the region): no provinces needed."""
    shown = _SHOWN
    rows = read_table(
        src, "places", "places.csv", columns=_COLUMNS,
        optional=("name_zh", "name_ru", "name_ko", "aliases", "geonames_id", "lon", "lat", "coord_source",
                  "precision_km"),
        key="place_id",
    )
    dup_names = rows[rows.duplicated("name_en", keep="first")]
    if len(dup_names):
        first = dup_names.iloc[0]
        raise SourceError(f"{shown}, row {first['_row']}: duplicate name_en {first['name_en']!r}")
    gn = _geonames(src)
    records = []
    for r in rows.to_dict("records"):
        where = f"{shown}, row {r['_row']}"
        has_id, has_xy = r["geonames_id"] is not None, r["lon"] is not None or r["lat"] is not None
        if has_id == has_xy:
            raise SourceError(f"{where}: give either geonames_id or lon and lat, not {'both' if has_id else 'neither'}")
        if has_id:
            gid = r["geonames_id"]
            if gid not in gn.index:
                raise SourceError(f"{where}: geonames_id {gid} is not in geodata/sources/places/geonames_cities500.csv")
            g = gn.loc[gid]
            lon, lat = float(g["longitude"]), float(g["latitude"])
            source, precision, population = f"GeoNames {gid} ({g['name']})", 1.0, int(g["population"])
        else:
            if r["lon"] is None or r["lat"] is None:
                raise SourceError(f"{where}: both lon and lat are needed")
            if not r["coord_source"] or r["precision_km"] is None:
                raise SourceError(f"{where}: a place without geonames_id needs coord_source and precision_km")
            lon, lat, source, precision, population = r["lon"], r["lat"], r["coord_source"], r["precision_km"], None
        check_lonlat(shown, r["_row"], lon, lat, PLACES_BBOX)
        records.append({**r, "lon": lon, "lat": lat, "coord_source": source, "precision_km": precision,
                        "population": population, "geometry": Point(lon, lat)})
    return gpd.GeoDataFrame(records, crs=4326)


def build_places(src: Sources, provinces: gpd.GeoDataFrame, *, points: gpd.GeoDataFrame | None = None) -> Layer:
    """The places layer: ``points`` (from :func:`read_places`; read now if not given) joined to their provinces."""
    frame = (read_places(src) if points is None else points).copy()
    _join_provinces(frame, provinces, _SHOWN)
    frame["aliases"] = ["|".join(split_aliases(a)) or None for a in frame["aliases"]]
    frame["geonames_id"] = frame["geonames_id"].astype("Int64")
    frame["population"] = frame["population"].astype("Int64")
    cols = ["place_id", "name_en", "name_zh", "name_ru", "name_ko", "aliases", "kind", "iso_a3", "province",
            "province_match", "geonames_id", "population", "coord_source", "precision_km", "citation", "geometry"]
    frame = gpd.GeoDataFrame(frame[cols], crs=4326)
    return described("places", frame)


def _join_provinces(frame: gpd.GeoDataFrame, provinces: gpd.GeoDataFrame, shown: str) -> None:
    prov_geoms = provinces.geometry.values
    tree = shapely.STRtree(prov_geoms)
    prov_m = None
    names, isos, matches = [], [], []
    for rec in frame.to_dict("records"):
        hits = [int(i) for i in tree.query(rec["geometry"], predicate="within")]
        if hits:
            i, match = hits[0], "inside"
        else:
            if prov_m is None:
                prov_m = to_regional(prov_geoms)
            p = to_regional(rec["geometry"])
            dist = shapely.distance(prov_m, p)
            i = int(np.argmin(dist))
            if dist[i] / 1000 > NEAREST_MAX_KM:
                raise SourceError(
                    f"{shown}, row {rec['_row']}: {rec['name_en']} lies {dist[i] / 1000:.0f} km from any province "
                    "(in the sea? check lon/lat)"
                )
            match = f"nearest, {dist[i] / 1000:.1f} km"
        prov = provinces.iloc[i]
        if prov["iso_a3"] != rec["iso_a3"]:
            if prov_m is None:
                prov_m = to_regional(prov_geoms)
            own = np.flatnonzero(provinces["iso_a3"].to_numpy() == rec["iso_a3"])
            dist = shapely.distance(prov_m[own], to_regional(rec["geometry"])) if len(own) else np.array([np.inf])
            j = int(np.argmin(dist))
            if dist[j] / 1000 > BORDER_SLACK_KM:
                raise SourceError(
                    f"{shown}, row {rec['_row']}: {rec['name_en']} is declared {rec['iso_a3']} but its point lies in "
                    f"{prov['name_en']} ({prov['iso_a3']}); fix iso_a3 or the coordinates"
                )
            prov = provinces.iloc[int(own[j])]
            match = f"nearest in {rec['iso_a3']}, {dist[j] / 1000:.1f} km (generalised border)"
        names.append(prov["name_en"])
        isos.append(prov["iso_a3"])
        matches.append(match)
    frame["province"] = names
    frame["province_match"] = matches
