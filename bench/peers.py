"""The peers neageo's annotation is measured against: plain geopandas and DuckDB's spatial extension.

Used by bench_annotate.py.  DuckDB is the bench extra's (``pip install -e '.[bench]'``:
``duckdb==1.5.5`` with ``duckdb-extension-spatial==1.5.5``), never a dependency of neageo.  The
extension is loaded from the file its wheel ships (``duckdb_extension_spatial/extensions/
v<version>/spatial.duckdb_extension``), with DuckDB's automatic install and download switched
off: nothing touches the network.

Each peer answers annotate's province rule the way a user of that tool would write it: the
provinces that hold each point (boundary included: ``intersects``), the first in layer order
where a point is on a shared boundary.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def duckdb_spatial(threads: int = 2):
    """A DuckDB connection with the spatial extension loaded from its wheel (offline)."""
    try:
        import duckdb
        import duckdb_extension_spatial
    except ImportError:
        raise SystemExit("DuckDB's spatial extension is not installed: pip install -e '.[bench]'") from None
    ext = (Path(duckdb_extension_spatial.__file__).parent / "extensions" / f"v{duckdb.__version__}"
           / "spatial.duckdb_extension")
    if not ext.is_file():
        raise SystemExit(f"{ext} is missing: duckdb {duckdb.__version__} needs duckdb-extension-spatial of the same "
                         "version (the bench extra pins both)")
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                 "allow_community_extensions": False, "threads": threads})
    con.execute(f"LOAD '{ext}'")
    return con


def duckdb_load_provinces(con, gpkg: Path) -> None:
    """Table ``prov`` (ord, adm1_code, geom) from the GeoPackage, in layer order (GDAL inside the extension)."""
    con.execute("CREATE OR REPLACE TABLE prov AS SELECT row_number() OVER () - 1 AS ord, adm1_code, geom "
                "FROM ST_Read(?, layer = 'provinces')", [str(gpkg)])


def duckdb_provinces_of(con, frame: pd.DataFrame) -> np.ndarray:
    """adm1_code of each row of ``frame`` (lon, lat) by DuckDB's spatial join; None outside every province."""
    con.register("pts_frame", frame[["lon", "lat"]].assign(_row=np.arange(len(frame))))
    try:
        res = con.execute(
            "SELECT p._row, arg_min(prov.adm1_code, prov.ord) AS adm1_code FROM pts_frame p "
            "LEFT JOIN prov ON ST_Intersects(prov.geom, ST_Point(p.lon, p.lat)) GROUP BY p._row ORDER BY p._row"
        ).fetchnumpy()
    finally:
        con.unregister("pts_frame")
    return np.asarray(res["adm1_code"], dtype=object)


def _sql_text(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def duckdb_province_csv(con, src: Path, out: Path) -> None:
    """Read a CSV (lon, lat, ...), add adm1_code, write a CSV in the input's order: DuckDB end to end."""
    con.execute(
        "COPY (SELECT any_value(COLUMNS(c.* EXCLUDE (_row))), arg_min(prov.adm1_code, prov.ord) AS adm1_code "
        f"      FROM (SELECT *, row_number() OVER () AS _row FROM read_csv({_sql_text(src)}, all_varchar = true)) c "
        "      LEFT JOIN prov ON ST_Intersects(prov.geom, ST_Point(CAST(c.lon AS DOUBLE), CAST(c.lat AS DOUBLE))) "
        f"      GROUP BY c._row ORDER BY c._row) TO {_sql_text(out)} (FORMAT csv, HEADER true)"
    )


def geopandas_sjoin(provinces, frame: pd.DataFrame, predicate: str = "within"):
    """What a geopandas user writes: points from the lon/lat columns, then ``sjoin`` with the provinces."""
    import geopandas as gpd

    pts = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=4326)
    return gpd.sjoin(pts, provinces[["adm1_code", "geometry"]], how="left", predicate=predicate)


def first_province(joined, provinces) -> np.ndarray:
    """adm1_code per input row from an sjoin's rows: the first province in layer order (a point on a shared
    boundary joins two), None where none."""
    order = pd.Series(np.arange(len(provinces)), index=provinces.index)
    rank = joined["index_right"].map(order)
    first = joined.assign(_rank=rank).sort_values("_rank", kind="stable")
    first = first[~first.index.duplicated()].sort_index()
    return first["adm1_code"].astype(object).where(first["adm1_code"].notna(), None).to_numpy()


def geopandas_provinces_of(provinces, frame: pd.DataFrame, predicate: str = "within") -> np.ndarray:
    """adm1_code of each row by geopandas.sjoin (the first province in layer order; None outside all)."""
    return first_province(geopandas_sjoin(provinces, frame, predicate), provinces)


def geopandas_province_csv(provinces, src: Path, out: Path, chunk_rows: int = 1_000_000) -> None:
    """pandas + geopandas end to end: read the CSV in chunks, sjoin each with the provinces, append to a CSV."""
    for i, chunk in enumerate(pd.read_csv(src, dtype={"lon": float, "lat": float}, chunksize=chunk_rows)):
        chunk["adm1_code"] = geopandas_provinces_of(provinces, chunk)
        chunk.to_csv(out, mode="a" if i else "w", header=not i, index=False)
