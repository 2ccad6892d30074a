"""Reading saved map pages: the HTML and, for a compressed page, the scripts its bundle carries."""

from __future__ import annotations

import base64
import re
import zlib
from pathlib import Path

__all__ = ["page_code", "page_text"]

_BUNDLE = re.compile(r'<script id="neageo-bundle" type="application/octet-stream">([A-Za-z0-9+/=]*)</script>')


def page_code(html: str) -> str:
    """The scripts a page's compressed bundle carries ("" for a page without one)."""
    m = _BUNDLE.search(html)
    return zlib.decompress(base64.b64decode(m.group(1))).decode("utf-8") if m else ""


def page_text(path: Path) -> str:
    """A page's HTML followed by its unpacked scripts: everything the browser will read."""
    html = path.read_text(encoding="utf-8")
    return html + "\n" + page_code(html)
