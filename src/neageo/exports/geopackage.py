"""GeoPackage: the selected layers in one ``neageo.gpkg``, still styled and described.

A GeoPackage 1.3, like the build's (GDAL 3.6 and QGIS 3.22 open it without a
warning).  Every selected layer keeps its title and description, its QGIS default style
(``layer_styles``), its QGIS metadata and the dataset metadata
(``gpkg_metadata``) and its column descriptions (``gpkg_data_columns``): the
file opens styled and described in QGIS.  What describes the layers is copied
by :func:`neageo.gpkg.copy_descriptions`.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from .._atomic import atomic_target
from ..gpkg import DEFAULT_VERSION, copy_descriptions
from ..io import read
from .common import descriptions, inside, writing

__all__ = ["export_gpkg"]


def export_gpkg(names: list[str], out: Path, source: Path) -> list[Path]:
    """Write the layers ``names`` of ``source`` with what describes them to ``out/neageo.gpkg`` (atomically)."""
    import pyogrio

    about, _, _ = descriptions(source)
    target = inside(out, "neageo", ".gpkg")
    with writing(target), atomic_target(target, suffix=".tmp.gpkg") as tmp:
        for name in names:
            frame = read(name, gpkg=source)
            title, description = about.get(name, (name, ""))
            options = {"IDENTIFIER": title, "DESCRIPTION": description}
            if isinstance(frame, gpd.GeoDataFrame):
                options |= {"GEOMETRY_NAME": "geom", "SPATIAL_INDEX": "YES"}
            first = not tmp.exists()
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", append=not first,
                                    layer_options=options,
                                    dataset_options={"VERSION": DEFAULT_VERSION} if first else None)
        copy_descriptions(tmp, source, names)
    return [target]
