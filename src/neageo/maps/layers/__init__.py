"""The paper's layers as page data: one module per family, one builder per layer name in ``maps.toml``.

Every builder reads the GeoPackage through :class:`~neageo.maps.data.MapData` and returns
:class:`~neageo.maps.layers.base.WebLayer` objects; what is typed in ``assets/maps.toml`` says how
each is shown, and the figures it reports (``facts``) fill the map's title, description and legend.
"""

from __future__ import annotations

from collections.abc import Callable

from ..specs import LayerUse
from .admin import borders, countries, lakes, provinces, rivers, waterways
from .base import LANGS, Context, WebLayer
from .points import customs_gates, gate_links, places
from .population import migration, regions_population
from .projects import events, projects
from .trade import province_trade, trade_flows

__all__ = ["WebLayer", "Context", "build_layer", "LANGS", "BUILDERS"]

BUILDERS: dict[str, Callable[[Context, LayerUse], list[WebLayer]]] = {
    "countries": countries, "provinces": provinces, "lakes": lakes, "waterways": waterways, "rivers": rivers,
    "borders": borders, "places": places, "customs_gates": customs_gates, "gate_links": gate_links,
    "projects": projects, "events": events, "province_trade": province_trade, "trade_flows": trade_flows,
    "regions_population": regions_population, "migration": migration,
}


def build_layer(ctx: Context, use: LayerUse) -> list[WebLayer]:
    """The page layers for one entry of a map's layer list."""
    return BUILDERS[use.layer.name](ctx, use)
