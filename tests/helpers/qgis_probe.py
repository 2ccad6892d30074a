"""Run by the QGIS tests with QGIS's own Python (Debian python3-qgis), offscreen.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/helpers/qgis_probe.py PROJECT.qgz GPKG OUT.png

Prints one JSON document describing what QGIS made of the project and the GeoPackage.
"""

import json
import os
import sys

from qgis.core import (
    QgsApplication,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

project_path, gpkg, png = sys.argv[1:4]
app = QgsApplication([], False)
app.initQgis()
out = {"layers": {}, "direct": {}}
project = QgsProject.instance()
out["read"] = project.read(project_path)
for layer in project.mapLayers().values():
    r = layer.renderer()
    info = {
        "name": layer.name(),
        "valid": layer.isValid(),
        "features": layer.featureCount() if layer.isValid() else -1,
        "source": layer.source(),
        "renderer": r.type() if r else None,
        "labels": bool(layer.labelsEnabled()),
        "geometry": layer.geometryType(),
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
# every layer opened straight from the GeoPackage picks its default style from layer_styles
for name in ("countries", "provinces", "borders", "rivers", "places", "customs_gates", "lakes"):
    lyr = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    msg, ok = lyr.loadDefaultStyle()
    r = lyr.renderer()
    out["direct"][name] = {"valid": lyr.isValid(), "style_loaded": ok, "renderer": r.type() if r else None,
                           "labels": bool(lyr.labelsEnabled()),
                           "colour": (r.symbol().color().name() if r and r.type() == "singleSymbol" else None),
                           "metadata_title": lyr.metadata().title(),
                           "metadata_licences": list(lyr.metadata().licenses()),
                           "alias_name_en": lyr.attributeAlias(lyr.fields().indexOf("name_en")) if lyr.fields().indexOf("name_en") >= 0 else None}
settings = QgsMapSettings()
settings.setLayers([project.mapLayer(i) for i in order if project.layerTreeRoot().findLayer(i).isVisible()])
settings.setDestinationCrs(project.crs())
settings.setExtent(QgsRectangle(115, 38, 145, 56))
settings.setOutputSize(QSize(1200, 760))
settings.setBackgroundColor(QColor("#cfe1f0"))
job = QgsMapRendererParallelJob(settings)
job.start()
job.waitForFinished()
image = job.renderedImage()
out["png_saved"] = image.save(png, "png")
out["png_size"] = [image.width(), image.height()]
# how many distinct colours: a rendered map, not a blank canvas
colours = set()
for x in range(0, image.width(), 20):
    for y in range(0, image.height(), 20):
        colours.add(image.pixel(x, y))
out["png_colours"] = len(colours)
print(json.dumps(out), flush=True)
# QGIS 3.22 can crash while tearing down offscreen; everything needed has been printed
os._exit(0)
