"""Time: one slider with play and pause over the map's stops (years, stages of an event)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .base import NeageoPlugin

__all__ = ["TimeControl", "Stop"]

#: A time stop: ``v`` its value (what features' ``t``/``ts`` compare with), ``d`` its date or year as
#: shown, ``s`` what happens then (optional), ``m`` "since" when features show from their stop on.
Stop = dict[str, Any]


class TimeControl(NeageoPlugin):
    """A time control for the packed layers' timed features.

    A feature with ``t`` shows only at the stop of that value, one with ``ts`` from that stop on.
    """

    call = "time"
    js = ("time",)
    css = ("time",)
    message_keys = ("play", "pause", "time")

    def __init__(self, stops: Sequence[Stop], *, start: int = 0) -> None:
        super().__init__()
        if not stops:
            raise ValueError("a time control needs at least one stop")
        self.stops = [dict(s) for s in stops]
        self.start = start

    def options(self) -> dict[str, Any]:
        return {"stops": self.stops, "start": self.start}

    def data_texts(self) -> list[str]:
        return [str(s["s"]) for s in self.stops if s.get("s")]
