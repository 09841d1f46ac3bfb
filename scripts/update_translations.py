#!/usr/bin/env python3
"""Collect every ``tr("...")`` string of the plugin into the zh_CN ``.ts`` file.

Usage::

    python scripts/update_translations.py           # merge new strings, keep translations
    python scripts/update_translations.py --check   # exit 1 when out of date or unfinished

Strings are found with the ``ast`` module: calls ``tr("text")`` / ``self.tr("text")``
(context ``PollutionMap``, or a literal ``context=``/second argument) and
``QCoreApplication.translate("Context", "text")``.  Existing translations are kept;
new strings are marked unfinished; strings no longer in the sources are kept as
``vanished`` (lrelease skips them) unless ``--drop-obsolete`` is given.  Translate
with Qt Linguist or by editing the ``<translation>`` elements; ``--check`` also
rejects translations whose ``{placeholders}`` differ from the source's.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "pollution_map_plugin"
TS_FILE = REPO / "resources" / "i18n" / "pollution_map_zh_CN.ts"
DEFAULT_CONTEXT = "PollutionMap"
LANGUAGE = "zh_CN"


@dataclass
class Message:
    """One translatable string."""

    context: str
    source: str
    files: set[str] = field(default_factory=set)
    translation: str = ""
    kind: str = "unfinished"  # "" (finished), "unfinished", "vanished"


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _call_strings(call: ast.Call) -> tuple[str, str] | None:
    """(context, text) of a translation call with literal arguments, else None."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name in ("tr", "tr_noop") and call.args:
        text = _literal(call.args[0])
        ctx_node = call.args[1] if len(call.args) > 1 else None
        for kw in call.keywords:
            if kw.arg == "context":
                ctx_node = kw.value
        context = _literal(ctx_node) or DEFAULT_CONTEXT
        return (context, text) if text is not None else None
    if name == "translate" and len(call.args) >= 2:
        context, text = _literal(call.args[0]), _literal(call.args[1])
        if context is not None and text is not None:
            return context, text
    return None


def extract(sources: Path = SOURCES) -> tuple[dict[tuple[str, str], Message], list[str]]:
    """Every translatable string under ``sources``, and warnings about unusable calls."""
    found: dict[tuple[str, str], Message] = {}
    warnings: list[str] = []
    for path in sorted(sources.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        rel = path.relative_to(REPO).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            pair = _call_strings(node)
            if pair is None:
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if name == "tr" and node.args and isinstance(node.args[0], ast.JoinedStr):
                    warnings.append(f"{rel}:{node.lineno}: tr() of an f-string is untranslatable")
                continue
            msg = found.setdefault(pair, Message(*pair))
            msg.files.add(rel)
    return found, warnings


def read_ts(path: Path) -> dict[tuple[str, str], Message]:
    """The messages of an existing ``.ts`` file (empty when absent)."""
    if not path.is_file():
        return {}
    messages: dict[tuple[str, str], Message] = {}
    for ctx in ET.parse(path).getroot().iter("context"):
        context = ctx.findtext("name", default=DEFAULT_CONTEXT)
        for m in ctx.iter("message"):
            source = m.findtext("source", default="")
            tr_el = m.find("translation")
            text = (tr_el.text or "") if tr_el is not None else ""
            kind = tr_el.get("type", "") if tr_el is not None else "unfinished"
            messages[(context, source)] = Message(context, source, set(), text, kind)
    return messages


def merge(
    found: dict[tuple[str, str], Message],
    existing: dict[tuple[str, str], Message],
    drop_obsolete: bool = False,
) -> list[Message]:
    """Found strings with their existing translations, plus vanished ones (sorted)."""
    merged: list[Message] = []
    for key, msg in found.items():
        old = existing.get(key)
        if old is not None and old.translation:
            msg.translation = old.translation
            msg.kind = "unfinished" if old.kind == "unfinished" else ""
        merged.append(msg)
    if not drop_obsolete:
        for key, old in existing.items():
            if key not in found and old.translation:
                old.kind = "vanished"
                merged.append(old)
    return sorted(merged, key=lambda m: (m.context, m.kind == "vanished", m.source))


PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def placeholder_errors(messages: list[Message]) -> list[str]:
    """Translations whose ``{placeholders}`` differ from their source's."""
    return [
        f"{m.source!r}: placeholders {sorted(set(PLACEHOLDER.findall(m.source)))} "
        f"!= {sorted(set(PLACEHOLDER.findall(m.translation)))}"
        for m in messages
        if m.translation and m.kind != "vanished"
        and set(PLACEHOLDER.findall(m.source)) != set(PLACEHOLDER.findall(m.translation))
    ]


def render(messages: list[Message], ts_path: Path = TS_FILE) -> str:
    """The ``.ts`` XML text."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!DOCTYPE TS>",
        f'<TS version="2.1" language="{LANGUAGE}" sourcelanguage="en">',
    ]
    contexts = sorted({m.context for m in messages})
    for context in contexts:
        out += ["<context>", f"    <name>{escape(context)}</name>"]
        for m in (m for m in messages if m.context == context):
            out.append("    <message>")
            for rel in sorted(m.files):
                loc = Path(os.path.relpath(REPO / rel, ts_path.resolve().parent)).as_posix()
                out.append(f'        <location filename="{escape(loc)}"/>')
            out.append(f"        <source>{escape(m.source)}</source>")
            kind = f' type="{m.kind}"' if m.kind else ""
            out.append(f"        <translation{kind}>{escape(m.translation)}</translation>")
            out.append("    </message>")
        out.append("</context>")
    out.append("</TS>")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when the .ts is out of date or unfinished")
    parser.add_argument("--drop-obsolete", action="store_true",
                        help="forget translations of strings no longer in the sources")
    parser.add_argument("--ts", type=Path, default=TS_FILE, help="the .ts file")
    args = parser.parse_args(argv)

    found, warnings = extract()
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    merged = merge(found, read_ts(args.ts), args.drop_obsolete)
    text = render(merged, args.ts)
    unfinished = [m.source for m in merged if m.kind == "unfinished"]
    current = args.ts.read_text(encoding="utf-8") if args.ts.is_file() else ""
    print(f"{len(found)} strings, {len(unfinished)} untranslated, "
          f"{sum(m.kind == 'vanished' for m in merged)} vanished -> {args.ts}")
    bad = placeholder_errors(merged)
    for error in bad:
        print(f"error: {error}", file=sys.stderr)
    if args.check:
        for source in unfinished:
            print(f"untranslated: {source}")
        if text != current:
            print("the .ts file is out of date: run scripts/update_translations.py")
        return 1 if (unfinished or bad or text != current) else 0
    if text != current:
        args.ts.parent.mkdir(parents=True, exist_ok=True)
        args.ts.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
