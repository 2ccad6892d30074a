"""Countries from OpenStreetMap, provinces from Natural Earth, conflated.

National outlines are OpenStreetMap's (ODbL) inside :data:`~.conflate.OSM_BBOX`
and Natural Earth's outside it; Natural Earth admin-1 provinces keep their
units and names but their outer edges are made to follow the national outline
exactly (see :mod:`.conflate`).  Land that changed hands (the 2008
Heixiazi / Bolshoy Ussuriysky settlement) is derived from the two sources and
kept as the ``territory_changes`` layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point, box

from .._errors import SourceError
from ..geodesy import area_km2
from ..metadata import format_box
from ..settings import STUDY_BBOX
from ..sources import Sources, read_table, read_vector, split_aliases
from .conflate import GRID, OSM_BBOX, conflate_provinces, hybrid_country
from .layer import Layer, described

__all__ = ["Boundaries", "build_boundaries"]

#: Countries with provinces in the layer and kept whole (OSM in the box, Natural Earth beyond it).
WHOLE = ("CHN", "RUS", "PRK", "MNG")
_BOX_TEXT = format_box(OSM_BBOX)

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


@dataclass
class Boundaries:
    """Layers of the boundaries step, and the geometry later steps need."""

    countries: Layer
    provinces: Layer
    territory_changes: Layer
    #: iso_a3 -> today's outline (same as the countries layer).
    outlines: dict
    #: (year, gainer, loser, polygon, (old_line, old_line_note)) of each change, for the dated borders.
    changes: list


def _read_osm(src: Sources) -> dict:
    osm = read_vector(src, "borders", "osm_countries.geojson", geom_types=_POLY, columns=("iso_a3",))
    dup = osm["iso_a3"][osm["iso_a3"].duplicated()]
    if len(dup):
        raise SourceError(f"geodata/sources/borders/osm_countries.geojson: {dup.iloc[0]} appears twice")
    w, s, e, n = shapely.total_bounds(osm.geometry.values)
    bw, bs, be, bn = OSM_BBOX
    if w < bw or s < bs or e > be or n > bn:
        raise SourceError(
            "geodata/sources/borders/osm_countries.geojson: reaches beyond the box "
            f"{OSM_BBOX} the build assumes; re-run scripts/extract_sources.py"
        )
    return dict(zip(osm["iso_a3"], osm.geometry))


def _countries(src: Sources, ne: dict, osm: dict) -> tuple[Layer, dict]:
    missing = sorted(set(ne) - set(osm))
    if missing:
        raise SourceError(f"geodata/sources/borders/osm_countries.geojson: no polygon for {', '.join(missing)}")
    outlines = {iso: hybrid_country(osm[iso], ne[iso] if iso in WHOLE else None) for iso in sorted(ne)}
    geo = gpd.GeoDataFrame({"iso_a3": list(outlines), "geometry": list(outlines.values())}, crs=4326)
    frame = _with_names(src, geo, "country_names.csv", "iso_a3")
    frame["aliases"] = [_join_aliases(split_aliases(a)) for a in frame["aliases"]]
    frame["area_km2"] = [round(area_km2(g), 1) for g in frame.geometry]

    def extent(iso: str, geom) -> str:
        if iso not in WHOLE:
            return f"clipped to {_BOX_TEXT} (OpenStreetMap)"
        w, s, e, n = geom.bounds
        bw, bs, be, bn = OSM_BBOX
        if w >= bw and s >= bs and e <= be and n <= bn:
            return "whole (OpenStreetMap)"
        return f"whole (OpenStreetMap within {_BOX_TEXT}, Natural Earth beyond)"

    frame["extent"] = [extent(i, g) for i, g in zip(frame["iso_a3"], frame.geometry)]
    frame = gpd.GeoDataFrame(
        frame[["iso_a3", "name_en", "name_zh", "name_ru", "name_ko", "aliases", "area_km2", "extent", "geometry"]],
        crs=4326,
    ).sort_values("iso_a3", ignore_index=True)
    return described("countries", frame, osm_box=_BOX_TEXT), outlines


def _provinces(src: Sources, outlines: dict, ne: dict) -> Layer:
    geo = read_vector(
        src, "boundaries", "provinces.geojson", geom_types=_POLY,
        columns=("adm1_code", "iso_a3", "source_name", "source_name_local", "source_name_alt", "source_type_en"),
    )
    geo = geo.sort_values("adm1_code", ignore_index=True)
    geoms = list(geo.geometry.values)
    for iso in sorted(set(geo["iso_a3"])):
        if iso not in outlines:
            raise SourceError(f"geodata/sources/boundaries/provinces.geojson: provinces of {iso}, a country not in "
                              "countries.geojson")
        idx = [i for i, v in enumerate(geo["iso_a3"]) if v == iso]
        new = conflate_provinces([geoms[i] for i in idx], outlines[iso], ne[iso])
        for i, g in zip(idx, new):
            geoms[i] = g
    geo = geo.set_geometry(gpd.GeoSeries(geoms, crs=4326))
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

def _anchors(cell: str, shown: str, row: int) -> list[Point]:
    points = []
    for part in str(cell).split("|"):
        try:
            lon, lat = (float(v) for v in part.split())
        except ValueError:
            raise SourceError(f"{shown}, row {row}: anchors must be 'lon lat|lon lat', not {cell!r}") from None
        points.append(Point(lon, lat))
    return points


def _territory_changes(src: Sources, outlines: dict, ne: dict, provinces: pd.DataFrame) -> tuple[Layer, list]:
    """Land that changed hands: the pieces of (old owner in Natural Earth) ∩ (new owner today) at the anchors."""
    table = read_table(
        src, "borders", "territory_changes.csv",
        columns={"change_id": "str", "name_en": "str", "from_iso": "str", "to_iso": "str", "from_province": "str",
                 "to_province": "str", "year": "int", "anchors": "str", "old_line": "str", "old_line_note": "str",
                 "published_km2": "float", "citation": "str"},
        key="change_id",
    )
    shown = "geodata/sources/borders/territory_changes.csv"
    names = set(provinces["name_en"])
    rows, changes = [], []
    for rec in table.to_dict("records"):
        for col in ("from_iso", "to_iso"):
            if rec[col] not in outlines or rec[col] not in ne:
                raise SourceError(f"{shown}, row {rec['_row']}: {col} {rec[col]!r} is not a country of the layer")
        for col in ("from_province", "to_province"):
            if rec[col] not in names:
                raise SourceError(f"{shown}, row {rec['_row']}: {col} {rec[col]!r} is not a province name_en")
        anchors = _anchors(rec["anchors"], shown, rec["_row"])
        window = box(*shapely.MultiPoint(anchors).buffer(0.5).bounds)
        old = shapely.intersection(ne[rec["from_iso"]], window, grid_size=GRID)
        overlap = shapely.intersection(old, outlines[rec["to_iso"]], grid_size=GRID)
        pieces = [g for g in shapely.get_parts(overlap) if any(g.covers(a) for a in anchors)]
        missing = [a for a in anchors if not any(g.covers(a) for g in pieces)]
        if missing:
            raise SourceError(
                f"{shown}, row {rec['_row']}: anchor {missing[0].x} {missing[0].y} is not in land that "
                f"{rec['from_iso']} held in Natural Earth and {rec['to_iso']} holds today"
            )
        geom = shapely.union_all(pieces, grid_size=GRID)
        changes.append((rec["year"], rec["to_iso"], rec["from_iso"], geom, (rec["old_line"], rec["old_line_note"])))
        rows.append({
            "change_id": rec["change_id"], "name_en": rec["name_en"], "from_iso": rec["from_iso"],
            "to_iso": rec["to_iso"], "from_province": rec["from_province"], "to_province": rec["to_province"],
            "year": rec["year"], "old_line": rec["old_line"], "old_line_note": rec["old_line_note"],
            "area_km2": round(area_km2(geom), 1), "published_km2": rec["published_km2"],
            "citation": rec["citation"], "geometry": geom,
        })
    frame = gpd.GeoDataFrame(rows, crs=4326)
    layer = described("territory_changes", frame)
    return layer, changes


def build_boundaries(src: Sources) -> Boundaries:
    """Countries, provinces and territory changes (see the module docstring)."""
    ne_frame = read_vector(src, "boundaries", "countries.geojson", geom_types=_POLY, columns=("iso_a3",))
    ne = dict(zip(ne_frame["iso_a3"], ne_frame.geometry))
    osm = _read_osm(src)
    countries, outlines = _countries(src, ne, osm)
    provinces = _provinces(src, outlines, ne)
    changes_layer, changes = _territory_changes(src, outlines, ne, provinces.frame)
    return Boundaries(countries, provinces, changes_layer, outlines, changes)
