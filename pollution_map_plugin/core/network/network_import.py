"""Import a river network from line files: ``rivers`` and ``reaches`` with flow direction.

>>> opts = NetworkImportOptions(["hyd1_4l.shp", "hyd2_4l.shp"], bbox=(105.2, 28.1, 110.2, 32.2))
>>> result = import_network(db, opts)       # or build_network(opts) without a database
>>> result.summary(); result.features; result.reversed; result.findings

Steps: read (``line_layers``), clean, snap and split at junctions (``noding``), find the
outlets and orient (``orientation``), merge pseudo-nodes and code (``reach_assembly``).
Every input feature ends up in ``result.features`` as used, merged or dropped, with its
reason and the reaches it went into.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from pollution_map_plugin.core.geometry_io import polyline_lengths_m
from pollution_map_plugin.core.network.line_layers import DROPPED, USED, read_lines
from pollution_map_plugin.core.network.noding import Finding, node_lines
from pollution_map_plugin.core.network.orientation import edge_lengths, junction_votes, orient
from pollution_map_plugin.core.network.reach_assembly import assemble
from pollution_map_plugin.core.schema import DEFAULT_SRID


@dataclass
class NetworkImportOptions:
    """One network import: the files and how to read and join them."""

    sources: list[str]
    crs: str | None = None  # CRS of files without one (default: lon/lat EPSG:4490)
    name_field: str | None = None  # detected when obvious (NAME, 名称, …)
    outlets: list[tuple[float, float]] = field(default_factory=list)  # lon/lat
    tolerance_m: float = 20.0  # line ends this close are one node
    gap_factor: float = 3.0  # ends within tolerance × this are reported as gaps
    bank_width_m: float = 1000.0  # same-named lines this close are two banks: one kept (0: off)
    bbox: tuple[float, float, float, float] | None = None  # lon/lat W, S, E, N: cut to it
    replace: bool = False  # replace rivers and reaches already in the database


@dataclass
class NetworkImportResult:
    rivers: pd.DataFrame  # GeoDataFrame of the schema's rivers
    reaches: pd.DataFrame  # GeoDataFrame of the schema's reaches
    features: pd.DataFrame  # one row per input feature: outcome, reason, reach_codes
    reversed: pd.DataFrame  # input features drawn against the flow (turned)
    outlets: pd.DataFrame  # lon, lat, river_code, given, score
    findings: list[Finding]
    notes: list[str]

    def summary(self) -> dict:
        out = self.features["outcome"].value_counts()
        return {"features": len(self.features), "used": int(out.get("used", 0)),
                "merged": int(out.get("merged", 0)), "dropped": int(out.get("dropped", 0)),
                "reaches": len(self.reaches), "rivers": len(self.rivers),
                "parts": len(self.outlets), "reversed_features": len(self.reversed),
                "findings": {k: sum(1 for f in self.findings if f.kind == k)
                             for k in dict.fromkeys(f.kind for f in self.findings)}}

    def report_lines(self) -> list[str]:
        s = self.summary()
        lines = [f"{s['features']} input features: {s['used']} used, {s['merged']} merged, "
                 f"{s['dropped']} dropped (each listed with its reason)",
                 f"{s['reaches']} reaches in {s['rivers']} rivers, {s['parts']} separate "
                 "part(s)"]
        lines += [f"note: {n}" for n in self.notes]
        for _, o in self.outlets.iterrows():
            how = "given" if o["given"] else "found"
            lines.append(f"outlet ({how}) of {o['river_name']} at {o['lon']:.4f}, "
                         f"{o['lat']:.4f}")
        lines.append(f"{len(self.reversed)} input lines drawn against the flow, turned")
        for _, r in self.reversed.iterrows():
            lines.append(f"  reversed: {r['source']} fid {r['fid']} {r['name'] or ''} "
                         f"(from/to {r['from_id']}→{r['to_id']})".rstrip())
        for f in self.findings:
            where = f" at {f.lon:.4f}, {f.lat:.4f}" if f.lon is not None else ""
            lines.append(f"{f.kind}: {f.message}{where}")
        for reason, n in self.features[self.features["outcome"] != USED].groupby(
                ["outcome", "reason"]).size().items():
            lines.append(f"{reason[0]}: {n} × {reason[1]}")
        return lines

    def write_report(self, path: str | Path) -> Path:
        """The feature table as CSV (UTF-8 with BOM, for spreadsheets)."""
        path = Path(path)
        self.features.to_csv(path, index=False, encoding="utf-8-sig")
        return path


def _node_fields(inp, proj, tol: float) -> tuple[bool, str | None]:
    """Do FNODE_/TNODE_-style fields follow the digitised direction?  (swapped, message)."""
    f = inp.features
    has = f["from_id"].notna() & f["to_id"].notna()
    if not has.any():
        return False, None
    owner = np.asarray(inp.part_feature)
    first = {}
    last = {}
    for i, o in enumerate(owner.tolist()):
        first.setdefault(o, inp.parts[i][0])
        last[o] = inp.parts[i][-1]
    feats = [int(x) for x in f.index[has] if int(x) in first]
    start = proj.forward(np.array([first[x] for x in feats]))
    end = proj.forward(np.array([last[x] for x in feats]))
    ids_f = f.loc[feats, "from_id"].astype(str).to_numpy()
    ids_t = f.loc[feats, "to_id"].astype(str).to_numpy()

    def consistent(a_pts, b_pts) -> tuple[int, int]:
        frame = pd.DataFrame({"id": np.r_[ids_f, ids_t], "x": np.r_[a_pts[:, 0], b_pts[:, 0]],
                              "y": np.r_[a_pts[:, 1], b_pts[:, 1]]})
        g = frame.groupby("id")
        spread = np.hypot(g["x"].max() - g["x"].min(), g["y"].max() - g["y"].min())
        return int((spread <= tol).sum()), len(spread)

    same, total = consistent(start, end)
    swap, _ = consistent(end, start)
    swapped = swap > same
    msg = (f"from/to node fields name the {'last' if swapped else 'first'} point as the "
           f"from-node; {max(same, swap)} of {total} node ids are consistent with the lines")
    return swapped, msg


def build_network(options: NetworkImportOptions) -> NetworkImportResult:
    """Read, node, orient and code the network of ``options`` (no database needed)."""
    if not options.sources:
        raise ValueError("give at least one line file")
    if options.tolerance_m <= 0:
        raise ValueError("the tolerance must be positive (metres)")
    inp = read_lines(list(options.sources), options.crs, options.name_field, options.bbox)
    if not inp.parts:
        raise ValueError("no line features in " + ", ".join(map(str, options.sources)))
    tol = float(options.tolerance_m)
    noded = node_lines(inp, tol, options.gap_factor, options.bank_width_m)
    if not len(noded.u):
        raise ValueError("no line left after cleaning (see the feature report)")
    proj = noded.projection
    names = inp.features["name"].to_numpy()[noded.feature]
    swapped, fields_msg = _node_fields(inp, proj, tol)
    n_nodes = len(noded.node_xy)
    vote = np.full(len(noded.u), -1.0 if swapped else 1.0)
    vote += junction_votes(noded.u, noded.v, noded.coords, names, n_nodes)
    used = np.unique(np.r_[noded.u, noded.v])
    given_nodes = []
    if options.outlets:
        tree = cKDTree(noded.node_xy[used])
        for lon, lat in options.outlets:
            _, k = tree.query(proj.forward(np.array([[lon, lat]]))[0])
            given_nodes.append(int(used[k]))
    area = None
    if options.bbox is not None:
        lo = proj.forward(np.array([options.bbox[:2]]))[0]
        hi = proj.forward(np.array([options.bbox[2:]]))[0]
        area = (lo[0], lo[1], hi[0], hi[1])
    xy = noded.node_xy[used]
    diag = float(np.hypot(*(xy.max(axis=0) - xy.min(axis=0))))
    length = edge_lengths(noded.coords)
    ori = orient(n_nodes, noded.u, noded.v, length, vote, noded.node_xy, area, given_nodes,
                 edge_margin=max(10 * tol, 0.01 * diag))
    flip = ori.flip
    tail = np.where(flip, noded.v, noded.u)
    head = np.where(flip, noded.u, noded.v)
    coords_ll = [proj.inverse(c[::-1] if f else c) for c, f in zip(noded.coords, flip)]
    edge_km = polyline_lengths_m(coords_ll) / 1000.0
    built = assemble(tail, head, coords_ll, names, noded.feature, edge_km, ori.dist_m,
                     ori.component, ori.outlets)
    findings = list(noded.findings)
    if fields_msg:
        findings.append(Finding("node_fields", [], fields_msg))
    rev = _reversed(inp, noded, flip ^ swapped, length)
    if len(rev):
        findings.append(Finding("reversed", rev["feature"].tolist(),
                                f"{len(rev)} input lines drawn (or coded) against the flow: "
                                "turned to flow downstream"))
    findings += _topology(built.reaches, tail, head, noded, ori, n_nodes)
    features = _account(inp, built.reaches)
    return NetworkImportResult(*_frames(built), features, rev,
                               _outlets(ori, noded, built.reaches, built.rivers), findings,
                               inp.notes)


def _reversed(inp, noded, against: np.ndarray, length: np.ndarray) -> pd.DataFrame:
    """Input features with most of their length flowing against their data direction."""
    f = pd.DataFrame({"feature": noded.feature, "against": length * against, "len": length})
    g = f.groupby("feature")[["against", "len"]].sum()
    ids = g.index[g["against"] > 0.5 * g["len"]]
    cols = ["feature", "source", "layer", "fid", "name", "from_id", "to_id"]
    return inp.features.loc[ids, cols].reset_index(drop=True)


def _topology(reaches: pd.DataFrame, tail, head, noded, ori, n_nodes) -> list[Finding]:
    out: list[Finding] = []
    outdeg = np.bincount(tail, minlength=n_nodes)
    braid_nodes = np.flatnonzero(outdeg > 1)
    if len(braid_nodes):
        feats = noded.feature[np.isin(tail, braid_nodes)]
        lon, lat = noded.lonlat(noded.node_xy[braid_nodes[0]])
        out.append(Finding("braid", sorted(set(feats.tolist())),
                           f"{len(braid_nodes)} nodes where the water splits (braids or "
                           "distributaries)", lon, lat))
    used = np.unique(np.r_[tail, head])
    n_comp = len(ori.outlets)
    loops = len(tail) - len(used) + n_comp
    if loops > 0:
        out.append(Finding("cycle", [], f"{loops} closed circuits in the drawn network "
                           "(channels around islands, canals); each channel is oriented to "
                           "the outlet"))
    if n_comp > 1:
        sizes = reaches.groupby("component").size().sort_values(ascending=False)
        out.append(Finding("separate_parts", [], f"{n_comp} separate parts (reaches per part: "
                           f"{', '.join(map(str, sizes.tolist()[:10]))}"
                           f"{' …' if n_comp > 10 else ''}); each has its own outlet"))
    return out


def _account(inp, reaches: pd.DataFrame) -> pd.DataFrame:
    """The feature table with the reaches each used feature went into."""
    f = inp.features.copy()
    codes: dict[int, list[str]] = {}
    for code, feats in zip(reaches["code"], reaches["features"]):
        for x in feats:
            codes.setdefault(int(x), []).append(code)
    f["reach_codes"] = [" ".join(codes.get(int(i), [])) for i in f.index]
    lost = (f["outcome"] == USED) & (f["reach_codes"] == "")
    f.loc[lost, "outcome"] = DROPPED
    f.loc[lost, "reason"] = "no line left after cleaning and snapping"
    return f


def _frames(built) -> tuple[pd.DataFrame, pd.DataFrame]:
    import geopandas as gpd
    from shapely.geometry import LineString, MultiLineString

    r = built.reaches
    reaches = gpd.GeoDataFrame(
        r[["code", "river_code", "downstream_code", "from_node", "to_node", "length_km",
           "stream_order"]].copy(),
        geometry=[LineString(c) for c in r["coords"]], crs=f"EPSG:{DEFAULT_SRID}")
    lines = r.groupby("river_code")["coords"].apply(list)
    rivers = built.rivers.copy()
    rivers = gpd.GeoDataFrame(rivers, geometry=[MultiLineString([c for c in lines[k]])
                                                for k in rivers["code"]],
                              crs=f"EPSG:{DEFAULT_SRID}")
    return rivers, reaches


def _outlets(ori, noded, reaches: pd.DataFrame, rivers: pd.DataFrame) -> pd.DataFrame:
    ll = noded.projection.inverse(noded.node_xy[ori.outlets])
    at = reaches[reaches["downstream"] < 0].drop_duplicates("head").set_index("head")
    codes = [at["river_code"].get(int(o)) for o in ori.outlets]
    names = rivers.set_index("code")["name"]
    return pd.DataFrame({"lon": ll[:, 0], "lat": ll[:, 1], "river_code": codes,
                         "river_name": [names.get(c, "") for c in codes],
                         "given": ori.outlet_given, "score": ori.score})


def import_network(db, options: NetworkImportOptions) -> NetworkImportResult:
    """Build the network and write ``rivers`` and ``reaches`` in one transaction."""
    existing = db.count("reaches") + db.count("rivers")
    if existing and not options.replace:
        raise ValueError(f"{db.describe()} already holds {db.count('rivers')} rivers and "
                         f"{db.count('reaches')} reaches: use --replace to replace them")
    result = build_network(options)
    with db.transaction():
        db.write("reaches", result.reaches.iloc[:0], mode="replace")
        db.write("rivers", result.rivers, mode="replace")
        db.write("reaches", result.reaches, mode="replace")
    return result
