"""QGIS: default styles inside the GeoPackage, layer metadata, and a ready-made project.

* ``layer_styles``: one default QML style per spatial layer, stored the way
  QGIS stores it (``f_table_schema`` = '', ``f_geometry_column`` = 'geom',
  ``useAsDefault`` = 1), generated from :mod:`neageo.style` - the same looks
  as the web maps.  Places, gates, rivers and provinces are labelled.
* ``gpkg_metadata``: QGIS layer metadata XML (title, abstract, licence,
  attribution, keywords) referenced per table, which QGIS shows in the layer
  properties.
* ``neageo.qgz``: a project beside the GeoPackage opening every layer by the
  relative path ``./neageo.gpkg``, grouped, basemap at the bottom and points on
  top, zoomed to the study region.

No QGIS is needed to write any of this; the tests open the results in real QGIS.
"""

from __future__ import annotations

import contextlib
import sqlite3
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ._atomic import atomic_target
from .metadata import column_alias, read_written, table_catalogue
from .settings import STUDY_BBOX
from .style import LABELS, STYLES, Look, px_to_mm

__all__ = ["write_qgis_support", "qml", "project_xml", "PROJECT_GROUPS", "write_project"]

#: (group title, [(layer, geometry kind or None), ...]) top to bottom in the layer tree.
PROJECT_GROUPS = [
    ("The paper", [("customs_gates", None), ("places", None), ("events", "Point"), ("projects", "Point"),
                   ("projects", "LineString"), ("events", "LineString"), ("trade_flows", None),
                   ("projects", "Polygon"), ("events", "Polygon")]),
    ("Joins", [("province_trade", None), ("regions_population", None)]),
    ("Borders and rivers", [("borders", None), ("rivers", None), ("waterways", None)]),
    ("Basemap", [("coastline", None), ("lakes", None), ("provinces", None), ("countries", None)]),
]
#: Layers shown when the project opens (the others are in the tree, switched off).
VISIBLE = {"customs_gates", "places", "projects", "borders", "rivers", "lakes", "provinces", "countries"}

_KIND = {"Point": "marker", "MultiPoint": "marker", "LineString": "line", "MultiLineString": "line",
         "Polygon": "fill", "MultiPolygon": "fill"}


def _rgba(hex_colour: str | None, alpha: float = 1.0) -> str:
    if not hex_colour:
        return "0,0,0,0"
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(alpha * 255)}"


def _props(pairs: dict) -> str:
    return "".join(f"<prop k={quoteattr(k)} v={quoteattr(str(v))}/>" for k, v in pairs.items())


def _dash_mm(dash: str) -> str:
    return ";".join(str(px_to_mm(float(x))) for x in dash.split())


def _symbol(look: Look, kind: str, name: str) -> str:
    if kind == "marker":
        props = {"name": "circle", "color": _rgba(look.fill or look.stroke, look.fill_opacity if look.fill else 1),
                 "outline_color": _rgba(look.stroke, look.opacity), "outline_width": px_to_mm(look.width),
                 "outline_width_unit": "MM", "size": px_to_mm(2 * (look.radius or 4)), "size_unit": "MM",
                 "outline_style": "solid"}
        layer = f'<layer class="SimpleMarker" enabled="1" pass="0" locked="0">{_props(props)}</layer>'
    elif kind == "line":
        props = {"line_color": _rgba(look.stroke, look.opacity), "line_width": px_to_mm(look.width),
                 "line_width_unit": "MM", "line_style": "solid", "capstyle": "round", "joinstyle": "round"}
        if look.dash:
            props.update({"use_custom_dash": "1", "customdash": _dash_mm(look.dash), "customdash_unit": "MM"})
        layer = f'<layer class="SimpleLine" enabled="1" pass="0" locked="0">{_props(props)}</layer>'
    else:
        props = {"color": _rgba(look.fill, look.fill_opacity) if look.fill else "0,0,0,0",
                 "style": "solid" if look.fill and look.fill_opacity > 0 else "no",
                 "outline_color": _rgba(look.stroke, look.opacity), "outline_width": px_to_mm(look.width),
                 "outline_width_unit": "MM", "outline_style": "dash" if look.dash else "solid"}
        layer = f'<layer class="SimpleFill" enabled="1" pass="0" locked="0">{_props(props)}</layer>'
    return f'<symbol type="{kind}" name="{escape(name)}" alpha="1" clip_to_extent="1" force_rhr="0">{layer}</symbol>'


