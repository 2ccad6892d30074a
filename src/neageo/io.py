"""Reading neageo's GeoPackage (or a PostGIS copy of it): which layers it has, and any layer as a frame.

Every reader here takes ``gpkg=`` (default, in order: ``$NEAGEO_GPKG``, the
checkout's ``geodata/neageo.gpkg``, the copy packaged with neageo; see
:func:`neageo.settings.gpkg_choice`).  Errors from GDAL/pyogrio, SQLite and
SQLAlchemy are translated at this boundary into :class:`neageo.DataError` /
:class:`neageo.LayerNotFound` / :class:`neageo.QueryError` with a message that
says what to do.

A GeoPackage is checked when first opened (and again whenever its size or
modification time changes): the file's length against its SQLite header,
SQLite's ``PRAGMA quick_check``, and every table's row count against the
count the file records: ``gpkg_ogr_contents``, which GDAL's triggers keep
current through every insert and delete (so a table edited in QGIS is not
"damaged"), else the count the build recorded in its metadata.  A page
overwritten or lost bypasses the triggers.  A damaged file (a torn write, a
bad sector, a truncated copy) is a :class:`DataError` naming the table, never
an empty or short result.

Integer columns stay integers: a column declared INTEGER in the GeoPackage
(or PostGIS) that holds nulls comes back as pandas' nullable ``Int64``, not as
floats (``geonames_id`` is 2037013, never 2037013.0).
"""

from __future__ import annotations

import contextlib
import logging
import math
import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

from ._errors import DataError, LayerNotFound, QueryError, shown
from ._postgis import SAFE_NAME, check_schema, engine, redact
from .dated import DATED_LAYERS, in_force
from .settings import gpkg_choice

