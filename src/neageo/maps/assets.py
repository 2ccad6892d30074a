"""Every file a saved map inlines, from packaged copies: neageo's plugin scripts and styles, and the
libraries folium links from CDNs (``assets/libraries.toml`` says which copy stands for which link).

Leaflet comes from ``xstatic-leaflet`` with its images as data URIs (the layer-control icon drawn
as inline SVG, sharp at any pixel ratio; the default marker images set on ``L.Icon.Default``).
A stylesheet's ``url()`` references become data URIs (fonts: WOFF2, which every browser that can
run the maps reads).  Nothing here touches the network.
"""

from __future__ import annotations

import base64
import importlib
import re
import tomllib
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from .._errors import ExportError

__all__ = ["Library", "own", "libraries", "library_for", "library_text", "inline_css_urls", "LEAFLET_JS_URL",
           "LEAFLET_CSS_URL"]

#: The Leaflet links folium writes (a NeageoMap links the same, and saving inlines them).
LEAFLET_JS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS_URL = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"

_MIME = {".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml", ".woff2": "font/woff2",
         ".woff": "font/woff", ".ttf": "font/ttf", ".jpg": "image/jpeg"}

#: The layer control's icon (three stacked sheets), drawn as SVG so it is sharp at any pixel ratio.
LAYERS_ICON = ("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 26 26'><g stroke='#3b3b3b' stroke-width='1.5' "
               "stroke-linejoin='round' fill='none'><path d='M3 17l10 5 10-5'/><path d='M3 13l10 5 10-5'/>"
               "<path d='M13 4l10 5-10 5-10-5z' fill='#fff'/></g></svg>")


def _assets_dir() -> Path:
    return Path(str(files("neageo.maps").joinpath("assets")))


@lru_cache(maxsize=64)
def own(path: str) -> str:
    """The text of one of neageo's own asset files (``js/core.js``, ``css/labels.css``, ``messages.json``)."""
    return (_assets_dir() / path).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Library:
    """A front-end file folium links, and where its packaged copy comes from."""

    name: str
    version: str
    licence: str
    source: str
    origin: str
    match: tuple[str, ...]

    @property
    def kind(self) -> str:
        return "css" if self.match[0].endswith(".css") else "js"


@lru_cache(maxsize=1)
def libraries() -> tuple[Library, ...]:
    raw = tomllib.loads(own("libraries.toml"))
    return tuple(Library(name=d["name"], version=str(d["version"]), licence=d["licence"], source=d["source"],
                         origin=d["origin"], match=tuple(d["match"])) for d in raw["library"])


def library_for(url: str) -> Library | None:
    """The packaged copy standing for a linked URL, or None."""
    path = urllib.parse.urlsplit(url).path if "//" in url else url
    for lib in libraries():
        if any(path.endswith("/" + m) or path == m for m in lib.match):
            return lib
    return None


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _woff2_only(match: re.Match[str]) -> str:
    entries = [e.strip() for e in match.group(1).split(",")]
    keep = [e for e in entries if "woff2" in e]
    return f"src:{','.join(keep)}" if keep else ""


