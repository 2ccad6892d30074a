"""Exports: the GeoPackage's layers to other file formats and to PostGIS, without losing what describes them.

File formats (files in ``--out``): GeoPackage, GeoJSON (RFC 7946), FlatGeobuf,
Shapefile, KML, CSV and GeoParquet 1.1 (with a ``bbox`` covering column).

* **GeoPackage** (one ``neageo.gpkg``): every selected layer with its title and
  description, its QGIS default style (``layer_styles``), its QGIS metadata and
  the dataset metadata (``gpkg_metadata``) and its column descriptions
  (``gpkg_data_columns``): the file opens styled and described in QGIS.
* **Other formats** (one file per layer): a ``<layer>.qml`` beside each file
  (QGIS loads it as the default style) and one ``codebook.csv`` with every
  layer's title and description and every column's type, alias and
  description.  KML placemarks carry a ``<name>`` and neageo's colours.
* Integer columns stay integers in every format (nullable ones included).
* Names in Chinese, Russian and Korean stay UTF-8 everywhere.  Shapefiles:
  field names longer than ten characters are mapped predictably (truncated,
  then numbered if two collide) and the mapping is written beside them; a
  ``.cpg`` says UTF-8; layers of mixed geometry are split by geometry type; DBF
  text is limited to 254 bytes (longer values are cut; use another format for
  the full ``paper_figures``).  Attribute-only tables go to CSV in every format
  but GeoPackage.  Output paths are built from checked layer names and must
  resolve inside the output folder.

:func:`export` returns every file it wrote (a shapefile is five).

PostGIS: :func:`export_postgis` writes every layer and table with an integer
primary key ``fid``, exactly one GiST index on the geometry, and the table and
column descriptions as comments; mixed-geometry tables also get one typed view
per geometry kind; :func:`neageo.io.read_postgis` reads a table back.
"""

from __future__ import annotations

import contextlib
import csv
import logging
import os
import sqlite3
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd

from ._atomic import atomic_target
from ._errors import ExportError, LayerNotFound, NeageoError
from ._postgis import SAFE_NAME, check_schema, engine, redact
from .io import POSTGIS_KEY, gpkg_path, read, read_postgis
from .io import layers as list_layers
from .style import Look, look

__all__ = ["FORMATS", "export", "export_postgis", "read_postgis", "shapefile_fields"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: format -> (GDAL driver, file extension)
FORMATS = {
    "gpkg": ("GPKG", ".gpkg"),
    "geojson": ("GeoJSON", ".geojson"),
    "fgb": ("FlatGeobuf", ".fgb"),
    "shp": ("ESRI Shapefile", ".shp"),
    "kml": ("KML", ".kml"),
    "csv": ("CSV", ".csv"),
    "parquet": ("Parquet", ".parquet"),  # GeoParquet 1.1, see _write_geoparquet
}
_PARTS = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line",
          "Polygon": "polygon", "MultiPolygon": "polygon"}
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
#: Tables that describe the others; never exported as layers of their own.
_DESCRIPTIVE = ("layer_styles",)
#: Columns naming a feature, in order of preference (a KML placemark's ``<name>``).
_NAME_FIELDS = ("name_en", "title", "region", "river")


def _inside(out: Path, name: str, suffix: str) -> Path:
    """``out/name+suffix``, refusing names that could leave ``out``."""
    if not SAFE_NAME.match(name):
        raise ExportError(f"refusing layer name {name!r} as a file name (letters, digits, _ and - only)")
    target = (out / f"{name}{suffix}").resolve()
    if not target.is_relative_to(out.resolve()):
        raise ExportError(f"refusing to write {target} outside {out}")
    return target


