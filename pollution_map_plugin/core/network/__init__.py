"""River-network index, NLDI-style navigation and upstream tracing (溯源追踪).

Public API (stable)::

    from pollution_map_plugin.core.network import (
        ReachNetwork, NetworkIssue, Tracer, TraceResult, trace_section, nearest_section,
    )

    net = ReachNetwork.from_reaches(reaches_gdf, snap_tolerance_m=5.0, use_links="auto")
    net.issues                      # [NetworkIssue(kind, reach_codes, message)], ISSUE_KINDS
    net.navigate("R1", mode="UT", distance_km=10.0, fraction=None)   # DataFrame
    net.nearest_reach(lon, lat, max_distance_m=500.0)   # {"reach_code", "distance_m", ...}

    res = trace_section(db_or_frames, "S001", mode="UT", distance_km=20.0,
                        snap_distance_m=500.0, network=None)
    tracer = Tracer(db_or_frames)   # many traces: tracer.trace(code, ...), .trace_point(x, y)
    res.reaches_gdf, res.sources_gdf, res.control_units_gdf   # EPSG:4490, made on first use
    res.top(20), res.n_sources, res.n_reaches   # the best-ranked sources alone; counts
    res.by_distance(), res.by_load(), res.summary(), res.to_dict(), res.to_json()
    nearest_section(sections_gdf, lon, lat, max_distance_m=1000.0)   # dict or None

    # per exceeding item (issue 13): loads, decay, shares, short list
    # (SourceAttribution: from core.network.source_attribution, which uses the assessment)
    att = SourceAttribution.from_database(db, period="2025", settings=load_trace_settings())
    found = att.attribute("S001")                  # its failing items; or items=["NH3N"]
    sh = found.shares["NH3N"]                      # ItemShares: arrays, frames on demand
    sh.sources_frame(20), sh.by_group(), sh.by_stretch(), sh.by_unit(), sh.short_list_n
    res.shares("TP")                               # the same from any TraceResult

Modes (as the USGS NLDI): ``UT`` upstream with tributaries, ``UM`` upstream mainstem,
``DM`` downstream mainstem, ``DD`` downstream with diversions.  Bad arguments raise
ValueError (unknown reach codes in ``navigate``: KeyError); problems in the data are
reported in ``issues`` and ``TraceResult.notes``.
"""

from pollution_map_plugin.core.network.contribution import ItemShares
from pollution_map_plugin.core.network.graph import MODES, NAVIGATION_COLUMNS, ReachNetwork
from pollution_map_plugin.core.network.issues import ISSUE_KINDS, NetworkIssue
from pollution_map_plugin.core.network.load_estimates import TraceSettings, load_trace_settings
from pollution_map_plugin.core.network.result import (
    SOURCE_RESULT_COLUMNS,
    UNIT_RESULT_COLUMNS,
    TraceResult,
)
from pollution_map_plugin.core.network.source_entry import (
    DEFAULT_DECAY_KM,
    EQUIVALENT_LOAD_STANDARDS,
    LOAD_FIELDS,
)
from pollution_map_plugin.core.network.trace import Tracer, nearest_section, trace_section

__all__ = [
    "DEFAULT_DECAY_KM",
    "EQUIVALENT_LOAD_STANDARDS",
    "ISSUE_KINDS",
    "ItemShares",
    "LOAD_FIELDS",
    "MODES",
    "NAVIGATION_COLUMNS",
    "SOURCE_RESULT_COLUMNS",
    "UNIT_RESULT_COLUMNS",
    "NetworkIssue",
    "ReachNetwork",
    "TraceResult",
    "TraceSettings",
    "Tracer",
    "load_trace_settings",
    "nearest_section",
    "trace_section",
]
