"""Run by the QGIS tests with QGIS's own Python (Debian python3-qgis), offscreen.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/helpers/qgis_probe.py PROJECT.qgz GPKG OUT.png [OTHER.gpkg ...]

Prints one JSON document describing what QGIS made of the project and of each
GeoPackage (GPKG and any OTHER.gpkg, e.g. an export): CRS, styles, metadata,
aliases, and how many pixels each layer and each per-geometry sub-layer draws.
"""

import json
import os
import sys

from qgis.core import (
    QgsApplication,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

project_path, gpkg, png, *others = sys.argv[1:]
app = QgsApplication([], False)
app.initQgis()
BACKGROUND = QColor("#ffffff")


def drawn_pixels(layer, size=240):
    """Pixels a layer draws alone on a white canvas, over its own extent."""
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent().buffered(max(layer.extent().width(), layer.extent().height()) * 0.05 + 0.01))
    settings.setOutputSize(QSize(size, size))
    settings.setBackgroundColor(BACKGROUND)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    return sum(1 for x in range(size) for y in range(size) if image.pixel(x, y) != BACKGROUND.rgb())


def direct(path):
    """Layers opened straight from a GeoPackage: default style, metadata, aliases, pixels per sub-layer."""
    out = {}
    for name in ("countries", "provinces", "borders", "rivers", "places", "customs_gates", "lakes", "projects",
                 "events"):
        lyr = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
        if not lyr.isValid():
            out[name] = {"valid": False}
            continue
        _, ok = lyr.loadDefaultStyle()
        r = lyr.renderer()
        fields = lyr.fields()
        out[name] = {"valid": True, "style_loaded": ok, "renderer": r.type() if r else None,
                     "labels": bool(lyr.labelsEnabled()),
                     "colour": (r.symbol().color().name() if r and r.type() == "singleSymbol" else None),
                     "metadata_title": lyr.metadata().title(),
                     "metadata_licences": list(lyr.metadata().licenses()),
                     "alias_name_en": lyr.attributeAlias(fields.indexOf("name_en")) if fields.indexOf("name_en") >= 0 else None,
                     "integer_fields": [f.name() for f in fields if f.type() in (2, 4)],  # QVariant Int, LongLong
                     "pixels": drawn_pixels(lyr)}
        if name in ("projects", "events"):
            for gtype in ("Point", "LineString", "Polygon"):
                sub = QgsVectorLayer(f"{path}|layername={name}|geometrytype={gtype}", f"{name} {gtype}", "ogr")
                sub.loadDefaultStyle()
                out[f"{name}|{gtype}"] = {"valid": sub.isValid(), "features": sub.featureCount(),
                                          "renderer": sub.renderer().type() if sub.renderer() else None,
                                          "pixels": drawn_pixels(sub)}
    return out


out = {"layers": {}, "direct": {}, "others": {}}
project = QgsProject.instance()
out["read"] = project.read(project_path)
crs = project.crs()
out["crs"] = {"valid": crs.isValid(), "geographic": crs.isGeographic(), "authid": crs.authid(),
              "description": crs.description(), "units": QgsUnitTypes.toString(crs.mapUnits()),
              "proj": crs.toProj(), "ellipsoid": project.ellipsoid(),
              "distance_units": QgsUnitTypes.toString(project.distanceUnits())}
for layer in project.mapLayers().values():
    r = layer.renderer()
    info = {
        "name": layer.name(),
        "valid": layer.isValid(),
        "features": layer.featureCount() if layer.isValid() else -1,
        "source": layer.source(),
        "crs": layer.crs().authid(),
        "renderer": r.type() if r else None,
        "labels": bool(layer.labelsEnabled()),
        "geometry": layer.geometryType(),
        "metadata_title": layer.metadata().title(),
        "metadata_abstract": layer.metadata().abstract(),
        "metadata_licences": list(layer.metadata().licenses()),
        "aliases": {f.name(): layer.attributeAlias(i) for i, f in enumerate(layer.fields()) if layer.attributeAlias(i)},
        "pixels": drawn_pixels(layer) if layer.isValid() else 0,
    }
    if r and r.type() == "categorizedSymbol":
        info["attr"] = r.classAttribute()
        info["categories"] = [c.value() for c in r.categories()]
        info["colours"] = [c.symbol().color().name() for c in r.categories()]
    elif r and r.type() == "singleSymbol":
        info["colours"] = [r.symbol().color().name()]
    out["layers"][layer.id()] = info
order = [n.layerId() for n in project.layerTreeRoot().findLayers()]
out["tree_order"] = order
out["direct"] = direct(gpkg)
for other in others:
    out["others"][other] = direct(other)

# the project as it opens: its CRS, its default view, the visible layers
settings = QgsMapSettings()
out["visible"] = [i for i in order if project.layerTreeRoot().findLayer(i).isVisible()]
settings.setLayers([project.mapLayer(i) for i in out["visible"]])
settings.setDestinationCrs(crs)
settings.setExtent(project.viewSettings().defaultViewExtent())
settings.setOutputSize(QSize(1200, 900))
settings.setBackgroundColor(QColor("#cfe1f0"))
settings.setTransformContext(project.transformContext())
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
# every label QGIS placed: text, layer and box in map units (the project CRS, metres)
results = job.takeLabelingResults()
out["labels"] = [{"text": p.labelText, "layer": p.layerID,
                  "box": [p.labelRect.xMinimum(), p.labelRect.yMinimum(), p.labelRect.xMaximum(),
                          p.labelRect.yMaximum()]}
                 for p in results.labelsWithinRect(settings.visibleExtent())
                 if not getattr(p, "isUnplaced", False)]
out["png_saved"] = image.save(png, "png")
out["png_size"] = [image.width(), image.height()]
extent = settings.visibleExtent()
out["view_extent"] = [extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()]
# how many distinct colours: a rendered map, not a blank canvas
colours = set()
for x in range(0, image.width(), 20):
    for y in range(0, image.height(), 20):
        colours.add(image.pixel(x, y))
out["png_colours"] = len(colours)
print(json.dumps(out), flush=True)
# QGIS 3.22 can crash while tearing down offscreen; everything needed has been printed
os._exit(0)
