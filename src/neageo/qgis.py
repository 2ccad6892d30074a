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
  top, zoomed to the study region.  Its CRS is neageo's regional Albers
  equal-area projection (:data:`neageo.settings.REGIONAL_CRS`, stored in the
  project as a custom CRS) on the WGS84 ellipsoid, so QGIS measures in metres;
  each layer carries its metadata and field aliases, read from the written
  GeoPackage.
* Mixed-geometry layers (``projects``, ``events``) keep one table each.  Their
  default style is rule-based - one rule per geometry kind, each with a symbol
  of that kind - so the whole table, and each per-geometry sub-layer QGIS
  offers when opening it, draws every feature.  The project opens them as
  point, line and area sub-layers; areas sit below borders and rivers and are
  mostly transparent, so they never hide a border.
* Labels: a place that shares its name with a customs gate is labelled by the
  gate until the map is zoomed in far enough to tell them apart (see
  :mod:`neageo.qgis_labels`); line labels of projects and events are not repeated; the
  label engine may not place labels over points.

No QGIS is needed to write any of this; the tests open the results in real QGIS.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ._atomic import atomic_target
from .dated import SUPERSEDED_SQL, TODAY_SQL
from .gpkg import (
    QGIS_METADATA_URI,
    add_layer_style,
    add_metadata,
    create_layer_styles,
    data_columns,
    geometry_columns,
    metadata_documents,
    read_only,
    table_columns,
    write_data_columns,
    writing,
)
from .metadata import column_alias, data_column_rows, read_written, table_catalogue
from .qgis_labels import rule_based_labeling, town_label_scales
from .settings import REGIONAL_CRS, STUDY_BBOX
from .style import LABELS, STYLES, Look, px_to_mm

__all__ = ["write_qgis_support", "qml", "project_xml", "project_qgz", "PROJECT_GROUPS", "write_project"]

#: (group title, [(layer, geometry kind or None), ...]) top to bottom in the layer tree.
PROJECT_GROUPS: list[tuple[str, list[tuple[str, str | None]]]] = [
    ("The paper", [("customs_gates", None), ("places", None), ("events", "Point"), ("projects", "Point"),
                   ("projects", "LineString"), ("events", "LineString"), ("trade_flows", None)]),
    ("Borders and rivers", [("borders", None), ("territory_changes", None), ("rivers", None), ("waterways", None)]),
    ("Project and event areas", [("projects", "Polygon"), ("events", "Polygon")]),
    ("Joins", [("province_trade", None), ("regions_population", None)]),
    ("Basemap", [("coastline", None), ("lakes", None), ("provinces", None), ("countries", None)]),
]
#: Layers shown when the project opens (the others are in the tree, switched off).
VISIBLE = {"customs_gates", "places", "projects", "borders", "territory_changes", "rivers", "lakes", "provinces",
           "countries"}
#: Line layers whose labels are placed once per feature (a long sea route is named once, not every 80 mm).
LABEL_ONCE = {"projects", "events", "trade_flows"}
#: Scale denominator below which (zoomed in) project and event points are labelled.
ZOOMED_IN_SCALE = 4_000_000
#: Name of the regional CRS in the project.
REGIONAL_CRS_NAME = "neageo Northeast Asia Albers equal-area (WGS 84)"
#: QGIS's geometry_type() names per symbol kind.
_GEOMETRY_NAME = {"marker": "Point", "line": "Line", "fill": "Polygon"}

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