__all__ = ["check_year", "gpkg_path", "layer_names", "layers", "read", "read_postgis"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: GeoPackage's SQLite application_id ("GPKG").
_GPKG_APPLICATION_ID = 0x47504B47
#: Primary-key column :func:`neageo.exports.export_postgis` adds; not part of the layer's data.
POSTGIS_KEY = "fid"

BBox = tuple[float, float, float, float]
F = TypeVar("F", bound=pd.DataFrame)


def gpkg_path(gpkg: str | Path | None = None) -> Path:
    """Resolve and check the GeoPackage to read; raise :class:`DataError` if unusable.

    The message names where the path came from (``gpkg=``/``--gpkg``,
    ``$NEAGEO_GPKG``, the checkout or the packaged copy) and what is wrong with
    it: missing, a directory, or not a GeoPackage.
    """
    path, chosen_by = (Path(gpkg), "gpkg=") if gpkg is not None else gpkg_choice()
    from_env = chosen_by == "NEAGEO_GPKG"
    origin = f"NEAGEO_GPKG={path}" if from_env else str(path)
    if path.is_dir():
        fix = "point NEAGEO_GPKG at the .gpkg file, or unset it" if from_env else "give the .gpkg file itself"
        raise DataError(f"{origin} is a directory, not a GeoPackage file; {fix}")
    if not path.is_file():
        hints = {
            "gpkg=": "no such file; check the path",
            "NEAGEO_GPKG": "no such file; point NEAGEO_GPKG at an existing neageo.gpkg, or unset it to use the "
                           "packaged data",
        }
        hint = hints.get(chosen_by, "this installation lacks its packaged data: reinstall neageo from a wheel "
                                    "(which includes it), or set NEAGEO_GPKG to a neageo.gpkg")
        raise DataError(f"{origin}: GeoPackage not found ({hint})")
    stat = path.stat()
    _catalogue(str(path), stat.st_mtime_ns, stat.st_size)  # validates, cached while the file is unchanged
    return path


@lru_cache(maxsize=8)
def _catalogue(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    """Table name, kind, description, geometry type and count of a GeoPackage (cached per file version).

    Checks the file on the way (see the module docstring): :class:`DataError` if it is damaged.
    """
    _check_length(path, size)
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
            (app_id,) = con.execute("PRAGMA application_id").fetchone()
            if app_id != _GPKG_APPLICATION_ID:
                raise DataError(f"{path}: not a GeoPackage (SQLite application_id {app_id:#x}); "
                                "rebuild it with `neageo build`")
            rows = con.execute(
                "SELECT c.table_name, c.data_type, c.identifier, c.description, g.geometry_type_name "
                "FROM gpkg_contents c LEFT JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
                "ORDER BY c.table_name"
            ).fetchall()
            counts = {}
            for name, *_ in rows:
                try:
                    (counts[name],) = con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()
                except sqlite3.DatabaseError as exc:
                    raise _damaged(path, [name], str(exc)) from None
            _check_counts(path, counts, _recorded_counts(con, set(counts)))
            _quick_check(con, path)
    except sqlite3.DatabaseError as exc:
        raise DataError(f"{path}: not a readable GeoPackage ({_short(str(exc))}); rebuild it with `neageo build`") from None
    frame = pd.DataFrame(rows, columns=["name", "kind", "title", "description", "geometry_type"])
    frame["kind"] = frame["kind"].map({"features": "spatial", "attributes": "table"}).fillna(frame["kind"])
    frame["features"] = frame["name"].map(counts)
    return frame


def _short(text: str, limit: int = 160) -> str:
    """One line of at most ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _damaged(path: str, tables: Sequence[str], reason: str) -> DataError:
    if tables:
        more = f" (and {len(tables) - 1} more)" if len(tables) > 1 else ""
        what = f"{path}: layer {tables[0]!r}{more} is damaged"
    else:
        what = f"{path} is damaged"
    return DataError(f"{what} ({_short(reason)}); the file is corrupt: rebuild it with `neageo build` "
                     "(or reinstall neageo for its packaged copy)")


def _check_length(path: str, size: int) -> None:
    """A file shorter than the page count its SQLite header records was cut off (a partial copy or download)."""
    with open(path, "rb") as fh:
        head = fh.read(100)
    if len(head) < 100 or not head.startswith(b"SQLite format 3\0"):
        return  # not SQLite at all: the connection says so
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    valid = head[24:28] == head[92:96]  # the header's page count is valid only when these agree
    if not valid or pages * page_size <= size:
        return
    present = size // page_size
    beyond: list[str] = []
    with contextlib.suppress(sqlite3.DatabaseError), \
            contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        beyond = [n for (n, root) in con.execute(
            "SELECT name, rootpage FROM sqlite_master WHERE type = 'table' ORDER BY rootpage") if root > present]
    raise _damaged(path, beyond, f"the file is truncated: {size:,} of the {pages * page_size:,} bytes it should have")


def _recorded_counts(con: sqlite3.Connection, tables: set[str]) -> dict[str, int]:
    """The row count the file records per table: ``gpkg_ogr_contents`` (kept current by triggers), else the
    build's ``row_counts`` in the dataset metadata when they describe this file's tables (an export that
    copied the metadata of a larger file does not match); empty for a file with neither."""
    import json

    from .gpkg import feature_counts, metadata_documents
    from .metadata import METADATA_URI

    counts: dict[str, int] = {}
    documents = metadata_documents(con, METADATA_URI, scope="geopackage")
    if documents:
        try:
            counts = {str(k): int(v) for k, v in json.loads(documents[0][1]).get("row_counts", {}).items()}
        except (ValueError, AttributeError, TypeError):
            raise DataError("the dataset metadata is not valid JSON") from None
        if set(counts) != tables:
            counts = {}
    counts.update(feature_counts(con))
    return counts


def _check_counts(path: str, counts: dict[str, int], recorded: dict[str, int]) -> None:
    short = sorted(n for n in recorded if n in counts and counts[n] != recorded[n])
    if short:
        name = short[0]
        raise _damaged(path, short, f"{counts[name]} rows read where the file records {recorded[name]}")


def _quick_check(con: sqlite3.Connection, path: str) -> None:
    """SQLite's structural check (fast at this size); the tables its findings point at, where it can tell."""
    problems = [p for (p,) in con.execute("PRAGMA quick_check(10)")]
    if problems == ["ok"]:
        return
    text = " ".join(problems).replace("*** in database main ***", "").strip()
    import re

    roots = {int(n) for n in re.findall(r"\bTree (\d+)", text)}
    pages = {int(n) for n in re.findall(r"\b[Pp]age (\d+)", text)}
    names: list[str] = []
    with contextlib.suppress(sqlite3.DatabaseError):
        names += [n for (n, root) in con.execute("SELECT name, rootpage FROM sqlite_master") if root in roots]
    with contextlib.suppress(sqlite3.DatabaseError):  # dbstat: which table each page belongs to
        names += [n for (n, page) in con.execute("SELECT name, pageno FROM dbstat") if page in pages]
    names = list(dict.fromkeys(names))
    raise _damaged(path, names, f"SQLite quick_check: {text}")


@lru_cache(maxsize=64)
def _integer_columns(path: str, mtime_ns: int, layer: str) -> tuple[str, ...]:
    """Columns declared as integers (of any width) in a GeoPackage table."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as con:
        info = con.execute(f'PRAGMA table_info("{layer}")').fetchall()
    ints = ("INTEGER", "INT", "BIGINT", "MEDIUMINT", "SMALLINT", "TINYINT")
    return tuple(name for _, name, decl, _, _, pk in info if not pk and str(decl).upper() in ints)


def integers_back(frame: F, columns: Sequence[str]) -> F:
    """Give integer ``columns`` read as floats (because they hold nulls) back their type, as nullable ``Int64``."""
    for col in columns:
        if col in frame.columns and pd.api.types.is_float_dtype(frame[col].dtype):
            frame[col] = frame[col].astype("Int64")
    return frame


def layers(*, gpkg: str | Path | None = None) -> pd.DataFrame:
    """List the GeoPackage's layers and tables.

    Returns
    -------
    pandas.DataFrame
        One row per table: ``name``, ``kind`` (spatial or table), ``title``,
        ``description``, ``geometry_type``, ``features``.

    Examples
    --------
    >>> import neageo
    >>> neageo.layers()[["name", "features"]].head(3)  # doctest: +SKIP
    """
    path = gpkg_path(gpkg)
    stat = path.stat()
    return _catalogue(str(path), stat.st_mtime_ns, stat.st_size).copy()


def read(
    layer: str,
    *,
    bbox: BBox | None = None,
    where: str | None = None,
    gpkg: str | Path | None = None,
    source: str | None = None,
    year: int | None = None,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read one layer as a GeoDataFrame (EPSG:4326), or a table as a DataFrame.

    Parameters
    ----------
    layer
        Layer name (see :func:`layers`).
    bbox
        ``(west, south, east, north)`` in degrees: only features intersecting it.
    where
        An SQL ``WHERE`` expression on the layer's columns, e.g. ``"iso_a3 = 'PRK'"``.
    gpkg
        GeoPackage to read instead of the default.
    source
        A ``postgresql://`` URL to read the layer from PostGIS instead (see :func:`read_postgis`).
    year
        Only features in force in that year, for layers with ``valid_from`` / ``valid_to``
        columns (``borders``): ``valid_from`` is null or <= year, and ``valid_to`` is null or
        > year (the one rule, :func:`neageo.dated.in_force`).  Without it, every version is
        returned (the borders layer then holds the Heixiazi / Bolshoy Ussuriysky stretch twice:
        before and after 2008).  Years run from 1860 to 2100 (:func:`check_year`).

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        A GeoDataFrame for a layer with geometry, a DataFrame for a table
        without (``paper_tables``, ``paper_checks``, ...).  Narrow it with
        ``isinstance(frame, geopandas.GeoDataFrame)`` where the kind matters.
        Integer columns with nulls are ``Int64``.

    Examples
    --------
    >>> rivers = neageo.read("rivers")                      # doctest: +SKIP
    >>> gates = neageo.read("customs_gates", where="border = 'CHN-RUS'")  # doctest: +SKIP
    >>> borders_2005 = neageo.read("borders", year=2005)    # doctest: +SKIP
    """
    if bbox is not None:
        bbox = _check_bbox(bbox)
    if year is not None:
        year = _dated_year(layer, year)
    frame = _read(layer, bbox=bbox, where=where, gpkg=gpkg, source=source)
    if year is not None:
        frame = in_force(frame, year).reset_index(drop=True)
    return frame


def _read(layer: str, *, bbox: BBox | None, where: str | None, gpkg: str | Path | None,
          source: str | None) -> gpd.GeoDataFrame | pd.DataFrame:
    """:func:`read` without the year: the layer from PostGIS or the GeoPackage."""
    if source is not None:
        return read_postgis(layer, source, bbox=bbox, where=where)
    import pyogrio
    import pyogrio.errors

    path = gpkg_path(gpkg)
    stat = path.stat()
    cat = _catalogue(str(path), stat.st_mtime_ns, stat.st_size)
    if layer not in set(cat["name"]):
        names = ", ".join(cat["name"])
        raise LayerNotFound(f"{path.name} has no layer {shown(layer)}; it has: {names}")
    try:
        frame: gpd.GeoDataFrame | pd.DataFrame = pyogrio.read_dataframe(
            path, layer=layer, bbox=bbox, where=where, use_arrow=True
        )
    except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError, OSError) as exc:
        # with Arrow, GDAL reports a bad WHERE clause as an OSError naming the SQL problem
        if where is not None and isinstance(exc, (OSError, pyogrio.errors.FeatureError)):
            raise QueryError(f"invalid where clause {shown(where)}: {str(exc).splitlines()[0]}") from None
        raise DataError(f"{path}: cannot read layer {layer!r} ({exc}); rebuild it with `neageo build`") from None
    return integers_back(frame, _integer_columns(str(path), stat.st_mtime_ns, layer))


def _dated_year(layer: str, year: Any) -> int:
    """``year`` as an int, for a layer with validity years; :class:`QueryError` otherwise."""
    if layer not in DATED_LAYERS:
        raise QueryError(f"layer {shown(layer)} has no validity years; year= works with: {', '.join(DATED_LAYERS)}")
    y = check_year(year)
    assert y is not None
    return y


def layer_names(layers: str | Sequence[str] | None) -> list[str] | None:
    """``layers=`` as a list of names: one name given as a string is one layer, never its letters."""
    if layers is None:
        return None
    names = [layers] if isinstance(layers, str) else list(layers)
    odd = [n for n in names if not isinstance(n, str)]
    if odd:
        raise QueryError(f"layers must be layer names (strings), not {shown(odd[0])}")
    return names


def check_year(year: Any) -> int | None:
    """``year`` as an int (None stays None), or a :class:`QueryError` for a year neageo's borders do not cover.

    neageo's lines are those drawn from :data:`~neageo.settings.FIRST_YEAR` (the Convention of
    Peking, 1860); a year after the last recorded change gets today's lines, up to
    :data:`~neageo.settings.LAST_YEAR`.  A negative, absurd or non-whole year is refused.
    """
    if year is None:
        return None
    import operator

    from .settings import FIRST_YEAR, LAST_YEAR

    try:
        if isinstance(year, bool):
            raise TypeError
        y = operator.index(year)
    except TypeError:
        raise QueryError(f"year must be a whole number such as 2005, not {shown(year)}") from None
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise QueryError(f"year {y} is outside the years neageo's borders answer for: {FIRST_YEAR} (the Convention "
                         f"of Peking, the oldest line neageo draws) to {LAST_YEAR} (later years than the last "
                         "change get today's lines)")
    return y


def _check_bbox(bbox: Sequence[float]) -> BBox:
    try:
        w, s, e, n = (float(v) for v in bbox)
    except (TypeError, ValueError):
        raise QueryError("bbox must be four numbers: (west, south, east, north)") from None
    if not all(math.isfinite(v) for v in (w, s, e, n)) or w > e or s > n or s < -90 or n > 90:
        raise QueryError(f"bbox {bbox!r} is not a valid (west, south, east, north) box in degrees")
    return (w, s, e, n)


def read_postgis(
    layer: str,
    url: str,
    *,
    bbox: Sequence[float] | None = None,
    where: str | None = None,
    schema: str = "public",
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read one layer or table written by :func:`neageo.exports.export_postgis`.

    The result matches :func:`read` of the same layer: the same columns (the
    table's ``fid`` primary key is left out), integers as integers, EPSG:4326.
    """
    schema = check_schema(schema)
    if not SAFE_NAME.match(layer):
        raise LayerNotFound(f"no layer {shown(layer)}")
    box = _check_bbox(bbox) if bbox is not None else None
    eng = engine(url)
    import geoalchemy2  # noqa: F401  (teaches SQLAlchemy the geometry type)
    import geopandas as gpd
    import sqlalchemy
    import sqlalchemy.exc

    try:
        insp = sqlalchemy.inspect(eng)
        if layer not in insp.get_table_names(schema=schema):
            raise LayerNotFound(f"{redact(url)} has no table {schema}.{layer}")
        columns = insp.get_columns(layer, schema=schema)
        names = [c["name"] for c in columns if c["name"] != POSTGIS_KEY]
        ints = [c["name"] for c in columns if isinstance(c["type"], sqlalchemy.Integer)]
        select = ", ".join(f'"{n}"' for n in names)
        sql = f'SELECT {select} FROM "{schema}"."{layer}"'
        clauses: list[str] = []
        params: dict[str, float] = {}
        if box is not None:
            clauses.append("geom && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)")
            params.update(zip("wsen", box))
        if where:
            clauses.append(f"({where})")
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        if POSTGIS_KEY in {c["name"] for c in columns}:
            sql += f' ORDER BY "{POSTGIS_KEY}"'
        frame: gpd.GeoDataFrame | pd.DataFrame
        if "geom" in names:
            frame = gpd.read_postgis(sql, eng, geom_col="geom", params=params or None)
            frame = frame.rename_geometry("geometry")
        else:
            frame = pd.read_sql(sql, eng, params=params or None)
    except sqlalchemy.exc.SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if where:
            raise QueryError(f"cannot read {schema}.{layer} with where clause {shown(where)}: {first}") from None
        raise DataError(f"cannot read {schema}.{layer} from {redact(url)} ({first})") from None
    finally:
        eng.dispose()
    return integers_back(frame, ints)

