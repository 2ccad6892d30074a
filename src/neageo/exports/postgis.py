"""PostGIS: every layer and table with a primary key, one spatial index, descriptions as comments.

:func:`export_postgis` writes every layer and table with an integer primary key
``fid``, exactly one GiST index on the geometry, and the table and column
descriptions as comments; mixed-geometry tables also get one typed view per
geometry kind; :func:`neageo.io.read_postgis` reads a table back.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd

from .._errors import ExportError
from .._postgis import check_schema, engine, redact
from ..io import POSTGIS_KEY, gpkg_path, read
from .common import PARTS, descriptions, selected

__all__ = ["export_postgis"]


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
    names = selected(layers, source)
    about, columns, _ = descriptions(source)
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


#: Views of a mixed-geometry table, one per geometry kind: (suffix, PostGIS GeometryType() values, typmod).
_KIND_VIEWS = (("point", ("POINT", "MULTIPOINT"), "MultiPoint"),
               ("line", ("LINESTRING", "MULTILINESTRING"), "MultiLineString"),
               ("polygon", ("POLYGON", "MULTIPOLYGON"), "MultiPolygon"))


def _write_table(eng: Any, frame: pd.DataFrame, name: str, schema: str,
                 if_exists: Literal["fail", "replace", "append"]) -> None:
    """One table: rows, the ``fid`` primary key and a single GiST index (and per-kind views if mixed)."""
    table = f'"{schema}"."{name}"'
    spatial = isinstance(frame, gpd.GeoDataFrame)
    kinds = set(frame.geom_type.map(PARTS).dropna()) if isinstance(frame, gpd.GeoDataFrame) else set()
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
