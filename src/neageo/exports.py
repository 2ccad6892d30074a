"""Exports: the GeoPackage's layers to other file formats and to PostGIS.

File formats (one file per layer in ``--out``): GeoPackage, GeoJSON (RFC 7946),
FlatGeobuf, Shapefile, KML, CSV and GeoParquet 1.1 (with a ``bbox`` covering column).  Names in Chinese, Russian and Korean stay
UTF-8 everywhere.  Shapefiles: field names longer than ten characters are
mapped predictably (truncated, then numbered if two collide) and the mapping is
written beside them; a ``.cpg`` says UTF-8; layers of mixed geometry are split
by geometry type; DBF text is limited to 254 bytes (longer values are cut; use
another format for the full ``paper_figures``).  Attribute-only tables go to CSV in every format but
GeoPackage.  Output paths are built from checked layer names and must resolve
inside the output folder.

PostGIS: :func:`export_postgis` writes every layer (with GiST indexes) and the
tables; :func:`read_postgis` reads one back.
"""

from __future__ import annotations

import csv
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd

if TYPE_CHECKING:
    import sqlalchemy

from ._atomic import atomic_target
from ._errors import DataError, ExportError, LayerNotFound
from .io import layers as list_layers
from .io import read

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
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$")
_PARTS = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line",
          "Polygon": "polygon", "MultiPolygon": "polygon"}


def _inside(out: Path, name: str, suffix: str) -> Path:
    """``out/name+suffix``, refusing names that could leave ``out``."""
    if not _SAFE_NAME.match(name):
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


def _selected(layers: list[str] | None, gpkg: str | Path | None) -> list[str]:
    catalogue = list_layers(gpkg=gpkg)
    available = [n for n in catalogue["name"] if n not in ("layer_styles",)]
    if not layers:
        return available
    unknown = [n for n in layers if n not in available]
    if unknown:
        raise LayerNotFound(f"no layer(s) {', '.join(map(repr, unknown))}; available: {', '.join(available)}")
    return list(dict.fromkeys(layers))


def _write(frame: pd.DataFrame, path: Path, driver: str, **options: Any) -> None:
    import warnings

    import pyogrio

    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pyogrio.write_dataframe(frame, tmp, driver=driver, **options)
        for w in caught:  # e.g. DBF's 254-character limit: log, do not print
            log.info("%s: %s", path.name, w.message)
        # a shapefile is several files: move each companion too
        if driver == "ESRI Shapefile":
            for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                part = tmp.with_suffix(ext)
                if part.exists():
                    os.replace(part, path.with_suffix(ext))
        else:
            os.replace(tmp, path)
    except Exception as exc:  # pyogrio/GDAL raise many kinds; tell the user which file failed
        raise ExportError(f"could not write {path.name} ({exc})") from None
    finally:
        for leftover in tmp.parent.glob(f"{tmp.stem}.*"):
            leftover.unlink(missing_ok=True)


def _integers_back(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable integer columns come back from Arrow as floats; give them back their integer type."""
    out = frame.copy()
    for col in out.columns:
        if col != "geometry" and pd.api.types.is_float_dtype(out[col]):
            vals = out[col].dropna()
            if len(vals) and (vals == vals.round()).all() and vals.abs().max() < 2**53:
                out[col] = out[col].astype("Int64")
    return out


def _to_csv(frame: pd.DataFrame, path: Path, *, geometry: str) -> None:
    frame = _integers_back(frame)
    plain = pd.DataFrame(frame.drop(columns="geometry")) if "geometry" in frame else pd.DataFrame(frame)
    if "geometry" in frame:
        g = frame.geometry
        if geometry == "lonlat" and (g.geom_type == "Point").all():
            plain["lon"], plain["lat"] = g.x.round(7), g.y.round(7)
        else:
            plain["wkt"] = g.to_wkt(rounding_precision=7)
    with atomic_target(path) as tmp:
        plain.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")


def export(
    *,
    fmt: str,
    out: str | Path,
    layers: list[str] | None = None,
    gpkg: str | Path | None = None,
    csv_geometry: str = "wkt",
) -> list[Path]:
    """Write layers to ``out`` in ``fmt`` (gpkg, geojson, fgb, shp, kml, csv, parquet); return the files written.

    Examples
    --------
    >>> neageo.export(fmt="shp", out="exports/shp", layers=["places", "customs_gates"])   # doctest: +SKIP
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if csv_geometry not in ("wkt", "lonlat"):
        raise ExportError("csv geometry must be 'wkt' or 'lonlat'")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    names = _selected(layers, gpkg)
    driver, suffix = FORMATS[fmt]
    written: list[Path] = []
    if fmt == "gpkg":
        target = _inside(out, "neageo", ".gpkg")
        import pyogrio

        try:
            with atomic_target(target, suffix=".tmp.gpkg") as tmp:
                for name in names:
                    frame = read(name, gpkg=gpkg)
                    pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", append=tmp.exists())
        except Exception as exc:
            raise ExportError(f"could not write {target.name} ({exc})") from None
        return [target]
    for name in names:
        frame = read(name, gpkg=gpkg)
        if fmt == "parquet":
            written.append(_write_geoparquet(frame, _inside(out, name, suffix)))
            continue
        if fmt == "csv" or not isinstance(frame, gpd.GeoDataFrame):
            path = _inside(out, name, ".csv")
            _to_csv(frame, path, geometry=csv_geometry)
            written.append(path)
            continue
        if fmt == "shp":
            written += _write_shapefile(frame, out, name)
            continue
        options: dict[str, Any] = {"layer": name}
        if fmt == "geojson":
            options["layer_options"] = {"RFC7946": "YES", "WRITE_NAME": "YES"}
        path = _inside(out, name, suffix)
        _write(frame, path, driver, **options)
        written.append(path)
    return written


def _write_geoparquet(frame: pd.DataFrame, path: Path) -> Path:
    """One layer as GeoParquet 1.1 (WKB geometry, CRS as PROJJSON, a ``bbox`` covering column), or a table
    as plain Parquet; readable by geopandas, DuckDB, GDAL and QGIS.  Written atomically; returns ``path``."""
    frame = _integers_back(frame)
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
    written = []
    for stem, part in groups:
        path = _inside(out, stem, ".shp")
        _write(part, path, "ESRI Shapefile", layer=stem, encoding="UTF-8")
        cpg = path.with_suffix(".cpg")
        if not cpg.exists():
            cpg.write_text("UTF-8\n", encoding="ascii")
        written += [path, cpg]
    fieldmap = _inside(out, name, ".fieldmap.csv")
    with fieldmap.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["column", "shapefile_field"])
        w.writerows(mapping.items())
    written.append(fieldmap)
    return written


