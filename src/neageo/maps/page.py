"""A folium map as one offline HTML page: every link inlined, ids stable, nothing rendered twice.

folium writes a page with links to CDNs, random element ids, ``user-scalable=no`` and no ``lang``,
and renders every macro's output a second time as a Jinja template.  :func:`render_page` renders
the same element tree differently:

* each ``JavascriptLink``/``CssLink`` becomes the packaged copy (``assets/libraries.toml``); one
  with none raises :class:`~neageo.ExportError` naming it, or (``missing="drop"``) is left out
  with a warning naming it;
* the text folium's macros produced is used as it is, never compiled again, so ``{{ 7*7 }}`` in
  data stays ``{{ 7*7 }}`` (a ``{% raw %}`` block written for that second pass gives its content);
* element ids are renumbered in order of appearance, so the same map gives the same bytes in any
  process;
* the tree is rendered from a snapshot and put back afterwards, so rendering again does not add
  to the page (folium issue 2237);
* with ``compress=True`` the scripts (libraries, plugins, the map's own script) travel as one
  zlib-compressed bundle that ``assets/js/boot.js`` unpacks and runs in order.
"""

from __future__ import annotations

import base64
import html
import re
import warnings
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Any, Literal

from branca.element import CssLink, Element, Figure, JavascriptLink

from .._atomic import write_text_atomic
from .._errors import ExportError
from .assets import library_for, library_text, own
from .plugins.base import InlineAsset

__all__ = ["render_page", "write_page", "notebook_html", "Missing"]

Missing = Literal["error", "drop"]

#: Appended to the map's script: every neageo hub on the page has its plugins (labels, hash state);
#: ``window.neaDrawn`` notes when the map was drawn (the tests and benchmarks wait for it).
EPILOGUE = ("\n;if (window.neageo && window.neageo.settle) { window.neageo.settle(); }"
            " else if (window.neaDrawn === undefined) { window.neaDrawn = performance.now(); }\n")

_VIEWPORT = re.compile(r"<meta\s+name=[\"']viewport[\"'][^>]*>", re.I)
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S | re.I)
_ID = re.compile(r"_([0-9a-f]{32})(?![0-9a-f])")
#: ``{% raw %}...{% endraw %}``: what some callers wrap data in for folium's second template pass
#: (``GeoDataFrame.explore`` does it to ``{{``); that pass would give the content, so it is given here
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(.*?)\{%-?\s*endraw\s*-?%\}", re.S)


def _walk(element: Element, seen: set[int] | None = None) -> list[Element]:
    """Every element under ``element`` (children, and a Figure's or Popup's header/html/script)."""
    seen = set() if seen is None else seen
    if id(element) in seen:
        return []
    seen.add(id(element))
    out = [element]
    for part in ("header", "html", "script"):
        sub = getattr(element, part, None)
        if isinstance(sub, Element):
            out += _walk(sub, seen)
    for child in list(element._children.values()):
        out += _walk(child, seen)
    return out


def _text(element: Element) -> str:
    """What an element adds to the page, without a second template pass over macro output (only what
    that pass would do to ``{% raw %}`` blocks is done: their content is kept as it is)."""
    if type(element) is Element and element._template_str is not None and not element._children:
        text = str(element._template_str)
    else:
        text = str(element.render())
    return _RAW.sub(lambda m: m.group(1), text) if "raw" in text else text


def _script_safe(js: str) -> str:
    """Inline JavaScript that cannot end its <script> element early."""
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.I).replace("<!--", "<\\!--")


class _Parts:
    def __init__(self) -> None:
        self.head: list[tuple[str, str]] = []  # (kind, text): "js", "css" or "raw"
        self.html: list[str] = []
        self.script: list[str] = []
        self.dropped: list[str] = []
        self.ids: set[str] = set()


def _collect(root: Figure, missing: Missing) -> _Parts:
    parts = _Parts()
    for name, child in root.header._children.items():
        if name == "meta_http":
            continue  # written as <meta charset> by the page itself
        if isinstance(child, JavascriptLink | CssLink):
            lib = library_for(child.url)
            if lib is None:
                if missing == "drop":
                    parts.dropped.append(f"{name} ({child.url})")
                    continue
                raise ExportError(
                    f"no packaged copy of {child.url} (the page's {name!r}), so it would load from the network; "
                    f"save with missing='drop' to leave it out, or remove the element that needs it"
                )
            parts.head.append((lib.kind, library_text(lib)))
        elif isinstance(child, InlineAsset):
            parts.head.append((child.kind, child.text))
        else:
            parts.head.append(("raw", _VIEWPORT.sub("", _text(child))))
    parts.html = [_text(child) for child in root.html._children.values()]
    parts.script = [_text(child) for child in root.script._children.values()]
    parts.ids = {e._id for e in _walk(root)}
    return parts


