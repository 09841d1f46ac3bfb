"""Escaping of database values wherever they land in a page, and safe file names.

* ``esc`` for HTML text and attribute values (server-side parts: header,
  side panel, index, legend, title).
* ``json_for_script`` for data embedded in a ``<script type="application/json">``
  element; the page's JavaScript only ever puts those values into the DOM
  through ``textContent`` (never ``innerHTML``).
* ``safe_filename`` for report files named after rivers.
"""

from __future__ import annotations

import html
import json
import math
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd


def text(value: Any) -> str:
    """A database value as display text: '' for None/NaN/NaT, no trailing '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, (pd.Timestamp,)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def esc(value: Any) -> str:
    """HTML-escaped text of ``value`` (quotes included: safe in attributes too)."""
    return html.escape(text(value), quote=True)


_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                  "\u2029": "\\u2029"}
_SCRIPT_RE = re.compile("[<>&\u2028\u2029]")


def json_for_script(data: Any) -> str:
    """Compact JSON that cannot end its ``<script>`` element or open a comment."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                     default=_json_default)
    return _SCRIPT_RE.sub(lambda m: _SCRIPT_UNSAFE[m.group(0)], raw)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return None if math.isnan(obj) else float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, (pd.Timestamp,)):
        return obj.strftime("%Y-%m-%d")
    if obj is pd.NA or obj is pd.NaT:
        return None
    return str(obj)


_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.I)
_BAD_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')


MAX_NAME_BYTES = 180  # of 255 per name: room for "_2" and a temporary ".….partial" name


def safe_filename(stem: str, suffix: str = ".html", max_len: int = 80,
                  max_bytes: int = MAX_NAME_BYTES) -> str:
    """A file name from ``stem`` valid on Windows and Linux, with no directory part.

    Separators, reserved characters and control characters become ``_``;
    leading dots (``..``) and trailing dots/spaces go; Windows device names
    get a ``_`` prefix; the name is cut to ``max_len`` characters and to
    ``max_bytes`` bytes of UTF-8 with the suffix (file systems count bytes: 80
    four-byte characters are 320 bytes), never inside a character.
    """
    s = unicodedata.normalize("NFC", str(stem))
    s = _BAD_CHARS.sub("_", s)
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\.{2,}", "_", s)  # no ".." anywhere
    s = re.sub(r"_{2,}", "_", s).strip("._ ")
    if not s:
        s = "river"
    if _WINDOWS_RESERVED.match(s):
        s = "_" + s
    s = s[:max_len]
    budget = max(1, max_bytes - len(suffix.encode("utf-8")))
    s = s.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip("._ ")
    return (s or "river") + suffix
