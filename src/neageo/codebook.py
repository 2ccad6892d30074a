"""The codebook: a Frictionless Data Package (``datapackage.json``) describing the GeoPackage.

Written by the publish step beside the GeoPackage from what the GeoPackage
itself holds: its tables and their SQLite column types, the titles and descriptions
the build wrote from ``neageo/data/layers.toml`` (``gpkg_data_columns``), the
row counts, the ``sources`` table, and each source's data licence.  Every
table of the GeoPackage is one resource (``path`` = the GeoPackage, ``layer``
= the table, ``layerRows`` its row count), with a Table Schema listing every
field with its type and description.  Only the standard library is used.

Frictionless reads a GeoPackage as a file, not as a table: each resource says
so (``profile`` ``data-resource``) and carries the file's ``bytes`` and
``hash`` (SHA-256), so ``frictionless validate geodata/datapackage.json`` checks
that the GeoPackage is the one described, byte for byte.  (Its own ``rows``
property would ask it to count rows it cannot read; hence ``layerRows``.)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from ._atomic import write_text_atomic
from .gpkg import geometry_columns, read_only, table_columns
from .metadata import data_licence, dataset_info, read_written

__all__ = ["FIELD_TYPES", "datapackage", "datapackage_json", "write_datapackage"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: SQLite/GeoPackage column type -> Table Schema field type.
FIELD_TYPES = {
    "TEXT": "string", "INTEGER": "integer", "MEDIUMINT": "integer", "SMALLINT": "integer", "TINYINT": "integer",
    "INT": "integer", "REAL": "number", "FLOAT": "number", "DOUBLE": "number", "BOOLEAN": "boolean",
    "DATE": "date", "DATETIME": "datetime", "BLOB": "any",
}

_MEDIATYPE = "application/geopackage+sqlite3"


def _field_type(declared: str) -> str:
    base = declared.split("(")[0].strip().upper()
    return FIELD_TYPES.get(base, "string")


def _licences(sources: tuple[str, ...], fallback: str) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for source in sources:
        lic = data_licence(source)
        seen.setdefault(lic.get("title", lic["name"]), lic)
    return list(seen.values()) or [{"name": fallback, "title": f"{fallback} (neageo contributors)",
                                    "path": "https://creativecommons.org/licenses/by/4.0/"}]


def datapackage(gpkg: str | os.PathLike[str]) -> dict[str, Any]:
    """The Data Package descriptor of a built GeoPackage (a JSON-ready dict).

    Parameters
    ----------
    gpkg
        The GeoPackage (built by :func:`neageo.build`).

    Returns
    -------
    dict
        ``name``, ``title``, ``version`` (the data version), ``licenses``, ``sources``
        and one resource per table with its ``schema.fields``.
    """
    path = Path(gpkg)
    meta = read_written(path)
    own = dataset_info().get("licence", "CC-BY-4.0")
    source_rows = {s["source"]: s for s in meta.sources}
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    file_stats = {"bytes": path.stat().st_size, "hash": f"sha256:{digest.hexdigest()}"}
    with read_only(path) as con:
        geometry = geometry_columns(con)
        resources = []
        for name, info in meta.tables.items():
            columns = table_columns(con, name)
            (rows,) = con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()
            fields = []
            for column, declared, pk in columns:
                if name in geometry and column == geometry[name][0]:
                    gtype, srs = geometry[name][1], geometry[name][2]
                    fields.append({"name": column, "type": "any", "format": "geopackage-geometry",
                                   "description": f"Geometry ({gtype}, EPSG:{srs}) in GeoPackage binary encoding",
                                   "geometryType": gtype, "crs": f"EPSG:{srs}"})
                    continue
                desc = info.columns.get(column)
                if desc is None and pk:
                    desc = "Feature id (the GeoPackage table's primary key)"
                fields.append({"name": column, "type": _field_type(declared), "description": desc or ""})
            pk_cols = [c for c, _, pk in columns if pk]
            resource: dict[str, Any] = {
                "name": name.lower().replace("_", "-"),
                "layer": name,
                "title": info.title,
                "description": info.description,
                "path": path.name,
                "profile": "data-resource",
                "format": "gpkg",
                "mediatype": _MEDIATYPE,
                **file_stats,
                "layerRows": rows,
                "schema": {"fields": fields, **({"primaryKey": pk_cols} if pk_cols else {})},
                "licenses": _licences(info.sources, own),
                "sources": [{"title": source_rows[s]["package"], "source": s} for s in info.sources if s in source_rows],
            }
            if name in geometry:
                resource["geometry"] = {"column": geometry[name][0], "type": geometry[name][1],
                                        "crs": f"EPSG:{geometry[name][2]}"}
            resources.append(resource)
    all_licences: dict[str, dict[str, str]] = {}
    for res in resources:
        for lic in res["licenses"]:
            all_licences.setdefault(lic.get("title", lic["name"]), lic)
    ds = meta.dataset
    return {
        "profile": "data-package",
        "name": "neageo",
        "title": ds.get("title", "neageo"),
        "description": (
            "Provinces, borders, rivers, customs gates, development projects and the tables of Woo-Jun Kim's "
            "'Cooperation and Conflict among Provinces', as one GeoPackage (EPSG:4326). Each resource is one "
            "table of the GeoPackage (its 'layer'); each layer's licence is that of its sources."
        ),
        "version": ds.get("data_version", "unversioned"),
        "keywords": ["Northeast Asia", "China", "Russian Far East", "North Korea", "borders", "rivers", "trade"],
        "licenses": list(all_licences.values()),
        "sources": [{"title": s["package"], "source": s["source"], "licence": s["licence"],
                     "attribution": s["attribution"]} for s in meta.sources],
        "contributors": [{"title": "neageo contributors", "role": "author"}],
        "crs": ds.get("crs"),
        "neageo_version": ds.get("neageo_version"),
        "resources": resources,
    }


def datapackage_json(gpkg: str | os.PathLike[str]) -> str:
    """The text of ``datapackage.json`` for a built GeoPackage (:func:`datapackage` as indented JSON)."""
    return json.dumps(datapackage(gpkg), ensure_ascii=False, indent=2) + "\n"


def write_datapackage(gpkg: str | os.PathLike[str], target: str | os.PathLike[str] | None = None) -> Path:
    """Write ``datapackage.json`` beside ``gpkg`` (or to ``target``), atomically; return its path."""
    out = Path(target) if target is not None else Path(gpkg).with_name("datapackage.json")
    write_text_atomic(out, datapackage_json(gpkg))
    log.debug("wrote %s", out)
    return out