def _one_face_per_font(css: str, base: Path) -> str:
    """Leave out an ``@font-face`` whose font files an earlier one already brings (Font Awesome declares
    each file again under its version 4 and 5 names, which folium's icons do not use): each font travels once."""
    seen: set[Path] = set()

    def face(m: re.Match[str]) -> str:
        refs = {(base / r.split("?")[0].split("#")[0]).resolve()
                for _, r in re.findall(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)", m.group(0)) if not r.startswith("data:")}
        if refs and refs <= seen:
            return ""
        seen.update(refs)
        return m.group(0)

    return re.sub(r"@font-face\s*\{[^}]*\}", face, css)


def inline_css_urls(css: str, base: Path) -> str:
    """``css`` with every relative ``url()`` as a data URI (read beside ``base``); font sources WOFF2 only,
    each font file once."""
    css = re.sub(r"src\s*:\s*([^;}]*)", _woff2_only, css)
    css = _one_face_per_font(css, base)

    def inline(m: re.Match[str]) -> str:
        ref = m.group(2)
        if ref.startswith(("data:", "#")):
            return m.group(0)
        if "//" in ref:
            raise ExportError(f"a stylesheet links {ref!r}, which cannot be inlined; it would load from the network")
        target = (base / ref.split("?")[0].split("#")[0]).resolve()
        if not target.is_file():
            raise ExportError(f"a stylesheet refers to {ref!r}, which its package does not ship")
        return f'url("{_data_uri(target)}")'

    return re.sub(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)", inline, css)


def _xstatic_dir(module: str) -> Path:
    try:
        mod = importlib.import_module(f"xstatic.pkg.{module}")
    except ImportError:
        name = "xstatic-" + module.replace("_", "-")
        raise ImportError(f"the web maps inline this library from {name}; install it with: pip install 'neageo[maps]'",
                          name=f"xstatic.pkg.{module}") from None
    return Path(mod.BASE_DIR)


def _minify_css(css: str) -> str:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};:,>])\s*", r"\1", css).strip()


@lru_cache(maxsize=1)
def _leaflet_js() -> str:
    base = _xstatic_dir("leaflet")
    js = re.sub(r"//# sourceMappingURL=\S+", "", (base / "leaflet.js").read_text(encoding="utf-8"))
    icons = {k: _data_uri(base / "images" / f) for k, f in (("iconUrl", "marker-icon.png"),
                                                           ("iconRetinaUrl", "marker-icon-2x.png"),
                                                           ("shadowUrl", "marker-shadow.png"))}
    opts = ",".join(f'{k}:"{v}"' for k, v in icons.items())
    return js.rstrip() + ("\n/* neageo: Leaflet's default marker images travel in the page */\n"
                          f"L.Icon.Default.imagePath=\"\";L.Icon.Default.mergeOptions({{{opts}}});\n")


@lru_cache(maxsize=1)
def _leaflet_css() -> str:
    base = _xstatic_dir("leaflet")
    css = (base / "leaflet.css").read_text(encoding="utf-8")
    icon = "data:image/svg+xml," + urllib.parse.quote(LAYERS_ICON, safe="/:=' ")
    css = re.sub(r"url\(images/layers(-2x)?\.png\)", f'url("{icon}")', css)
    css = re.sub(r"url\(images/marker-icon\.png\)", "none", css)  # only read to find the images (set in the JS)
    return _minify_css(inline_css_urls(css, base))


def _rotate_css() -> str:
    return "".join(f".fa-rotate-{d}{{transform:rotate({d}deg)}}" for d in range(360))


@lru_cache(maxsize=32)
def library_text(lib: Library) -> str:
    """The packaged copy's text, ready to inline (a stylesheet with its images and fonts as data URIs)."""
    kind, _, rest = lib.origin.partition(":")
    if lib.origin == "leaflet:js":
        text = _leaflet_js()
    elif lib.origin == "leaflet:css":
        text = _leaflet_css()
    elif kind == "xstatic":
        module, _, name = rest.partition(":")
        path = _xstatic_dir(module) / name
        text = path.read_text(encoding="utf-8")
        if lib.kind == "css":
            text = inline_css_urls(text, path.parent)
    elif kind == "vendor":
        path = _assets_dir() / "vendor" / rest
        text = path.read_text(encoding="utf-8")
        if lib.kind == "css":
            text = inline_css_urls(text, path.parent)
    elif lib.origin == "generated:awesome-rotate":
        text = _rotate_css()
    else:
        raise ValueError(f"unknown origin {lib.origin!r} in libraries.toml")
    text = re.sub(r"/[*/]# sourceMappingURL=\S+", "", text)
    return f"/* {lib.name} {lib.version} ({lib.licence}), inlined from {lib.source} */\n{text}"
