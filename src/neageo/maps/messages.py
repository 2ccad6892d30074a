"""The one message catalogue of the maps (``assets/messages.json``): every control text in each
language, and translations of data texts (layer titles, field names) keyed by their English text.

Each plugin sends the page only the entries it uses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from .assets import own

__all__ = ["catalogue", "langs", "messages_for", "texts_for", "translate"]


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(own("messages.json"))
    return doc


def langs() -> list[list[str]]:
    """[code, name in that language] for every language the maps offer, English first."""
    return [list(pair) for pair in catalogue()["langs"]]


def messages_for(keys: Iterable[str]) -> dict[str, dict[str, str]]:
    """The catalogue entries of control texts (by key), every language beside each."""
    messages: dict[str, dict[str, str]] = catalogue()["messages"]
    missing = [k for k in keys if k not in messages]
    if missing:
        raise KeyError(f"no message {missing} in messages.json")
    return {k: dict(messages[k]) for k in keys}


_FIELD = re.compile(r"\{(\w+)\}")


@lru_cache(maxsize=1)
def _templates() -> list[tuple[re.Pattern[str], dict[str, str]]]:
    """The catalogue's texts with ``{name}`` fields, each as a pattern matching its English text."""
    out = []
    for en, tr in catalogue()["texts"].items():
        if _FIELD.search(en):
            parts = _FIELD.split(en)  # literal, name, literal, name, ...
            pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
            out.append((re.compile(pattern + r"\Z"), tr))
    return out


def translate(text: str) -> dict[str, str] | None:
    """A data text in every language the catalogue has it in: by its English text, or by a template whose
    fields (figures, years) it fills; None when the catalogue does not have it."""
    known: dict[str, dict[str, str]] = catalogue()["texts"]
    if text in known:
        return dict(known[text])
    for pattern, tr in _templates():
        m = pattern.match(text)
        if m:
            return {lang: _fill(t, m.groupdict()) for lang, t in tr.items()}
    return None


def _fill(template: str, fields: dict[str, str]) -> str:
    return _FIELD.sub(lambda f: fields.get(f.group(1), f.group(0)), template)


def texts_for(texts: Iterable[str]) -> dict[str, dict[str, str]]:
    """Translations of the data texts given (English text -> {lang: text}); untranslated ones are left out."""
    out = {}
    for t in dict.fromkeys(texts):
        tr = translate(t)
        if tr:
            out[t] = tr
    return out
