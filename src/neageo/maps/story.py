"""The paper as a story map: chapters from ``assets/story.toml`` over one of the paper's maps.

:func:`story_map` puts the :class:`~neageo.maps.plugins.Story` plugin on the map of a
:class:`~neageo.maps.paper.PaperDoc` (the ``story`` map of ``assets/maps.toml``: every layer the
chapters show, with the usual labels, language, time, legend and credits).  The story owns the URL
hash, so the map-state plugin starts switched off (the story switches it on in explore mode).

Figures in the chapters' text are read from the GeoPackage's ``paper_tables`` when the page is
built and written with their unit in each language, so a corrected table corrects the story.
"""

from __future__ import annotations

import logging
import string
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .._errors import QueryError
from .assets import own
from .data import MapData
from .layers.base import present
from .paper import PaperDoc, paper_doc, paper_map
from .plugins.hashstate import HashState
from .plugins.legend import Legend
from .plugins.story import Story
from .specs import load_specs
from .storypics import picture
from .webmap import NeageoMap

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

__all__ = ["load_story", "figures", "chapters", "story_map", "build_map", "web_map", "Figure"]


@lru_cache(maxsize=1)
def load_story() -> dict[str, Any]:
    """The story's chapters, figures and units (``assets/story.toml``)."""
    doc: dict[str, Any] = tomllib.loads(own("story.toml"))
    return doc


@dataclass(frozen=True)
class Figure:
    """One figure of the paper as the GeoPackage holds it: ``printed`` (the paper's own digits), its unit, year."""

    key: str
    printed: str
    unit: str
    year: int | None
    citation: str

    def text(self, lang: str, units: dict[str, dict[str, str]]) -> str:
        for name, forms in units.items():
            if self.unit.startswith(name):
                return forms.get(lang, forms["en"]).replace("{}", self.printed)
        return f"{self.printed} {self.unit}".strip()


class _InLang:
    """A figure as a format field: ``{key}`` its value with unit in a language, ``{key.year}`` its year."""

    def __init__(self, fig: Figure, lang: str, units: dict[str, dict[str, str]]) -> None:
        self.fig, self.lang, self.units = fig, lang, units
        self.year = "" if fig.year is None else str(fig.year)

    def __format__(self, spec: str) -> str:
        return self.fig.text(self.lang, self.units)


def figures(data: MapData) -> dict[str, Figure]:
    """The story's figures (``[figures]`` of story.toml), from the GeoPackage's ``paper_tables``."""
    story = load_story()
    rows = data.raw("paper_tables")
    out = {}
    for key, want in story["figures"].items():
        sel = rows["row_label"] == want["row"]
        if "table" in want:
            sel &= rows["table_no"] == want["table"]
        for col in ("year", "measure"):
            if col in want:
                sel &= rows[col] == want[col]
        found = rows[sel]
        if len(found) != 1:
            raise QueryError(f"story figure {key!r}: {len(found)} rows of paper_tables match {want}; expected one")
        r = found.iloc[0]
        unit = str(want.get("unit", r["unit"]))
        year = int(r["year"]) if present(r["year"]) else None
        out[key] = Figure(key=key, printed=str(r["printed"]), unit=unit, year=year, citation=str(r["citation"]))
    return out


def _fill(text: str, figs: dict[str, Figure], lang: str, units: dict[str, dict[str, str]]) -> str:
    fields = {k: _InLang(f, lang, units) for k, f in figs.items()}
    for _, name, _, _ in string.Formatter().parse(text):
        if name and name.split(".")[0] not in fields:
            raise QueryError(f"story text names a figure {name!r} that story.toml's [figures] does not define")
    return text.format_map(fields)


def _unit_names(unit: str, units: dict[str, dict[str, str]]) -> dict[str, str]:
    """A unit by language ("US$ million" -> {"en": "US$ million", "zh": "百万美元", ...})."""
    for name, forms in units.items():
        if unit.startswith(name):
            return {lang: form.replace("{}", "").strip() for lang, form in forms.items()}
    return {"en": unit}


