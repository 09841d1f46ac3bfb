"""Item-matched tracing (溯源): from a failing section's exceeding items to the sources.

:class:`SourceAttribution` joins the assessment service (which items of a section fail
its target in a period, and their period means) with a :class:`Tracer` (the network and
the sources) and ``contribution.item_shares`` (loads carried down with decay, shares,
the short list).  One object per data set and period serves many sections::

    att = SourceAttribution.from_database(db, period="2025")
    res = att.attribute("S001")              # every failing item of S001 in 2025
    res = att.attribute("S001", items=["NH3N"])
    res.shares["NH3N"].sources_frame(20)     # the 20 largest contributors
    att.river_sources("R01", top=5)          # the river report's plain data

The observed load is the item's period mean × a flow (m³/s) where one is known: the
``flow`` argument, else the mean of the section's flow measurements in the period
(parameter ``Q``, ``flow`` or 流量), else a ``flow_m3_s`` column of the sections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pollution_map_plugin.core.network.contribution import ItemShares
from pollution_map_plugin.core.network.load_estimates import (
    TraceSettings,
    item_code,
    load_trace_settings,
)
from pollution_map_plugin.core.network.trace import Tracer
from pollution_map_plugin.core.network.trace_columns import jsonable

FLOW_PARAMETERS = ("Q", "q", "flow", "FLOW", "Flow", "流量", "flow_m3_s")
#: Layers a SourceAttribution reads from a database.
ATTRIBUTION_LAYERS = ("reaches", "sections", "control_units", "outfalls", "enterprises",
                      "sewage_plants", "livestock_farms", "petrol_stations")


@dataclass
class SectionAttribution:
    """The trace from one section and the shares of each item traced."""

    section_code: str
    period: str | None
    trace: Any  # TraceResult
    items: list[dict]  # per item: the failing-item record (or just the parameter)
    shares: dict[str, ItemShares]
    notes: list[str] = field(default_factory=list)

    def to_dict(self, top: int = 20) -> dict:
        """JSON-ready: the section, period, per item its record and ``summary(top)``."""
        return jsonable({
            "section": self.trace.section, "period": self.period,
            "mode": self.trace.mode, "distance_km": self.trace.distance_km,
            "n_reaches": self.trace.n_reaches, "n_candidates": self.trace.n_sources,
            "items": [{**rec, **self.shares[rec["parameter"]].summary(top)}
                      for rec in self.items if rec["parameter"] in self.shares],
            "notes": list(self.notes) + list(self.trace.notes),
        })


class SourceAttribution:
    """Failing items per section (one period) + a tracer: item-matched shares."""

    def __init__(self, tracer: Tracer, assessment: Any = None, *,
                 settings: TraceSettings | None = None,
                 flows: dict[str, float] | None = None) -> None:
        self.tracer = tracer
        self.assessment = assessment
        self.settings = settings or tracer.settings()
        self.flows = dict(flows or {})
        sections = assessment.sections if assessment is not None else None
        self._by_code = ({} if sections is None else
                         {str(c): i for i, c in enumerate(sections["section_code"])})
        self._means: dict[tuple[str, str], float] = {}
        if assessment is not None and len(assessment.items):
            it = assessment.items
            for c, p, v in zip(it["section_code"], it["parameter"], it["value"]):
                if v == v:
                    self._means[(str(c), str(p))] = float(v)

    @property
    def period(self) -> str | None:
        return self.assessment.period.label if self.assessment is not None else None

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_frames(cls, frames: dict[str, Any], period: str | None = None, *,
                    settings: TraceSettings | None = None, non_detect: str = "half",
                    tracer: Tracer | None = None,
                    snap_distance_m: float = 500.0) -> SourceAttribution:
        """From frames by table name (``ATTRIBUTION_LAYERS`` + ``measurements``)."""
        from pollution_map_plugin.core.assessment.service import (
            AssessmentRequest,
            assess_frames,
        )

        tracer = tracer or Tracer(frames, snap_distance_m=snap_distance_m)
        measurements = frames.get("measurements")
        assessment, flows = None, {}
        if measurements is not None and len(measurements):
            request = AssessmentRequest(period=period, compare_default=False,
                                        non_detect=non_detect, with_warnings=False,
                                        with_stretches=False, with_groups=False)
            bundle = assess_frames({"measurements": measurements,
                                    "sections": frames["sections"]}, request)
            assessment = bundle.assessment if bundle is not None else None
            if assessment is not None:
                flows = section_flows(measurements, frames["sections"], assessment.period)
        elif period is not None:
            raise ValueError("the data have no measurements to assess the period")
        return cls(tracer, assessment, settings=settings, flows=flows)

    @classmethod
    def from_database(cls, db: Any, period: str | None = None, *,
                      settings: TraceSettings | None = None, non_detect: str = "half",
                      snap_distance_m: float = 500.0) -> SourceAttribution:
        """Read the layers and measurements of ``db`` (a ``core.db`` Database)."""
        from pollution_map_plugin.core.assessment.database_reads import MEASUREMENT_COLUMNS

        frames = {name: _maybe_layer(db, name) for name in ATTRIBUTION_LAYERS}
        frames["measurements"] = db.read_table("measurements", columns=MEASUREMENT_COLUMNS)
        return cls.from_frames(frames, period, settings=settings, non_detect=non_detect,
                               snap_distance_m=snap_distance_m)

    # ------------------------------------------------------------------ queries
    def section_row(self, section_code: str) -> dict | None:
        i = self._by_code.get(str(section_code).strip())
        return None if i is None else self.assessment.sections.iloc[i].to_dict()

    def failing_items(self, section_code: str) -> list[dict]:
        """The section's failing items in the period (the assessment's records)."""
        row = self.section_row(section_code)
        return [] if row is None else list(row.get("failing_items") or [])

    def main_item(self, section_code: str) -> str | None:
        """The section's first main pollutant (主要污染指标) that fails, else its first
        failing item, else None."""
        row = self.section_row(section_code)
        if row is None:
            return None
        failing = [r["parameter"] for r in row.get("failing_items") or []]
        for code in row.get("main_pollutant_codes") or []:
            if code in failing:
                return code
        return failing[0] if failing else None

    def concentration(self, section_code: str, item: str) -> float | None:
        return self._means.get((str(section_code).strip(), item))

    def attribute(self, section_code: str, items: list[str] | None = None, *,
                  mode: str = "UT", distance_km: float | None = None,
                  flow_m3_s: float | None = None) -> SectionAttribution:
        """Trace from ``section_code`` and share each item (default: its failing items
        in the period).  ValueError on bad input (unknown section, item, mode)."""
        code = str(section_code).strip()
        notes: list[str] = []
        if items is None:
            records = self.failing_items(code)
            if self.assessment is None:
                notes.append("no measurements: name the items to trace")
            elif not records:
                notes.append(f"section {code} has no failing item in {self.period}")
        else:
            wanted = [item_code(i) for i in items]
            known = {r["parameter"]: r for r in self.failing_items(code)}
            records = [known.get(p, {"parameter": p}) for p in wanted]
        trace = self.tracer.trace(code, mode=mode, distance_km=distance_km)
        flow = flow_m3_s if flow_m3_s is not None else self.flows.get(code)
        shares: dict[str, ItemShares] = {}
        modelled = set(self.settings.items())
        kept = []
        for rec in records:
            p = rec["parameter"]
            if p not in modelled:
                notes.append(f"no source model for {p}: it is not traced")
                continue
            conc = self.concentration(code, p)
            shares[p] = trace.shares(p, self.settings, concentration=conc, flow_m3_s=flow)
            kept.append(rec)
        return SectionAttribution(code, self.period, trace, kept, shares, notes)

    def river_sources(self, river_code: str, top: int = 5) -> list[dict]:
        """For the river report: per failing section of ``river_code`` in the period, its
        main pollutant's top sources with their shares (plain data; see the handoff)."""
        if self.assessment is None:
            return []
        s = self.assessment.sections
        mine = s[(s["river_code"].astype(str) == str(river_code))
                 & (s["meets_target"].astype("boolean") == False)]  # noqa: E712 - NA kept out
        out = []
        for code in mine["section_code"].astype(str):
            item = self.main_item(code)
            entry = {"section_code": code, "section_name": self.section_row(code).get("name"),
                     "item": item, "period": self.period}
            if item is None or item not in set(self.settings.items()):
                entry.update(error=f"no source model for {item}" if item else "no item")
                out.append(entry)
                continue
            try:
                res = self.attribute(code, [item])
            except ValueError as exc:
                entry.update(error=str(exc))
                out.append(entry)
                continue
            sh = res.shares[item]
            frame = sh.sources_frame(top)
            entry.update(
                item_name_zh=_item_name(item, "zh"), item_name_en=_item_name(item, "en"),
                n_candidates=sh.n_candidates, short_list_n=sh.short_list_n,
                modelled_t_a=sh.modelled_t_a, observed_t_a=sh.observed_t_a,
                not_covered_share=sh.not_covered_share,
                by_group=sh.by_group()[["group", "share"]].to_dict("records"),
                sources=frame[["rank", "code", "name", "layer", "group", "distance_km",
                               "contribution_t_a", "share", "basis", "in_short_list",
                               "no_flow_direction", "beyond_lake"]].to_dict("records"))
            out.append(jsonable(entry))
        return out


