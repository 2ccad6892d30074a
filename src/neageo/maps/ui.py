"""The words of the page chrome (search box, legend, time control) in the four languages, from ``assets/ui.json``."""

from __future__ import annotations

import json
from typing import Any

from .codec import asset

__all__ = ["UI"]

UI: dict[str, Any] = json.loads(asset("ui.json"))
