"""Towns that share a name with a customs gate, in the QGIS project's labels.

Heihe the town and Heihe the gate are 2.6 km apart: at the overview scale two
"Heihe" labels side by side read as one place named twice, and QGIS 3.22's label
engine has no duplicate removal, so one hid the other or both showed.  The gate
is labelled at every scale; its town is labelled once the map is zoomed in far
enough that the two points lie :data:`APART_MM` apart on the screen.  The scale
is worked out per town from the real distance, so each town gets its label as
soon as it can be told from its gate, and never loses it.  The rule is QGIS's own
(rule-based labelling with a scale range per town), so it holds wherever the
project is drawn: the canvas, a print layout or a headless render.
"""

from __future__ import annotations

import math
from pathlib import Path

__all__ = ["APART_MM", "rule_based_labeling", "town_label_scales"]

#: How far apart (mm on the screen) a town and its same-named gate must be before the town is labelled too.
APART_MM = 20.0


def _names(name: str) -> set[str]:
    """A gate's name and, for a pair like Dandong–Sinuiju, each town's."""
    folded = name.casefold()
    return {folded} | {p.strip() for p in folded.replace("–", "-").split("-")}


def town_label_scales(gpkg: Path) -> dict[str, int]:
    """Place name -> the scale denominator below which (zoomed in) the place is labelled beside its gate."""
    import pyogrio

    from .geodesy import distance_km_lonlat

    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    if not {"places", "customs_gates"} <= layers:
        return {}
    places = pyogrio.read_dataframe(gpkg, layer="places", columns=["name_en"])
    gates = pyogrio.read_dataframe(gpkg, layer="customs_gates", columns=["name_en"])
    scales: dict[str, int] = {}
    for town, point in zip(places["name_en"], places.geometry):
        if not town or point is None:
            continue
        near = [g for name, g in zip(gates["name_en"], gates.geometry) if name and str(town).casefold() in _names(name)]
        if not near:
            continue
        metres = min(distance_km_lonlat(point.x, point.y, g.x, g.y) for g in near) * 1000.0
        scale = metres / (APART_MM / 1000.0)
        digits = 10 ** max(int(math.log10(scale)) - 1, 0) if scale >= 1 else 1
        scales[str(town)] = int(scale // digits * digits)  # two significant figures, rounded down
    return dict(sorted(scales.items()))


def rule_based_labeling(layer: str, settings: str, field_sql: str, scales: dict[str, int], quote) -> str:
    """Rule-based ``<labeling>``: ``settings`` for every feature, but a town in ``scales`` only below its scale."""
    from xml.sax.saxutils import quoteattr

    names = ", ".join(quote(n) for n in sorted(scales))
    others = quoteattr(f"{field_sql} IS NULL OR {field_sql} NOT IN ({names})")
    rules = [f'<rule key="{layer}-labels" description="every other feature" filter={others}>{settings}</rule>']
    for i, (name, scale) in enumerate(sorted(scales.items())):
        rules.append(f'<rule key="{layer}-labels-{i}" description={quoteattr(f"{name}, beside its gate: from 1:{scale:,}")} '
                     f'filter={quoteattr(f"{field_sql} = {quote(name)}")} scalemaxdenom="{scale}" scalemindenom="0">'
                     f"{settings}</rule>")
    return f'<labeling type="rule-based"><rules key="{layer}-label-rules">{"".join(rules)}</rules></labeling>'