def _rule_renderer_xml(layer: str) -> str:
    """A rule-based renderer drawing every geometry kind of a mixed layer, each with a symbol of its kind.

    QGIS draws a feature only with a symbol of its geometry's kind, so one
    categorised marker renderer leaves a mixed table's lines and areas blank;
    here each kind has a parent rule (``geometry_type($geometry)``) and, under
    it, one rule per category plus an ELSE rule.
    """
    style = STYLES[layer]
    rules: list[str] = []
    syms: list[str] = []
    for kind in ("marker", "line", "fill"):
        children: list[str] = []
        looks = list(style.categories.items()) if style.by and style.categories else []
        for value, look in looks:
            children.append(f'<rule key="{layer}-{kind}-{len(children)}" symbol="{len(syms)}" label={quoteattr(look.label)} '
                            f'filter={quoteattr(f"to_string({_field(style.by)}) = {_string(value)}")}/>')
            syms.append(_symbol(look, kind, str(len(syms))))
        children.append(f'<rule key="{layer}-{kind}-else" symbol="{len(syms)}" label={quoteattr(style.default.label)} '
                        'filter="ELSE"/>')
        syms.append(_symbol(style.default, kind, str(len(syms))))
        geometry = _GEOMETRY_NAME[kind]
        rules.append(f'<rule key="{layer}-{kind}" label="{geometry}" '
                     f'filter={quoteattr(f"geometry_type($geometry) = {_string(geometry)}")}>{"".join(children)}</rule>')
    return (f'<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">'
            f'<rules key="{layer}-rules">{"".join(rules)}</rules><symbols>{"".join(syms)}</symbols></renderer-v2>')


