"""Saving any folium map offline: every linked script and style sheet inlined from packaged copies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._errors import ExportError
from .page import Missing, write_page

__all__ = ["save_offline"]


def save_offline(m: Any, path: str | Path, *, missing: str = "error") -> Path:
    """Write a folium map as one HTML file that loads nothing, not even a local file.

    Leaflet, jQuery, Bootstrap, Font Awesome, Leaflet.awesome-markers and the other files folium
    links from CDNs are inlined from packaged copies (``pip install 'neageo[maps]'``), their images
    and fonts as data URIs; the map's own script is kept as folium wrote it, without folium's second
    template pass (``{{ 7*7 }}`` in your data stays as typed).  Written atomically.

    Parameters
    ----------
    m
        Any ``folium.Map`` (``GeoDataFrame.explore()`` output too), or a ``NeageoMap``, which is
        saved with its own compressed ``save``.
    path
        The HTML file to write.
    missing
        ``"error"``: a linked file neageo has no copy of raises :class:`~neageo.ExportError` naming
        it.  ``"drop"``: such files are left out and a warning names them (circle markers, lines and
        ``GeoJson`` need only Leaflet).

    Returns
    -------
    Path
        The file written.
    """
    from .webmap import NeageoMap

    if missing not in ("error", "drop"):
        raise ExportError(f"missing must be 'error' or 'drop', not {missing!r}")
    how: Missing = "drop" if missing == "drop" else "error"
    if isinstance(m, NeageoMap):
        saved = m.save(path, missing=how)
        assert saved is not None
        return saved
    root = m.get_root()
    title = getattr(root, "title", None) or "Map"
    return write_page(m, path, missing=how, compress=False, title=title)
