"""Link every point of the database to its reach: ``link(db, LinkOptions())``.

Sections, outfalls, sewage plants, enterprises, farms, petrol stations and parks get
``reach_code``, ``river_code`` (filled where empty), ``link_method`` and
``link_distance_m``.  In order of preference (links in the data win):

* ``code``: the record's own ``reach_code`` (kept), or its ``river_code`` (the nearest
  reach of that river within the tolerance);
* ``outfall``: an enterprise or sewage plant with an outfall takes the outfall's reach
  (its own distance to that reach is recorded, not held to the tolerance);
* ``name``: a river's name inside the record's name (``嘉陵江大桥``): its nearest reach;
* ``spatial``: the nearest reach within the type's tolerance.

What is too far is listed, never linked; where the data's link and the nearest reach
belong to different rivers, the data is kept and the disagreement reported.  Links an
earlier run derived (method outfall, name or spatial) are derived again, so linking after
a new network import follows the new reaches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pollution_map_plugin.core.geometry_io import object_array
from pollution_map_plugin.core.network.geometry import (
    LineCoords,
    LocalProjection,
    SegmentIndex,
    line_coords,
    point_xy,
)

#: metres: how far a point of each table may be from its reach
DEFAULT_TOLERANCES_M = {
    "sections": 2000.0, "outfalls": 2000.0, "sewage_plants": 5000.0, "enterprises": 5000.0,
    "livestock_farms": 5000.0, "petrol_stations": 5000.0, "industrial_parks": 10000.0,
}
LINKED_TABLES = tuple(DEFAULT_TOLERANCES_M)
REPORT_COLUMNS = ["table", "code", "name", "status", "method", "reach_code", "river_code",
                  "distance_m", "note"]


@dataclass
class LinkOptions:
    """One linking job."""

    tolerances_m: dict[str, float] = field(default_factory=dict)  # per table, over defaults
    tables: tuple[str, ...] = LINKED_TABLES
    dry_run: bool = False  # compute and report, write nothing

    def tolerance(self, table: str) -> float:
        return float(self.tolerances_m.get(table, DEFAULT_TOLERANCES_M[table]))


@dataclass
class LinkReport:
    rows: pd.DataFrame  # REPORT_COLUMNS, one row per record
    written: dict[str, int] = field(default_factory=dict)

    def summary(self) -> pd.DataFrame:
        """Records per table and status."""
        if not len(self.rows):
            return pd.DataFrame(columns=["table", "status", "n"])
        return self.rows.groupby(["table", "status"]).size().rename("n").reset_index()

    def problems(self) -> pd.DataFrame:
        """Records not linked, or linked against what the nearest reach says."""
        return self.rows[~self.rows["status"].isin(["linked", "kept"])]

    def report_lines(self) -> list[str]:
        out = [f"{t}: " + ", ".join(f"{n} {s}" for s, n in zip(g["status"], g["n"]))
               for t, g in self.summary().groupby("table", sort=False)]
        for _, r in self.problems().iterrows():
            out.append(f"  {r['table']} {r['code']} {r['name'] or ''}: {r['status']} — "
                       f"{r['note']}")
        return out


class _Reaches:
    """The reaches as a metric nearest-segment index, whole and per river."""

    def __init__(self, reaches) -> None:
        self.codes = reaches["code"].astype(str).to_numpy()
        self.rivers = reaches["river_code"].astype(str).to_numpy()
        self.index_of = {c: i for i, c in enumerate(self.codes)}
        ll = line_coords(object_array(reaches.geometry))
        self.projection = LocalProjection.for_coords(ll.xy, True)
        self.metric = LineCoords(self.projection.forward(ll.xy), ll.part_offsets,
                                 ll.part_owner, ll.n)
        self.all = SegmentIndex(self.metric)
        self._by_river: dict[str, tuple[SegmentIndex, np.ndarray]] = {}

    def nearest(self, pts: np.ndarray, radius: float, river: str | None = None):
        """(reach index or -1, distance m) of the nearest reach (of ``river``) per point."""
        if river is None:
            owner, dist, _ = self.all.nearest(pts, radius)
            return owner, dist
        if river not in self._by_river:
            members = np.flatnonzero(self.rivers == river)
            keep = np.isin(self.metric.part_owner, members)
            counts = np.diff(self.metric.part_offsets)[keep]
            starts = self.metric.part_offsets[:-1][keep]
            idx = np.concatenate([np.arange(s, s + c) for s, c in zip(starts, counts)]) \
                if len(starts) else np.empty(0, dtype=np.int64)
            remap = np.full(self.metric.n, -1)
            remap[members] = np.arange(len(members))
            sub = LineCoords(self.metric.xy[idx], np.r_[0, np.cumsum(counts)].astype(np.int64),
                             remap[self.metric.part_owner[keep]], len(members))
            self._by_river[river] = (SegmentIndex(sub), members)
        index, members = self._by_river[river]
        if not len(members):
            return np.full(len(pts), -1), np.full(len(pts), np.nan)
        owner, dist, _ = index.nearest(pts, radius)
        return np.where(owner >= 0, members[np.maximum(owner, 0)], -1), dist

    def distance_to(self, i: int, pt: np.ndarray) -> float:
        d, _ = self.all.position_on(np.array([i]), pt.reshape(1, 2))
        return float(d[0])


def _text(v) -> str | None:
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    s = str(v).strip()
    return s or None


def link(db, options: LinkOptions | None = None) -> LinkReport:
    """Link the points of ``db`` to its reaches and write the links (one transaction)."""
    options = options or LinkOptions()
    unknown = [t for t in options.tables if t not in DEFAULT_TOLERANCES_M]
    if unknown:
        raise ValueError(f"cannot link {', '.join(unknown)}; tables: {', '.join(LINKED_TABLES)}")
    reaches = db.read_layer("reaches", ["code", "river_code"])
    if not len(reaches):
        raise ValueError(f"{db.describe()} has no reaches: import a network first "
                         "(import-network)")
    net = _Reaches(reaches)
    rivers = db.read_table("rivers", ["code", "name"])
    names = {c: _text(n) for c, n in zip(rivers["code"], rivers["name"])}
    by_name = sorted(((n, c) for c, n in names.items() if n and len(n) >= 2),
                     key=lambda nc: -len(nc[0]))
    rows: list[dict] = []
    updates: dict[str, pd.DataFrame] = {}
    outfall_links: dict[str, tuple[str, str]] = {}
    order = sorted(options.tables, key=lambda t: t != "outfalls")  # outfalls first
    for table in order:
        frame = db.read_layer(table)
        res = _link_table(table, frame, net, names, by_name, options.tolerance(table),
                          outfall_links)
        rows += res[0]
        updates[table] = res[1]
        if table == "outfalls":
            outfall_links = {c: (r, v) for c, r, v in zip(res[1]["code"], res[1]["reach_code"],
                                                         res[1]["river_code"]) if r}
    report = LinkReport(pd.DataFrame(rows, columns=REPORT_COLUMNS))
    if not options.dry_run:
        with db.transaction():
            for table, upd in updates.items():
                if len(upd):
                    report.written[table] = db.write(table, upd, mode="upsert")
    return report


UPDATE_COLUMNS = ["code", "reach_code", "river_code", "link_method", "link_distance_m"]
NAME_MATCH_TABLES = ("sections", "outfalls")  # names that often say their river


def _restricted(net: _Reaches, pts: np.ndarray, rivers: np.ndarray, rows: np.ndarray,
                radius: float) -> tuple[np.ndarray, np.ndarray]:
    """Nearest reach of each row's own river (``rivers[row]``), batched by river."""
    reach = np.full(len(pts), -1, dtype=np.int64)
    dist = np.full(len(pts), np.nan)
    if not len(rows):
        return reach, dist
    for river, idx in pd.Series(rows).groupby(rivers[rows]):
        idx = idx.to_numpy()
        r, d = net.nearest(pts[idx], radius, river=river)
        reach[idx], dist[idx] = r, d
    return reach, dist