def renderer_xml(layer: str, kind: str) -> str:
    """The ``<renderer-v2>`` element for a layer drawn as ``kind`` (marker, line, fill)."""
    style = STYLES[layer]
    if style.by and style.categories:
        cats, syms = [], []
        for i, (value, look) in enumerate(style.categories.items()):
            cats.append(f'<category value={quoteattr(value)} symbol="{i}" label={quoteattr(look.label)} render="true"/>')
            syms.append(_symbol(look, kind, str(i)))
        n = len(cats)
        cats.append(f'<category value="" symbol="{n}" label={quoteattr(style.default.label)} render="true"/>')
        syms.append(_symbol(style.default, kind, str(n)))
        return (f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(style.by)} symbollevels="0" '
                f'enableorderby="0" forceraster="0"><categories>{"".join(cats)}</categories>'
                f'<symbols>{"".join(syms)}</symbols>'
                f'<source-symbol>{_symbol(style.default, kind, "0")}</source-symbol></renderer-v2>')
    return (f'<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
            f'<symbols>{_symbol(style.default, kind, "0")}</symbols></renderer-v2>')


def labeling_xml(layer: str, kind: str) -> str:
    field = LABELS.get(layer)
    if not field:
        return ""
    placement = {"marker": 'placement="0" dist="1.5" distUnits="MM"',  # around the point
                 "line": 'placement="2" placementFlags="10" repeatDistance="80" repeatDistanceUnits="MM"',
                 "fill": 'placement="1"'}[kind]
    size = {"customs_gates": 9, "places": 8, "rivers": 8, "provinces": 7}.get(layer, 8)
    colour = {"rivers": "31,102,179,255", "provinces": "110,100,90,255"}.get(layer, "20,20,20,255")
    return (
        '<labeling type="simple"><settings calloutType="simple">'
        f'<text-style fieldName={quoteattr(field)} isExpression="0" fontFamily="Noto Sans" fontSize="{size}" '
        f'fontSizeUnit="Point" textColor="{colour}" textOpacity="1" fontWeight="{75 if layer == "customs_gates" else 50}" '
        'namedStyle="Regular" allowHtml="0">'
        '<text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.9"/>'
        '</text-style>'
        f'<placement {placement} priority="{8 if layer == "customs_gates" else 5}"/>'
        '<rendering obstacle="1" scaleVisibility="0" drawLabels="1" displayAll="0" upsidedownLabels="0"/>'
        '</settings></labeling>'
    )


def aliases_xml(columns: dict[str, str] | None) -> str:
    """Field aliases (QGIS shows them as column headers), from the layer's column list."""
    if not columns:
        return ""
    items = "".join(f'<alias field={quoteattr(c)} index="{i + 1}" name={quoteattr(column_alias(c))}/>'
                    for i, c in enumerate(columns))
    return f"<aliases>{items}</aliases>"


def qml(layer: str, kind: str, columns: dict[str, str] | None = None) -> str:
    """A complete QML document: renderer, labels and field aliases for ``layer`` drawn as ``kind``."""
    labels = labeling_xml(layer, kind)
    enabled = "1" if labels else "0"
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        f'<qgis version="3.22.0" styleCategories="Symbology|Labeling|Fields" labelsEnabled="{enabled}">'
        f"{renderer_xml(layer, kind)}{labels}{aliases_xml(columns)}<blendMode>0</blendMode>"
        "<featureBlendMode>0</featureBlendMode><layerOpacity>1</layerOpacity></qgis>"
    )


