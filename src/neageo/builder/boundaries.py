"""Countries and provinces from one Natural Earth admin-1 release.

Countries were dissolved from all admin-1 units of the same release by the
extraction script, so every province edge on an international border is
vertex-identical to the country edge.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from .._errors import SourceError
from ..geodesy import area_km2
from ..metadata import format_box
from ..settings import STUDY_BBOX
from .layer import Layer, described
from .sources import Sources, read_table, read_vector, split_aliases

__all__ = ["build_countries", "build_provinces"]

_POLY = ("Polygon", "MultiPolygon")


def _join_aliases(*groups) -> str:
    seen: list[str] = []
    for group in groups:
        for alias in group:
            if alias and alias not in seen:
                seen.append(alias)
    return "|".join(seen) or None


def _with_names(src: Sources, geo, file: str, key: str):
    """Join the curated names table ``file`` to ``geo`` on ``key``; every feature must have names."""
    names = read_table(
        src, "boundaries", file,
        columns={key: "str", "name_en": "str", "name_zh": "str", "name_ru": "str", "name_ko": "str",
                 "aliases": "str"},
        optional=("aliases",), key=key,
    )
    missing = sorted(set(geo[key]) - set(names[key]))
    if missing:
        raise SourceError(f"geodata/sources/boundaries/{file}: no names for {', '.join(missing)}")
    return geo.merge(names.drop(columns="_row"), on=key, how="left")


def build_countries(src: Sources) -> Layer:
    geo = read_vector(src, "boundaries", "countries.geojson", geom_types=_POLY, columns=("iso_a3",))
    frame = _with_names(src, geo[["iso_a3", "geometry"]], "country_names.csv", "iso_a3")
    frame["aliases"] = [_join_aliases(split_aliases(a)) for a in frame["aliases"]]
    frame["area_km2"] = [round(area_km2(g), 1) for g in frame.geometry]
    frame["extent"] = ["whole" if iso in ("CHN", "RUS", "PRK", "MNG") else "clipped to the view box"
                       for iso in frame["iso_a3"]]
    frame = gpd.GeoDataFrame(
        frame[["iso_a3", "name_en", "name_zh", "name_ru", "name_ko", "aliases", "area_km2", "extent", "geometry"]],
        crs=4326,
    ).sort_values("iso_a3", ignore_index=True)
    return described("countries", frame)


def build_provinces(src: Sources) -> Layer:
    geo = read_vector(
        src, "boundaries", "provinces.geojson", geom_types=_POLY,
        columns=("adm1_code", "iso_a3", "source_name", "source_name_local", "source_name_alt", "source_type_en"),
    )
    frame = _with_names(src, geo, "province_names.csv", "adm1_code")
    frame["aliases"] = [
        _join_aliases(split_aliases(a), [s], split_aliases(alt))
        for a, s, alt in zip(frame["aliases"], frame["source_name"], frame["source_name_alt"])
    ]
    frame["area_km2"] = [round(area_km2(g), 1) for g in frame.geometry]
    frame = frame.rename(columns={"source_name_local": "name_local", "source_type_en": "kind"})
    cols = ["name_en", "iso_a3", "name_zh", "name_ru", "name_ko", "name_local", "aliases", "kind",
            "adm1_code", "area_km2", "geometry"]
    frame = gpd.GeoDataFrame(pd.DataFrame(frame[cols]), crs=4326).sort_values(
        ["iso_a3", "name_en"], ignore_index=True)
    return described("provinces", frame, study_box=format_box(STUDY_BBOX))