def _link_table(table: str, frame, net: _Reaches, names: dict, by_name: list, tol: float,
                outfall_links: dict) -> tuple[list[dict], pd.DataFrame]:
    n = len(frame)
    if n == 0:
        return [], pd.DataFrame(columns=UPDATE_COLUMNS)
    xy = point_xy(object_array(frame.geometry))
    pts = net.projection.forward(xy)
    located = np.isfinite(pts).all(axis=1)
    col = {c: np.array([_text(v) for v in frame[c]], dtype=object) if c in frame.columns
           else np.full(n, None, dtype=object)
           for c in ("code", "name", "reach_code", "river_code", "outfall_code", "link_method")}
    # links an earlier run derived (not given in the data) are derived again
    derived = np.isin(col["link_method"].astype(str), ["outfall", "name", "spatial"])
    col["reach_code"][derived] = None
    col["river_code"][derived] = None
    notes = [""] * n
    given_reach = col["reach_code"].copy()
    for i in np.flatnonzero(given_reach != None):  # noqa: E711 - object array
        if given_reach[i] not in net.index_of:
            notes[i] += f"reach_code {given_reach[i]} is not a reach of the network; linked anew. "
            given_reach[i] = None
    given_river = col["river_code"].copy()
    for i in np.flatnonzero(given_river != None):  # noqa: E711
        if given_river[i] not in names:
            notes[i] += f"river_code {given_river[i]} is not a river of the network. "
            given_river[i] = None
    spatial, sdist = net.nearest(pts, tol)
    reach = np.full(n, -1, dtype=np.int64)
    method = np.full(n, None, dtype=object)
    has_reach = given_reach != None  # noqa: E711
    reach[has_reach] = [net.index_of[c] for c in given_reach[has_reach]]
    method[has_reach] = "code"
    outfall_reach = np.array([net.index_of.get(outfall_links.get(c, ("",))[0], -1)
                              if c else -1 for c in col["outfall_code"]], dtype=np.int64)
    use_out = (reach < 0) & (outfall_reach >= 0) & located
    reach[use_out], method[use_out] = outfall_reach[use_out], "outfall"
    dist = np.full(n, np.nan)
    by_river = np.flatnonzero((reach < 0) & (given_river != None) & located)  # noqa: E711
    r, d = _restricted(net, pts, given_river, by_river, tol)
    ok = by_river[r[by_river] >= 0]
    reach[ok], method[ok], dist[ok] = r[ok], "code", d[ok]
    far_river = by_river[r[by_river] < 0]
    if table in NAME_MATCH_TABLES:
        todo = (reach < 0) & (given_river == None) & located  # noqa: E711
        named = np.full(n, None, dtype=object)
        text = pd.Series(col["name"]).fillna("")
        for nm, code in by_name:
            hit = todo & (named == None) & text.str.contains(nm, regex=False).to_numpy()  # noqa
            named[hit] = code
        rows_named = np.flatnonzero(named != None)  # noqa: E711
        r, d = _restricted(net, pts, named, rows_named, tol)
        ok = rows_named[r[rows_named] >= 0]
        reach[ok], method[ok], dist[ok] = r[ok], "name", d[ok]
    plain = (reach < 0) & (given_river == None) & located & (spatial >= 0)  # noqa: E711
    reach[plain], method[plain], dist[plain] = spatial[plain], "spatial", sdist[plain]
    m = (reach >= 0) & located & (has_reach | use_out)  # given links: their distance
    dist[m], _ = net.all.position_on(reach[m], pts[m])
    far_d = _restricted(net, pts, given_river, far_river, 1e12)[1]
    wide_owner, wide_dist = net.nearest(pts, max(tol * 100, 200_000.0))
    is_far = np.zeros(n, dtype=bool)
    is_far[far_river] = True
    rows, out = [], []
    for i in range(n):
        note, status = notes[i], "linked"
        k = int(reach[i])
        if method[i] == "code" and has_reach[i]:
            status = "kept"
        if not located[i]:
            status = "kept" if (has_reach[i] or given_river[i]) else "not_located"
            note += "no coordinates"
        elif k >= 0 and dist[i] > tol and method[i] != "outfall":
            status = "too_far"
            note += f"{dist[i] / 1000:.1f} km from its reach {net.codes[k]}. "
        elif is_far[i]:
            status = "too_far"
            note += (f"{far_d[i] / 1000:.1f} km from its river {given_river[i]} "
                     f"({names[given_river[i]]}), tolerance {tol:g} m. ")
        elif k < 0:
            status = "too_far"
            near = (f"nearest reach {net.codes[wide_owner[i]]} at {wide_dist[i] / 1000:.1f} km"
                    if wide_owner[i] >= 0 else "no reach nearby")
            note += f"no reach within {tol:g} m ({near}). "
        if k >= 0 and located[i] and spatial[i] >= 0 and method[i] != "outfall" and \
                net.rivers[spatial[i]] != net.rivers[k]:
            status = "disagrees" if status in ("linked", "kept") else status
            note += (f"nearest reach {net.codes[spatial[i]]} ({sdist[i]:.0f} m) is on river "
                     f"{net.rivers[spatial[i]]}, the link says {net.rivers[k]}. ")
        reach_code = net.codes[k] if k >= 0 else None
        river_code = given_river[i] or col["river_code"][i] or (net.rivers[k] if k >= 0
                                                               else None)
        d = None if not np.isfinite(dist[i]) else round(float(dist[i]), 1)
        rows.append({"table": table, "code": col["code"][i], "name": col["name"][i],
                     "status": status, "method": method[i], "reach_code": reach_code,
                     "river_code": river_code, "distance_m": d, "note": note.strip()})
        if col["code"][i] and status != "not_located":
            keep_link = status != "too_far" or has_reach[i]
            out.append({"code": col["code"][i],
                        "reach_code": reach_code if keep_link else None,
                        "river_code": river_code, "link_method": method[i] if keep_link
                        else None, "link_distance_m": d if keep_link else None})
    upd = pd.DataFrame(out, columns=UPDATE_COLUMNS)
    return rows, upd

