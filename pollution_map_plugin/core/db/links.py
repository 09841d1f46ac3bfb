"""Natural-key links between tables: what ``validate()`` checks and the docs list."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """``table.column`` holds a natural key of one of ``targets`` (table, column)."""

    table: str
    column: str
    targets: tuple[tuple[str, str], ...]

    def describe(self) -> str:
        return " or ".join(f"{t}.{c}" for t, c in self.targets)


def _l(table: str, column: str, *targets: str) -> Link:
    return Link(table, column, tuple(tuple(t.split(".")) for t in targets))


LINKS: tuple[Link, ...] = (
    _l("rivers", "parent_code", "rivers.code"),
    _l("reaches", "river_code", "rivers.code"),
    _l("reaches", "downstream_code", "reaches.code"),
    _l("control_units", "outlet_section_code", "sections.code"),
    _l("drinking_water_areas", "river_code", "rivers.code"),
    _l("sections", "river_code", "rivers.code"),
    _l("sections", "reach_code", "reaches.code"),
    _l("sections", "control_unit_code", "control_units.code"),
    _l("outfalls", "owner_code", "enterprises.code", "sewage_plants.code"),
    _l("outfalls", "river_code", "rivers.code"),
    _l("outfalls", "reach_code", "reaches.code"),
    _l("enterprises", "park_code", "industrial_parks.code"),
    _l("enterprises", "outfall_code", "outfalls.code"),
    _l("sewage_plants", "outfall_code", "outfalls.code"),
    *(_l(t, c, f"{target}.code") for t in ("enterprises", "sewage_plants", "livestock_farms",
                                          "petrol_stations", "industrial_parks")
      for c, target in (("river_code", "rivers"), ("reach_code", "reaches"))),
    _l("measurements", "section_code", "sections.code"),
    _l("river_chiefs", "river_code", "rivers.code"),
    _l("problems", "river_code", "rivers.code"),
    _l("projects", "river_code", "rivers.code"),
)


def links_of(table: str) -> list[Link]:
    """The links whose source is ``table``."""
    return [link for link in LINKS if link.table == table]
