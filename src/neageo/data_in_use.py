"""Which data is in use: the GeoPackage read by default, why, and its data version.

(The module is not called ``about``: a module of that name would shadow the
function ``neageo.about`` once imported.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._errors import BuildError, DataError

__all__ = ["about", "data_version"]


def data_version(*, gpkg: str | Path | None = None) -> str:
    """The semantic version of the data release in the GeoPackage (``gpkg=`` or the default one).

    The version is stored in the GeoPackage's metadata by the build; it changes
    when the data change (see CHANGELOG.md), independently of the code version.

    Examples
    --------
    >>> import neageo
    >>> neageo.data_version()  # doctest: +SKIP
    '0.3.0'
    """
    facts = about(gpkg=gpkg)
    version = facts["data_version"]
    if version is None:
        raise DataError(
            f"{facts['gpkg']}: the GeoPackage records no data version (built by neageo < 0.2); "
            "rebuild it with `neageo build`"
        )
    return version


def about(*, gpkg: str | Path | None = None) -> dict[str, Any]:
    """What ``neageo info`` prints: the GeoPackage in use, why, its data version, the code version.

    Returns
    -------
    dict
        ``gpkg`` (path), ``chosen_by`` (``gpkg=``, ``NEAGEO_GPKG``, the checkout, or the packaged copy),
        ``data_version``, ``built_with`` (neageo version that built it), ``neageo_version`` (this code),
        ``layers`` (number of tables), ``size_mb``.
    """
    from ._version import __version__
    from .io import gpkg_path, layers
    from .metadata import read_written
    from .settings import gpkg_choice

    path = gpkg_path(gpkg)
    chosen_by = "gpkg=" if gpkg is not None else gpkg_choice()[1]
    try:
        dataset = read_written(path).dataset
    except BuildError:  # a GeoPackage not built by neageo has no dataset document
        dataset = {}
    return {
        "gpkg": str(path),
        "chosen_by": chosen_by,
        "data_version": dataset.get("data_version"),
        "built_with": dataset.get("neageo_version"),
        "neageo_version": __version__,
        "layers": len(layers(gpkg=path)),
        "size_mb": round(path.stat().st_size / 1e6, 1),
    }
