"""Projects and zones (with the year each began) and dated events (one time stop each)."""

from __future__ import annotations

import re
from typing import Any

import shapely

from ..specs import LayerUse
from .base import Context, WebLayer, feature_layer, filtered, present

__all__ = ["projects", "events", "project_year", "SINCE_NOTE"]

#: What the time control means on maps of projects.
SINCE_NOTE = "Projects begun by this year (undated ones always shown)"

def project_year(rec: dict[str, Any]) -> tuple[int, str] | None:
    """When a project began, as (year, how the paper puts it): its start year, else the year or decade
    its period names ("2006", "1990s"); None when only an end is known ("due 2008") or nothing."""
    if present(rec.get("start_year")):
        return int(rec["start_year"]), str(int(rec["start_year"]))
    text = str(rec.get("period_text") or "")
    m = re.search(r"(1[89]|20)\d\d(s?)", text)
    if not m or present(rec.get("end_year")):
        return None
    return int(m.group(0).rstrip("s")), m.group(0)


def projects(ctx: Context, use: LayerUse) -> list[WebLayer]:
    """Projects and zones; on a map that shows them from the start, a time control shows those begun by a year."""
    frame = filtered(ctx, use, ctx.data.any_geom("projects", ctx.spec.box))
    timed = use.show and not any(u.layer.name in ("events", "province_trade") for u in ctx.spec.layers)

    def since(rec: dict[str, Any], props: dict[str, Any]) -> None:
        when = project_year(rec)
        if timed and when:
            props["ts"] = when[0]
            ctx.stops.setdefault(when[0], {"v": when[0], "d": when[1], "s": SINCE_NOTE, "m": "since"})

    layer = feature_layer(ctx, use, frame, extra=since)
    return [layer]


def events(ctx: Context, use: LayerUse) -> list[WebLayer]:
    """Dated events, one time stop each (in the table's order)."""
    # the filter picks rows before their geometry is simplified (the same rows, only those simplified)
    keep = None if use.filter is None else (lambda raw: raw.index.isin(filtered(ctx, use, raw).index))
    frame = ctx.data.any_geom("events", None, where=keep).sort_values("seq")
    frame = frame[frame.intersects(shapely.box(*ctx.spec.box))]
    for r in frame.to_dict("records"):
        ctx.stops[int(r["seq"])] = {"v": int(r["seq"]), "d": str(r["date"]), "s": str(r["title"])}
    if len(frame):
        ctx.facts["spill_year"] = str(frame["date"].iloc[0])[:4]

    def when(rec: dict[str, Any], props: dict[str, Any]) -> None:
        props["t"] = int(rec["seq"])
        if rec["geometry"].geom_type not in ("Point", "MultiPoint"):
            props["w"] = 4.5

    layer = feature_layer(ctx, use, frame, extra=when)
    layer.time = True
    return [layer]
