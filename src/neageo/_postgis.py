"""Connecting to PostGIS: URL checks, password-free display and identifier checks.

Shared by the PostGIS reader (:func:`neageo.io.read_postgis`) and writer
(:func:`neageo.exports.export_postgis`); SQLAlchemy and psycopg are the
``[postgis]`` extra and are imported only when a connection is made.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ._errors import ExportError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["SAFE_NAME", "check_schema", "engine", "redact"]

#: Layer and table names neageo writes or reads: letters, digits, ``_`` and ``-``.
SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$")


def redact(url: str) -> str:
    """``url`` without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def check_schema(schema: str) -> str:
    """``schema`` if it is a plain lower-case SQL identifier; :class:`ExportError` otherwise."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
        raise ExportError(f"schema {schema!r} must be a lower-case SQL identifier")
    return schema


def engine(url: str) -> Engine:
    """A connected SQLAlchemy engine for a ``postgresql://`` URL; :class:`ExportError` when unreachable."""
    try:
        import sqlalchemy
        import sqlalchemy.exc
    except ImportError:
        raise ExportError("PostGIS needs extra packages: pip install 'neageo[postgis]'") from None
    if not url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        raise ExportError("the target must be a postgresql:// URL")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    try:
        eng = sqlalchemy.create_engine(url, connect_args={"connect_timeout": 10})
        with eng.connect() as con:
            con.exec_driver_sql("SELECT 1")
    except ImportError:
        raise ExportError("PostGIS needs extra packages: pip install 'neageo[postgis]'") from None
    except (sqlalchemy.exc.SQLAlchemyError, ValueError) as exc:  # show the server's first line, never the password
        text = str(getattr(exc, "orig", None) or exc).strip()
        reason = text.splitlines()[0] if text else type(exc).__name__
        raise ExportError(f"cannot connect to {redact(url)}: {reason}") from None
    return eng
