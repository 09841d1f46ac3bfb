"""Sub-command ``trace``: upstream tracing from a section (溯源追踪), per exceeding item.

    pollution-map trace DB --section S001                       # reaches, sources, units
    pollution-map trace DB --section S001 --item NH3N           # NH3-N shares, short list
    pollution-map trace DB --section S001 --failing --period 2025   # every failing item
    pollution-map trace DB --section S001 --item TP --k TP=0.1 --settings mine.json

Formats: ``json`` (default), ``table`` (the short list of each item, with ``--item`` or
``--failing``) and ``gpkg`` (layers; with items also ``shares_<item>`` points and
``unit_shares_<item>`` polygons carrying each source's and unit's share).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..core.atomic_files import replacing, write_text_atomic
from .command_io import open_checked

TABLE_COLUMNS = ["rank", "code", "name", "group", "distance_km", "load_t_a", "basis",
                 "contribution_t_a", "share", "cumulative_share", "no_flow_direction",
                 "beyond_lake"]


def network_available() -> bool:
    try:
        from ..core.network import trace_section  # noqa: F401
    except ImportError:
        return False
    return True


def _settings(args: argparse.Namespace):
    from ..core.network.load_estimates import item_code, load_trace_settings

    over: dict = {}
    for spec in args.k or []:
        item, sep, value = spec.partition("=")
        try:
            k = float(value)
        except ValueError:
            k = None
        if not sep or k is None:
            raise ValueError(f"--k wants ITEM=PER_DAY (e.g. NH3N=0.15), not {spec!r}")
        over.setdefault("decay", {}).setdefault("k_per_day", {})[item_code(item)] = k
    if args.velocity is not None:
        over.setdefault("decay", {})["velocity_m_s"] = args.velocity
    if args.short_list_share is not None:
        over["short_list_share"] = args.short_list_share
    return load_trace_settings(args.settings, over or None)


def cmd_trace(args: argparse.Namespace) -> int:
    from ..core.network import trace_section

    if args.format == "gpkg" and not args.out:
        raise ValueError("--format gpkg needs --out FILE.gpkg")
    itemised = bool(args.item) or args.failing
    if args.format == "table" and not itemised:
        raise ValueError("--format table lists shares: give --item ITEM or --failing")
    if itemised and args.mode == "DM":
        raise ValueError("shares need an upstream trace (--mode UT or UM)")
    settings = _settings(args) if itemised else None
    with open_checked(args.db, args.out) as db:
        if itemised:
            from ..core.network.source_attribution import SourceAttribution

            att = SourceAttribution.from_database(db, args.period, settings=settings,
                                                  non_detect=args.non_detect,
                                                  snap_distance_m=args.snap_distance_m)
            found = att.attribute(args.section, None if args.failing else args.item,
                                  mode=args.mode, distance_km=args.distance_km,
                                  flow_m3_s=args.flow_m3_s)
            result = found.trace
        else:
            found = None
            result = trace_section(db, args.section, mode=args.mode,
                                   distance_km=args.distance_km,
                                   snap_distance_m=args.snap_distance_m)
    if args.format == "json":
        doc = result.to_dict()
        if found is not None:
            doc["attribution"] = found.to_dict(args.top)
        _write(args.out, json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False)
               + "\n", f"the trace from {args.section}")
        return 0
    if args.format == "table":
        _write(args.out, _table(found, args.top), f"the shares at {args.section}")
        return 0
    _write_gpkg(Path(args.out), result, found)
    return 0


def _write(out: str | None, text: str, what: str) -> None:
    if out:
        write_text_atomic(out, text)
        print(f"wrote {what} to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _table(found, top: int) -> str:
    lines = [f"section {found.section_code}, period {found.period or '-'}"]
    for rec in found.items:
        sh = found.shares[rec["parameter"]]
        value = rec.get("value")
        head = f"\n{rec['parameter']}" + (f" {value:.4g} {rec.get('unit', '')}"
                                           if value is not None else "")
        obs = (f"; observed {sh.observed_t_a:.4g} t/a, not covered "
               f"{100 * sh.not_covered_share:.0f} %" if sh.observed_t_a is not None else "")
        groups = ", ".join(f"{g} {100 * s:.0f} %" for g, s in
                           zip(sh.by_group()["group"], sh.by_group()["share"]) if s > 0)
        lines.append(f"{head}: {sh.n_candidates} candidates, {len(sh.pos)} with a load, "
                     f"short list {sh.short_list_n} ({100 * sh.short_list_share:.0f} % of "
                     f"{sh.modelled_t_a:.4g} t/a modelled){obs}; by type: {groups or '-'}")
        frame = sh.sources_frame(min(top, max(sh.short_list_n, 1)) if top else None)
        lines.append(frame[TABLE_COLUMNS].round(4).to_string(index=False)
                     if len(frame) else "(no source with a load of this item)")
    lines += [f"note: {n}" for n in found.notes]
    return "\n".join(lines) + "\n"


def _write_gpkg(out: Path, result, found) -> None:
    from ..core.network.result import to_geodataframe

    layers = {"reaches": result.reaches_gdf, "sources": result.sources_gdf,
              "control_units": result.control_units_gdf}
    if found is not None:
        units = result.control_units_gdf
        for item, sh in found.shares.items():
            layers[f"shares_{item}"] = to_geodataframe(sh.sources_frame(),
                                                       sh.source_geometries(), result.crs)
            by_unit = sh.by_unit()
            if len(units) and len(by_unit):
                merged = units[["code", "name", "geometry"]].merge(
                    by_unit.drop(columns="unit_name"), left_on="code", right_on="unit_code")
                layers[f"unit_shares_{item}"] = merged.drop(columns="unit_code")
    present = {name: gdf for name, gdf in layers.items() if gdf is not None and len(gdf)}
    written = [f"{name} ({len(gdf)})" for name, gdf in present.items()]
    if present:  # a new file in place of the old one only when complete
        with replacing(out) as tmp:
            for name, gdf in present.items():
                gdf.to_file(tmp, layer=name, driver="GPKG")
    elif out.exists():
        out.unlink()
    print(f"wrote {', '.join(written) or 'nothing (empty trace)'} to {out}", file=sys.stderr)


def register_trace(subparsers) -> None:
    """Add ``trace`` (when ``core.network`` imports)."""
    if not network_available():
        return
    t = subparsers.add_parser(
        "trace", help="upstream tracing from a section (溯源追踪), per exceeding item",
        description="Reaches, sources and control units upstream (UT, UM) or downstream "
                    "(DM) of a section; with --item or --failing, each item's sources "
                    "ranked by the load arriving at the section (first-order decay along "
                    "the network), their shares, the shares by source type, stretch and "
                    "control unit, and the short list making up 80 %% of it.")
    t.add_argument("db", help="GeoPackage path or PostgreSQL DSN")
    t.add_argument("--section", required=True, help="section code")
    t.add_argument("--mode", choices=("UT", "UM", "DM"), default="UT",
                   help="UT upstream with tributaries, UM upstream mainstem, "
                        "DM downstream mainstem")
    t.add_argument("--distance-km", type=float, help="navigation distance limit (km)")
    t.add_argument("--snap-distance-m", type=float, default=500.0,
                   help="snap sources without a reach to the nearest within this distance")
    t.add_argument("--item", action="append", metavar="ITEM",
                   help="trace this item (NH3N, TP, COD, CODMn, Oil, 氨氮 …); repeatable")
    t.add_argument("--failing", action="store_true",
                   help="trace every item the section fails in --period")
    t.add_argument("--period", help="assessment period (default: the latest year)")
    t.add_argument("--non-detect", choices=("half", "limit", "zero"), default="half")
    t.add_argument("--settings", help="JSON file overriding the trace coefficients")
    t.add_argument("--k", action="append", metavar="ITEM=PER_DAY",
                   help="first-order decay rate of an item (1/d); repeatable")
    t.add_argument("--velocity", type=float, help="flow velocity for the decay (m/s)")
    t.add_argument("--short-list-share", type=float, help="share the short list covers (0.8)")
    t.add_argument("--flow-m3-s", type=float,
                   help="flow at the section (m³/s) for the observed load")
    t.add_argument("--top", type=int, default=20, help="sources listed per item (20)")
    t.add_argument("--format", choices=("json", "table", "gpkg"), default="json")
    t.add_argument("--out", help="output file (required for gpkg)")
    t.add_argument("--debug", action="store_true", help="show tracebacks")
    t.set_defaults(func=cmd_trace)
