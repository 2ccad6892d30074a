"""Run by the QGIS tests with QGIS's own Python, offscreen: open PostGIS tables the way a QGIS user does.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/helpers/qgis_postgis_probe.py URL SCHEMA TABLE[:TYPE] ...

URL is postgresql://user:password@host:port/db.  Prints one JSON document: per table, whether QGIS
opens it, how many features it sees, and whether it is editable (adding features, changing values).
"""

import json
import os
import sys
from urllib.parse import urlsplit

from qgis.core import QgsApplication, QgsVectorDataProvider, QgsVectorLayer

url, schema, *tables = sys.argv[1:]
app = QgsApplication([], False)
app.initQgis()
u = urlsplit(url)
base = (f"dbname='{u.path.lstrip('/')}' host={u.hostname} port={u.port or 5432} user='{u.username}' "
        f"password='{u.password}' sslmode=disable")
out = {}
for spec in tables:
    table, _, gtype = spec.partition(":")
    geometry = "" if gtype == "none" else " (geom)"
    uri = f"{base} key='fid' table=\"{schema}\".\"{table}\"{geometry}"
    layer = QgsVectorLayer(uri, table, "postgres")
    caps = layer.dataProvider().capabilities() if layer.isValid() else 0
    out[spec] = {"valid": layer.isValid(), "features": layer.featureCount() if layer.isValid() else -1,
                 "add": bool(caps & QgsVectorDataProvider.AddFeatures),
                 "change": bool(caps & QgsVectorDataProvider.ChangeAttributeValues),
                 "geometry_type": layer.geometryType() if layer.isValid() else None}
print(json.dumps(out), flush=True)
os._exit(0)