def _field(name: str | None) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _string(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def renderer_xml(layer: str, kind: str) -> str:
    """The ``<renderer-v2>`` element for a layer drawn as ``kind`` (marker, line, fill).

    Mixed-geometry layers (style kind ``any``) get a rule-based renderer that
    draws every kind whatever ``kind`` is asked for.
    """
    style = STYLES[layer]
    if style.kind == "any":
        return _rule_renderer_xml(layer)
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


def labeling_xml(layer: str, kind: str, *, skip: dict[str, int] | None = None) -> str:
    """Simple labelling of ``layer`` drawn as ``kind``; a feature whose label is in ``skip`` waits for its scale."""
    field = LABELS.get(layer)
    if not field:
        return ""
    repeat = "0" if layer in LABEL_ONCE else "120"
    placement = {"marker": 'placement="6" dist="1.2" distUnits="MM" '  # cartographic: best free spot around the point
                           'predefinedPositionOrder="TR,TL,BR,BL,R,L,TSR,BSR"',
                 "line": f'placement="2" placementFlags="10" repeatDistance="{repeat}" repeatDistanceUnits="MM"',
                 "fill": 'placement="1"'}[kind]
    # points of projects and events crowd the Tumen corner at the overview scale: named once zoomed in
    zoomed_in = layer in LABEL_ONCE and kind == "marker"
    scale = f'scaleVisibility="1" scaleMin="0" scaleMax="{ZOOMED_IN_SCALE}"' if zoomed_in else 'scaleVisibility="0"'
    field_attrs = f'fieldName={quoteattr(field)} isExpression="0"'

    size = {"customs_gates": 9, "places": 8, "rivers": 8, "provinces": 7}.get(layer, 8)
    colour = {"rivers": "31,102,179,255", "provinces": "110,100,90,255"}.get(layer, "20,20,20,255")
    settings = (
        '<settings calloutType="simple">'
        f'<text-style {field_attrs} fontFamily="Noto Sans" fontSize="{size}" '
        f'fontSizeUnit="Point" textColor="{colour}" textOpacity="1" fontWeight="{75 if layer == "customs_gates" else 50}" '
        'namedStyle="Regular" allowHtml="0">'
        '<text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" bufferOpacity="0.9"/>'
        '</text-style>'
        f'<placement {placement} priority="{8 if layer == "customs_gates" else 5}"/>'
        f'<rendering obstacle="{0 if kind == "fill" else 1}" obstacleFactor="1" obstacleType="0" {scale} drawLabels="1" '
        'displayAll="0" upsidedownLabels="0" labelPerPart="0" mergeLines="0"/>'
        '</settings>'
    )
    if skip:
        return rule_based_labeling(layer, settings, _field(field), skip, _string)
    return f'<labeling type="simple">{settings}</labeling>'


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


def _geometry_kinds(gtype: str) -> list[str]:
    """Symbol kinds of a table's default style (a mixed table's rule-based style draws all kinds: ``marker``)."""
    if gtype.upper() in ("GEOMETRY", "GEOMETRYCOLLECTION"):
        return ["marker"]
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
    styles_info = table_catalogue()["layer_styles"]
    with writing(path) as con:
        stamp = create_layer_styles(con, title=styles_info.title, description=styles_info.description)
        spatial = geometry_columns(con)
        for layer in meta.layers.values():
            if layer.name not in spatial or layer.name not in STYLES:
                continue
            kinds = _geometry_kinds(spatial[layer.name][1])
            for i, kind in enumerate(kinds):
                add_layer_style(con, layer.name, name="neageo", qml=qml(layer.name, kind, layer.columns),
                                     default=i == 0, description="neageo default style, same look as the web maps",
                                     owner="neageo", timestamp=stamp)
            doc = metadata_xml(
                layer.name, layer.title, layer.description, meta.licences(layer.name), meta.attributions(layer.name),
            )
            add_metadata(con, doc, standard_uri=QGIS_METADATA_URI, mime_type="text/xml", scope="table",
                              table=layer.name, timestamp=stamp)
    with writing(path) as con:
        write_data_columns(con, data_column_rows([styles_info]))


# -- the project ----------------------------------------------------------------------------------

def _layer_id(layer: str, gtype: str | None) -> str:
    return f"neageo_{layer}" + (f"_{gtype.lower()}" if gtype else "")


def _regional_srs() -> str:
    """The project's CRS, :data:`~neageo.settings.REGIONAL_CRS`, as a QGIS custom CRS (WKT, PROJ and a name)."""
    from pyproj import CRS

    crs = CRS(REGIONAL_CRS)
    wkt = crs.to_wkt("WKT2_2019").replace('PROJCRS["unknown"', f'PROJCRS["{REGIONAL_CRS_NAME}"', 1)
    wkt = wkt.replace('BASEGEOGCRS["unknown"', 'BASEGEOGCRS["WGS 84"', 1)
    return (f"<spatialrefsys nativeFormat=\"Wkt\"><wkt>{escape(wkt)}</wkt><proj4>{escape(REGIONAL_CRS)}</proj4>"
            "<srsid>0</srsid><srid>0</srid><authid></authid>"
            f"<description>{escape(REGIONAL_CRS_NAME)}</description><projectionacronym>aea</projectionacronym>"
            "<ellipsoidacronym>EPSG:7030</ellipsoidacronym><geographicflag>false</geographicflag></spatialrefsys>")


_WGS84_SRS = ("<spatialrefsys nativeFormat=\"Wkt\"><wkt></wkt><proj4>+proj=longlat +datum=WGS84 +no_defs</proj4>"
              "<srsid>3452</srsid><srid>4326</srid><authid>EPSG:4326</authid><description>WGS 84</description>"
              "<projectionacronym>longlat</projectionacronym><ellipsoidacronym>EPSG:7030</ellipsoidacronym>"
              "<geographicflag>true</geographicflag></spatialrefsys>")


def _regional_extent() -> tuple[float, float, float, float]:
    """The study box in the regional projection, metres (densified edges, so the box is covered)."""
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4326", REGIONAL_CRS, always_xy=True)
    w, s, e, n = t.transform_bounds(*STUDY_BBOX, densify_pts=64)
    return (round(w, -3), round(s, -3), round(e, -3), round(n, -3))


@dataclass(frozen=True)
class LayerInfo:
    """What the project says about one GeoPackage table: geometry type, metadata, column aliases."""

    geometry_type: str
    metadata: str = ""  # inner XML of the QGIS metadata document
    aliases: dict[str, str] = field(default_factory=dict)
    columns: tuple[str, ...] = ()


def _metadata_inner(doc: str) -> str:
    """The children of a QGIS metadata document (``<qgis>...</qgis>``), for a layer's ``<resourceMetadata>``."""
    start = doc.find(">", doc.find("<qgis")) + 1
    end = doc.rfind("</qgis>")
    return doc[start:end] if start > 0 and end > start else ""


def _aliases(columns: list[str], aliases: dict[str, str]) -> str:
    items = "".join(f'<alias field={quoteattr(c)} index="{i + 1}" name={quoteattr(aliases[c])}/>'
                    for i, c in enumerate(columns) if c in aliases)
    return f"<aliases>{items}</aliases>" if items else ""


def _read_layers(path: Path) -> tuple[dict[str, LayerInfo], dict[str, int]]:
    """Per spatial table: geometry type, QGIS metadata and aliases; and the towns a customs gate also names,
    with the scale below which each is labelled too (:func:`neageo.qgis_labels.town_label_scales`)."""
    with read_only(path) as con:
        available = {t: g for t, (_, g, _) in geometry_columns(con).items()}
        metadata = {t: _metadata_inner(doc) for t, doc in
                    metadata_documents(con, QGIS_METADATA_URI, scope="table") if t is not None}
        aliases = {t: {c: name for c, (name, _) in cols.items() if name} for t, cols in data_columns(con).items()}
        columns = {t: [c for c, _, pk in table_columns(con, t) if not pk and c != "geom"] for t in available}
    info = {t: LayerInfo(g, metadata.get(t, ""), {c: aliases.get(t, {})[c] for c in columns[t]
                                                  if c in aliases.get(t, {})}, tuple(columns[t]))
            for t, g in available.items()}
    return info, town_label_scales(path)


def _maplayer(lid: str, source: str, title: str, layer: str, kind: str, meta: LayerInfo,
              skip: dict[str, int]) -> str:
    """One ``<maplayer>``: data source, CRS, metadata, renderer, labels and aliases."""
    geometry = {"marker": "Point", "line": "Line", "fill": "Polygon"}[kind]
    labels = labeling_xml(layer, kind, skip=skip)
    resource = f"<resourceMetadata>{meta.metadata}</resourceMetadata>" if meta.metadata else ""
    return (
        f'<maplayer type="vector" geometry="{geometry}" autoRefreshEnabled="0" refreshOnNotifyEnabled="0" '
        f'labelsEnabled="{1 if labels else 0}" readOnly="0" hasScaleBasedVisibilityFlag="0" styleCategories="AllStyleCategories">'
        f"<id>{lid}</id><datasource>{escape(source)}</datasource>"
        f"<layername>{escape(title)}</layername><srs>{_WGS84_SRS}</srs>{resource}"
        '<provider encoding="UTF-8">ogr</provider>'
        f"{renderer_xml(layer, kind)}{labels}{_aliases(list(meta.aliases), meta.aliases)}"
        "<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode><layerOpacity>1</layerOpacity>"
        "</maplayer>"
    )


def project_xml(gpkg_name: str, available: Mapping[str, str | LayerInfo],
                *, skip_labels: dict[str, int] | None = None) -> str:
    """The .qgs XML for every layer in ``available`` (layer -> geometry type name, or -> :class:`LayerInfo`).

    ``skip_labels``: place name -> the scale below which it is labelled (a customs gate of that name is
    labelled at every scale; see :mod:`neageo.qgis_labels`).
    """
    layers_info = {k: v if isinstance(v, LayerInfo) else LayerInfo(v) for k, v in available.items()}
    tree, maplayers, order = [], [], []
    project_srs = _regional_srs()
    for group, members in PROJECT_GROUPS:
        items = []
        for layer, gsub in members:
            if layer not in layers_info:
                continue
            meta = layers_info[layer]
            gtype = meta.geometry_type
            mixed = gtype.upper() in ("GEOMETRY", "GEOMETRYCOLLECTION")
            if mixed and gsub is None:
                continue
            if not mixed and gsub is not None:
                continue
            lid = _layer_id(layer, gsub if mixed else None)
            source = f"./{gpkg_name}|layername={layer}" + (f"|geometrytype={gsub}" if mixed else "")
            kind = _KIND[gsub] if mixed and gsub else _guess_kind(gtype)
            part = {"Point": "points", "LineString": "lines", "Polygon": "areas"}.get(gsub or "", "")
            title = STYLES[layer].title + (f" ({part})" if mixed else "")
            checked = "Qt::Checked" if layer in VISIBLE else "Qt::Unchecked"
            variants = [(lid, source, title, checked)]
            if "valid_to" in meta.columns:  # dated features: today's on, the superseded ones in their own layer, off
                variants = [(lid, f"{source}|subset={TODAY_SQL}", title, checked),
                            (f"{lid}_superseded", f"{source}|subset={SUPERSEDED_SQL}",
                             f"{title} no longer in force", "Qt::Unchecked")]
            for lid, source, title, checked in variants:
                items.append(f'<layer-tree-layer id="{lid}" name={quoteattr(title)} source={quoteattr(source)} '
                             f'providerKey="ogr" checked="{checked}" expanded="0"><customproperties/></layer-tree-layer>')
                maplayers.append(_maplayer(lid, source, title, layer, kind, meta,
                                           (skip_labels or {}) if layer == "places" else {}))
                order.append(lid)
        if items:
            tree.append(f'<layer-tree-group name={quoteattr(group)} checked="Qt::Checked" expanded="1">'
                        f'<customproperties/>{"".join(items)}</layer-tree-group>')
    w, s, e, n = _regional_extent()
    extent = f'xmin="{w:.0f}" ymin="{s:.0f}" xmax="{e:.0f}" ymax="{n:.0f}"'
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
        '<qgis projectname="neageo" version="3.22.0-Białowieża">'
        '<homePath path=""/><title>neageo: Northeast Asia in Kim, Cooperation and Conflict among Provinces</title>'
        f"<projectCrs>{project_srs}</projectCrs>"
        f'<layer-tree-group><customproperties/>{"".join(tree)}'
        f'<custom-order enabled="0">{"".join(f"<item>{i}</item>" for i in order)}</custom-order></layer-tree-group>'
        '<mapcanvas name="theMapCanvas" annotationsVisible="1"><units>meters</units>'
        f"<extent><xmin>{w:.0f}</xmin><ymin>{s:.0f}</ymin><xmax>{e:.0f}</xmax><ymax>{n:.0f}</ymax></extent>"
        f"<rotation>0</rotation><destinationsrs>{project_srs}</destinationsrs><rendermaptile>0</rendermaptile></mapcanvas>"
        f'<ProjectViewSettings UseProjectScales="0"><Scales/><DefaultViewExtent {extent}>{project_srs}'
        "</DefaultViewExtent></ProjectViewSettings>"
        f'<projectlayers>{"".join(maplayers)}</projectlayers>'
        f'<layerorder>{"".join(f"<layer id={quoteattr(i)}/>" for i in order)}</layerorder>'
        '<properties><Paths><Absolute type="bool">false</Absolute></Paths>'
        '<SpatialRefSys><ProjectionsEnabled type="int">1</ProjectionsEnabled></SpatialRefSys>'  # else QGIS ignores projectCrs
        '<Measure><Ellipsoid type="QString">EPSG:7030</Ellipsoid></Measure>'
        '<Measurement><DistanceUnits type="QString">km</DistanceUnits><AreaUnits type="QString">km2</AreaUnits>'
        "</Measurement></properties>"
        "</qgis>"
    )


def project_qgz(gpkg: Path, name: str = "neageo.qgs") -> bytes:
    """The bytes of a ``.qgz`` (a zip holding the project ``name``) for the GeoPackage ``gpkg``, from what it holds."""
    info, skip = _read_layers(gpkg)
    xml = project_xml(gpkg.name, info, skip_labels=skip)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        zinfo = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        zinfo.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(zinfo, xml)
    return buffer.getvalue()


def write_project(gpkg: Path, target: Path | None = None) -> Path:
    """Write ``neageo.qgz`` next to the GeoPackage (atomically), from what the GeoPackage holds; return its path."""
    target = target or gpkg.with_suffix(".qgz")
    data = project_qgz(gpkg, target.with_suffix(".qgs").name)
    with atomic_target(target) as tmp:
        tmp.write_bytes(data)
    return target
