"""Recognising database targets and removing credentials from text."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_PG_SCHEMA = "public"

_URL_RE = re.compile(r"^\s*postgres(?:ql)?://", re.IGNORECASE)
_KV_RE = re.compile(r"^\s*[A-Za-z_]+\s*=")
_SCHEMA_KV_RE = re.compile(r"(?:^|\s)schema\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")
_PASSWORD_KV_RE = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_URL_PASSWORD_RE = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)([^@\s]*)(@)", re.IGNORECASE)
_URL_QUERY_PASSWORD_RE = re.compile(r"([?&]password=)([^&\s]*)", re.IGNORECASE)


def is_postgres_target(target: object) -> bool:
    """True for a PostgreSQL URL, a ``key=value`` DSN or ``service=NAME``."""
    if isinstance(target, os.PathLike):
        return False
    text = str(target)
    if _URL_RE.match(text):
        return True
    return bool(_KV_RE.match(text)) and not text.lower().endswith(".gpkg")


def gpkg_path(target: object) -> Path:
    """The GeoPackage path of ``target``; ValueError unless it ends in ``.gpkg``."""
    path = Path(os.fspath(target)).expanduser()
    if path.suffix.lower() != ".gpkg":
        raise ValueError(
            f"not a database target: {scrub(str(target))!r} (expected a .gpkg path, "
            "a postgresql:// URL, a 'host=… dbname=…' DSN or 'service=NAME')"
        )
    return path


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def split_schema(dsn: str) -> tuple[str, str | None]:
    """Remove the plugin's own ``schema=`` option from a DSN; return (dsn, schema).

    ``schema`` is not a libpq keyword, so it is taken out before libpq sees the DSN:
    ``…?schema=water`` in a URL, ``schema=water`` in a ``key=value`` DSN.
    """
    if _URL_RE.match(dsn):
        parts = urlsplit(dsn.strip())
        query = parse_qsl(parts.query, keep_blank_values=True)
        schema = next((v for k, v in query if k == "schema"), None)
        rest = [(k, v) for k, v in query if k != "schema"]
        return urlunsplit(parts._replace(query=urlencode(rest))), schema
    match = _SCHEMA_KV_RE.search(dsn)
    if not match:
        return dsn, None
    rest = (dsn[: match.start()].rstrip() + " " + dsn[match.end():].lstrip()).strip()
    return rest, _unquote(match.group(1))


def scrub(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """``text`` with passwords (``password=…``, ``user:pw@``, known secrets) masked."""
    text = _PASSWORD_KV_RE.sub(r"\1***", text)
    text = _URL_PASSWORD_RE.sub(r"\1***\3", text)
    text = _URL_QUERY_PASSWORD_RE.sub(r"\1***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def has_password(target: object) -> bool:
    """Whether a PostgreSQL ``target`` carries a password itself (``password=…`` or
    ``user:password@``) rather than leaving it to a service file, ``~/.pgpass``, the
    environment or QGIS's authentication database."""
    if not is_postgres_target(target):
        return False
    return scrub(str(target)) != str(target)
