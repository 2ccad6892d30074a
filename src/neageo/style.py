"""One table of looks per layer kind: the web maps and the QGIS styles both read it.

Colours are hex strings, widths in CSS pixels (QGIS gets millimetres at 96 dpi),
opacities 0-1.  Categorised layers (border segments, project types, event kinds)
list a look per category; anything unlisted falls back to ``default``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Look", "STYLES", "look", "categories", "LABELS", "px_to_mm"]


@dataclass(frozen=True)
class Look:
    """How one kind of feature is drawn."""

    stroke: str = "#333333"
    width: float = 1.0
    opacity: float = 1.0
    fill: str | None = None
    fill_opacity: float = 0.0
    dash: str | None = None  # CSS dash array, e.g. "6 4"
    radius: float = 0.0  # circle markers, px
    label: str = ""  # legend text

    def leaflet(self) -> dict:
        """Style dict for Leaflet paths / circle markers."""
        out = {"color": self.stroke, "weight": self.width, "opacity": self.opacity,
               "fillColor": self.fill or self.stroke, "fillOpacity": self.fill_opacity if self.fill else 0.0}
        if self.dash:
            out["dashArray"] = self.dash
        if self.radius:
            out["radius"] = self.radius
        return out


@dataclass(frozen=True)
class LayerStyle:
    title: str
    kind: str  # polygon, line, point
    default: Look
    by: str | None = None  # column the categories are on
    categories: dict[str, Look] = field(default_factory=dict)
    label_field: str | None = None  # QGIS labels


STYLES: dict[str, LayerStyle] = {
    "countries": LayerStyle(
        "Countries", "polygon",
        Look(stroke="#7a7a7a", width=0.8, fill="#f4f1ea", fill_opacity=1.0, label="Country"),
        by="iso_a3",
        categories={
            "CHN": Look(stroke="#7a7a7a", width=0.8, fill="#f6e8d8", fill_opacity=1.0, label="China"),
            "RUS": Look(stroke="#7a7a7a", width=0.8, fill="#ece0e6", fill_opacity=1.0, label="Russia"),
            "PRK": Look(stroke="#7a7a7a", width=0.8, fill="#e6f0de", fill_opacity=1.0, label="North Korea"),
        },
    ),
    "provinces": LayerStyle(
        "Provinces", "polygon", Look(stroke="#9c8f80", width=0.6, fill="#ffffff", fill_opacity=0.0, dash="3 3",
                                     label="Province / federal subject"),
        label_field="name_en",
    ),
    "lakes": LayerStyle("Lakes", "polygon", Look(stroke="#7fa7c9", width=0.4, fill="#b9d3ea", fill_opacity=1.0, label="Lake")),
    "coastline": LayerStyle("Coast", "line", Look(stroke="#6d8fb0", width=0.6, label="Coast")),
    "waterways": LayerStyle("Waterways", "line", Look(stroke="#8fb7dc", width=0.7, opacity=0.8, label="Other rivers")),
    "rivers": LayerStyle("Named rivers", "line", Look(stroke="#1f66b3", width=2.6, label="Named river"),
                         label_field="name_en"),
    "borders": LayerStyle(
        "Borders", "line", Look(stroke="#b2182b", width=2.2, label="Land border"),
        by="segment",
        categories={
            "land": Look(stroke="#b2182b", width=2.2, label="Border on land"),
            "Amur": Look(stroke="#d6604d", width=3.0, dash="8 4", label="Border on the Amur"),
            "Ussuri": Look(stroke="#e08214", width=3.0, dash="8 4", label="Border on the Ussuri"),
            "Argun": Look(stroke="#8c510a", width=3.0, dash="8 4", label="Border on the Argun"),
            "Yalu": Look(stroke="#c51b7d", width=3.0, dash="8 4", label="Border on the Yalu"),
            "Tumen": Look(stroke="#762a83", width=3.0, dash="8 4", label="Border on the Tumen"),
        },
    ),
    "places": LayerStyle("Places", "point", Look(stroke="#222222", width=1, fill="#ffffff", fill_opacity=1.0, radius=4,
                                                 label="Place named in the paper"), label_field="name_en"),
    "customs_gates": LayerStyle("Customs gates", "point",
                                Look(stroke="#000000", width=2, fill="#ffd92f", fill_opacity=1.0, radius=8,
                                     label="Customs gate"), label_field="name_en"),
    "projects": LayerStyle(
        "Projects", "any", Look(stroke="#1b7837", width=2.5, fill="#5aae61", fill_opacity=0.25, radius=6,
                                label="Development project"),
        by="location_precision",
        categories={
            "6": Look(stroke="#1b7837", width=2, fill="#5aae61", fill_opacity=0.12, dash="4 4", radius=6,
                      label="Project (approximate area)"),
            "8": Look(stroke="#1b7837", width=2, fill="#5aae61", fill_opacity=0.1, dash="2 6", radius=6,
                      label="Project (no location in the paper)"),
        },
        label_field="name_en",
    ),
    "events": LayerStyle(
        "Events", "any", Look(stroke="#542788", width=3, fill="#8073ac", fill_opacity=0.15, radius=7, label="Event"),
        by="event_type",
        categories={"environment": Look(stroke="#e31a1c", width=4, fill="#fb9a99", fill_opacity=0.5, radius=8,
                                        label="Benzene spill stage")},
        label_field="title",
    ),
    "territory_changes": LayerStyle(
        "Territory changes", "polygon",
        Look(stroke="#6a3d9a", width=1.5, fill="#cab2d6", fill_opacity=0.55, dash="4 2",
             label="Land that changed hands"),
        label_field="name_en",
    ),
    "trade_flows": LayerStyle("Trade flows", "line", Look(stroke="#2c7fb8", width=2, opacity=0.7, label="Trade flow")),
    "province_trade": LayerStyle("Provincial trade", "polygon",
                                 Look(stroke="#555555", width=1, fill="#fdae6b", fill_opacity=0.6, label="Reporting province")),
    "regions_population": LayerStyle("Regions", "polygon",
                                     Look(stroke="#444444", width=1.5, fill="#9e9ac8", fill_opacity=0.5, label="Region")),
}

#: Layers whose features carry a QGIS label (field used).
LABELS = {name: s.label_field for name, s in STYLES.items() if s.label_field}


def look(layer: str, category=None) -> Look:
    """The look of one feature of ``layer`` (by its category value, if the layer is categorised)."""
    style = STYLES[layer]
    if style.by and category is not None:
        return style.categories.get(str(category), style.default)
    return style.default


def categories(layer: str) -> dict[str, Look]:
    """Category -> look, including the default under ``""``."""
    style = STYLES[layer]
    return {**style.categories, "": style.default}


def px_to_mm(px: float) -> float:
    """CSS pixels (96 dpi) to millimetres, for QGIS symbol sizes."""
    return round(px * 25.4 / 96, 3)
