"""Exports: the GeoPackage's layers to other file formats and to PostGIS, without losing what describes them.

File formats (files in ``--out``): GeoPackage, GeoJSON (RFC 7946), FlatGeobuf,
Shapefile, KML, CSV and GeoParquet 1.1 (with a ``bbox`` covering column).

* **GeoPackage** (one ``neageo.gpkg``): every selected layer with its title and
  description, its QGIS default style (``layer_styles``), its QGIS metadata and
  the dataset metadata (``gpkg_metadata``) and its column descriptions
  (``gpkg_data_columns``): the file opens styled and described in QGIS.
* **Other formats** (one file per layer): a ``<layer>.qml`` beside each file
  (QGIS loads it as the default style) and one ``codebook.csv`` with every
  layer's title and description and every column's type, alias and
  description.  KML placemarks carry a ``<name>`` and neageo's colours.
* Integer columns stay integers in every format (nullable ones included).
* Names in Chinese, Russian and Korean stay UTF-8 everywhere.  Shapefiles:
  field names longer than ten characters are mapped predictably (truncated,
  then numbered if two collide) and the mapping is written beside them; a
  ``.cpg`` says UTF-8; layers of mixed geometry are split by geometry type; DBF
  text is limited to 254 bytes (longer values are cut; use another format for
  the full ``paper_figures``); a :class:`ShapefileLimits` warning announces both.
* Every format keeps the types (integers as integers, reals as reals: KML's
  ``SimpleField`` types, a CSV's ``.csvt``), the GeoPackage's row order
  (FlatGeobuf is written without its reordering index) and says its CRS (a CSV's
  ``.prj``).  Files of an earlier export are replaced only with ``overwrite=True``.  Attribute-only tables go to CSV in every format
  but GeoPackage.  Output paths are built from checked layer names and must
  resolve inside the output folder.

:func:`export` returns every file it wrote (a shapefile is five).

PostGIS: :func:`export_postgis` writes every layer and table with an integer
primary key ``fid``, exactly one GiST index on the geometry, and the table and
column descriptions as comments; mixed-geometry tables also get one typed view
per geometry kind; :func:`neageo.io.read_postgis` reads a table back.

One module per family: :mod:`.files` (the loop over layers, QML sidecars and
``codebook.csv``), :mod:`.geopackage`, :mod:`.shapefile`, :mod:`.kml`,
:mod:`.delimited` (CSV), :mod:`.geoparquet` and :mod:`.postgis`; :mod:`.common`
holds what they share (safe paths, atomic GDAL writes, error translation).
"""

from __future__ import annotations

from ..io import read_postgis
from .files import FORMATS, export
from .postgis import export_postgis
from .shapefile import ShapefileLimits, shapefile_fields

__all__ = ["FORMATS", "ShapefileLimits", "export", "export_postgis", "read_postgis", "shapefile_fields"]
