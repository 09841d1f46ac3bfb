"""docs/schema.md is generated from core/schema.py and must be up to date."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from pollution_map_plugin.core import schema

REPO = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_schema_doc",
                                                  REPO / "scripts" / "gen_schema_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_schema_doc_is_up_to_date():
    text = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    assert text == _generator().render(), "run: .venv/bin/python scripts/gen_schema_doc.py"


def test_schema_doc_names_every_table_and_column_in_both_languages():
    text = _generator().render()
    for table in schema.TABLES:
        assert f"### `{table.name}` {table.zh} — {table.en}" in text
        for col in table.columns:
            assert f"`{col.name}`" in text and f"| {col.zh} | {col.en} |" in text
    assert "outfalls.reach_code` | reaches.code" in text
    assert "EPSG:4490" in text and "t/a" in text