def shapefile_fields(columns: list[str]) -> dict[str, str]:
    """Column -> DBF field name (at most 10 characters, unique, in column order)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for col in columns:
        base = col[:10]
        name, n = base, 1
        while name.lower() in used:
            suffix = f"_{n}"
            name = base[: 10 - len(suffix)] + suffix
            n += 1
        used.add(name.lower())
        out[col] = name
    return out


def _selected(layers: Sequence[str] | None, gpkg: str | Path | None) -> list[str]:
    catalogue = list_layers(gpkg=gpkg)
    available = [n for n in catalogue["name"] if n not in _DESCRIPTIVE]
    if not layers:
        return available
    unknown = [n for n in layers if n not in available]
    if unknown:
        raise LayerNotFound(f"no layer(s) {', '.join(map(repr, unknown))}; available: {', '.join(available)}")
    return list(dict.fromkeys(layers))


def _out_folder(out: str | Path) -> Path:
    """The output folder, created if needed; :class:`ExportError` when it cannot be."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ExportError(f"{path} exists and is not a folder; choose another --out")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create the output folder {path} ({exc.strerror or exc}); "
                          "choose a folder you can write to") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write into {path} (permission denied); choose a folder you can write to")
    return path


@contextlib.contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Translate GDAL/pyogrio and file-system errors while writing ``path`` into :class:`ExportError`."""
    import pyogrio.errors

    try:
        yield
    except NeageoError:
        raise
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError, sqlite3.Error) as exc:
        raise ExportError(f"could not write {path.name} ({str(exc).strip().splitlines()[0]})") from None


def _narrow_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable 64-bit integers that fit in 32 bits as ``Int32``, which every GDAL file driver writes as integers."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.Int64Dtype):
            vals = out[col].dropna()
            if vals.empty or (vals.abs() < 2**31).all():
                out[col] = out[col].astype("Int32")
    return out


def _write(frame: pd.DataFrame, path: Path, driver: str, **options: Any) -> list[Path]:
    """Write ``frame`` with GDAL to a temporary name, then move it (and a shapefile's companions) into place."""
    import pyogrio

    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    moved: list[Path] = []
    try:
        with _writing(path):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                pyogrio.write_dataframe(_narrow_integers(frame), tmp, driver=driver, **options)
            for w in caught:  # e.g. DBF's 254-character limit: log, do not print
                log.info("%s: %s", path.name, w.message)
            if driver == "ESRI Shapefile":  # a shapefile is several files: move each companion too
                for ext in _SHAPEFILE_PARTS:
                    part = tmp.with_suffix(ext)
                    if part.exists():
                        os.replace(part, path.with_suffix(ext))
                        moved.append(path.with_suffix(ext))
            else:
                os.replace(tmp, path)
                moved.append(path)
    finally:
        for leftover in tmp.parent.glob(f"{tmp.stem}.*"):
            leftover.unlink(missing_ok=True)
    return moved


def _to_csv(frame: pd.DataFrame, path: Path, *, geometry: str) -> None:
    plain = pd.DataFrame(frame.drop(columns="geometry")) if "geometry" in frame else pd.DataFrame(frame)
    if isinstance(frame, gpd.GeoDataFrame) and "geometry" in frame:
        g = frame.geometry
        if geometry == "lonlat" and (g.geom_type == "Point").all():
            plain["lon"], plain["lat"] = g.x.round(7), g.y.round(7)
        else:
            plain["wkt"] = g.to_wkt(rounding_precision=7)
    with _writing(path), atomic_target(path) as tmp:
        plain.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")


# -- what describes the layers, read from the source GeoPackage ------------------------------------

def _descriptions(path: Path) -> tuple[dict[str, tuple[str, str]], dict[str, dict[str, tuple[str, str]]], dict[str, str]]:
    """(layer -> (title, description), layer -> column -> (alias, description), layer -> default QML)."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        about = {t: (i or t, d or "") for t, i, d in
                 con.execute("SELECT table_name, identifier, description FROM gpkg_contents")}
        columns: dict[str, dict[str, tuple[str, str]]] = {}
        if "gpkg_data_columns" in tables:
            for t, c, n, d in con.execute("SELECT table_name, column_name, name, description FROM gpkg_data_columns"):
                columns.setdefault(t, {})[c] = (n or c, d or "")
        styles: dict[str, str] = {}
        if "layer_styles" in tables:
            for t, q in con.execute("SELECT f_table_name, styleQML FROM layer_styles "
                                    "ORDER BY useAsDefault DESC, update_time DESC, id DESC"):
                styles.setdefault(t, q)
    return about, columns, styles


def _copy_descriptions(target: Path, source: Path, names: list[str]) -> None:
    """Copy styles, metadata and column descriptions of ``names`` from ``source`` into the GeoPackage ``target``."""
    from .qgis import LAYER_STYLES_DDL

    marks = ",".join("?" * len(names))
    with contextlib.closing(sqlite3.connect(target)) as con, con:
        con.execute("ATTACH DATABASE ? AS src", (f"file:{source}?mode=ro",))
        src_tables = {r[0] for r in con.execute("SELECT name FROM src.sqlite_master WHERE type = 'table'")}
        if "gpkg_data_columns" in src_tables:
            for ddl_table in ("gpkg_data_columns", "gpkg_data_column_constraints"):
                row = con.execute("SELECT sql FROM src.sqlite_master WHERE name = ?", (ddl_table,)).fetchone()
                if row:  # the source's own DDL keeps the keys and constraints the schema extension asks for
                    con.execute(row[0].replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
            con.execute(f"INSERT OR REPLACE INTO gpkg_data_columns SELECT * FROM src.gpkg_data_columns "
                        f"WHERE table_name IN ({marks})", names)
        if "layer_styles" in src_tables:
            con.execute(LAYER_STYLES_DDL)
            con.execute(
                "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, "
                "styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                "SELECT f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, "
                f"styleSLD, useAsDefault, description, owner, ui, update_time FROM src.layer_styles "
                f"WHERE f_table_name IN ({marks}) ORDER BY id", names)
            con.execute("INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, "
                        "last_change) SELECT table_name, data_type, identifier, description, last_change "
                        "FROM src.gpkg_contents WHERE table_name = 'layer_styles'")
        if "gpkg_metadata" in src_tables:
            for ddl_table in ("gpkg_metadata", "gpkg_metadata_reference"):
                (ddl,) = con.execute("SELECT sql FROM src.sqlite_master WHERE name = ?", (ddl_table,)).fetchone()
                con.execute(ddl.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))
            refs = con.execute(
                "SELECT reference_scope, table_name, column_name, row_id_value, timestamp, md_file_id "
                f"FROM src.gpkg_metadata_reference WHERE table_name IS NULL OR table_name IN ({marks}) "
                "ORDER BY md_file_id", names).fetchall()
            for scope, table, column, row_id, stamp, md_id in refs:
                doc = con.execute("SELECT md_scope, md_standard_uri, mime_type, metadata FROM src.gpkg_metadata "
                                  "WHERE id = ?", (md_id,)).fetchone()
                cur = con.execute("INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) "
                                  "VALUES (?, ?, ?, ?)", doc)
                con.execute("INSERT INTO gpkg_metadata_reference (reference_scope, table_name, column_name, "
                            "row_id_value, timestamp, md_file_id) VALUES (?, ?, ?, ?, ?, ?)",
                            (scope, table, column, row_id, stamp, cur.lastrowid))
        con.execute(
            "INSERT OR IGNORE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
            "SELECT table_name, column_name, extension_name, definition, scope FROM src.gpkg_extensions "
            "WHERE table_name IN ('gpkg_metadata', 'gpkg_metadata_reference', 'gpkg_data_columns', "
            "'gpkg_data_column_constraints') AND table_name IN (SELECT name FROM sqlite_master)")


def _export_gpkg(names: list[str], out: Path, source: Path) -> list[Path]:
    import pyogrio

    about, _, _ = _descriptions(source)
    target = _inside(out, "neageo", ".gpkg")
    with _writing(target), atomic_target(target, suffix=".tmp.gpkg") as tmp:
        for name in names:
            frame = read(name, gpkg=source)
            title, description = about.get(name, (name, ""))
            options = {"IDENTIFIER": title, "DESCRIPTION": description}
            if isinstance(frame, gpd.GeoDataFrame):
                options |= {"GEOMETRY_NAME": "geom", "SPATIAL_INDEX": "YES"}
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", append=tmp.exists(),
                                    layer_options=options)
        _copy_descriptions(tmp, source, names)
    return [target]


# -- KML: names and neageo's colours ------------------------------------------------------------

_KML = "http://www.opengis.net/kml/2.2"


def _kml_colour(hex_colour: str | None, opacity: float) -> str:
    """``#rrggbb`` + opacity -> KML's ``aabbggrr``."""
    h = (hex_colour or "#333333").lstrip("#")
    return f"{round(opacity * 255):02x}{h[4:6]}{h[2:4]}{h[0:2]}"


def _kml_style(style_id: str, lk: Look) -> ET.Element:
    k = f"{{{_KML}}}"
    style = ET.Element(f"{k}Style", id=style_id)
    icon = ET.SubElement(style, f"{k}IconStyle")
    ET.SubElement(icon, f"{k}color").text = _kml_colour(lk.fill or lk.stroke, 1.0)
    ET.SubElement(icon, f"{k}scale").text = f"{max(lk.radius, 4) / 8:.2f}"
    line = ET.SubElement(style, f"{k}LineStyle")
    ET.SubElement(line, f"{k}color").text = _kml_colour(lk.stroke, lk.opacity)
    ET.SubElement(line, f"{k}width").text = f"{lk.width:g}"
    poly = ET.SubElement(style, f"{k}PolyStyle")
    ET.SubElement(poly, f"{k}color").text = _kml_colour(lk.fill or lk.stroke, lk.fill_opacity if lk.fill else 0.0)
    ET.SubElement(poly, f"{k}fill").text = "1" if lk.fill and lk.fill_opacity > 0 else "0"
    ET.SubElement(poly, f"{k}outline").text = "1"
    return style


def _placemark_names(layer: str, frame: pd.DataFrame, title: str) -> pd.Series:
    """A name for every feature: its own name, else one made from what identifies it."""
    n = pd.Series([f"{title} {i + 1}" for i in range(len(frame))], index=frame.index, dtype=object)
    if layer == "borders" and {"countries", "segment"} <= set(frame.columns):
        seg = frame["segment"].astype(str)
        made = frame["countries"].astype(str) + seg.map(lambda v: " land border" if v == "land" else f" border on the {v}")
        n = made.where(frame["segment"].notna(), n)
    elif {"reporter", "partner", "year"} <= set(frame.columns):
        n = frame["reporter"].astype(str) + " – " + frame["partner"].astype(str) + ", " + frame["year"].astype(str)
    elif {"reporter", "year"} <= set(frame.columns):
        n = frame["reporter"].astype(str) + ", " + frame["year"].astype(str)
    for col in reversed(_NAME_FIELDS):
        if col in frame.columns:
            n = frame[col].astype(object).where(frame[col].notna() & (frame[col].astype(str) != ""), n)
    return n


def _style_kml(path: Path, name: str, frame: gpd.GeoDataFrame) -> None:
    """Give each placemark of the KML GDAL wrote a ``<styleUrl>`` to one of neageo's looks for ``name``."""
    from .style import STYLES

    if name not in STYLES:
        return
    by = STYLES[name].by
    values = frame[by].astype(str).tolist() if by and by in frame else [None] * len(frame)
    looks = [look(name, v) for v in values]
    ids: dict[Look, str] = {}
    for lk in looks:
        ids.setdefault(lk, f"{name}-{len(ids)}")
    ET.register_namespace("", _KML)
    tree = ET.parse(path)
    k = f"{{{_KML}}}"
    doc = tree.getroot().find(f"{k}Document")
    if doc is None:
        return
    for i, (lk, sid) in enumerate(ids.items()):
        doc.insert(i, _kml_style(sid, lk))
    placemarks = doc.iter(f"{k}Placemark")
    for lk, pm in zip(looks, placemarks, strict=False):
        for inline in pm.findall(f"{k}Style"):  # GDAL's own (default red lines, unfilled areas)
            pm.remove(inline)
        pos = sum(1 for child in pm if child.tag in (f"{k}name", f"{k}description"))
        url = ET.Element(f"{k}styleUrl")
        url.text = f"#{ids[lk]}"
        pm.insert(pos, url)
    with atomic_target(path) as tmp:
        tree.write(tmp, encoding="utf-8", xml_declaration=True)


# -- file formats -------------------------------------------------------------------------------

def export(
    *,
    fmt: str,
    out: str | Path,
    layers: Sequence[str] | None = None,
    gpkg: str | Path | None = None,
    csv_geometry: str = "wkt",
) -> list[Path]:
    """Write layers to ``out`` in ``fmt`` (gpkg, geojson, fgb, shp, kml, csv, parquet); return every file written.

    Raises
    ------
    ExportError
        for an unknown format, an output folder that cannot be created or
        written, or a file GDAL could not write.

    Examples
    --------
    >>> neageo.export(fmt="shp", out="exports/shp", layers=["places", "customs_gates"])   # doctest: +SKIP
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if csv_geometry not in ("wkt", "lonlat"):
        raise ExportError("csv geometry must be 'wkt' or 'lonlat'")
    source = gpkg_path(gpkg)
    names = _selected(layers, source)
    folder = _out_folder(out)
    if fmt == "gpkg":
        return _export_gpkg(names, folder, source)
    about, columns, styles = _descriptions(source)
    driver, suffix = FORMATS[fmt]
    written: list[Path] = []
    dtypes: dict[str, pd.Series] = {}
    for name in names:
        frame = read(name, gpkg=source)
        dtypes[name] = frame.dtypes
        if fmt == "parquet":
            written.append(_write_geoparquet(frame, _inside(folder, name, suffix)))
            continue
        if fmt == "csv" or not isinstance(frame, gpd.GeoDataFrame):
            path = _inside(folder, name, ".csv")
            _to_csv(frame, path, geometry=csv_geometry)
            written.append(path)
            continue
        if fmt == "shp":
            files = _write_shapefile(frame, folder, name)
        else:
            options: dict[str, Any] = {"layer": name}
            if fmt == "geojson":
                options["layer_options"] = {"RFC7946": "YES", "WRITE_NAME": "YES"}
            if fmt == "kml":
                frame = frame.assign(kml_name=_placemark_names(name, frame, about.get(name, (name, ""))[0]))
                options["dataset_options"] = {"NameField": "kml_name", "DescriptionField": "description"}
            path = _inside(folder, name, suffix)
            files = _write(frame, path, driver, **options)
            if fmt == "kml":
                with _writing(path):
                    _style_kml(path, name, frame)
        written += files
        if name in styles:  # QGIS loads <file>.qml beside a data file as its default style
            for data in (f for f in files if f.suffix == suffix):
                qml = data.with_suffix(".qml")
                with _writing(qml), atomic_target(qml) as tmp:
                    tmp.write_text(styles[name], encoding="utf-8")
                written.append(qml)
    written.append(_write_codebook(folder, dtypes, about, columns))
    return written


_TYPE_NAMES = {"i": "integer", "u": "integer", "f": "real", "b": "boolean", "M": "datetime"}


def _write_codebook(folder: Path, dtypes: dict[str, pd.Series], about: dict[str, tuple[str, str]],
                    columns: dict[str, dict[str, tuple[str, str]]]) -> Path:
    """``codebook.csv``: each exported layer's title and description, then each column's type, alias and description."""
    path = _inside(folder, "codebook", ".csv")
    rows = []
    for name, types in dtypes.items():
        title, description = about.get(name, (name, ""))
        rows.append({"layer": name, "column": "", "type": "layer", "alias": title, "description": description})
        for col, dtype in types.items():
            alias, text = columns.get(name, {}).get(str(col), (str(col), ""))
            kind = "geometry" if col == "geometry" else _TYPE_NAMES.get(dtype.kind, "text")
            rows.append({"layer": name, "column": str(col), "type": kind, "alias": alias, "description": text})
    with _writing(path), atomic_target(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["layer", "column", "type", "alias", "description"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def _write_geoparquet(frame: pd.DataFrame, path: Path) -> Path:
    """One layer as GeoParquet 1.1 (WKB geometry, CRS as PROJJSON, a ``bbox`` covering column), or a table
    as plain Parquet; readable by geopandas, DuckDB, GDAL and QGIS.  Written atomically; returns ``path``."""
    try:
        with atomic_target(path, suffix=".tmp.parquet") as tmp:
            if isinstance(frame, gpd.GeoDataFrame):
                frame.to_parquet(tmp, index=False, compression="zstd", schema_version="1.1.0",
                                 write_covering_bbox=True)
            else:
                frame.to_parquet(tmp, index=False, compression="zstd")
    except (ImportError, ValueError, OSError) as exc:  # pyarrow missing or refusing a column
        raise ExportError(f"could not write {path.name} ({exc})") from None
    return path


def _write_shapefile(frame: gpd.GeoDataFrame, out: Path, name: str) -> list[Path]:
    mapping = shapefile_fields([c for c in frame.columns if c != "geometry"])
    renamed = frame.rename(columns=mapping)
    kinds = renamed.geom_type.map(_PARTS)
    groups = [(name, renamed)] if kinds.nunique() <= 1 else [
        (f"{name}_{k}", renamed[kinds == k]) for k in ("point", "line", "polygon") if (kinds == k).any()]
    written: list[Path] = []
    for stem, part in groups:
        path = _inside(out, stem, ".shp")
        files = _write(part, path, "ESRI Shapefile", layer=stem, encoding="UTF-8")
        cpg = path.with_suffix(".cpg")
        if cpg not in files:
            cpg.write_text("UTF-8\n", encoding="ascii")
            files.append(cpg)
        written += files
    fieldmap = _inside(out, name, ".fieldmap.csv")
    with _writing(fieldmap), atomic_target(fieldmap) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["column", "shapefile_field"])
        w.writerows(mapping.items())
    written.append(fieldmap)
    return written


# -- PostGIS --------------------------------------------------------------------------------------

def _literal(text: str) -> str:
    """An SQL string literal for COMMENT (which takes no bind parameters).

    Standard-conforming strings double ``'``; ``%`` is doubled too because the
    driver reads ``%`` as a placeholder in every statement it is given.
    """
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


def export_postgis(
    url: str,
    *,
    schema: str = "public",
    if_exists: Literal["fail", "replace", "append"] = "fail",
    layers: Sequence[str] | None = None,
    gpkg: str | Path | None = None,
) -> dict[str, int]:
    """Write layers and tables to PostGIS; return rows per table.

    Each table gets an integer primary key ``fid`` (in GeoPackage order; QGIS
    opens the tables editable), spatial layers exactly one GiST index on
    ``geom``, and the layer's and its columns' descriptions as comments.
    Integer columns are ``bigint``.  A table mixing points, lines and areas
    (``projects``, ``events``) also gets one view per kind (``projects_point``,
    ``projects_line``, ``projects_polygon``, typed ``Multi*`` geometries), which
    QGIS opens without a geometry-type filter.
    """
    if if_exists not in ("fail", "replace", "append"):
        raise ExportError("--if-exists must be fail, replace or append")
    schema = check_schema(schema)
    source = gpkg_path(gpkg)
    names = _selected(layers, source)
    about, columns, _ = _descriptions(source)
    eng = engine(url)
    import sqlalchemy
    import sqlalchemy.exc

    counts: dict[str, int] = {}
    try:
        with eng.begin() as con:
            con.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            con.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
        existing = set(sqlalchemy.inspect(eng).get_table_names(schema=schema))
        clash = [n for n in names if n in existing]
        if clash and if_exists == "fail":
            raise ExportError(f"table(s) {', '.join(clash)} already exist in schema {schema}; "
                              "use --if-exists replace or append")
        for name in names:
            frame = read(name, gpkg=source)
            _write_table(eng, frame, name, schema, "append" if name in existing and if_exists == "append" else
                         "replace" if name in existing else "fail")
            _describe_table(eng, name, schema, about.get(name), columns.get(name, {}))
            counts[name] = len(frame)
    except sqlalchemy.exc.SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise ExportError(f"could not write to {redact(url)} schema {schema} ({first})") from None
    finally:
        eng.dispose()
    return counts


#: Views of a mixed-geometry table, one per geometry kind: (suffix, PostGIS GeometryType() values, typmod).
_KIND_VIEWS = (("point", ("POINT", "MULTIPOINT"), "MultiPoint"),
               ("line", ("LINESTRING", "MULTILINESTRING"), "MultiLineString"),
               ("polygon", ("POLYGON", "MULTIPOLYGON"), "MultiPolygon"))


def _write_table(eng: Any, frame: pd.DataFrame, name: str, schema: str,
                 if_exists: Literal["fail", "replace", "append"]) -> None:
    """One table: rows, the ``fid`` primary key and a single GiST index (and per-kind views if mixed)."""
    table = f'"{schema}"."{name}"'
    spatial = isinstance(frame, gpd.GeoDataFrame)
    kinds = set(frame.geom_type.map(_PARTS).dropna()) if isinstance(frame, gpd.GeoDataFrame) else set()
    with eng.begin() as con:  # views on a table would block replacing it
        for suffix, _, _ in _KIND_VIEWS:
            con.exec_driver_sql(f'DROP VIEW IF EXISTS "{schema}"."{name}_{suffix}"')
    if isinstance(frame, gpd.GeoDataFrame):
        frame.rename_geometry("geom").to_postgis(name, eng, schema=schema, if_exists=if_exists, index=False)
    else:
        pd.DataFrame(frame).to_sql(name, eng, schema=schema, if_exists=if_exists, index=False)
    with eng.begin() as con:
        has_key = con.exec_driver_sql(
            "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON "
            "n.oid = c.relnamespace WHERE i.indisprimary AND n.nspname = %s AND c.relname = %s",
            (schema, name)).first()
        if not has_key:
            con.exec_driver_sql(f'ALTER TABLE {table} ADD COLUMN "{POSTGIS_KEY}" bigint '
                                "GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
        if spatial:
            gist = [r[0] for r in con.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = %s "
                "AND indexdef ILIKE '%%USING gist%%' ORDER BY indexname", (schema, name))]
            if not gist:
                con.exec_driver_sql(f'CREATE INDEX "{name}_geom_gist" ON {table} USING GIST (geom)')
            for extra in gist[1:]:  # an older export may have left a duplicate
                con.exec_driver_sql(f'DROP INDEX "{schema}"."{extra}"')
        if len(kinds) > 1:  # QGIS opens a mixed table only with a type filter: one typed view per kind
            cols = ", ".join(f'"{c}"' for c in [POSTGIS_KEY, *(c for c in frame.columns if c != "geometry")])
            for suffix, types, typmod in _KIND_VIEWS:
                listed = ", ".join(f"'{t}'" for t in types)
                con.exec_driver_sql(
                    f'CREATE VIEW "{schema}"."{name}_{suffix}" AS SELECT {cols}, '
                    f"ST_Multi(geom)::geometry({typmod}, 4326) AS geom FROM {table} "
                    f"WHERE GeometryType(geom) IN ({listed})")
                con.exec_driver_sql(f'COMMENT ON VIEW "{schema}"."{name}_{suffix}" IS '
                                    f"{_literal(f'The {suffix} features of {name} (key: fid), for clients that need one geometry type')}")
        con.exec_driver_sql(f"ANALYZE {table}")


def _describe_table(eng: Any, name: str, schema: str, about: tuple[str, str] | None,
                    columns: dict[str, tuple[str, str]]) -> None:
    table = f'"{schema}"."{name}"'
    with eng.begin() as con:
        present = {r[0] for r in con.exec_driver_sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
            (schema, name))}
        if about:
            title, description = about
            con.exec_driver_sql(f"COMMENT ON TABLE {table} IS {_literal(description or title)}")
        for col, (_, text) in columns.items():
            if text and col in present:
                con.exec_driver_sql(f'COMMENT ON COLUMN {table}."{col}" IS {_literal(text)}')
        if POSTGIS_KEY in present:
            con.exec_driver_sql(f'COMMENT ON COLUMN {table}."{POSTGIS_KEY}" IS '
                                f"{_literal('Row number in the GeoPackage (primary key added by neageo export)')}")
        if "geom" in present:
            con.exec_driver_sql(f'COMMENT ON COLUMN {table}."geom" IS {_literal("Geometry, EPSG:4326 (WGS 84)")}')
