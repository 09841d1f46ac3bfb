"""Smaller JSON for long text columns: numbered codes and names with common endings.

Two encodings, each used only where it makes the column's JSON smaller (the page's
``map.js`` decodes them):

* numbered codes (``XQ00001``, ``XQ00002`` …): ``{"p": [prefixes], "w": [digits],
  "n": [differences of the numbers], "pi": [prefix index, -1 for none]}``;
* names with common endings (``…养殖场``, ``…有限公司``): ``{"s": [stems],
  "x": [endings], "xi": [ending index, -1 for none]}``.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np

_TAIL_NUMBER = re.compile(r"^(.*?)(\d{1,15})$", re.S)
_DIGITS = "0123456789"
MIN_ROWS = 50
MAX_SUFFIX = 8
SAMPLE = 3000  # endings are found on a sample; every value is then encoded


def _size(obj: object) -> int:
    return len(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def numbered(values: list) -> dict | None:
    """Prefix + zero-padded number encoding, or None when the values do not fit it."""
    probe = [v for v in values[:200] if v is not None][:64]
    if not all(isinstance(v, str) and _TAIL_NUMBER.match(v) for v in probe):
        return None  # cheap early refusal (names, free text)
    prefixes: dict[str, int] = {}
    widths: dict[int, set[int]] = {}
    padded: dict[int, bool] = {}
    idx, nums = [], []
    for v in values:
        if v is None:
            idx.append(-1)
            nums.append(None)
            continue
        if not isinstance(v, str):
            return None
        pre = v.rstrip(_DIGITS)
        digits = v[len(pre):]
        if not digits or len(digits) > 15 or not digits.isascii():
            return None
        k = prefixes.get(pre)
        if k is None:
            k = prefixes[pre] = len(prefixes)
            widths[k] = set()
            padded[k] = False
        widths[k].add(len(digits))
        if digits[0] == "0" and len(digits) > 1:
            padded[k] = True
        idx.append(k)
        nums.append(int(digits))
    if not prefixes or len(prefixes) > max(1, len(values) // 20):
        return None
    width = []
    for k in range(len(prefixes)):
        if len(widths[k]) == 1:
            width.append(next(iter(widths[k])))
        elif padded[k]:
            return None  # mixed widths with leading zeros: not reproducible
        else:
            width.append(0)
    deltas, prev = [], 0
    for n in nums:
        if n is None:
            deltas.append(0)
        else:
            deltas.append(n - prev)
            prev = n
    out: dict = {"p": list(prefixes), "w": width, "n": deltas}
    if len(prefixes) > 1 or -1 in idx:
        out["pi"] = idx
    return out


def with_endings(values: list) -> dict | None:
    """Stem + common-ending encoding, or None when no ending is common enough."""
    strs = [v for v in values if isinstance(v, str)]
    if len(strs) < MIN_ROWS or len(strs) != sum(v is not None for v in values):
        return None
    sample = strs[:: max(1, len(strs) // SAMPLE)]
    if all(v.isascii() for v in sample):
        return None  # codes and numbers: endings pay off on names (…有限公司, …养殖场)
    threshold = max(10, len(sample) // 50)
    counts: Counter = Counter()
    for v in sample:
        for n in range(2, min(MAX_SUFFIX, len(v) - 1) + 1):
            counts[v[-n:]] += 1
    frequent = {s for s, c in counts.items() if c >= threshold}
    if not frequent:
        return None
    # the longest frequent ending of each value, one vectorised pass per length
    import pandas as pd

    ser = pd.Series(values, dtype=object)
    lengths = ser.str.len().fillna(0).to_numpy()
    chosen = pd.Series([None] * len(values), dtype=object)
    frequent_list = sorted(frequent)
    for n in range(MAX_SUFFIX, 1, -1):
        open_ = chosen.isna().to_numpy() & (lengths > n)
        if not open_.any():
            continue
        tail = ser[open_].str[-n:]
        hit = tail.isin(frequent_list).to_numpy()
        chosen.iloc[np.flatnonzero(open_)[hit]] = tail[hit].to_numpy()
    chosen = chosen.tolist()
    endings = {s: i for i, s in enumerate(sorted({c for c in chosen if c}, key=len))}
    stems, xi = [], []
    for v, c in zip(values, chosen):
        stems.append(v[: -len(c)] if c else v)
        xi.append(endings[c] if c else -1)
    return {"s": stems, "x": list(endings), "xi": xi}


def compact(values: list) -> list | dict:
    """The smallest of: the plain list, :func:`numbered`, :func:`with_endings`."""
    best: list | dict = values
    if len(values) < MIN_ROWS:
        return best
    size = _size(values)
    for enc in (numbered, with_endings):
        cand = enc(values)
        if cand is not None:
            s = _size(cand)
            if s < size * 0.9:
                best, size = cand, s
    return best


def decode(enc: list | dict) -> list:
    """The values of an encoded column (the same rules as the page's JavaScript)."""
    if isinstance(enc, list):
        return enc
    if "n" in enc:
        out, v = [], 0
        idx = enc.get("pi", [0] * len(enc["n"]))
        for d, k in zip(enc["n"], idx):
            if k < 0:
                out.append(None)
                continue
            v += d
            out.append(enc["p"][k] + str(v).zfill(enc["w"][k]))
        return out
    if "s" in enc:
        return [None if s is None else (s + enc["x"][k] if k >= 0 else s)
                for s, k in zip(enc["s"], enc["xi"])]
    return [enc["k"][i] if i >= 0 else None for i in enc["i"]]