def _item_name(code: str, lang: str) -> str:
    from pollution_map_plugin.core import gb3838

    it = gb3838.ITEMS.get(code)
    return code if it is None else (it.name_zh if lang == "zh" else it.name_en)


def _maybe_layer(db: Any, name: str) -> pd.DataFrame | None:
    try:
        return db.read_layer(name)
    except Exception:  # noqa: BLE001 - an optional layer missing from an older database
        if name in ("reaches", "sections"):
            raise
        return None


def section_flows(measurements: pd.DataFrame, sections: pd.DataFrame | None,
                  period: Any) -> dict[str, float]:
    """Mean flow (m³/s) per section in ``period``: flow measurements, else the sections'
    ``flow_m3_s`` column."""
    out: dict[str, float] = {}
    if sections is not None and "flow_m3_s" in sections.columns:
        for c, q in zip(sections["code"], pd.to_numeric(sections["flow_m3_s"],
                                                        errors="coerce")):
            if q == q and q > 0:
                out[str(c)] = float(q)
    m = measurements
    is_flow = m["parameter"].astype(str).isin(FLOW_PARAMETERS).to_numpy()
    if is_flow.any():
        f = m.loc[is_flow]
        f = f.loc[np.asarray(period.mask(f["sampled_on"]), dtype=bool)]
        means = pd.to_numeric(f["value"], errors="coerce").groupby(
            f["section_code"].astype(str)).mean()
        out.update({c: float(v) for c, v in means.items() if v == v and v > 0})
    return out


__all__ = ["ATTRIBUTION_LAYERS", "SectionAttribution", "SourceAttribution", "section_flows",
           "load_trace_settings"]
