"""Finding features by name, in any language and spelling.

Names are compared after normalisation: Unicode compatibility decomposition,
diacritics dropped, case folded, and everything but letters and digits
removed, so ``"P'yŏngan-bukto"``, ``"pyongan bukto"`` and ``"PYONGANBUKTO"``
are the same key; Chinese, Russian and Korean names match as written.

A name may start with a layer, ``"customs_gates:Hunchun"``, to pick the
feature of that layer when several layers have one of that name; the query
functions warn (:class:`AmbiguousName`) when a bare name matches several
features and say which one they used.
"""

from __future__ import annotations

import difflib
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from ._errors import DataError, PlaceNotFound, QueryError, shown
from .io import gpkg_path, layer_names, read

__all__ = ["normalise", "find", "matches", "first_match", "split_layer", "Match", "AmbiguousName", "SEARCHED_LAYERS"]


class AmbiguousName(UserWarning):
    """A bare name matched several features; the first (places first, then gates, ...) was used."""

#: Layer -> (identifier column, name columns searched).
SEARCHED_LAYERS = {
    "places": ("place_id", ("name_en", "name_zh", "name_ru", "name_ko", "aliases", "place_id")),
    "customs_gates": ("gate_id", ("name_en", "name_zh", "name_ru", "name_ko", "aliases", "gate_id")),
    "provinces": ("adm1_code", ("name_en", "name_zh", "name_ru", "name_ko", "name_local", "aliases")),
    "countries": ("iso_a3", ("name_en", "name_zh", "name_ru", "name_ko", "aliases", "iso_a3")),
    "rivers": ("name_en", ("name_en", "name_zh", "name_ru", "name_ko", "aliases")),
    "projects": ("project_id", ("name_en", "name_local", "project_id")),
    "events": ("event_id", ("title", "event_id")),
}
#: Order in which layers are listed when one name matches several features.
_PRIORITY = list(SEARCHED_LAYERS)


def normalise(text: str) -> str:
    """The comparison key of a name (see the module docstring)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    recomposed = unicodedata.normalize("NFC", stripped).casefold()
    return "".join(ch for ch in recomposed if ch.isalnum())


def _names(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    out = []
    for part in str(value).split("|"):
        out += [p.strip() for p in part.split(" / ")] if " / " in part else [part.strip()]
    return [p for p in out if p]


def split_layer(name: str) -> tuple[str | None, str]:
    """``"customs_gates:Hunchun"`` -> ``("customs_gates", "Hunchun")``; a name without a known layer prefix -> ``(None, name)``."""
    head, sep, tail = name.partition(":")
    if sep and head.strip() in SEARCHED_LAYERS and tail.strip():
        return head.strip(), tail.strip()
    return None, name


Index = tuple[dict[str, list[tuple[str, str]]], dict[tuple[str, str], str], dict[str, str], dict[str, gpd.GeoDataFrame]]


@lru_cache(maxsize=4)
def _index(path: str, mtime_ns: int) -> Index:
    """key -> [(layer, id)], (layer, id) -> display name, key -> a display spelling, layer -> frame."""
    keys: dict[str, list[tuple[str, str]]] = {}
    display: dict[tuple[str, str], str] = {}
    spelling: dict[str, str] = {}
    frames: dict[str, gpd.GeoDataFrame] = {}
    for layer, (id_col, cols) in SEARCHED_LAYERS.items():
        frame = read(layer, gpkg=path)
        missing = [c for c in (id_col, *cols) if c not in frame.columns]
        if missing or not isinstance(frame, gpd.GeoDataFrame):
            what = f"has no column(s) {', '.join(missing)}" if missing else "has no geometry"
            raise DataError(f"{Path(path).name}: layer {layer!r} {what}; is it a neageo GeoPackage? "
                            "Point --gpkg at one built by `neageo build`")
        frames[layer] = frame
        for rec in frame.drop(columns="geometry", errors="ignore").to_dict("records"):
            fid = str(rec[id_col])
            display[(layer, fid)] = str(rec.get("name_en") or rec.get("title") or fid)
            for col in cols:
                for name in _names(rec.get(col)):
                    key = normalise(name)
                    if not key:
                        continue
                    hits = keys.setdefault(key, [])
                    if (layer, fid) not in hits:
                        hits.append((layer, fid))
                    spelling.setdefault(key, name)
    return keys, display, spelling, frames


def find(name: str, *, layers: str | list[str] | tuple[str, ...] | None = None,
         gpkg: str | Path | None = None) -> gpd.GeoDataFrame:
    """Features whose name or alias matches ``name`` in any searched layer.

    Parameters
    ----------
    name
        Any name or alias, in any language; case, diacritics and punctuation are ignored.
    layers
        Restrict the search to these layers (default: places, customs gates,
        provinces, countries, rivers, projects, events).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per matching feature: ``layer``, ``id``, ``name_en``,
        ``matched`` (the spelling that matched) and the geometry, places first.

    Raises
    ------
    PlaceNotFound
        with the closest known names when nothing matches.

    Examples
    --------
    >>> neageo.find("Shinuiju")[["layer", "name_en"]]   # doctest: +SKIP
    >>> neageo.find("琿春").iloc[0].geometry            # doctest: +SKIP
    """
    if not isinstance(name, str):
        raise QueryError(f"a name must be text, not {type(name).__name__}")
    prefix, name = split_layer(name)
    layers = layer_names(layers)
    if prefix is not None:
        if layers and prefix not in layers:
            raise QueryError(f"{shown(prefix)} is not among the layers searched here ({', '.join(layers)})")
        layers = [prefix]
    key = normalise(name)
    if not key:
        raise QueryError("the name is empty (or only punctuation); give a place, river, province or country")
    wanted = layer_names(layers) or list(SEARCHED_LAYERS)
    unknown = [lyr for lyr in wanted if lyr not in SEARCHED_LAYERS]
    if unknown:
        raise QueryError(f"cannot search layer(s) {', '.join(map(shown, unknown))}; searchable: {', '.join(SEARCHED_LAYERS)}")
    path = gpkg_path(gpkg)
    keys, display, spelling, frames = _index(str(path), path.stat().st_mtime_ns)
    hits = [h for h in keys.get(key, []) if h[0] in wanted]
    if not hits:
        pool = [k for k, v in keys.items() if any(h[0] in wanted for h in v)]
        close = difflib.get_close_matches(key, pool, n=5, cutoff=0.6)
        names = []
        for k in close:
            for h in keys[k]:
                if display[h] not in names:
                    names.append(display[h])
        hint = f"; closest: {', '.join(names[:5])}" if names else "; try `neageo find` with another spelling"
        raise PlaceNotFound(f"no feature is called {shown(name)}{hint}")
    hits.sort(key=lambda h: (_PRIORITY.index(h[0]), h[1]))
    parts = []
    for layer in dict.fromkeys(h[0] for h in hits):
        ids = [h[1] for h in hits if h[0] == layer]
        id_col = SEARCHED_LAYERS[layer][0]
        frame = frames[layer]  # read once with the index, while the file is unchanged
        sel = frame[frame[id_col].astype(str).isin(ids)].copy()
        sel.insert(0, "layer", layer)
        sel.insert(1, "id", sel[id_col].astype(str))
        if "name_en" not in sel:
            sel["name_en"] = sel.get("title", sel["id"])
        sel["matched"] = spelling[key]
        parts.append(sel[["layer", "id", "name_en", "matched", "geometry"]])
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=4326)


@lru_cache(maxsize=16)
def _positions(path: str, mtime_ns: int, layer: str) -> dict[str, list[int]]:
    """Identifier -> row positions in the layer's frame (frame order), while the file is unchanged."""
    frame = _index(path, mtime_ns)[3][layer]
    out: dict[str, list[int]] = {}
    for i, fid in enumerate(frame[SEARCHED_LAYERS[layer][0]].astype(str)):
        out.setdefault(fid, []).append(i)
    return out