def metadata_xml(layer: str, title: str, abstract: str, licences: list[str], attributions: list[str]) -> str:
    """QGIS layer metadata (the schema QGIS reads from gpkg_metadata with md_standard_uri http://mrcc.com/qgis.dtd)."""
    keywords = "".join(f"<keyword>{escape(k)}</keyword>" for k in
                       ("Northeast Asia", "China", "Russian Far East", "North Korea", layer.replace("_", " ")))
    lic = "".join(f"<license>{escape(x)}</license>" for x in licences)
    rights = "".join(f"<rights>{escape(x)}</rights>" for x in attributions)
    w, s, e, n = STUDY_BBOX
    return (
        '<!DOCTYPE qgis PUBLIC \'http://mrcc.com/qgis.dtd\' \'SYSTEM\'>'
        '<qgis version="3.22.0">'
        f"<identifier>neageo:{escape(layer)}</identifier><parentidentifier>neageo</parentidentifier>"
        "<language>en</language><type>dataset</type>"
        f"<title>{escape(title)}</title><abstract>{escape(abstract)}</abstract>"
        f'<keywords vocabulary="neageo">{keywords}</keywords>'
        "<contact><name>neageo contributors</name><organization>neageo</organization><position/><voice/><fax/>"
        "<email/><role>author</role></contact>"
        "<links/><fees/>"
        f"{rights}{lic}"
        "<encoding/>"
        '<crs><spatialrefsys><authid>EPSG:4326</authid></spatialrefsys></crs>'
        f'<extent><spatial dimensions="2" miny="{s}" minx="{w}" maxz="0" maxy="{n}" maxx="{e}" minz="0" crs="EPSG:4326"/>'
        "</extent></qgis>"
    )


def _geometry_kinds(con: sqlite3.Connection, table: str) -> list[str]:
    """Symbol kinds a table needs: one, or (mixed geometry) points first, then lines and areas."""
    (gtype,) = con.execute("SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name = ?", (table,)).fetchone()
    if gtype.upper() in ("GEOMETRY", "GEOMETRYCOLLECTION"):
        return ["marker", "line", "fill"]
    return [_guess_kind(gtype)]


def _guess_kind(gtype: str) -> str:
    g = gtype.upper()
    return "marker" if "POINT" in g else "line" if "LINE" in g else "fill"


def write_qgis_support(path: Path) -> None:
    """Write ``layer_styles`` and QGIS metadata for every spatial layer into the GeoPackage at ``path``.

    Runs on a written GeoPackage: titles, descriptions, column descriptions and
    licences are read back from it (:func:`neageo.metadata.read_written`).
    """
    meta = read_written(path)
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), "
            "f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), "
            "styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
            "update_time DATETIME DEFAULT CURRENT_TIMESTAMP)"
        )
        styles_info = table_catalogue()["layer_styles"]
        con.execute("INSERT OR REPLACE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
                    "SELECT 'layer_styles', 'attributes', ?, ?, (SELECT MAX(last_change) FROM gpkg_contents)",
                    (styles_info.title, styles_info.description))
        stamp = con.execute("SELECT MAX(last_change) FROM gpkg_contents").fetchone()[0]
        spatial = {r[0] for r in con.execute("SELECT table_name FROM gpkg_geometry_columns")}
        for layer in meta.layers.values():
            if layer.name not in spatial or layer.name not in STYLES:
                continue
            kinds = _geometry_kinds(con, layer.name)
            for i, kind in enumerate(kinds):
                con.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                    "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                    "VALUES ('', '', ?, 'geom', ?, ?, '', ?, ?, 'neageo', NULL, ?)",
                    (layer.name, f"neageo {kind}" if len(kinds) > 1 else "neageo", qml(layer.name, kind, layer.columns),
                     1 if i == 0 else 0, f"neageo default style ({kind} symbols), same look as the web maps", stamp),
                )
            doc = metadata_xml(
                layer.name, layer.title, layer.description, meta.licences(layer.name), meta.attributions(layer.name),
            )
            cur = con.execute(
                "INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) VALUES "
                "('dataset', 'http://mrcc.com/qgis.dtd', 'text/xml', ?)", (doc,))
            con.execute(
                "INSERT INTO gpkg_metadata_reference (reference_scope, table_name, column_name, row_id_value, "
                "timestamp, md_file_id) VALUES ('table', ?, NULL, NULL, ?, ?)", (layer.name, stamp, cur.lastrowid))
    from .builder.writer import write_data_columns

    write_data_columns(path, [styles_info])


# -- the project ----------------------------------------------------------------------------------

def _layer_id(layer: str, gtype: str | None) -> str:
    return f"neageo_{layer}" + (f"_{gtype.lower()}" if gtype else "")


