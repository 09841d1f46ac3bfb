"""Exceptions of the database layer (messages never contain credentials)."""

from __future__ import annotations


class DatabaseError(Exception):
    """A database operation failed; the message is safe to show to users."""


class SchemaError(DatabaseError):
    """The database does not hold the plugin's schema, or an older or newer version."""


class MigrationError(DatabaseError):
    """No migration path between two schema versions, or a step failed."""
