"""The fidelity report: what neageo measures, next to what is published.

The publish step writes ``geodata/fidelity.md`` and ``geodata/fidelity.csv``
beside ``paper_check.md``, from the built GeoPackage's layers: border lengths
per country pair (and per year where the border changed), border segments,
province areas, tripoints, which polygon each border town falls in, and the
area of land that changed hands.  The published
figures, with their citations, live in ``geodata/sources/fidelity/*.csv``.

Rows are :class:`FidelityRow` objects made by three helpers, also used for the
checks of rivers, crossings and dates (:mod:`.record_checks`):

* :func:`compare` - a measured number against a published one (difference in
  units and in per cent, optional tolerance in per cent);
* :func:`offset` - a measured position against a published one (geodesic
  distance, optional maximum in km);
* :func:`match` - a measured label against an expected one (e.g. a town's
  country).

:func:`fidelity_texts` makes the two files from any list of rows; :func:`write_fidelity` writes them.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point
from shapely.ops import nearest_points

from .._errors import SourceError
from ..dated import in_force
from ..geodesy import GEOD, length_km
from ..sources import Sources, read_table
from .report import md_row, pair_texts, write_pair

__all__ = [
    "FIDELITY_COLUMNS",
    "FidelityRow",
    "boundary_checks",
    "compare",
    "fidelity_frame",
    "fidelity_texts",
    "match",
    "offset",
    "write_fidelity",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class FidelityRow:
    """One line of the fidelity report.

    ``verdict`` is ``ok`` (within tolerance / as expected), ``differs``
    (outside tolerance / not as expected) or ``info`` (no tolerance set, or no
    published figure).
    """

    check_id: str
    kind: str
    subject: str
    year: int | None
    measured: str
    published: str
    unit: str
    diff: float | None
    diff_pct: float | None
    tolerance: str
    verdict: str
    citation: str
    note: str


FIDELITY_COLUMNS = [f.name for f in fields(FidelityRow)]


def _fmt(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def compare(
    check_id: str,
    kind: str,
    subject: str,
    measured: float,
    published: float | None,
    unit: str,
    *,
    citation: str,
    tolerance_pct: float | None = None,
    year: int | None = None,
    digits: int = 1,
    note: str = "",
) -> FidelityRow:
    """A measured number next to a published one (``published=None``: nothing published)."""
    if published is None:
        return FidelityRow(check_id, kind, subject, year, _fmt(measured, digits), "", unit, None, None, "",
                           "info", citation, note)
    diff = measured - published
    pct = diff / published * 100 if published else None
    if tolerance_pct is None or pct is None:
        verdict, tol = "info", ""
    else:
        verdict, tol = ("ok" if abs(pct) <= tolerance_pct else "differs"), f"±{tolerance_pct:g} %"
    return FidelityRow(check_id, kind, subject, year, _fmt(measured, digits), _fmt(published, digits), unit,
                       round(diff, digits), None if pct is None else round(pct, 1), tol, verdict, citation, note)


def offset(
    check_id: str,
    kind: str,
    subject: str,
    measured: tuple[float, float],
    published: tuple[float, float],
    *,
    citation: str,
    max_km: float | None = None,
    year: int | None = None,
    note: str = "",
) -> FidelityRow:
    """A measured position (lon, lat) next to a published one; ``diff`` is the geodesic distance in km."""
    km = GEOD.inv(measured[0], measured[1], published[0], published[1])[2] / 1000.0
    verdict = "info" if max_km is None else ("ok" if km <= max_km else "differs")
    return FidelityRow(
        check_id, kind, subject, year, f"{measured[0]:.5f}E {measured[1]:.5f}N",
        f"{published[0]:.5f}E {published[1]:.5f}N", "km", round(km, 3), None,
        "" if max_km is None else f"≤ {max_km:g} km", verdict, citation, note,
    )


def match(
    check_id: str,
    kind: str,
    subject: str,
    measured: str,
    expected: str,
    *,
    citation: str,
    year: int | None = None,
    note: str = "",
) -> FidelityRow:
    """A measured label next to the expected one (verdict ok when equal)."""
    return FidelityRow(check_id, kind, subject, year, measured, expected, "", None, None, "equal",
                       "ok" if measured == expected else "differs", citation, note)


# -- the boundary checks --------------------------------------------------------

#: Tolerance of border lengths and province areas, per cent.
LENGTH_TOLERANCE_PCT = 5.0
AREA_TOLERANCE_PCT = 5.0
#: Largest acceptable distance of a tripoint from its published position, km.
TRIPOINT_MAX_KM = 2.0


def _pair_lengths(borders: gpd.GeoDataFrame, year: int | None) -> pd.Series:
    frame = in_force(borders, year)
    return frame.groupby("countries")["geometry"].apply(lambda g: sum(length_km(x) for x in g))


def _border_rows(src: Sources, borders: gpd.GeoDataFrame) -> list[FidelityRow]:
    table = read_table(
        src, "fidelity", "border_lengths.csv",
        columns={"countries": "str", "year": "int", "published_km": "float", "segment": "str",
                 "citation": "str", "note": "str"},
        optional=("year", "segment", "note"),
    )
    rows = []
    changed = sorted({int(y) for y in borders["valid_from"].dropna()} | {int(y) for y in borders["valid_to"].dropna()})
    published = {(r["countries"], r["year"], r["segment"]): r for r in table.to_dict("records")}
    pairs = list(dict.fromkeys(borders["countries"]))
    for pair in pairs:
        versions: list[int | None] = [None]
        if ((borders["countries"] == pair) & (borders["valid_from"].notna() | borders["valid_to"].notna())).any():
            versions += [y - 1 for y in changed]
        for year in versions:
            km = float(_pair_lengths(borders, year).get(pair, 0.0))
            rec = published.get((pair, year, None))
            label = "today" if year is None else f"in {year}"
            rows.append(compare(
                f"border-{pair}" + ("" if year is None else f"-{year}"), "border_length", pair, km,
                None if rec is None else rec["published_km"], "km",
                citation="" if rec is None else rec["citation"], tolerance_pct=LENGTH_TOLERANCE_PCT, year=year,
                note=(rec["note"] or "") if rec else f"Border {label}; no separately published figure.",
            ))
    # published figures for a named section (e.g. the eastern China-Russia border before 2008)
    for (pair, year, segment), rec in published.items():
        if segment is None:
            continue
        frame = in_force(borders[borders["countries"] == pair], year)
        parts = sorted(set(frame["part"]))
        if segment == "eastern" and len(parts) > 1:
            frame = frame[frame["part"] != parts[0]]  # the first part is the western (Altai) section
        km = sum(length_km(g) for g in frame.geometry)
        rows.append(compare(f"border-{pair}-{segment}" + ("" if year is None else f"-{year}"), "border_length",
                            f"{pair} ({segment} section)", km, rec["published_km"], "km", citation=rec["citation"],
                            tolerance_pct=LENGTH_TOLERANCE_PCT, year=year, note=rec["note"] or ""))
    return rows


def _segment_rows(borders: gpd.GeoDataFrame) -> list[FidelityRow]:
    rows = []
    for year in (None, *sorted({int(y) - 1 for y in borders["valid_to"].dropna()})):
        frame = in_force(borders, year)
        if year is not None:
            frame = frame[frame["countries"].isin(set(borders.loc[borders["valid_to"].notna(), "countries"]))]
        for (pair, seg), group in frame.groupby(["countries", "segment"], sort=True):
            km = sum(length_km(g) for g in group.geometry)
            rows.append(compare(
                f"segment-{pair}-{seg}" + ("" if year is None else f"-{year}"), "segment_length",
                f"{pair} {seg}", km, None, "km", citation="", year=year,
                note="No separately published length for this stretch of the border; the rivers' own lengths "
                     "are in the river rows." if seg != "land" else "Land stretches, summed.",
            ))
    return rows


def _province_rows(src: Sources, provinces: gpd.GeoDataFrame) -> list[FidelityRow]:
    table = read_table(src, "fidelity", "province_areas.csv",
                       columns={"adm1_code": "str", "name_en": "str", "published_km2": "float", "citation": "str"},
                       key="adm1_code")
    published = {r["adm1_code"]: r for r in table.to_dict("records")}
    unknown = sorted(set(published) - set(provinces["adm1_code"]))
    if unknown:
        raise SourceError(f"geodata/sources/fidelity/province_areas.csv: unknown adm1_code {', '.join(unknown)}")
    rows = []
    for rec in provinces.sort_values(["iso_a3", "name_en"]).to_dict("records"):
        pub = published.get(rec["adm1_code"])
        rows.append(compare(
            f"area-{rec['adm1_code']}", "province_area", f"{rec['name_en']} ({rec['iso_a3']})", rec["area_km2"],
            None if pub is None else pub["published_km2"], "km²", citation="" if pub is None else pub["citation"],
            tolerance_pct=AREA_TOLERANCE_PCT, digits=0,
            note="" if pub else "No published area collected yet.",
        ))
    return rows


def tripoint(outlines: dict, isos: list[str]):
    """The point(s) where the outlines of three countries meet (a Point or MultiPoint, possibly empty)."""
    a, b, c = (outlines[i].boundary for i in isos)
    return shapely.intersection(shapely.intersection(a, b), c)


def _tripoint_rows(src: Sources, outlines: dict) -> list[FidelityRow]:
    table = read_table(src, "fidelity", "tripoints.csv",
                       columns={"tripoint": "str", "countries": "str", "lon": "float", "lat": "float",
                                "citation": "str", "note": "str"}, optional=("note",), key="tripoint")
    rows = []
    for rec in table.to_dict("records"):
        isos = rec["countries"].split()
        pts = [g for g in shapely.get_parts(tripoint(outlines, isos)) if g.geom_type == "Point"]
        if not pts:
            rows.append(FidelityRow(f"tripoint-{rec['tripoint']}", "tripoint", rec["tripoint"], None, "none",
                                    f"{rec['lon']:.5f}E {rec['lat']:.5f}N", "km", None, None,
                                    f"≤ {TRIPOINT_MAX_KM:g} km", "differs", rec["citation"],
                                    "The three outlines do not meet."))
            continue
        ref = Point(rec["lon"], rec["lat"])
        best = min(pts, key=lambda p: GEOD.inv(p.x, p.y, ref.x, ref.y)[2])
        rows.append(offset(f"tripoint-{rec['tripoint']}", "tripoint", rec["tripoint"], (best.x, best.y),
                           (rec["lon"], rec["lat"]), citation=rec["citation"], max_km=TRIPOINT_MAX_KM,
                           note=rec["note"] or ""))
    return rows


def town_points(src: Sources, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Border towns of ``border_towns.csv`` with their points (places layer, GeoNames, or given)."""
    table = read_table(src, "fidelity", "border_towns.csv",
                       columns={"name_en": "str", "iso_a3": "str", "place_id": "str", "geonames_id": "int",
                                "lon": "float", "lat": "float", "coord_source": "str"},
                       optional=("place_id", "geonames_id", "lon", "lat", "coord_source"), key="name_en")
    by_id = dict(zip(places["place_id"], places.geometry)) if "place_id" in places else {}
    geonames = None
    rows = []
    shown = "geodata/sources/fidelity/border_towns.csv"
    for rec in table.to_dict("records"):
        if rec["place_id"]:
            if rec["place_id"] not in by_id:
                raise SourceError(f"{shown}, row {rec['_row']}: place_id {rec['place_id']!r} is not in the places layer")
            pt, source = by_id[rec["place_id"]], f"places layer ({rec['place_id']})"
        elif rec["geonames_id"] is not None:
            if geonames is None:
                geonames = pd.read_csv(src.path("places", "geonames_cities500.csv"),
                                       usecols=["geonameid", "latitude", "longitude"]).set_index("geonameid")
            if rec["geonames_id"] not in geonames.index:
                raise SourceError(f"{shown}, row {rec['_row']}: GeoNames id {rec['geonames_id']} is not in "
                                  "geonames_cities500.csv")
            g = geonames.loc[rec["geonames_id"]]
            pt, source = Point(float(g["longitude"]), float(g["latitude"])), f"GeoNames {rec['geonames_id']}"
        elif rec["lon"] is not None and rec["lat"] is not None:
            pt, source = Point(rec["lon"], rec["lat"]), rec["coord_source"] or "given"
        else:
            raise SourceError(f"{shown}, row {rec['_row']}: needs a place_id, a geonames_id or lon/lat")
        rows.append({"name_en": rec["name_en"], "iso_a3": rec["iso_a3"], "coord_source": source, "geometry": pt})
    return gpd.GeoDataFrame(rows, crs=4326)