def project_xml(gpkg_name: str, available: dict[str, str]) -> str:
    """The .qgs XML for every layer in ``available`` (layer -> GeoPackage geometry type name)."""
    tree, maplayers, order = [], [], []
    srs = ("<spatialrefsys><wkt></wkt><proj4>+proj=longlat +datum=WGS84 +no_defs</proj4><srsid>3452</srsid>"
           "<srid>4326</srid><authid>EPSG:4326</authid><description>WGS 84</description>"
           "<projectionacronym>longlat</projectionacronym><ellipsoidacronym>EPSG:7030</ellipsoidacronym>"
           "<geographicflag>true</geographicflag></spatialrefsys>")
    for group, members in PROJECT_GROUPS:
        items = []
        for layer, gsub in members:
            if layer not in available:
                continue
            gtype = available[layer]
            mixed = gtype.upper() in ("GEOMETRY", "GEOMETRYCOLLECTION")
            if mixed and gsub is None:
                continue
            if not mixed and gsub is not None:
                continue
            lid = _layer_id(layer, gsub if mixed else None)
            source = f"./{gpkg_name}|layername={layer}" + (f"|geometrytype={gsub}" if mixed else "")
            kind = _KIND[gsub] if mixed else _guess_kind(gtype)
            title = STYLES[layer].title + (f" ({ {'Point': 'points', 'LineString': 'lines', 'Polygon': 'areas'}[gsub] })" if mixed else "")
            checked = "Qt::Checked" if layer in VISIBLE else "Qt::Unchecked"
            items.append(f'<layer-tree-layer id="{lid}" name={quoteattr(title)} source={quoteattr(source)} '
                         f'providerKey="ogr" checked="{checked}" expanded="0"><customproperties/></layer-tree-layer>')
            geometry = {"marker": "Point", "line": "Line", "fill": "Polygon"}[kind]
            labels = labeling_xml(layer, kind)
            maplayers.append(
                f'<maplayer type="vector" geometry="{geometry}" autoRefreshEnabled="0" refreshOnNotifyEnabled="0" '
                f'labelsEnabled="{1 if labels else 0}" readOnly="0" hasScaleBasedVisibilityFlag="0" styleCategories="AllStyleCategories">'
                f"<id>{lid}</id><datasource>{escape(source)}</datasource>"
                f"<layername>{escape(title)}</layername><srs>{srs}</srs>"
                '<provider encoding="UTF-8">ogr</provider>'
                f"{renderer_xml(layer, kind)}{labels}"
                "<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode><layerOpacity>1</layerOpacity>"
                "</maplayer>"
            )
            order.append(lid)
        if items:
            tree.append(f'<layer-tree-group name={quoteattr(group)} checked="Qt::Checked" expanded="1">'
                        f'<customproperties/>{"".join(items)}</layer-tree-group>')
    w, s, e, n = STUDY_BBOX
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        '<qgis projectname="neageo" version="3.22.0-Białowieża">'
        '<homePath path=""/><title>neageo: Northeast Asia in Kim, Cooperation and Conflict among Provinces</title>'
        f"<projectCrs>{srs}</projectCrs>"
        f'<layer-tree-group><customproperties/>{"".join(tree)}'
        f'<custom-order enabled="0">{"".join(f"<item>{i}</item>" for i in order)}</custom-order></layer-tree-group>'
        '<mapcanvas name="theMapCanvas" annotationsVisible="1"><units>degrees</units>'
        f"<extent><xmin>{w}</xmin><ymin>{s}</ymin><xmax>{e}</xmax><ymax>{n}</ymax></extent>"
        f"<rotation>0</rotation><destinationsrs>{srs}</destinationsrs><rendermaptile>0</rendermaptile></mapcanvas>"
        f'<projectlayers>{"".join(maplayers)}</projectlayers>'
        f'<layerorder>{"".join(f"<layer id={quoteattr(i)}/>" for i in order)}</layerorder>'
        '<properties><Paths><Absolute type="bool">false</Absolute></Paths>'
        '<Measure><Ellipsoid type="QString">EPSG:7030</Ellipsoid></Measure></properties>'
        "</qgis>"
    )


def write_project(gpkg: Path, target: Path | None = None) -> Path:
    """Write ``neageo.qgz`` next to the GeoPackage (atomically); return its path."""
    target = target or gpkg.with_suffix(".qgz")
    with contextlib.closing(sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)) as con:
        available = dict(con.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns").fetchall())
    xml = project_xml(gpkg.name, available)
    with atomic_target(target) as tmp, zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo(target.with_suffix(".qgs").name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, xml)
    return target