def _chart(data: MapData, spec: dict[str, Any], labels: dict[str, dict[str, str]],
           units: dict[str, dict[str, str]]) -> dict[str, Any]:
    rows = data.raw("paper_tables")
    sel = (rows["table_no"] == spec["table"]) & (rows["measure"] == spec["measure"])
    if "row" in spec:
        sel &= rows["row_label"] == spec["row"]
    if "year" in spec:
        sel &= rows["year"] == spec["year"]
    found = rows[sel & rows["value"].notna()]
    found = found[~found["row_label"].isin(spec.get("skip", []))]
    if spec["by"] == "year":
        found = found.sort_values("year")
        names = [{"en": str(int(y))} for y in found["year"]]
    else:
        names = [{"en": str(r), **labels.get(str(r), {})} for r in found["row_label"]]
    bars = [[n, float(v), str(p)] for n, v, p in zip(names, found["value"], found["printed"])]
    found_units = sorted(set(found["unit"].astype(str)))
    cite = sorted(set(found["citation"].astype(str)))
    return {"bars": bars, "unit": _unit_names(found_units[0] if found_units else "", units), "cite": "; ".join(cite)}


def chapters(doc: PaperDoc, data: MapData) -> list[dict[str, Any]]:
    """Every chapter as the Story plugin's payload has it (texts in each language, map state, chart, picture)."""
    story = load_story()
    units = story["units"]
    figs = figures(data)
    stops = [str(s["d"]) for s in doc.stops]
    layer_ids = {layer.id for layer in doc.layers}
    keys = {str(p["k"]) for layer in doc.layers for _, p in layer.features if "k" in p}
    out = []
    for ch in story["chapter"]:
        missing = [x for x in ch["layers"] if x not in layer_ids]
        if missing:
            raise QueryError(f"story chapter {ch['id']!r} shows layers the story map lacks: {missing}")
        unknown = [k for k in ch.get("highlight", []) if str(k) not in keys]
        if unknown:
            raise QueryError(f"story chapter {ch['id']!r} highlights features the story map lacks: {unknown}")
        stop = None
        if "stop" in ch:
            if ch["stop"] not in stops:
                raise QueryError(f"story chapter {ch['id']!r}: no time stop {ch['stop']!r}; stops: {', '.join(stops)}")
            stop = len(stops) - 1 - stops[::-1].index(ch["stop"])  # the last stop of that date
        texts = {lang: [_fill(p, figs, lang, units) for p in paras] for lang, paras in ch["text"].items()}
        entry: dict[str, Any] = {
            "id": ch["id"], "heading": dict(ch["heading"]), "text": texts, "cite": dict(ch["cite"]),
            "frame": [float(v) for v in ch["frame"]], "layers": list(ch["layers"]), "stop": stop,
            "highlight": [str(k) for k in ch.get("highlight", [])],
            "picture": picture(data, tuple(ch["frame"]), ch["layers"], ch.get("highlight", []), box=doc.spec.box),
        }
        if "chart" in ch:
            entry["chart"] = {**_chart(data, ch["chart"], story.get("labels", {}), units),
                              "caption": dict(ch["chart"]["caption"])}
        out.append(entry)
    return out


def story_map(doc: PaperDoc, data: MapData, *, lang: str = "en", home: str | None = None) -> NeageoMap:
    """The story page: the story map's layers and plugins, the chapters beside it, the hash the story's."""
    doc.stops = sorted(doc.stops, key=lambda s: str(s["d"]))  # years and dated stages on one time line
    m = paper_map(doc, lang=lang, home=home)
    for child in m._children.values():
        if isinstance(child, HashState):
            child.enabled = False  # the story owns the hash; explore mode switches it on
        elif isinstance(child, Legend):
            child.open = False  # folded beside the text: the chapters say what the map shows
    story = load_story()
    Story(chapters(doc, data), title=dict(story["story"]["title"]), intro=dict(story["story"]["intro"])).add_to(m)
    return m


def build_map(doc: PaperDoc, data: MapData, *, lang: str = "en", year: int | None = None,
              home: str | None = None) -> NeageoMap:
    """The map of a :class:`PaperDoc`: the story page for the story map, else the paper's map."""
    if doc.spec.extra.get("story"):
        if year is not None:
            raise QueryError("the story sets the year chapter by chapter; open it without year=")
        return story_map(doc, data, lang=lang, home=home)
    return paper_map(doc, lang=lang, year=year, home=home)


def web_map(name: str, *, lang: str = "en", year: int | None = None, gpkg: str | Path | None = None,
            home: str | None = None) -> NeageoMap:
    """One of the paper's maps, or the story (``"story"``), as a ``folium.Map`` (see :func:`neageo.maps.paper.web_map`)."""
    specs = load_specs()
    if name not in specs:
        raise QueryError(f"no map called {name!r}; maps: {', '.join(specs)}")
    data = MapData(gpkg)
    return build_map(paper_doc(specs[name], data), data, lang=lang, year=year, home=home)