def _town_rows(src: Sources, places: gpd.GeoDataFrame, countries: gpd.GeoDataFrame,
               provinces: gpd.GeoDataFrame) -> list[FidelityRow]:
    towns = town_points(src, places)
    rows = []
    for rec in towns.to_dict("records"):
        pt = rec["geometry"]
        inside = [i for i, g in zip(countries["iso_a3"], countries.geometry) if g.contains(pt)]
        prov = [n for n, g in zip(provinces["name_en"], provinces.geometry) if g.contains(pt)]
        holder = inside[0] if len(inside) == 1 else ("none" if not inside else "+".join(inside))
        own = countries.geometry[countries["iso_a3"] == rec["iso_a3"]]
        near_km = None
        if len(own):
            q = nearest_points(own.iloc[0].boundary, pt)[0]
            near_km = GEOD.inv(q.x, q.y, pt.x, pt.y)[2] / 1000.0
        note = f"Point: {rec['coord_source']}. Province: {prov[0] if prov else 'none in the layer'}."
        if near_km is not None:
            note += f" {near_km:.2f} km from the national outline."
        rows.append(match(f"town-{rec['name_en']}", "town_in_country", rec["name_en"], holder, rec["iso_a3"],
                          citation="Country of the town: GeoNames / national gazetteers", note=note))
    return rows


