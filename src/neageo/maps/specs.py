"""The map specifications, read from the packaged ``assets/maps.toml``.

A map is data: a name, a title and description (with ``{placeholders}`` filled
from the layers' facts), the frame it opens on, the box whose data it draws and
its layers.  Layer definitions (popup rows, label class, citation) live in the
same file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

__all__ = ["LayerDef", "LayerUse", "MapSpec", "Filter", "load_specs", "label_priority", "map_boxes", "place_kind"]

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class LayerDef:
    """How one layer is shown: style, popup rows, label class, citation."""

    name: str
    title: str
    style: str
    kind: str = ""
    heading: str = "{name_en}"
    popup: tuple[tuple[str, str], ...] = ()
    label: str | None = None
    citation: str | None = None
    search: bool = True
    tooltip: bool = True
    min_area_km2: float = 0.0
    tolerance_m: float | None = None
    #: a basemap layer: painted on a canvas, below everything a reader points at
    base: bool = False
    #: the column that identifies a feature (sent as ``k``, so a page can highlight it)
    key: str | None = None


@dataclass(frozen=True)
class Filter:
    """Features of ``layer`` kept by the value of ``column``."""

    layer: str
    column: str
    values: tuple[str, ...] = ()
    from_layer: str | None = None
    from_columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayerUse:
    """A layer as one map uses it."""

    layer: LayerDef
    show: bool = True
    filter: Filter | None = None


@dataclass(frozen=True)
class MapSpec:
    """One map: what it is called, where it opens and what it draws."""

    name: str
    nav: str
    title: str
    description: str
    frame: Box
    box: Box
    layers: tuple[LayerUse, ...]
    note: str = ""
    min_island_km2: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    text = files("neageo.maps").joinpath("assets/maps.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def label_priority() -> dict[str, int]:
    """Label class -> priority (lower is placed first)."""
    return dict(_raw()["label_priority"])


def place_kind() -> dict[str, str]:
    """``places.kind`` -> label class."""
    return dict(_raw()["place_kind"])


def migration_figures() -> list[dict[str, Any]]:
    """The text's migration figures drawn on the population map."""
    return list(_raw()["migration"]["figures"])


def _box(value) -> Box:
    w, s, e, n = (float(v) for v in value)
    return (w, s, e, n)


@lru_cache(maxsize=1)
def load_specs() -> dict[str, MapSpec]:
    """Every map, by file stem, in the order they are listed."""
    raw = _raw()
    defs = {}
    for name, d in raw["layers"].items():
        defs[name] = LayerDef(name=name, title=d["title"], style=d["style"], kind=d.get("kind", ""),
                              heading=d.get("heading", "{name_en}"),
                              popup=tuple((str(a), str(b)) for a, b in d.get("popup", [])),
                              label=d.get("label"), citation=d.get("citation"), search=d.get("search", True),
                              tooltip=d.get("tooltip", True), min_area_km2=float(d.get("min_area_km2", 0.0)),
                              tolerance_m=d.get("tolerance_m"), base=bool(d.get("base", False)),
                              key=d.get("key"))
    filters = {name: Filter(layer=f["layer"], column=f["column"], values=tuple(f.get("values", ())),
                            from_layer=f.get("from_layer"), from_columns=tuple(f.get("from_columns", ())))
               for name, f in raw["filters"].items()}
    out = {}
    for name, m in raw["maps"].items():
        uses = []
        for entry in m["layers"]:
            layer, _, option = entry.partition(":")
            filt = None
            if option and option != "off":
                filt = filters[option]
                if filt.layer != layer:
                    raise ValueError(f"map {name}: filter {option!r} is for layer {filt.layer!r}, not {layer!r}")
            uses.append(LayerUse(layer=defs[layer], show=option != "off", filter=filt))
        out[name] = MapSpec(name=name, nav=m["nav"], title=m["title"], description=m["description"],
                            frame=_box(m["frame"]), box=_box(m["box"]), layers=tuple(uses), note=m.get("note", ""),
                            min_island_km2=float(m.get("min_island_km2", 0.0)))
    return out


def map_boxes() -> tuple[Box, ...]:
    """Every map's data box, distinct and sorted: the admin layers are simplified once over their union
    and cut at their sides (:mod:`neageo._coverage`; the build stores that coverage for these boxes)."""
    return tuple(sorted({spec.box for spec in load_specs().values()}))
