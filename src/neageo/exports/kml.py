"""KML: a ``<name>`` for every placemark and neageo's colours as shared styles.

GDAL writes the placemarks; :func:`style_kml` then gives each a
``<styleUrl>`` to one of neageo's looks (:mod:`neageo.style`, the looks of the
web maps and QGIS) in place of GDAL's default red lines and unfilled areas.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .._atomic import atomic_target
from ..style import STYLES, Look, look

__all__ = ["placemark_names", "style_kml"]

#: Columns naming a feature, in order of preference (a KML placemark's ``<name>``).
_NAME_FIELDS = ("name_en", "title", "region", "river")
#: KML's XML namespace.
_KML = "http://www.opengis.net/kml/2.2"


def _kml_colour(hex_colour: str | None, opacity: float) -> str:
    """``#rrggbb`` + opacity -> KML's ``aabbggrr``."""
    h = (hex_colour or "#333333").lstrip("#")
    return f"{round(opacity * 255):02x}{h[4:6]}{h[2:4]}{h[0:2]}"


def _kml_style(style_id: str, lk: Look) -> ET.Element:
    k = f"{{{_KML}}}"
    style = ET.Element(f"{k}Style", id=style_id)
    icon = ET.SubElement(style, f"{k}IconStyle")
    ET.SubElement(icon, f"{k}color").text = _kml_colour(lk.fill or lk.stroke, 1.0)
    ET.SubElement(icon, f"{k}scale").text = f"{max(lk.radius, 4) / 8:.2f}"
    line = ET.SubElement(style, f"{k}LineStyle")
    ET.SubElement(line, f"{k}color").text = _kml_colour(lk.stroke, lk.opacity)
    ET.SubElement(line, f"{k}width").text = f"{lk.width:g}"
    poly = ET.SubElement(style, f"{k}PolyStyle")
    ET.SubElement(poly, f"{k}color").text = _kml_colour(lk.fill or lk.stroke, lk.fill_opacity if lk.fill else 0.0)
    ET.SubElement(poly, f"{k}fill").text = "1" if lk.fill and lk.fill_opacity > 0 else "0"
    ET.SubElement(poly, f"{k}outline").text = "1"
    return style


def placemark_names(layer: str, frame: pd.DataFrame, title: str) -> pd.Series:
    """A name for every feature: its own name, else one made from what identifies it."""
    n = pd.Series([f"{title} {i + 1}" for i in range(len(frame))], index=frame.index, dtype=object)
    if layer == "borders" and {"countries", "segment"} <= set(frame.columns):
        seg = frame["segment"].astype(str)
        made = frame["countries"].astype(str) + seg.map(lambda v: " land border" if v == "land" else f" border on the {v}")
        n = made.where(frame["segment"].notna(), n)
    elif {"reporter", "partner", "year"} <= set(frame.columns):
        n = frame["reporter"].astype(str) + " – " + frame["partner"].astype(str) + ", " + frame["year"].astype(str)
    elif {"reporter", "year"} <= set(frame.columns):
        n = frame["reporter"].astype(str) + ", " + frame["year"].astype(str)
    for col in reversed(_NAME_FIELDS):
        if col in frame.columns:
            n = frame[col].astype(object).where(frame[col].notna() & (frame[col].astype(str) != ""), n)
    return n


def style_kml(path: Path, name: str, frame: gpd.GeoDataFrame) -> None:
    """Give each placemark of the KML GDAL wrote a ``<styleUrl>`` to one of neageo's looks for ``name``."""
    if name not in STYLES:
        return
    by = STYLES[name].by
    values = frame[by].astype(str).tolist() if by and by in frame else [None] * len(frame)
    looks = [look(name, v) for v in values]
    ids: dict[Look, str] = {}
    for lk in looks:
        ids.setdefault(lk, f"{name}-{len(ids)}")
    ET.register_namespace("", _KML)
    tree = ET.parse(path)
    k = f"{{{_KML}}}"
    doc = tree.getroot().find(f"{k}Document")
    if doc is None:
        return
    for i, (lk, sid) in enumerate(ids.items()):
        doc.insert(i, _kml_style(sid, lk))
    placemarks = doc.iter(f"{k}Placemark")
    for lk, pm in zip(looks, placemarks, strict=False):
        for inline in pm.findall(f"{k}Style"):  # GDAL's own (default red lines, unfilled areas)
            pm.remove(inline)
        pos = sum(1 for child in pm if child.tag in (f"{k}name", f"{k}description"))
        url = ET.Element(f"{k}styleUrl")
        url.text = f"#{ids[lk]}"
        pm.insert(pos, url)
    with atomic_target(path) as tmp:
        tree.write(tmp, encoding="utf-8", xml_declaration=True)
