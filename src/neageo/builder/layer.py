"""The unit every build step produces: a table or layer plus what describes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from .._errors import BuildError
from ..metadata import DATA_FILE, layer_info

__all__ = ["Layer", "described"]


@dataclass
class Layer:
    """One GeoPackage table.

    Attributes
    ----------
    name
        Table name in the GeoPackage.
    frame
        A GeoDataFrame (spatial layer, EPSG:4326) or DataFrame (attribute table).
    title, description
        Human title and a paragraph on what the layer holds and how it was made.
    sources
        Keys into the ``sources`` attribution table (``provenance.json`` and the
        curated tables) that this layer derives from.
    columns
        Column name -> description, for every column (field aliases in QGIS).
    """

    name: str
    frame: pd.DataFrame
    title: str
    description: str
    sources: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def spatial(self) -> bool:
        return hasattr(self.frame, "geometry") and "geometry" in self.frame.columns

    @property
    def geoframe(self) -> gpd.GeoDataFrame:
        """The frame of a spatial layer, as a GeoDataFrame (:class:`~neageo.BuildError` for a table)."""
        if not isinstance(self.frame, gpd.GeoDataFrame):
            raise BuildError(f"layer {self.name!r} is a table without geometry, where a spatial layer is needed")
        return self.frame

    def check_columns(self) -> None:
        """Every column is described, and nothing described is missing."""
        names = [c for c in self.frame.columns if c != "geometry"]
        undocumented = [c for c in names if c not in self.columns]
        stale = [c for c in self.columns if c not in names]
        if undocumented or stale:
            raise BuildError(
                f"layer {self.name!r}: columns without a description in neageo/{DATA_FILE} {undocumented}, "
                f"described there but not built {stale}; add or remove them in [layers.{self.name}.columns]"
            )


def described(name: str, frame: pd.DataFrame, **values: Any) -> Layer:
    """``frame`` as layer ``name``, described by the packaged metadata (placeholders filled from ``values``)."""
    info = layer_info(name).format(**values)
    return Layer(name=name, frame=frame, title=info.title, description=info.description,
                 sources=info.sources, columns=dict(info.columns))
