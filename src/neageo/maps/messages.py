"""The one message catalogue of the maps (``assets/messages.json``): every control text in each
language, and translations of data texts (layer titles, field names) keyed by their English text.

Each plugin sends the page only the entries it uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from .assets import own

__all__ = ["catalogue", "langs", "messages_for", "texts_for"]


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


def texts_for(texts: Iterable[str]) -> dict[str, dict[str, str]]:
    """Translations of the data texts given (English text -> {lang: text}); untranslated ones are left out."""
    known: dict[str, dict[str, str]] = catalogue()["texts"]
    return {t: dict(known[t]) for t in dict.fromkeys(texts) if t in known}
