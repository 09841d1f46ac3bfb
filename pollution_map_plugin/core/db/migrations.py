"""The migration registry: steps from one schema version to the next.

Version 1 is the schema of ``core/schema.py`` as first released.  A later change to
the schema bumps ``schema.SCHEMA_VERSION`` and registers a step here, e.g.::

    @migration(1, 2, "measurements: add column 'method'")
    def _add_method(db):
        db.add_column("measurements", Column("method", "text", "方法", "Method"))

``Database.migrate()`` runs the steps in order, each in the same transaction as
the row it records in ``schema_version``.  ``added_columns(version)`` says what a
version added (readers of an older database read the columns it lacks as empty),
and ``tables_at(version)`` gives an older schema (tests build real older databases
from it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ..schema import Column, Table
from .errors import MigrationError


@dataclass(frozen=True)
class Migration:
    from_version: int
    to_version: int
    description: str
    apply: Callable  # apply(db) -> None


MIGRATIONS: dict[int, Migration] = {}  # keyed by from_version


def migration(from_version: int, to_version: int, description: str) -> Callable:
    """Decorator: register ``fn(db)`` as the step ``from_version`` → ``to_version``."""

    def register(fn: Callable) -> Callable:
        if from_version in MIGRATIONS:
            raise ValueError(f"a migration from version {from_version} already exists")
        MIGRATIONS[from_version] = Migration(from_version, to_version, description, fn)
        return fn

    return register


def plan(current: int, target: int) -> list[Migration]:
    """The steps from ``current`` to ``target``; MigrationError if there is no path."""
    if current > target:
        raise MigrationError(
            f"the database has schema version {current}, newer than {target} supported "
            "by this plugin: update the plugin"
        )
    steps: list[Migration] = []
    version = current
    while version < target:
        step = MIGRATIONS.get(version)
        if step is None or step.to_version <= version:
            raise MigrationError(f"no migration from schema version {version} to {target}")
        steps.append(step)
        version = step.to_version
    if version != target:
        raise MigrationError(f"migrations overshoot: {current} → {version}, wanted {target}")
    return steps


def _added_in_2() -> dict[str, tuple[Column, ...]]:
    from ..schema import LINK, WATER_LINK

    added = {name: LINK for name in ("sections", "outfalls")}
    added.update({name: WATER_LINK for name in (
        "enterprises", "sewage_plants", "livestock_farms", "petrol_stations",
        "industrial_parks")})
    return added


def added_columns(version: int) -> dict[str, tuple[Column, ...]]:
    """The columns (per table) that schema ``version`` added to the one before."""
    return {2: _added_in_2}.get(version, dict)()


ADDED_TABLES: dict[int, tuple[str, ...]] = {3: ("districts",)}


def added_tables(version: int) -> tuple[str, ...]:
    """The whole tables that schema ``version`` added (read as empty before it)."""
    return ADDED_TABLES.get(version, ())


def tables_at(version: int) -> tuple[Table, ...]:
    """The schema's tables as they were at ``version`` (later columns and tables left
    out)."""
    from .. import schema

    later: dict[str, set[str]] = {}
    absent: set[str] = set()
    for v in range(version + 1, schema.SCHEMA_VERSION + 1):
        for name, columns in added_columns(v).items():
            later.setdefault(name, set()).update(c.name for c in columns)
        absent.update(added_tables(v))
    return tuple(replace(t, columns=tuple(c for c in t.columns
                                          if c.name not in later.get(t.name, ())))
                 for t in schema.TABLES if t.name not in absent)


@migration(1, 2, "links to the network: link_method, link_distance_m; river_code and "
           "reach_code on enterprises, sewage plants, farms, petrol stations and parks")
def _add_network_links(db) -> None:
    for name, columns in added_columns(2).items():
        for column in columns:
            db.add_column(name, column)


@migration(2, 3, "districts (区县): a polygon layer with division code and name")
def _add_districts(db) -> None:
    from .. import schema
    for name in added_tables(3):
        db.add_table(schema.table(name))