def _change_rows(changes: gpd.GeoDataFrame) -> list[FidelityRow]:
    return [
        compare(f"transfer-{r['change_id']}", "territory_change_area", r["name_en"], r["area_km2"],
                r["published_km2"], "km²", citation=r["citation"], year=r["year"], digits=1,
                note="The polygon spans the river channels between the old and new lines (countries include "
                     "inland water), so it exceeds the published land area.")
        for r in changes.to_dict("records")
    ]


def boundary_checks(
    src: Sources,
    *,
    countries: gpd.GeoDataFrame,
    provinces: gpd.GeoDataFrame,
    borders: gpd.GeoDataFrame,
    territory_changes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
) -> list[FidelityRow]:
    """Every boundary check of the report (border lengths, segments, areas, tripoints, towns, transfers)."""
    outlines = dict(zip(countries["iso_a3"], countries.geometry))
    return (
        _border_rows(src, borders)
        + _segment_rows(borders)
        + _province_rows(src, provinces)
        + _tripoint_rows(src, outlines)
        + _town_rows(src, places, countries, provinces)
        + _change_rows(territory_changes)
    )


# -- writing --------------------------------------------------------------------

_KIND_TITLES = {
    "border_length": "Border lengths",
    "segment_length": "Border segments",
    "province_area": "Province areas",
    "tripoint": "Tripoints",
    "town_in_country": "Border towns: which country's polygon holds the point",
    "territory_change_area": "Territory that changed hands",
    "river_length": "River lengths, source to mouth",
    "river_end": "River sources and mouths",
    "gate_crossing": "Customs gates: former position (nearest border point) against the real crossing",
    "event_date": "Event dates: the record against the paper",
    "project_date": "Project dates: the record against the paper",
}


