"""Escaping helpers and safe file names of the HTML export (no QGIS, no browser)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from pollution_map_plugin.core.html import report_filename, safe_filename
from pollution_map_plugin.core.html.escaping import esc, json_for_script, text


def test_esc_escapes_markup_and_quotes():
    assert esc("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;"
    assert esc('a"b\'c&d') == "a&quot;b&#x27;c&amp;d"


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT])
def test_missing_values_are_empty(value):
    assert text(value) == "" and esc(value) == ""


def test_text_of_numbers_and_dates():
    assert text(12.0) == "12"
    assert text(12.5) == "12.5"
    assert text(pd.Timestamp("2025-06-30")) == "2025-06-30"


def test_json_for_script_cannot_close_the_script_element():
    data = {"name": "</script><script>alert(1)</script>", "x": "a\u2028b & <!--"}
    raw = json_for_script(data)
    assert "</" not in raw and "<" not in raw and ">" not in raw and "&" not in raw
    assert "\u2028" not in raw
    assert json.loads(raw) == data  # still the same data


def test_json_for_script_rejects_nan():
    with pytest.raises(ValueError):
        json_for_script({"v": math.nan})


@pytest.mark.parametrize("stem", [
    "../../etc/passwd", "..\\..\\windows\\system32", "/absolute/path", "C:\\temp\\x",
    "<script>alert(1)</script>", "a:b*c?d|e\"f", "name. . .", "...", "", "   ",
    "con", "NUL.txt", "com1", "LPT9", "tab\there\nnewline\x00nul", "x" * 500,
])
def test_safe_filename_is_a_plain_name(stem):
    name = safe_filename(stem)
    assert name.endswith(".html")
    body = name[: -len(".html")]
    assert body and "/" not in name and "\\" not in name and ".." not in name
    assert not any(c in name for c in '<>:"|?*') and all(ord(c) >= 32 for c in name)
    assert body.split(".")[0].lower() not in {"con", "prn", "aux", "nul", "com1", "lpt9"}
    assert not body.endswith((".", " ")) and not name.startswith((".", " "))
    assert len(name) <= 85


def test_safe_filename_keeps_chinese():
    assert safe_filename("R00002_嘉陵江") == "R00002_嘉陵江.html"


def test_report_filename_from_code_and_name():
    assert report_filename("R1", "长江") == "R1_长江.html"
    assert report_filename("../X<script>", "../../<script>alert('r')</script>") == \
        "X_script_script_alert('r')_script.html"
