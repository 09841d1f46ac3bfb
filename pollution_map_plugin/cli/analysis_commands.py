"""Sub-commands ``assess``, ``warnings`` and ``trace`` (water quality and tracing)."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from ..core.atomic_files import write_text_atomic
from .command_io import open_checked

FORMATS = ("table", "json", "csv")
BY = ("section", "river", "control_unit", "water_system", "district")
TABLE_COLUMNS = {
    "section": ["section_code", "name", "roman", "label_zh", "target_roman", "meets_target",
                "n_samples", "main_pollutants", "tli", "trophic_state"],
    "group": ["group", "n_sections", "method", "roman", "label_zh", "share_i_iii",
              "share_meeting_target", "main_pollutants"],
    "change": ["section_code", "name", "roman_before", "roman_after", "change_zh",
               "class_steps"],
    "problems": ["section_code", "name", "roman", "target_roman", "failing_items_text"],
    "problem_groups": ["code", "river_code", "n_failing", "n_sections", "worst_roman",
                       "failing_items_zh"],
    "history": ["section_code", "period", "roman", "label_zh", "n_samples",
                "main_pollutants"],
    "warnings": ["kind", "section_code", "parameter", "value", "limit_text", "sampled_on",
                 "message_zh"],
    "drinking": ["area_name", "zone_level_zh", "required_roman", "section_code", "roman",
                 "complies", "failing_items_text", "supplementary_text"],
}


def emit_frame(frame: pd.DataFrame, fmt: str, out: str | None, table_cols: list[str]) -> None:
    """Write ``frame`` as a text table, JSON or CSV to ``out`` or stdout."""
    from ..core.assessment import flat, to_json

    if fmt == "json":
        text = to_json(frame) + "\n"
    elif fmt == "csv":
        text = flat(frame).to_csv(index=False)
    else:
        cols = [c for c in table_cols if c in frame.columns]
        text = (frame[cols].round(3).to_string(index=False) if len(frame) else "(none)") + "\n"
    if out:
        # utf-8-sig so that Excel opens Chinese CSV correctly
        write_text_atomic(out, text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        print(f"wrote {len(frame)} row(s) to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def cmd_assess(args: argparse.Namespace) -> int:
    from ..core.assessment import class_history_database, problem_water_bodies
    from ..core.assessment.service import AssessmentRequest, run_assessment

    if args.history:
        with open_checked(args.db, args.out) as db:
            frame = class_history_database(db, args.history, period=args.period,
                                           non_detect=args.non_detect)
        emit_frame(frame, args.format, args.out, TABLE_COLUMNS["history"])
        return 0
    request = AssessmentRequest(
        period=args.period, compare=(args.change_from, None) if args.change_from else None,
        compare_default=False, non_detect=args.non_detect, with_warnings=False,
        with_stretches=False, with_drinking_water=bool(args.drinking_water))
    with open_checked(args.db, args.out) as db:
        bundle = run_assessment(db, request)
    result = bundle.assessment
    if result is None:
        raise ValueError("the database has no measurements to assess")
    if args.change_from:
        emit_frame(bundle.change, args.format, args.out, TABLE_COLUMNS["change"])
    elif args.drinking_water:
        frame = (bundle.drinking_noncompliant if args.drinking_water == "failing"
                 else bundle.drinking_water)
        emit_frame(frame, args.format, args.out, TABLE_COLUMNS["drinking"])
    elif args.problems:
        frame = problem_water_bodies(result, args.problems)
        key = "problems" if args.problems == "section" else "problem_groups"
        emit_frame(frame, args.format, args.out, TABLE_COLUMNS[key])
    elif args.by == "section":
        emit_frame(result.sections, args.format, args.out, TABLE_COLUMNS["section"])
    else:
        emit_frame(result.groups(args.by), args.format, args.out, TABLE_COLUMNS["group"])
    if args.format == "table" and not args.out:
        print(f"period {result.period.label}; non-detects: {args.non_detect}", file=sys.stderr)
    return 0


def cmd_warnings(args: argparse.Namespace) -> int:
    from ..core.assessment import WarningSettings, find_warnings, load_frames

    settings = WarningSettings(
        critical_share=args.critical_share, class_jump=args.class_jump,
        variability_k=args.k, window=args.window, min_history=args.min_history,
        default_target_class=args.default_target, non_detect=args.non_detect,
        since=args.since, min_relative_change=args.min_change,
        spread_floor=args.spread_floor,
    )
    with open_checked(args.db, args.out) as db:
        f = load_frames(db, with_groups=False)
    frame = find_warnings(f["measurements"], f["sections"], settings, as_of=args.as_of)
    emit_frame(frame, args.format, args.out, TABLE_COLUMNS["warnings"])
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", help="GeoPackage path or PostgreSQL DSN")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out", help="write to this file instead of standard output")
    p.add_argument("--non-detect", choices=("half", "limit", "zero"), default="half",
                   help="value of a non-detect: half the detection limit (default), "
                        "the limit, or zero")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def register(subparsers) -> None:
    """Add ``assess``, ``warnings`` and (``trace_commands``, when ``core.network`` imports)
    ``trace``."""
    p = subparsers.add_parser(
        "assess", help="water-quality class of sections or groups (GB 3838-2002)",
        description="Assess sections over a period (2025, 2025-Q3, 2025-10, "
                    "2025-01-01/2025-06-30; default: the latest year with data).")
    _common(p)
    p.add_argument("--period", help="period to assess")
    p.add_argument("--by", choices=BY, default="section")
    view = p.add_mutually_exclusive_group()
    view.add_argument("--change-from", metavar="PERIOD",
                      help="compare each section's class with this earlier period")
    view.add_argument("--problems", choices=("section", "reach", "river"),
                      help="list the sections, reaches or rivers missing their targets")
    view.add_argument("--history", choices=("year", "quarter", "month"),
                      help="class of every section per year, quarter or month")
    view.add_argument("--drinking-water", choices=("all", "failing"),
                      help="drinking-water source zones against their class (first zone II, "
                           "second III, GB 3838 Table 2 items): all zones, or those failing")
    p.set_defaults(func=cmd_assess)

    w = subparsers.add_parser(
        "warnings", help="exceedance, critical and sudden-change warnings",
        description="Warnings over every sample in a window (--since; default: the latest "
                    "sample of every item of every section), each with its sample's date. "
                    "Sections without a target get no exceedance or critical warning.")
    _common(w)
    w.add_argument("--critical-share", type=float, default=0.9,
                   help="critical when within this share of the target limit (0.9)")
    w.add_argument("--class-jump", type=int, default=2,
                   help="sudden change when an item's class worsens by this many (2)")
    w.add_argument("--k", type=float, default=3.0,
                   help="sudden change beyond k standard deviations of recent samples (3)")
    w.add_argument("--window", type=int, default=12, help="recent samples for the spread")
    w.add_argument("--min-history", type=int, default=4)
    w.add_argument("--min-change", type=float, default=0.1,
                   help="a sudden change moves at least this share of the previous value "
                        "in the worse direction (0.1)")
    w.add_argument("--spread-floor", type=float, default=0.05,
                   help="the standard deviation counts as at least this share of the "
                        "recent mean (0.05), so that a flat history keeps the k rule")
    w.add_argument("--since", metavar="DATE",
                   help="every sample on or after this date (default: the latest sample "
                        "of every item)")
    w.add_argument("--default-target", type=int, choices=range(1, 6), metavar="1..5",
                   help="target class for sections without one (default: none)")
    w.add_argument("--as-of", help="ignore samples after this date")
    w.set_defaults(func=cmd_warnings)

    from .trace_commands import register_trace

    register_trace(subparsers)
