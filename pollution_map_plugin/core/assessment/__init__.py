"""Water-quality assessment (GB 3838-2002, 环办〔2011〕22号) and warnings over DataFrames.

Inputs are the ``measurements`` table and the ``sections`` layer as the database reads
them (``db.read_table("measurements")``, ``db.read_layer("sections")``); outputs are
pandas DataFrames whose columns are listed in each function's docstring, with
:func:`to_records`/:func:`to_json`/:func:`flat` for JSON, CSV and layer fields.

>>> from pollution_map_plugin.core.assessment import assess
>>> result = assess(measurements, sections, "2025")          # doctest: +SKIP
>>> result.sections, result.items, result.groups("river")    # doctest: +SKIP
"""

from .aggregate import BY_COLUMNS, GROUP_COLUMNS, assess_groups, share_label
from .compare import (
    CHANGE_COLUMNS,
    GROUP_CHANGE_COLUMNS,
    METHOD_CHANGES,
    PROBLEM_GROUP_COLUMNS,
    PROBLEM_SECTION_COLUMNS,
    change_by_levels,
    change_by_shares,
    compare_assessments,
    compare_groups,
    compare_periods,
    problem_water_bodies,
)
from .database_reads import (
    assess_database,
    class_history_database,
    load_frames,
    warnings_database,
)
from .drinking_water import DRINKING_COLUMNS, assess_drinking_water, noncompliant_areas
from .engine import UnknownWaterBodyType
from .measurement_values import NON_DETECT_METHODS, effective_values
from .periods import Period, latest_period, parse_period, period_keys
from .records import flat, plain, to_json, to_records
from .section_assessment import (
    HISTORY_COLUMNS,
    ITEM_COLUMNS,
    SECTION_COLUMNS,
    Assessment,
    assess,
    assess_sections,
    class_history,
    class_labels,
)
from .trophic import TROPHIC_COLUMNS, trophic_states
from .warnings import KINDS, WARNING_COLUMNS, WarningSettings, find_warnings

__all__ = [
    "DRINKING_COLUMNS", "UnknownWaterBodyType", "assess_drinking_water", "noncompliant_areas",
    "BY_COLUMNS", "CHANGE_COLUMNS", "GROUP_CHANGE_COLUMNS", "GROUP_COLUMNS",
    "HISTORY_COLUMNS", "ITEM_COLUMNS", "KINDS", "METHOD_CHANGES", "NON_DETECT_METHODS",
    "PROBLEM_GROUP_COLUMNS", "PROBLEM_SECTION_COLUMNS", "SECTION_COLUMNS",
    "TROPHIC_COLUMNS", "WARNING_COLUMNS", "Assessment", "Period", "WarningSettings",
    "assess", "assess_database", "assess_groups", "assess_sections", "change_by_levels",
    "change_by_shares", "class_history", "class_history_database", "class_labels",
    "compare_assessments", "compare_groups", "compare_periods", "trophic_states",
    "effective_values", "find_warnings", "flat", "latest_period", "load_frames",
    "parse_period", "period_keys", "plain", "problem_water_bodies", "share_label",
    "to_json", "to_records", "warnings_database",
]