def _renumber(texts: list[str], ids: set[str]) -> list[str]:
    """Random element ids -> n1, n2, ... in order of first appearance across ``texts``."""
    order: dict[str, str] = {}

    def sub(m: re.Match[str]) -> str:
        hex_id = m.group(1)
        if hex_id not in ids:
            return m.group(0)
        if hex_id not in order:
            order[hex_id] = f"n{len(order) + 1}"
        return "_" + order[hex_id]

    return [_ID.sub(sub, t) for t in texts]


def _render_parts(m: Element, missing: Missing) -> _Parts:
    found = m.get_root()
    temporary = not isinstance(found, Figure)
    root = found if isinstance(found, Figure) else Figure()
    if temporary:
        root.add_child(m)
    tree = _walk(root)
    snapshot = [(e, OrderedDict(e._children)) for e in tree]
    try:
        for child in list(root._children.values()):
            child.render()
        return _collect(root, missing)
    finally:
        for element, children in snapshot:
            element._children = children
        if temporary:
            m._parent = None


def _lang_of(m: Element) -> str:
    """The language a page opens in: its Language plugin's, else English."""
    from .plugins.language import Language

    for element in _walk(m):
        if isinstance(element, Language):
            return element.lang
    return str(getattr(m, "lang", "en"))


def render_page(m: Element, *, missing: Missing = "error", compress: bool = False, lang: str | None = None,
                title: str | None = None) -> str:
    """The whole page of a folium map (or any element on one), as one offline HTML document.

    Parameters
    ----------
    m
        A ``folium.Map`` (or anything with a ``Figure`` root).
    missing
        ``"error"``: a linked file with no packaged copy raises :class:`~neageo.ExportError`;
        ``"drop"``: it is left out, and a warning names it.
    compress
        Carry the scripts as one compressed bundle (about a third of their size as text).
    lang, title
        ``<html lang>`` (default: the map's Language plugin's) and ``<title>``.
    """
    if missing not in ("error", "drop"):
        raise ExportError(f"missing must be 'error' or 'drop', not {missing!r}")
    lang = lang or _lang_of(m)
    parts = _render_parts(m, missing)
    if parts.dropped:
        warnings.warn("saved without " + ", ".join(parts.dropped) + " (no packaged copy; the page may lack what they do)",
                      stacklevel=3)
    root: Any = m.get_root()
    page_title = title if title is not None else (getattr(root, "title", None) or "Map")
    head, bundle = [], []
    for kind, text in parts.head:
        if kind == "css":
            if "</style" in text.lower():
                raise ExportError("an inlined style sheet contains '</style'; it cannot be inlined safely")
            head.append(f"<style>\n{text}\n</style>")
        elif kind == "js" and not compress:
            head.append(f"<script>\n{_script_safe(text)}\n</script>")
        elif kind == "js":
            bundle.append(text)
        elif compress:
            bundle += _SCRIPT.findall(text)
            rest = _SCRIPT.sub("", text).strip()
            if rest:
                head.append(rest)
        else:
            head.append(text.strip())
    script = "\n".join(parts.script) + EPILOGUE
    texts = _renumber(["\n".join(head), "\n".join(parts.html), script, "\n;\n".join(bundle)], parts.ids)
    head_text, html_text, script_text, bundle_text = texts
    out = ["<!DOCTYPE html>", f'<html lang="{html.escape(lang)}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{html.escape(page_title)}</title>", head_text, "</head>", "<body>", html_text]
    if compress:
        code = (bundle_text + "\n;\n" + script_text).encode("utf-8")
        packed = base64.b64encode(zlib.compress(code, 9)).decode("ascii")
        out += [f'<script id="neageo-bundle" type="application/octet-stream">{packed}</script>',
                f"<script>\n{own('js/boot.js')}</script>"]
    else:
        out += [f"<script>\n{_script_safe(script_text)}\n</script>"]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def write_page(m: Element, path: str | Path, **kwargs: Any) -> Path:
    """Render a map with :func:`render_page` and write it atomically (a failed save leaves the old file)."""
    text = render_page(m, **kwargs)
    out: Path = write_text_atomic(Path(path), text)
    return out


def notebook_html(page: str, *, height: int = 520) -> str:
    """A page shown in a notebook cell: an ``<iframe srcdoc>`` (offline once the page is) of a set height."""
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" style="width:100%;height:{int(height)}px;'
            'border:none;display:block" title="map" allowfullscreen></iframe>')