class Match(NamedTuple):
    """One feature a name matches: its layer, identifier, English name (or title) and geometry."""

    layer: str
    id: str
    name: str
    geometry: BaseGeometry


def matches(
    name: str, *, layers: list[str] | tuple[str, ...] | None = None, gpkg: str | Path | None = None
) -> list[Match]:
    """Every feature :func:`find` returns, in its order, without building its frame.

    Queries use this (and :func:`first_match`): they need the best match, and
    whether the name is shared.  It raises exactly what :func:`find` raises.
    """
    if isinstance(name, str):
        prefix, bare = split_layer(name)
        wanted = [prefix] if prefix else (list(layers) if layers else list(SEARCHED_LAYERS))
        key = normalise(bare)
        if key and all(lyr in SEARCHED_LAYERS for lyr in wanted) and (prefix is None or not layers or prefix in layers):
            path = gpkg_path(gpkg)
            mtime = path.stat().st_mtime_ns
            keys, _, _, frames = _index(str(path), mtime)
            hits = [h for h in keys.get(key, []) if h[0] in wanted]
            if hits:
                out: list[Match] = []
                for layer in sorted({h[0] for h in hits}, key=_PRIORITY.index):
                    rows = _positions(str(path), mtime, layer)
                    frame = frames[layer]
                    id_col = SEARCHED_LAYERS[layer][0]
                    label_col = next((c for c in ("name_en", "title") if c in frame.columns), id_col)
                    for i in sorted(pos for fid in {h[1] for h in hits if h[0] == layer} for pos in rows[fid]):
                        out.append(Match(layer, str(frame[id_col].iloc[i]), str(frame[label_col].iloc[i]),
                                         frame.geometry.values[i]))
                return out
    found = find(name, layers=layers, gpkg=gpkg)  # raises the errors find() raises
    return [Match(str(r["layer"]), str(r["id"]), str(r["name_en"]), r["geometry"]) for _, r in found.iterrows()]


def first_match(
    name: str, *, layers: list[str] | tuple[str, ...] | None = None, gpkg: str | Path | None = None
) -> tuple[BaseGeometry, str, str]:
    """The geometry, English name and layer of the first row :func:`find` returns, without building its frame.

    Queries that only need the best match (``river_path("Harbin", ...)``) use
    this; it raises exactly what :func:`find` raises when nothing matches.
    """
    best = matches(name, layers=layers, gpkg=gpkg)[0]
    return best.geometry, best.name, best.layer
