"""Language: a native ``<select>`` that switches every plugin's text and the page's ``lang``."""

from __future__ import annotations

from typing import Any

from ..._errors import QueryError
from ..messages import langs
from .base import NeageoPlugin

__all__ = ["Language"]


class Language(NeageoPlugin):
    """The language switch (English, 中文, Русский, 한국어 by default).

    Choosing a language switches labels, tooltips, popup headings, the controls' texts, Leaflet's
    zoom buttons and ``<html lang>``; names missing in a language fall back to English.
    """

    call = "language"
    js = ("title", "language")
    css = ("title",)
    message_keys = ("language", "zoomin", "zoomout")

    def __init__(self, lang: str = "en", *, languages: list[list[str]] | None = None) -> None:
        super().__init__()
        self.languages = languages or langs()
        codes = [code for code, _ in self.languages]
        if lang not in codes:
            raise QueryError(f"no language {lang!r} on the maps; choose one of {', '.join(codes)}")
        self.lang = lang

    def options(self) -> dict[str, Any]:
        return {"langs": self.languages, "lang": self.lang}
