"""River-network index, NLDI-style navigation and upstream tracing (溯源追踪).

Public API (stable)::

    from pollution_map_plugin.core.network import (
        ReachNetwork, NetworkIssue, Tracer, TraceResult, trace_section, nearest_section,
    )

    net = ReachNetwork.from_reaches(reaches_gdf, snap_tolerance_m=5.0, use_links="auto")
    net.issues                       # list[NetworkIssue(kind, reach_codes, message)]
    net.navigate("R1", mode="UT", distance_km=10.0)   # DataFrame, see ReachNetwork.navigate
    res = trace_section(db_or_frames, "S001", mode="UT", distance_km=20.0)
    res.reaches_gdf, res.sources_gdf, res.control_units_gdf, res.summary(), res.to_json()

Modes (as the USGS NLDI): ``UT`` upstream with tributaries, ``UM`` upstream mainstem,
``DM`` downstream mainstem, ``DD`` downstream with diversions.
"""

from pollution_map_plugin.core.network.graph import MODES, ReachNetwork
from pollution_map_plugin.core.network.issues import ISSUE_KINDS, NetworkIssue
from pollution_map_plugin.core.network.result import TraceResult
from pollution_map_plugin.core.network.trace import (
    DEFAULT_DECAY_KM,
    EQUIVALENT_LOAD_STANDARDS,
    Tracer,
    nearest_section,
    trace_section,
)

__all__ = [
    "DEFAULT_DECAY_KM",
    "EQUIVALENT_LOAD_STANDARDS",
    "ISSUE_KINDS",
    "MODES",
    "NetworkIssue",
    "ReachNetwork",
    "TraceResult",
    "Tracer",
    "nearest_section",
    "trace_section",
]