# -- PostGIS --------------------------------------------------------------------------------------

def _redact(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def _engine(url: str) -> sqlalchemy.Engine:
    try:
        import sqlalchemy
    except ImportError:
        raise ExportError("PostGIS needs extra packages: pip install 'neageo[postgis]'") from None
    if not url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        raise ExportError("the target must be a postgresql:// URL")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = sqlalchemy.create_engine(url, connect_args={"connect_timeout": 10})
    try:
        with engine.connect() as con:
            con.exec_driver_sql("SELECT 1")
    except Exception as exc:  # OperationalError and friends: show the server's first line, never the password
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExportError(f"cannot connect to {_redact(url)}: {reason}") from None
    return engine


def _check_schema(schema: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
        raise ExportError(f"schema {schema!r} must be a lower-case SQL identifier")
    return schema


def export_postgis(
    url: str,
    *,
    schema: str = "public",
    if_exists: Literal["fail", "replace", "append"] = "fail",
    layers: list[str] | None = None,
    gpkg: str | Path | None = None,
) -> dict[str, int]:
    """Write layers and tables to PostGIS (spatial layers get a GiST index); return rows per table."""
    if if_exists not in ("fail", "replace", "append"):
        raise ExportError("--if-exists must be fail, replace or append")
    schema = _check_schema(schema)
    names = _selected(layers, gpkg)
    engine = _engine(url)
    import sqlalchemy

    counts = {}
    with engine.begin() as con:
        con.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        con.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
    insp = sqlalchemy.inspect(engine)
    existing = set(insp.get_table_names(schema=schema))
    clash = [n for n in names if n in existing]
    if clash and if_exists == "fail":
        raise ExportError(f"table(s) {', '.join(clash)} already exist in schema {schema}; use --if-exists replace or append")
    for name in names:
        frame = read(name, gpkg=gpkg)
        try:
            if isinstance(frame, gpd.GeoDataFrame):
                frame = frame.rename_geometry("geom")
                frame.to_postgis(name, engine, schema=schema, if_exists=if_exists, index=False)
                with engine.begin() as con:
                    con.exec_driver_sql(
                        f'CREATE INDEX IF NOT EXISTS "{name}_geom_gist" ON "{schema}"."{name}" USING GIST (geom)')
            else:
                pd.DataFrame(frame).to_sql(name, engine, schema=schema, if_exists=if_exists, index=False)
        except Exception as exc:
            raise ExportError(f"could not write {schema}.{name} ({str(exc).splitlines()[0]})") from None
        counts[name] = len(frame)
    engine.dispose()
    return counts


def read_postgis(
    layer: str,
    url: str,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    where: str | None = None,
    schema: str = "public",
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read one layer or table written by :func:`export_postgis`."""
    schema = _check_schema(schema)
    if not _SAFE_NAME.match(layer):
        raise LayerNotFound(f"no layer {layer!r}")
    engine = _engine(url)
    import geoalchemy2  # noqa: F401  (teaches SQLAlchemy the geometry type)
    import sqlalchemy

    insp = sqlalchemy.inspect(engine)
    if layer not in insp.get_table_names(schema=schema):
        raise LayerNotFound(f"{_redact(url)} has no table {schema}.{layer}")
    cols = {c["name"] for c in insp.get_columns(layer, schema=schema)}
    sql = f'SELECT * FROM "{schema}"."{layer}"'
    clauses: list[str] = []
    params: dict[str, float] = {}
    if bbox is not None:
        w, s, e, n = (float(v) for v in bbox)
        clauses.append("geom && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)")
        params.update(w=w, s=s, e=e, n=n)
    if where:
        clauses.append(f"({where})")
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    try:
        frame: gpd.GeoDataFrame | pd.DataFrame
        if "geom" in cols:
            frame = gpd.read_postgis(sql, engine, geom_col="geom", params=params or None)
            frame = frame.rename_geometry("geometry")
        else:
            frame = pd.read_sql(sql, engine, params=params or None)
    except Exception as exc:
        raise DataError(f"cannot read {schema}.{layer} from {_redact(url)} ({str(exc).splitlines()[0]})") from None
    finally:
        engine.dispose()
    return frame

