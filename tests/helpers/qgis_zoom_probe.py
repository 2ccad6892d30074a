"""Run by the QGIS tests with QGIS's own Python, offscreen: render a project at a scale around a point.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/helpers/qgis_zoom_probe.py PROJECT.qgz OUT.png LON LAT SCALE

Prints one JSON document: the scale drawn and the text and layer of every label QGIS placed.
"""

import json
import os
import sys

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

project_path, png, lon, lat, scale = sys.argv[1:6]
app = QgsApplication([], False)
app.initQgis()
project = QgsProject.instance()
assert project.read(project_path)
crs = project.crs()
centre = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), crs, project.transformContext()).transform(
    QgsPointXY(float(lon), float(lat)))
width, height, dpi = 1000, 800, 96
per_pixel = float(scale) * 0.0254 / dpi  # metres of the map per screen pixel at this scale
extent = QgsRectangle(centre.x() - width / 2 * per_pixel, centre.y() - height / 2 * per_pixel,
                      centre.x() + width / 2 * per_pixel, centre.y() + height / 2 * per_pixel)
order = [n.layerId() for n in project.layerTreeRoot().findLayers()]
settings = QgsMapSettings()
settings.setLayers([project.mapLayer(i) for i in order if project.layerTreeRoot().findLayer(i).isVisible()])
settings.setDestinationCrs(crs)
settings.setExtent(extent)
settings.setOutputSize(QSize(width, height))
settings.setOutputDpi(dpi)
settings.setBackgroundColor(QColor("#cfe1f0"))
settings.setTransformContext(project.transformContext())
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
job.renderedImage().save(png, "png")
results = job.takeLabelingResults()
labels = [{"text": p.labelText, "layer": p.layerID} for p in results.labelsWithinRect(settings.visibleExtent())
          if not getattr(p, "isUnplaced", False)]
print(json.dumps({"scale": settings.scale(), "labels": labels}), flush=True)
os._exit(0)  # QGIS 3.22 can crash while tearing down offscreen
