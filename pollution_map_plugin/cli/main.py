"""The command-line entry point: collects the sub-commands of each area."""

from __future__ import annotations

import argparse
import importlib
import sys

# Each module defines ``register(subparsers)``; its sub-commands set ``func``.
COMMAND_MODULES = (
    "pollution_map_plugin.cli.db_commands",
    "pollution_map_plugin.cli.demo_commands",
    "pollution_map_plugin.cli.import_commands",
    "pollution_map_plugin.cli.network_commands",
    "pollution_map_plugin.cli.analysis_commands",
    "pollution_map_plugin.cli.trend_commands",
    "pollution_map_plugin.cli.html_commands",
    "pollution_map_plugin.cli.render_commands",
    "pollution_map_plugin.cli.district_commands",
    "pollution_map_plugin.cli.shared_db_commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pollution_map_plugin",
        description="Pollution Source Map (污染源地图): database, assessment, tracing, maps.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one sub-command; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the CLI reports, never dumps a traceback
        if getattr(args, "debug", False):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
