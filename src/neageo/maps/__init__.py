"""The web maps: themed Folium (Leaflet) maps and their index, written to ``maps/``.

Each map is one self-contained HTML file (Leaflet inlined, no network needed);
the same GeoPackage always gives byte-identical files.  Requires the ``maps``
extra (``pip install 'neageo[maps]'``) for the inlined Leaflet.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["render_all", "render_map", "render_maps", "MAP_NAMES"]

MAP_NAMES = ("overview", "trade", "customs_gates", "benzene_spill", "sinuiju_dandong", "tumen", "population")


def render_map(name: str, *, data=None, gpkg=None) -> str:
    """The HTML of one map."""
    from .base import render
    from .data import MapData
    from .themes import MAPS

    if name not in MAPS:
        from .._errors import QueryError

        raise QueryError(f"no map called {name!r}; maps: {', '.join(MAPS)}")
    data = data or MapData(gpkg)
    return render(MAPS[name][0](data))


def render_all(*, gpkg=None, out_dir: Path | None = None, names=None) -> list[Path]:
    """Write every map (or ``names``) and ``index.html``; return the paths written."""
    from ..settings import maps_dir
    from .base import write_html
    from .data import MapData
    from .index import index_html, thumbnail_svg
    from .themes import MAPS

    out = Path(out_dir) if out_dir else maps_dir()
    data = MapData(gpkg)
    paths, entries = [], []
    for name in names or MAPS:
        html_text = render_map(name, data=data)
        path = write_html(out / f"{name}.html", html_text)
        paths.append(path)
        builder, desc, bounds = MAPS[name]
        title = builder.__doc__ or name
        title = {"overview": "Overview", "trade": "Trade", "customs_gates": "Customs gates",
                 "benzene_spill": "Rivers and the benzene spill", "sinuiju_dandong": "Sinuiju–Dandong",
                 "tumen": "Tumen River area", "population": "Population and migration"}.get(name, title)
        entries.append((f"{name}.html", title, desc, thumbnail_svg(data, bounds)))
    paths.append(write_html(out / "index.html", index_html(entries)))
    return paths


render_maps = render_all
