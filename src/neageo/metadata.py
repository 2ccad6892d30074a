"""Layer metadata as data: titles, descriptions, column descriptions and sources of every layer.

Everything that describes neageo's tables lives in one packaged file,
``neageo/data/layers.toml``.  The build reads it here and writes it into the
GeoPackage (``gpkg_contents``, ``gpkg_metadata``, ``gpkg_data_columns``); the
QGIS styles, the codebook (``datapackage.json``) and the documentation read it
back from the written GeoPackage, so all of them say the same thing.

Descriptions may hold ``{placeholders}`` that the build step fills from its own
constants (:meth:`LayerInfo.format`), so a number in the prose cannot drift
from the number the code uses.  This module imports nothing heavy.
"""

from __future__ import annotations

import logging
import os
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from typing import Any, Protocol

from ._errors import BuildError

__all__ = [
    "DATA_FILE",
    "METADATA_URI",
    "LayerInfo",
    "WrittenMetadata",
    "check_catalogue",
    "column_alias",
    "data_column_rows",
    "data_licence",
    "dataset_info",
    "format_box",
    "layer_catalogue",
    "layer_info",
    "own_sources",
    "read_written",
    "table_catalogue",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: The packaged metadata file, relative to the ``neageo`` package.
DATA_FILE = "data/layers.toml"

_LAYER_KEYS = {"title", "description", "sources", "columns"}
_SOURCE_KEYS = {"package", "licence", "attribution", "note"}


@dataclass(frozen=True)
class LayerInfo:
    """What describes one GeoPackage table.

    Attributes
    ----------
    name
        Table name in the GeoPackage.
    title, description
        Human title and a paragraph on what the layer holds and how it was made.
    sources
        Keys of the ``sources`` table this layer derives from (its data licences).
    columns
        Column name -> description, every column except the geometry, in table order.
    """

    name: str
    title: str
    description: str
    sources: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)

    def placeholders(self) -> set[str]:
        """Names of the ``{placeholders}`` in the title, description and column descriptions."""
        texts = [self.title, self.description, *self.columns.values()]
        return {f for text in texts for _, f, _, _ in string.Formatter().parse(text) if f}

    def format(self, **values: Any) -> LayerInfo:
        """Fill the placeholders with ``values``; every placeholder needs a value and every value a placeholder."""
        wanted = self.placeholders()
        missing, unused = sorted(wanted - set(values)), sorted(set(values) - wanted)
        if missing or unused:
            raise BuildError(
                f"{DATA_FILE} [layers.{self.name}]: placeholders without a value {missing}, "
                f"values without a placeholder {unused}; make the text and the build step agree"
            )
        if not wanted:
            return self
        return replace(
            self,
            title=self.title.format(**values),
            description=self.description.format(**values),
            columns={c: d.format(**values) for c, d in self.columns.items()},
        )


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    resource = files("neageo").joinpath(DATA_FILE)
    try:
        return tomllib.loads(resource.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BuildError(f"neageo/{DATA_FILE}: cannot read the layer metadata ({exc}); reinstall neageo") from None


@lru_cache(maxsize=1)
def layer_catalogue() -> dict[str, LayerInfo]:
    """Every layer's metadata as written in the data file (placeholders unfilled), in build order."""
    out = {}
    for name, entry in _document().get("layers", {}).items():
        where = f"neageo/{DATA_FILE} [layers.{name}]"
        if not isinstance(entry, dict) or set(entry) != _LAYER_KEYS:
            keys = sorted(entry) if isinstance(entry, dict) else entry
            raise BuildError(f"{where}: needs exactly the keys {sorted(_LAYER_KEYS)}, has {keys}")
        columns = entry["columns"]
        if not all(isinstance(v, str) and v for v in columns.values()):
            raise BuildError(f"{where}.columns: every column needs a non-empty description")
        out[name] = LayerInfo(
            name=name, title=entry["title"], description=entry["description"],
            sources=tuple(entry["sources"]), columns=dict(columns),
        )
    return out


@lru_cache(maxsize=1)
def table_catalogue() -> dict[str, LayerInfo]:
    """The tables the build adds beside the layers (``sources``, ``layer_sources``, ``layer_styles``)."""
    out = {}
    for name, entry in _document().get("tables", {}).items():
        if set(entry) != {"title", "description", "columns"}:
            raise BuildError(f"neageo/{DATA_FILE} [tables.{name}]: needs exactly the keys columns, description, title")
        out[name] = LayerInfo(name=name, title=entry["title"], description=entry["description"], sources=(),
                              columns=dict(entry["columns"]))
    return out


def data_licence(source: str) -> dict[str, str]:
    """The data licence of ``source`` for the codebook: ``name`` (SPDX or Open Definition id), ``title``, ``path``."""
    try:
        entry = _document()["data_licences"][source]
    except KeyError:
        raise BuildError(
            f"neageo/{DATA_FILE}: source {source!r} has no [data_licences.{source}] entry; add its licence there"
        ) from None
    return {k: entry[k] for k in ("name", "title", "path") if k in entry}


def check_catalogue() -> None:
    """Check the whole data file up front (cheap): every layer and table parses, every source has a licence."""
    table_catalogue()
    for info in layer_catalogue().values():
        for source in info.sources:
            data_licence(source)


def layer_info(name: str) -> LayerInfo:
    """Metadata of layer ``name`` (placeholders unfilled); :class:`BuildError` if it has none."""
    try:
        return layer_catalogue()[name]
    except KeyError:
        raise BuildError(f"neageo/{DATA_FILE}: no [layers.{name}] entry; describe the layer there") from None


def dataset_info() -> dict[str, str]:
    """The ``[dataset]`` table: ``title`` and ``data_version`` of the data release this code builds."""
    return dict(_document()["dataset"])


def own_sources() -> list[dict[str, str | None]]:
    """Rows for the ``sources`` table describing the project's own curated tables and the paper."""
    rows = []
    for key, entry in _document().get("sources", {}).items():
        if set(entry) != _SOURCE_KEYS:
            raise BuildError(f"neageo/{DATA_FILE} [sources.{key}]: needs exactly the keys {sorted(_SOURCE_KEYS)}")
        rows.append({"source": key, "package": entry["package"], "licence": entry["licence"],
                     "attribution": entry["attribution"], "sha256": None, "note": entry["note"]})
    return rows


_ALIAS_WORDS = {"en": "(English)", "zh": "(Chinese)", "ru": "(Russian)", "ko": "(Korean)", "km": "km", "km2": "km²",
                "pct": "%", "iso": "ISO", "a3": "code", "id": "id", "m": "(million)"}


def column_alias(column: str) -> str:
    """A short human label for a column: ``name_en`` -> ``Name (English)``, ``length_km`` -> ``Length km``."""
    words = [_ALIAS_WORDS.get(w, w) for w in column.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


class Described(Protocol):
    """A table whose columns are described (a :class:`LayerInfo`, or a layer the build made)."""

    @property
    def name(self) -> str: ...

    @property
    def columns(self) -> Mapping[str, str]: ...


def data_column_rows(tables: Iterable[Described]) -> list[tuple[str, str, str, str]]:
    """Rows of ``gpkg_data_columns`` for ``tables``: (table, column, alias, description), in order."""
    return [(t.name, column, column_alias(column), text) for t in tables for column, text in t.columns.items()]


def format_box(bbox: tuple[float, float, float, float]) -> str:
    """``(west, south, east, north)`` in degrees (northern, eastern hemisphere) as prose: ``115-145E, 38-56N``."""
    w, s, e, n = bbox
    return f"{w:g}-{e:g}E, {s:g}-{n:g}N"


@dataclass(frozen=True)
class WrittenMetadata:
    """The metadata a built GeoPackage carries: what the QGIS styles, the codebook and the docs read.

    Attributes
    ----------
    dataset
        The dataset document (``title``, ``data_version``, ``neageo_version``, CRSs, study box, ...).
    layers
        Layer name -> :class:`LayerInfo` (placeholders filled), in the order the build wrote them.
    tables
        Every table of the GeoPackage (the layers, then ``sources``, ``layer_sources``,
        ``layer_styles``) -> :class:`LayerInfo`, in ``gpkg_contents`` order.
    sources
        Rows of the ``sources`` table: source, package, licence, attribution, sha256, note.
    """

    dataset: dict[str, Any]
    layers: dict[str, LayerInfo]
    tables: dict[str, LayerInfo]
    sources: list[dict[str, Any]]

    def licences(self, layer: str) -> list[str]:
        """The data licences of ``layer``: those of the sources it derives from."""
        of = {s["source"]: s["licence"] for s in self.sources}
        return sorted({of[s] for s in self.tables[layer].sources if s in of})

    def attributions(self, layer: str) -> list[str]:
        """The attributions ``layer``'s sources require."""
        of = {s["source"]: s["attribution"] for s in self.sources}
        return sorted({of[s] for s in self.tables[layer].sources if s in of})


#: ``md_standard_uri`` of neageo's dataset document in ``gpkg_metadata``.
METADATA_URI = "https://neageo.invalid/metadata/v1"


def read_written(gpkg: str | os.PathLike[str]) -> WrittenMetadata:
    """Read the dataset, layer and source metadata back from a GeoPackage built by neageo."""
    import json
    import sqlite3

    from .gpkg import contents, data_columns, metadata_documents, read_only

    try:
        with read_only(gpkg) as con:
            documents = metadata_documents(con, METADATA_URI)
            tables_described = contents(con)
            columns = {t: {c: text or "" for c, (_, text) in cols.items()} for t, cols in data_columns(con).items()}
            con.row_factory = sqlite3.Row
            sources = [dict(r) for r in con.execute(
                "SELECT source, package, licence, attribution, sha256, note FROM sources ORDER BY fid")]
    except sqlite3.DatabaseError as exc:
        raise BuildError(f"{os.fspath(gpkg)}: cannot read neageo's metadata ({exc}); rebuild it with `neageo build`") from None
    row = documents[0][1] if documents else None
    if row is None:
        raise BuildError(f"{os.fspath(gpkg)}: no neageo dataset metadata; rebuild it with `neageo build`")
    dataset = json.loads(row)
    described = dataset.get("layers", {})
    tables = {}
    for name, (identifier, description) in tables_described.items():
        if name in described:
            entry = described[name]
            tables[name] = LayerInfo(name=name, title=entry["title"], description=entry["description"],
                                     sources=tuple(entry["sources"]), columns=columns.get(name, {}))
        else:
            tables[name] = LayerInfo(name=name, title=identifier or name, description=description or "",
                                     sources=(), columns=columns.get(name, {}))
    layers = {name: info for name, info in tables.items() if name in described}
    return WrittenMetadata(dataset=dataset, layers=layers, tables=tables, sources=sources)
