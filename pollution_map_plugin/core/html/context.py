"""Everything a batch of pages needs, read from the database and assessed once.

``ExportContext`` reads every layer and table once, assesses the period once
(sections, river aggregates, class history, warnings), and then answers per
river: its tributaries, reaches, control units, drinking-water areas, sections
and the sources discharging to it (outfalls on the river or its reaches, the
enterprises and sewage plants behind those outfalls, the farms near its reaches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..assessment.periods import parse_period
from ..geometry_io import point_coords
from .basemaps import coordinate_transform, resolve_basemap
from .export_options import HtmlExportOptions
from .layer_encoding import encode_lines, encode_polygons, geometry_list, origin_of
from .page_strings import check_lang
from .spatial import MetricPoints, boxes, touching

LAYERS = (
    "rivers", "control_units", "drinking_water_areas", "sections",
    "outfalls", "enterprises", "sewage_plants", "livestock_farms", "petrol_stations",
)
TABLES = ("river_chiefs", "problems", "projects")
MAX_LINES = 600  # rivers drawn per layer at most (the longest): Chongqing has 36,000
MEASUREMENT_COLUMNS = ["section_code", "sampled_on", "parameter", "value",
                       "below_detection", "detection_limit"]


def _database_name(db: Any) -> str:
    """A GeoPackage's file name, a PostGIS database's name (and schema, if not public)."""
    from pathlib import Path

    path = getattr(db, "path", None)
    if path is not None:
        return Path(path).name
    info = db.connection_info() if hasattr(db, "connection_info") else {}
    name = str(info.get("dbname") or info.get("service") or "PostGIS")
    schema = info.get("schema")
    return f"{name} ({schema})" if schema and schema != "public" else name


@dataclass
class RiverSelection:
    """The features of one river's report."""

    river: pd.Series
    tributaries: Any
    reaches: Any
    control_units: Any
    drinking_water_areas: Any
    sections: Any
    sources: dict[str, Any] = field(default_factory=dict)
    group: pd.Series | None = None  # the river's aggregate assessment row


