"""Dated features: which rows of a layer are in force in a given year.

Some features changed in time: the ``borders`` layer holds the stretch of the
China-Russia border around Heixiazi / Bolshoy Ussuriysky twice, as it ran
before the 2008 handover and as it runs since.  Such rows carry two integer
columns, ``valid_from`` and ``valid_to`` (years; null: open).  This module is
the one place that decides what "in force in year Y" means; reading
(:func:`neageo.read` with ``year=``), the build (today's borders, the fidelity
report's border lengths per year) and annotation (``neageo.annotate(...,
year=)``) all ask :func:`in_force`.

The rule
--------
A row is in force in year ``Y`` when

* ``valid_from`` is null or ``valid_from <= Y`` - the year a border starts is
  its first year in force; and
* ``valid_to`` is null or ``Y < valid_to`` - ``valid_to`` is the first year the
  row is *no longer* in force (the year of the change that replaced it), so the
  end is exclusive: a border with ``valid_to = 2008`` is the border of 2007 and
  not that of 2008, when its successor (``valid_from = 2008``) takes over.  Two
  versions that meet at a year therefore never overlap and leave no gap.

``year=None`` means today: the rows without an end (``valid_to`` null).
A frame without the two columns is undated: every row is in force.  Where the
rule must be SQL (the QGIS project opens today's borders and the superseded
ones as two layers), :data:`TODAY_SQL` and :data:`SUPERSEDED_SQL` say the same
(the tests hold them against :func:`in_force`).
"""

from __future__ import annotations

from typing import TypeVar

import pandas as pd

__all__ = ["DATED_LAYERS", "SUPERSEDED_SQL", "TODAY_SQL", "VALIDITY_COLUMNS", "in_force"]

#: The columns that date a row: first year in force, first year no longer in force.
VALIDITY_COLUMNS = ("valid_from", "valid_to")
#: Layers of neageo's GeoPackage whose rows carry validity years.
DATED_LAYERS = ("borders",)
#: "In force today" as an SQL condition on a dated table, and its complement (no longer in force).
TODAY_SQL = '"valid_to" IS NULL'
SUPERSEDED_SQL = '"valid_to" IS NOT NULL'

F = TypeVar("F", bound=pd.DataFrame)


def in_force(frame: F, year: int | None) -> F:
    """The rows of ``frame`` in force in ``year`` (``None``: today), in their order and with their index.

    See the module's documentation for the rule: ``valid_from`` inclusive,
    ``valid_to`` exclusive, nulls open; a frame without ``valid_from`` and
    ``valid_to`` columns is returned whole.
    """
    if not all(c in frame.columns for c in VALIDITY_COLUMNS):
        return frame
    vf, vt = frame["valid_from"], frame["valid_to"]
    if year is None:
        return frame[vt.isna()]
    return frame[(vf.isna() | (vf <= year)) & (vt.isna() | (year < vt))]