def fidelity_frame(rows: list[FidelityRow]) -> pd.DataFrame:
    """The rows as a DataFrame with :data:`FIDELITY_COLUMNS`."""
    return pd.DataFrame([asdict(r) for r in rows], columns=FIDELITY_COLUMNS).astype(
        {"year": "Int64", "diff": "Float64", "diff_pct": "Float64"})


def fidelity_markdown(frame: pd.DataFrame) -> str:
    """``fidelity.md`` from the rows' frame (:func:`fidelity_frame`): counts, differences, one table per kind."""
    counts = frame["verdict"].value_counts()
    lines = [
        "# Fidelity: neageo's geometry against published figures",
        "",
        "Generated by `neageo build` from the GeoPackage's layers and the published figures in",
        "`geodata/sources/fidelity/`. Lengths and areas are geodesic (WGS84). `diff` is measured minus",
        "published; a row is `ok` when within its tolerance, `differs` when not, `info` when nothing",
        "published was collected or no tolerance applies.",
        "",
        (f"**{len(frame)} rows: {counts.get('ok', 0)} ok, {counts.get('differs', 0)} differ, "
         f"{counts.get('info', 0)} informational.**"),
        "",
    ]
    bad = frame[frame["verdict"] == "differs"]
    lines += ["## Differences", ""]
    lines += ["None."] if bad.empty else [
        f"- `{r['check_id']}`: {r['subject']}: measured {r['measured']}, published {r['published']} "
        f"({r['tolerance']}). {r['note']}" for r in bad.to_dict("records")]
    lines.append("")
    for kind in dict.fromkeys(frame["kind"]):
        lines += [f"## {_KIND_TITLES.get(kind, kind.replace('_', ' ').capitalize())}", "",
                  "| subject | year | measured | published | unit | diff | diff % | tolerance | verdict | source | note |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in frame[frame["kind"] == kind].to_dict("records"):
            cells = [r["subject"], r["year"], r["measured"], r["published"], r["unit"], r["diff"], r["diff_pct"],
                     r["tolerance"], r["verdict"], r["citation"], r["note"]]
            lines.append(md_row(cells))
        lines.append("")
    return "\n".join(lines)


def fidelity_texts(rows: list[FidelityRow]) -> dict[str, str]:
    """File name -> text of the report: ``fidelity.csv`` and ``fidelity.md``."""
    frame = fidelity_frame(rows)
    return pair_texts("fidelity", frame, fidelity_markdown(frame))


def write_fidelity(rows: list[FidelityRow], folder: Path) -> tuple[Path, Path]:
    """Write ``fidelity.md`` and ``fidelity.csv`` into ``folder`` (atomically); return their paths."""
    frame = fidelity_frame(rows)
    return write_pair(folder, "fidelity", frame, fidelity_markdown(frame))
