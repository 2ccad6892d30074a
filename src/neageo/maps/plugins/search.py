"""Search: find any feature of the map by any name or alias, in any script."""

from __future__ import annotations

from .base import NeageoPlugin

__all__ = ["Search"]


class Search(NeageoPlugin):
    """An ``<input type="search">`` over every packed layer's features.

    Names and aliases are compared as :func:`neageo.find` compares them (the gazetteer's
    normalisation, ``neageo.norm`` in the page); Enter opens the best match, ``/`` focuses the box.
    """

    call = "search"
    js = ("title", "search")
    css = ("title",)
    message_keys = ("search", "nothing", "skip")
