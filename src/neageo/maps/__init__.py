"""The web maps as folium maps: the paper's maps, your data on them, and saving any folium map offline.

* :func:`web_map` returns one of the paper's maps (``assets/maps.toml``) as a ``folium.Map`` subclass
  (:class:`~neageo.maps.webmap.NeageoMap`) to add to, show in a notebook, and ``save()`` as one
  self-contained page;
* :func:`explore` puts your GeoDataFrame on one of them (labels, popups, time, legend, search);
* :func:`save_offline` writes any folium map (``GeoDataFrame.explore()`` output too) with every
  asset inlined from packaged copies;
* :func:`render_all` writes every shipped map and ``index.html`` (``neageo maps``).

The features of the pages are folium plugins (:mod:`neageo.maps.plugins`) that work on any map.
The same GeoPackage always gives byte-identical files.  Requires the ``maps`` extra
(``pip install 'neageo[maps]'``) for the inlined libraries.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

__all__ = ["MAP_NAMES", "web_map", "explore", "save_offline", "render_all", "render_maps"]

if TYPE_CHECKING:
    import folium

    from .webmap import NeageoMap


def _names() -> tuple[str, ...]:
    from .specs import load_specs

    return tuple(load_specs())


MAP_NAMES = _names()


def web_map(name: str, *, lang: str = "en", year: int | None = None, gpkg: str | Path | None = None,
            home: str | None = None) -> NeageoMap:
    """One of the paper's maps, or the paper as a story (``"story"``), as a ``folium.Map``
    (see :func:`neageo.maps.paper.web_map`)."""
    from .story import web_map as _web_map

    return _web_map(name, lang=lang, year=year, gpkg=gpkg, home=home)


def explore(data: Any, **kwargs: Any) -> NeageoMap:
    """Your GeoDataFrame on one of the paper's maps (see :func:`neageo.maps.userdata.explore`)."""
    from .userdata import explore as _explore

    return _explore(data, **kwargs)


def save_offline(m: folium.Map, path: str | Path, *, missing: str = "error") -> Path:
    """Write any folium map as one offline page (see :func:`neageo.maps.offline.save_offline`)."""
    from .offline import save_offline as _save_offline

    return _save_offline(m, path, missing=missing)


def render_all(*, gpkg: str | Path | None = None, out_dir: Path | None = None,
               names: list[str] | tuple[str, ...] | None = None) -> list[Path]:
    """Write every map (or ``names``) and ``index.html``; return the paths written."""
    from .render import render_all as _render_all

    return _render_all(gpkg=gpkg, out_dir=out_dir, names=names)


render_maps = render_all
