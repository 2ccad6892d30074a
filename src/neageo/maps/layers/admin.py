"""Basemap and hydrography: countries, provinces, lakes, other rivers, the named rivers and the borders."""

from __future__ import annotations

from ..specs import LayerUse
from .base import Context, WebLayer, feature_layer

__all__ = ["countries", "provinces", "lakes", "waterways", "rivers", "borders"]


def countries(ctx: Context, use: LayerUse) -> list[WebLayer]:
    frame, _ = ctx.admin()
    return [feature_layer(ctx, use, frame, topology=True)]


def provinces(ctx: Context, use: LayerUse) -> list[WebLayer]:
    _, frame = ctx.admin()
    return [feature_layer(ctx, use, frame, topology=True)]


def lakes(ctx: Context, use: LayerUse) -> list[WebLayer]:
    d = use.layer
    frame = ctx.data.lines("lakes", ctx.spec.box, d.tolerance_m or 225.0)
    frame = frame[frame["area_km2"] >= d.min_area_km2]
    return [feature_layer(ctx, use, frame)]


def waterways(ctx: Context, use: LayerUse) -> list[WebLayer]:
    frame = ctx.data.lines("waterways", ctx.spec.box)
    return [feature_layer(ctx, use, frame[frame["kind"] != "link"])]


def rivers(ctx: Context, use: LayerUse) -> list[WebLayer]:
    frame = ctx.data.lines("rivers", ctx.spec.box)
    ctx.facts["n_rivers"] = len(ctx.data.raw("rivers"))
    return [feature_layer(ctx, use, frame)]


def borders(ctx: Context, use: LayerUse) -> list[WebLayer]:
    """Borders in force today; superseded sections (``valid_to`` set) as their own layer, off at first."""
    frame = ctx.data.lines("borders", ctx.spec.box)
    if "valid_to" not in frame.columns:
        return [feature_layer(ctx, use, frame)]
    old = frame["valid_to"].notna()
    out = [feature_layer(ctx, use, frame[~old])]
    if old.any():
        until = int(frame.loc[old, "valid_to"].max())
        former = feature_layer(ctx, use, frame[old], layer_id="borders_former", title=f"Borders before {until}",
                               show=False)
        for row in former.legend:
            row["label"] = f"{row['label']} (before {until})"
        out.append(former)
    return out
