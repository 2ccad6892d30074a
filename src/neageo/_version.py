"""The code version: the single source of neageo's version (``pyproject.toml`` reads it).

Kept in a module of its own so that modules inside the package (the CLI, the
build, :mod:`neageo.data_in_use`) can read it without importing the package face
``neageo/__init__``.  The data have their own version: :func:`neageo.data_version`.
"""

__all__ = ["__version__"]

__version__ = "0.2.0"
