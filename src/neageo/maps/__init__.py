"""The web maps: one self-contained HTML page per map, and their index, written to ``maps/``.

Each map is a small spec in ``assets/maps.toml`` (title, frame, layers);
:mod:`~neageo.maps.layers` turns the GeoPackage's layers into page data,
:mod:`~neageo.maps.codec` packs it with Leaflet and the runtime
(``assets/nea.js``, ``assets/nea.css``) into one file that works offline.
The same GeoPackage always gives byte-identical files.  Requires the ``maps``
extra (``pip install 'neageo[maps]'``) for the inlined Leaflet.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["MAP_NAMES", "render_all", "render_map", "render_maps"]


def _names() -> tuple[str, ...]:
    from .specs import load_specs

    return tuple(load_specs())


MAP_NAMES = _names()


def render_map(name: str, *, data=None, gpkg: str | Path | None = None) -> str:
    """The HTML of one map."""
    from .._errors import QueryError
    from .data import MapData
    from .render import render_spec
    from .specs import load_specs

    specs = load_specs()
    if name not in specs:
        raise QueryError(f"no map called {name!r}; maps: {', '.join(specs)}")
    return render_spec(specs[name], data or MapData(gpkg))


def render_all(*, gpkg: str | Path | None = None, out_dir: Path | None = None,
               names: list[str] | tuple[str, ...] | None = None) -> list[Path]:
    """Write every map (or ``names``) and ``index.html``; return the paths written."""
    from ..settings import maps_dir
    from .codec import leaflet_assets, page_html
    from .data import MapData
    from .index import index_html, thumbnail_svg
    from .render import payload, write_html
    from .specs import load_specs

    leaflet_assets()  # without the [maps] extra, say so now rather than after a minute of geometry work
    specs = load_specs()
    out = Path(out_dir) if out_dir else maps_dir()
    data = MapData(gpkg)
    paths, entries = [], []
    for name in names or specs:
        spec = specs[name]
        doc, _ = payload(spec, data)
        text = page_html(lang="en", title=doc["title"], description=doc["description"], payload=doc)
        paths.append(write_html(out / f"{name}.html", text))
        entries.append((f"{name}.html", spec.nav, doc["description"], thumbnail_svg(data, spec.frame)))
    paths.append(write_html(out / "index.html", index_html(entries)))
    return paths


render_maps = render_all
