"""Sub-commands ``trend`` (Spearman over several periods) and ``change`` (two periods),
by the evaluation method (环办〔2011〕22号)."""

from __future__ import annotations

import argparse
import sys

from .analysis_commands import FORMATS, emit_frame
from .command_io import open_checked

TREND_BY = ("section", "river", "control_unit", "water_system", "district", "all")
TABLE_COLUMNS = {
    "section": ["section_code", "parameter", "periods", "n", "rs", "critical_value",
                "trend_zh", "quality_zh"],
    "group": ["group", "periods", "n", "values", "rs", "critical_value", "trend_zh",
              "quality_zh"],
    "change": ["section_code", "name", "roman_before", "roman_after", "level_before",
               "level_after", "change_method_zh"],
    "group_change": ["group", "n_sections_after", "share_i_iii_before", "share_i_iii_after",
                     "share_worse_than_v_before", "share_worse_than_v_after", "delta_g",
                     "delta_d", "delta_g_minus_d", "change_method_zh"],
}


def _codes(values: list[str] | None) -> list[str] | None:
    """``--section A,B --section C`` → ``[A, B, C]``."""
    if not values:
        return None
    return [v.strip() for text in values for v in text.split(",") if v.strip()]


def _filter_sections(sections, codes: list[str] | None, rivers: list[str] | None):
    if sections is None:
        return sections
    keep = sections
    if codes:
        keep = keep.loc[keep["code"].isin(codes)]
    if rivers:
        keep = keep.loc[keep["river_code"].isin(rivers)]
    return keep


def cmd_trend(args: argparse.Namespace) -> int:
    from ..core import gb3838
    from ..core.assessment import load_frames
    from ..core.assessment.trend import group_trends, parse_periods, section_trends

    items = _codes(args.item)
    unknown = [i for i in items or [] if i not in gb3838.ITEMS]
    if unknown:
        raise ValueError(f"unknown item(s) {', '.join(unknown)}; known: "
                         f"{', '.join(gb3838.ITEMS)}")
    out = args.out
    fmt = args.format if args.format != "table" or not out else "csv"
    with open_checked(args.db, out) as db:
        f = load_frames(db)
    m, sections = f["measurements"], f["sections"]
    codes, rivers = _codes(args.section), _codes(args.river)
    if codes or rivers:
        sections = _filter_sections(sections, codes, rivers)
        m = m.loc[m["section_code"].isin(set(sections["code"]))]
        if m.empty:
            raise ValueError("no measurements for the sections or rivers given")
    periods = parse_periods(args.periods, m["sampled_on"], args.freq)
    if args.by == "section":
        frame = section_trends(m, sections, periods, items=items, alpha=args.alpha,
                               non_detect=args.non_detect)
        cols = TABLE_COLUMNS["section"]
    else:
        frame = group_trends(m, sections, periods, args.by, alpha=args.alpha,
                             non_detect=args.non_detect)
        cols = TABLE_COLUMNS["group"]
    emit_frame(frame, fmt, out, cols)
    if fmt == "table":
        print(f"periods {periods[0].label}..{periods[-1].label} ({len(periods)}); "
              f"Spearman r_s, one-tailed α = {args.alpha} (two-tailed {2 * args.alpha:g}); "
              f"no test below N = 5", file=sys.stderr)
    return 0


def cmd_change(args: argparse.Namespace) -> int:
    from ..core.assessment import assess, compare_assessments, compare_groups, load_frames

    with open_checked(args.db, args.out) as db:
        f = load_frames(db)
    kw = {"rivers": f["rivers"], "control_units": f["control_units"],
          "non_detect": args.non_detect}
    before = assess(f["measurements"], f["sections"], args.before, **kw)
    after = assess(f["measurements"], f["sections"], args.after, **kw)
    if args.by == "section":
        emit_frame(compare_assessments(before, after), args.format, args.out,
              TABLE_COLUMNS["change"])
    else:
        frame = compare_groups(before, after, args.by, comparable=not args.all_sections)
        emit_frame(frame, args.format, args.out, TABLE_COLUMNS["group_change"])
    if args.format == "table" and not args.out:
        print(f"{before.period.label} → {after.period.label}; sections by level "
              "(优 I–II … 重度污染 劣V), groups by ΔG − ΔD (10 / 20 points)", file=sys.stderr)
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", help="GeoPackage path or PostgreSQL DSN")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out", help="write to this file (trend: CSV unless --format json)")
    p.add_argument("--non-detect", choices=("half", "limit", "zero"), default="half",
                   help="value of a non-detect (default: half the detection limit)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def register(subparsers) -> None:
    """Add ``trend`` and ``change``."""
    t = subparsers.add_parser(
        "trend", help="trend over several periods (Spearman, 环办〔2011〕22号)",
        description="Spearman's rank correlation of each section's item means (or a "
                    "group's share of I–III sections) against time, tested against the "
                    "method's critical values; 'no significant trend' below them or with "
                    "fewer than 5 periods.")
    _common(t)
    t.add_argument("--section", action="append", metavar="CODE[,CODE]",
                   help="only these sections (repeatable)")
    t.add_argument("--river", action="append", metavar="CODE[,CODE]",
                   help="only the sections of these rivers (repeatable)")
    t.add_argument("--item", action="append", metavar="CODE[,CODE]",
                   help="only these items, e.g. NH3N,TP (default: all measured but WT)")
    t.add_argument("--periods", help="2019,2020,2021,… or a range 2019..2025 split by "
                                     "--freq (default: every period with data)")
    t.add_argument("--freq", choices=("year", "quarter", "month"), default="year")
    t.add_argument("--by", choices=TREND_BY, default="section",
                   help="section: each item's concentration; a group: its share of I–III")
    t.add_argument("--alpha", type=float, choices=(0.05, 0.01), default=0.05,
                   help="one-tailed significance (0.05, the method's usual; or 0.01)")
    t.set_defaults(func=cmd_trend)

    c = subparsers.add_parser(
        "change", help="change between two periods by the method (明显好转 … 明显变差)",
        description="Sections by their qualitative level, groups by ΔG − ΔD.")
    _common(c)
    c.add_argument("--before", required=True, help="the earlier period")
    c.add_argument("--after", required=True, help="the later period")
    c.add_argument("--by", choices=TREND_BY, default="section")
    c.add_argument("--all-sections", action="store_true",
                   help="groups: count every section assessed in each period (default: "
                        "only sections with a class in both)")
    c.set_defaults(func=cmd_change)
