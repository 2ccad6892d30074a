"""Publishing: what is made from a built GeoPackage - the QGIS project, the codebook, the reports, the maps.

The builder writes the GeoPackage and nothing else; :func:`publish` reads the
written file and writes everything made from it beside it (``neageo publish``
on the command line; ``neageo build`` runs it after the build unless told
not to).  One module per output family: :mod:`.steps` (the step itself),
:mod:`.fidelity` and :mod:`.record_checks` (the fidelity report),
:mod:`.paper_report` (the paper-check report), :mod:`.report` (what the two
reports share); the QGIS project and the codebook are written by
:mod:`neageo.qgis` and :mod:`neageo.codebook`, the maps by :mod:`neageo.maps`.
(The package is ``publishing``, not ``publish``: a subpackage of that name would
shadow the function ``neageo.publish`` once imported.)
"""

from __future__ import annotations

from .steps import OUTPUTS, PublishReport, publish

__all__ = ["OUTPUTS", "PublishReport", "publish"]