class ExportContext:
    """The database's layers, tables and assessment, loaded once for many pages."""

    def __init__(self, db: Any, options: HtmlExportOptions | None = None,
                 **changes: Any) -> None:
        """``options`` (an :class:`HtmlExportOptions`; keyword ``changes`` are shorthand
        for its fields)."""
        self.options = options = HtmlExportOptions.build(options, **changes)
        self.lang = check_lang(options.lang)
        self.offline = options.offline
        self.basemap = resolve_basemap(options.basemap, options.offline)
        self.tianditu_key = options.tianditu_key
        if self.basemap == "tianditu":
            from .basemaps import tianditu_key as check_key

            self.tianditu_key = check_key(options.tianditu_key)
        self.transform = coordinate_transform(self.basemap)
        self.farm_distance_m = float(options.farm_distance_m)
        period = options.period
        self.description = db.describe() if hasattr(db, "describe") else ""
        self.database_file = getattr(db, "path", None)  # a GeoPackage: never overwritten
        self.database_name = _database_name(db)
        self.metadata = dict(db.metadata()) if hasattr(db, "metadata") else {}
        self.layers = {name: db.read_layer(name) for name in LAYERS}
        self.tables = {name: db.read_table(name) for name in TABLES}
        # reaches only link sections and outfalls to rivers: no geometry needed
        self.reaches = db.read_table("reaches", columns=["code", "river_code"])
        self._children: dict[str, list[str]] | None = None
        self._xy: dict[str, pd.DataFrame] = {}
        self._boxes: dict[str, np.ndarray] = {}
        self._farms_metric = None
        self._encoded: dict[tuple, dict] = {}
        self._groups: dict[tuple, dict] = {}
        self._origin: tuple[float, float] | None = None
        self._names: dict[str, pd.Series] = {}
        self._db = db  # read again only for the tracing (reaches), while it is open
        self._attribution: Any = None
        self._measurements = db.read_table("measurements", columns=MEASUREMENT_COLUMNS)
        self._series: pd.DataFrame | None = None
        self._assess(self._measurements, period)

    # ---- assessment -------------------------------------------------------------
    def _assess(self, measurements: pd.DataFrame, period: Any) -> None:
        """The period's assessment, yearly class history and warnings, by the
        assessment service (the same defaults as the CLI, Processing and the panel)."""
        from ..assessment.service import AssessmentRequest, assess_frames

        self.period = parse_period(period) if period is not None else None
        self.results = pd.DataFrame()
        self.groups = pd.DataFrame()
        self.history: dict[str, list] = {}
        self.history_by: dict[str, pd.DataFrame] = {}
        self.bundle = None
        self.warnings = pd.DataFrame()
        if len(measurements) == 0:
            return
        request = AssessmentRequest(period=self.period.label if self.period else None,
                                    compare_default=True, history="year",
                                    with_stretches=False)
        frames = {"measurements": measurements, "sections": self.layers["sections"],
                  "rivers": self.layers["rivers"],
                  "control_units": self.layers["control_units"]}
        bundle = assess_frames(frames, request)
        self.bundle = bundle  # change words, trophic state, drinking water (report_extras)
        a = bundle.assessment
        self.period = a.period
        self.results = a.sections.set_index("section_code", drop=False)
        groups = a.groups("river")
        self.groups = groups.set_index("group", drop=False) if len(groups) else groups
        hist = bundle.history
        years = pd.to_numeric(hist["period"].astype(str).str[:4], errors="coerce")
        cls = hist["water_class"].astype("Float64").fillna(0).astype(int)
        for code, y, c in zip(hist["section_code"], years, cls):
            if pd.notna(y):
                self.history.setdefault(code, []).append([int(y), int(c)])
        self.warnings = bundle.warnings
        self.history_by = {"year": hist}
        from ..assessment.section_assessment import class_history

        end = pd.Timestamp(a.period.end) + pd.Timedelta(days=1)
        upto = measurements.loc[pd.to_datetime(measurements["sampled_on"]) < end]
        for freq in ("quarter", "month"):  # the time slider's other steps
            self.history_by[freq] = class_history(upto, self.layers["sections"], freq)

    @property
    def period_label(self) -> str:
        return self.period.label if self.period is not None else ""

    @property
    def database_label(self) -> str:
        """The database's title (``db_metadata``), else its file or database name:
        never a local path, a user, a host, a port or credentials."""
        title = str(self.metadata.get("title") or "").strip()
        return title or self.database_name

    @property
    def synthetic(self) -> bool:
        return str(self.metadata.get("synthetic", "")).strip().lower() in ("yes", "true", "1")

    # ---- rivers -----------------------------------------------------------------
    def river_codes(self, which: str | list[str] | None = None) -> list[str]:
        """River codes to report: ``None`` → key rivers (when none is flagged: every river
        with sections or sources, else every river), ``"all"`` → every river, or an
        explicit list of codes or names (a name stands for every river of that name;
        unknown ones: KeyError)."""
        rivers = self.layers["rivers"]
        codes = rivers["code"].astype(str).tolist()
        if which is None:
            key = rivers["key_river"] if "key_river" in rivers else pd.Series(dtype=object)
            flagged = rivers.loc[key.fillna(False).astype(bool), "code"].astype(str).tolist()
            return flagged or self.rivers_with_content() or codes
        if isinstance(which, str) and which == "all":
            return codes
        wanted = [which] if isinstance(which, str) else list(which)
        known = set(codes)
        by_name = rivers.groupby(rivers["name"].astype(str))["code"].apply(
            lambda c: c.astype(str).tolist()).to_dict() if len(rivers) else {}
        out: list[str] = []
        unknown = []
        for w in map(str, wanted):
            hit = [w] if w in known else by_name.get(w.strip(), [])
            out += [c for c in hit if c not in out]
            if not hit:
                unknown.append(w)
        if unknown:
            raise KeyError(f"unknown river code(s) or name(s): {', '.join(unknown)}")
        return out

    def rivers_with_content(self) -> list[str]:
        """Rivers with a section or a source linked to them or to one of their reaches."""
        reach_river = dict(zip(self.reaches["code"].astype(str),
                               self.reaches["river_code"].astype(str)))
        found: set[str] = set()
        for name in ("sections", "outfalls", "enterprises", "sewage_plants",
                     "livestock_farms"):
            frame = self.layers[name]
            if "river_code" in frame:
                found |= set(frame["river_code"].dropna().astype(str))
            if "reach_code" in frame:
                found |= {reach_river[r] for r in frame["reach_code"].dropna().astype(str)
                          if r in reach_river}
        return [c for c in self.layers["rivers"]["code"].astype(str) if c in found]

    def frame(self, name: str):
        return self.layers[name] if name in self.layers else (
            self.reaches if name == "reaches" else self.tables[name])

    def rows(self, name: str, column: str, values) -> Any:
        """Rows of layer/table ``name`` whose ``column`` is one of ``values`` (indexed once)."""
        frame = self.frame(name)
        key = (name, column)
        if key not in self._groups:
            self._groups[key] = frame.groupby(frame[column].astype(str)).indices \
                if len(frame) else {}
        groups = self._groups[key]
        vals = [values] if isinstance(values, str) else values
        hit = [groups[str(v)] for v in vals if str(v) in groups]
        pos = np.sort(np.concatenate(hit)) if hit else np.zeros(0, dtype=int)
        return frame.iloc[pos]

    def names(self, name: str) -> pd.Series:
        """code → name of layer ``name`` (built once)."""
        if name not in self._names:
            f = self.layers[name]
            s = pd.Series(f["name"].to_numpy(), index=f["code"].astype(str).to_numpy())
            self._names[name] = s[~s.index.duplicated()]
        return self._names[name]

    def river(self, code: str) -> pd.Series:
        """The river of that code (or, if no code matches, of that name)."""
        rows = self.rows("rivers", "code", str(code))
        if rows.empty:
            rows = self.rows("rivers", "name", str(code).strip())
        if rows.empty:
            raise KeyError(f"unknown river code {code!r}")
        return rows.iloc[0]

    def descendants(self, code: str) -> list[str]:
        """Codes of the river's tributaries, at any depth."""
        if self._children is None:
            rivers = self.layers["rivers"]
            self._children = {}
            if "parent_code" in rivers:
                for c, p in zip(rivers["code"].astype(str), rivers["parent_code"]):
                    if isinstance(p, str) and p:
                        self._children.setdefault(p, []).append(c)
        out, todo, seen = [], [str(code)], {str(code)}
        while todo:
            for child in self._children.get(todo.pop(), []):
                if child not in seen:
                    seen.add(child)
                    out.append(child)
                    todo.append(child)
        return out

    def longest(self, rivers, limit: int = MAX_LINES):
        """The ``limit`` longest of ``rivers`` (all when fewer) and the shortest length kept."""
        if len(rivers) <= limit or "length_km" not in rivers:
            return rivers, None
        length = pd.to_numeric(rivers["length_km"], errors="coerce").fillna(0)
        keep = length.sort_values(ascending=False, kind="stable").index[:limit]
        return rivers.loc[keep], float(length.loc[keep].min())

    def select(self, code: str) -> RiverSelection:
        """The features of river ``code``'s report."""
        L = self.layers  # noqa: N806 - a short alias
        river = self.river(code)
        code = str(river["code"])
        geom = river.geometry
        tribs = self.rows("rivers", "code", self.descendants(code))
        reaches = self.rows("reaches", "river_code", str(code))
        reach_codes = reaches["code"].astype(str).tolist()
        secs = self._union("sections", str(code), reach_codes)
        outfalls = self._union("outfalls", str(code), reach_codes)
        of_codes = outfalls["code"].astype(str).tolist()
        sources = {"outfalls": outfalls}
        for name in ("enterprises", "sewage_plants"):
            # behind an outfall on the river, or linked to the river directly (``link``)
            sources[name] = self._union(name, str(code), reach_codes,
                                        self.rows(name, "outfall_code", of_codes))
        sources["livestock_farms"] = self._union("livestock_farms", str(code), reach_codes,
                                                 self._farms_near(geom))
        cu = L["control_units"]
        cu_mask = cu["code"].astype(str).isin(set(secs["control_unit_code"].dropna().astype(str)))
        cu_mask |= self._touching("control_units", geom)
        dw = L["drinking_water_areas"]
        dw_mask = dw.index.isin(self.rows("drinking_water_areas", "river_code", str(code)).index)
        dw_mask |= self._touching("drinking_water_areas", geom)
        group = self.groups.loc[str(code)] if len(self.groups) and str(code) in self.groups.index \
            else None
        return RiverSelection(river, tribs, reaches, cu.loc[cu_mask], dw.loc[dw_mask], secs,
                              sources, group)

    def _union(self, name: str, river: str, reach_codes: list[str], also=None):
        """Rows of ``name`` on the river or on one of its reaches (and the rows ``also``)."""
        frame = self.frame(name)
        mask = np.zeros(len(frame), dtype=bool)
        if "river_code" in frame:
            mask |= frame.index.isin(self.rows(name, "river_code", river).index)
        if "reach_code" in frame:
            mask |= frame.index.isin(self.rows(name, "reach_code", reach_codes).index)
        if also is not None:
            mask |= frame.index.isin(also.index)
        return frame.loc[mask]

    def _farms_near(self, river_geom):
        """Farms within ``farm_distance_m`` of the river (its reaches share its geometry)."""
        farms = self.layers["livestock_farms"]
        if len(farms) == 0 or self.farm_distance_m <= 0:
            return farms.iloc[0:0]
        if self._farms_metric is None:
            xy = self._points_xy("livestock_farms")
            self._farms_metric = MetricPoints(xy["x"].to_numpy(), xy["y"].to_numpy())
        return farms.iloc[self._farms_metric.near(river_geom, self.farm_distance_m)]

    @property
    def origin(self) -> tuple[float, float]:
        """The pages' coordinate origin (whole degrees south-west of the sections)."""
        if self._origin is None:
            xy = self._points_xy("sections")
            x, y = xy["x"].to_numpy(), xy["y"].to_numpy()
            if self.transform is not None and len(x):
                x, y = self.transform(x, y)
            ox, oy = origin_of(np.asarray(x), np.asarray(y))
            self._origin = (ox - 1.0, oy - 1.0)  # room for what lies beyond the sections
        return self._origin

    def encoded(self, layer: str, frame, kind: str, simplify: float) -> list:
        """Lines or areas of ``frame`` (rows of ``layer``) encoded for the page, each
        geometry simplified and encoded once per batch (reports share tributaries)."""
        enc = encode_lines if kind == "line" else encode_polygons
        cache = self._encoded.setdefault((layer, kind, simplify), {})
        keys = frame.index.tolist()
        geoms = geometry_list(frame.geometry)
        todo = [i for i, k in enumerate(keys) if k not in cache]
        if todo:  # encode the new ones in one batch
            done = enc([geoms[i] for i in todo], self.transform, simplify, self.origin)
            for i, e in zip(todo, done):
                cache[keys[i]] = e
        return [cache[k] for k in keys]

    def _touching(self, name: str, geom):
        layer = self.layers[name]
        if name not in self._boxes:
            self._boxes[name] = boxes(layer.geometry)
        return touching(geometry_list(layer.geometry), self._boxes[name], geom)

    def _points_xy(self, name: str) -> pd.DataFrame:
        if name not in self._xy:
            layer = self.layers[name]
            x, y = point_coords(layer.geometry)
            self._xy[name] = pd.DataFrame({"x": x, "y": y}, index=layer.index)
        return self._xy[name]

    def points(self, name: str, frame=None) -> tuple[Any, np.ndarray, np.ndarray]:
        """Rows of point layer ``name`` (or of its subset ``frame``) with a valid point,
        and their lon and lat (coordinates are read once per layer)."""
        xy = self._points_xy(name)
        if frame is None:
            frame = self.layers[name]
        else:
            xy = xy.loc[frame.index]
        x, y = xy["x"].to_numpy(), xy["y"].to_numpy()
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.all():
            return frame, x, y
        return frame.loc[ok], x[ok], y[ok]

    def river_chiefs(self, code: str) -> pd.DataFrame:
        return self.rows("river_chiefs", "river_code", str(code))

    def problems(self, code: str) -> pd.DataFrame:
        return self.rows("problems", "river_code", str(code))

    def projects(self, code: str) -> pd.DataFrame:
        return self.rows("projects", "river_code", str(code))

    def section_warnings(self, section_codes) -> pd.DataFrame:
        w = self.warnings
        if w is None or len(w) == 0:
            return pd.DataFrame()
        return w.loc[w["section_code"].astype(str).isin(set(map(str, section_codes)))]

    # ---- time and series ----------------------------------------------------------
    def timeline(self, codes: list[str]) -> dict[str, dict]:
        """Per step (year, quarter, month): the period labels, their first and last
        days and the class of each of ``codes`` in each period (flat, section-major;
        0: no class) — what the time slider shows."""
        out: dict[str, dict] = {}
        for freq, hist in self.history_by.items():
            if hist is None or not len(hist):
                continue
            labels = sorted(hist["period"].astype(str).unique())
            pos = {p: k for k, p in enumerate(labels)}
            spans = hist.drop_duplicates("period")
            spans = spans.set_index(spans["period"].astype(str))
            row = {c: k for k, c in enumerate(map(str, codes))}
            flat = np.zeros(len(codes) * len(labels), dtype=np.int64)
            sec = hist["section_code"].astype(str).map(row)
            ok = sec.notna().to_numpy()
            cls = hist["water_class"].astype("Float64").fillna(0).astype(int).to_numpy()
            per = hist["period"].astype(str).map(pos).to_numpy()
            flat[sec[ok].astype(int).to_numpy() * len(labels) + per[ok]] = cls[ok]
            out[freq] = {"labels": labels,
                         "starts": [str(spans.loc[p, "start"])[:10] for p in labels],
                         "ends": [str(spans.loc[p, "end"])[:10] for p in labels],
                         "cls": flat.tolist()}
        return out

    def item_series(self) -> pd.DataFrame:
        """Yearly means per section and item (a non-detect counts as half its detection
        limit, the assessment's default), with whether every sample was a non-detect."""
        if self._series is None:
            m = self._measurements
            if not len(m):
                self._series = pd.DataFrame(columns=["section_code", "parameter", "year",
                                                     "value", "nd"])
                return self._series
            nd = m["below_detection"].fillna(False).astype(bool)
            v = pd.to_numeric(m["value"], errors="coerce")
            lim = pd.to_numeric(m["detection_limit"], errors="coerce")
            v = v.where(~nd, lim.fillna(v) * 0.5)
            df = pd.DataFrame({"section_code": m["section_code"].astype(str),
                               "parameter": m["parameter"].astype(str),
                               "year": pd.to_datetime(m["sampled_on"]).dt.year,
                               "value": v, "nd": nd})
            self._series = df.groupby(["section_code", "parameter", "year"], sort=True).agg(
                value=("value", "mean"), nd=("nd", "all")).reset_index()
        return self._series

    def measurements_of(self, codes) -> pd.DataFrame:
        """The measurements of sections ``codes``."""
        m = self._measurements
        return m.loc[m["section_code"].astype(str).isin(set(map(str, codes)))]

    def districts(self) -> list[str]:
        """Every district named by a section or a source (the filters' choices)."""
        found: set[str] = set()
        for name in ("sections", "outfalls", "enterprises", "sewage_plants",
                     "livestock_farms", "petrol_stations"):
            frame = self.layers.get(name)
            if frame is not None and "district" in frame:
                found |= set(frame["district"].dropna().astype(str))
        return sorted(found)

    def attribution(self) -> Any:
        """The tracing service's source attribution for the period (built once, when a
        report first asks), or None when it cannot be built here (no network, the
        database closed, no measurements): the report then has no trace block."""
        if self._attribution is None:
            self._attribution = False
            try:
                from ..network import Tracer
                from ..network.source_attribution import (
                    ATTRIBUTION_LAYERS,
                    SourceAttribution,
                    section_flows,
                )

                frames = {n: self.layers[n] for n in ATTRIBUTION_LAYERS if n in self.layers}
                frames["reaches"] = self._db.read_layer("reaches")
                a = self.bundle.assessment if self.bundle is not None else None
                if len(frames["reaches"]) and a is not None:  # the export's own assessment
                    flows = section_flows(self._measurements, self.layers["sections"], a.period)
                    self._attribution = SourceAttribution(Tracer(frames), a, flows=flows)
            except Exception:  # noqa: BLE001 - tracing is an extra: the report goes on
                self._attribution = False
        return self._attribution or None

    def district_table(self) -> pd.DataFrame | None:
        """Statistics by district (``core.district_stats``) for the period, or None when
        they cannot be computed here (the database closed, an older schema)."""
        if not hasattr(self, "_district_table"):
            self._district_table = None
            try:
                from ..district_stats import DistrictStatsRequest, district_statistics

                stats = district_statistics(
                    self._db, DistrictStatsRequest(period=self.period_label or None),
                    assessment=self.bundle)
                self._district_table = stats.table
            except Exception:  # noqa: BLE001 - an extra table: the overview goes on
                self._district_table = None
        return self._district_table
