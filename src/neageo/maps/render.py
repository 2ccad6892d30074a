"""Writing the shipped maps: every map of ``assets/maps.toml`` by ``web_map(name).save()``, and the index."""

from __future__ import annotations

from pathlib import Path

from .._atomic import write_text_atomic
from ..settings import maps_dir
from .assets import LEAFLET_JS_URL, library_for, library_text
from .data import MapData
from .index import index_html, thumbnail_svg
from .paper import paper_doc
from .specs import load_specs
from .story import build_map

__all__ = ["render_all"]


def render_all(*, gpkg: str | Path | None = None, out_dir: Path | None = None,
               names: list[str] | tuple[str, ...] | None = None) -> list[Path]:
    """Write every map (or ``names``) and ``index.html``; return the paths written.

    Each map is the ``NeageoMap`` :func:`~neageo.maps.web_map` returns (with ``home="index.html"``: a link
    back to the index), saved with its ``save``; one
    GeoPackage read serves them all.  Writes are atomic.
    """
    lib = library_for(LEAFLET_JS_URL)
    assert lib is not None
    library_text(lib)  # without the [maps] extra, say so now rather than after a minute of geometry work
    specs = load_specs()
    out = Path(out_dir) if out_dir else maps_dir()
    data = MapData(gpkg)
    paths: list[Path] = []
    entries = []
    for name in names or specs:
        spec = specs[name]
        doc = paper_doc(spec, data)
        saved = build_map(doc, data, home="index.html").save(out / f"{name}.html")
        assert saved is not None
        paths.append(saved)
        entries.append((f"{name}.html", spec.nav, doc.description, thumbnail_svg(data, spec.frame, doc=doc)))
    paths.append(write_text_atomic(out / "index.html", index_html(entries)))
    return paths
