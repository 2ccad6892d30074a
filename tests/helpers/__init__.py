"""Code shared by the test modules (tests never import each other).

``qgis_probe.py`` is not imported: it is a script run by QGIS's own Python.
"""
