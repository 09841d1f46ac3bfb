"""Measurement values ready to average: non-detects, coercion and fast group means.

Non-detects (``below_detection`` true, written ``0.02L``, ``ND``, ``<0.02`` in the
sources) count as half the detection limit by default (环办〔2011〕22号).  Options:

* ``"half"``  — detection_limit / 2 (default)
* ``"limit"`` — the detection limit itself (conservative)
* ``"zero"``  — 0 (only when chosen explicitly)

A non-detect without ``detection_limit`` uses its ``value`` as the limit; with neither
it is not evaluated.  A row with no value that is not a non-detect is not evaluated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NON_DETECT_METHODS = ("half", "limit", "zero")


def check_non_detect(method: str) -> str:
    """Validate a non-detect method name."""
    if method not in NON_DETECT_METHODS:
        raise ValueError(f"non_detect must be one of {NON_DETECT_METHODS}, not {method!r}")
    return method


def non_detect_mask(measurements: pd.DataFrame) -> np.ndarray:
    """Boolean array: rows below the detection limit (missing flag = detected)."""
    if "below_detection" not in measurements:
        return np.zeros(len(measurements), dtype=bool)
    flag = measurements["below_detection"]
    if flag.dtype == bool:
        return flag.to_numpy()
    if flag.dtype == object:
        return np.fromiter((_truthy(x) for x in flag), dtype=bool, count=len(flag))
    return flag.to_numpy(dtype=float, na_value=0.0) != 0  # boolean, int, float with NA


def _truthy(x: object) -> bool:
    if isinstance(x, str):
        return x.strip().lower() in ("1", "true", "yes", "y", "t", "是", "nd")
    try:
        return bool(x) and not pd.isna(x)
    except (TypeError, ValueError):
        return False


def effective_values(measurements: pd.DataFrame, non_detect: str = "half") -> np.ndarray:
    """The value each row contributes to a mean (float array, NaN = not evaluated)."""
    check_non_detect(non_detect)
    value = pd.to_numeric(measurements["value"], errors="coerce").to_numpy(dtype=float)
    nd = non_detect_mask(measurements)
    if not nd.any():
        return value
    if "detection_limit" in measurements:
        dl = pd.to_numeric(measurements["detection_limit"], errors="coerce").to_numpy(float)
        dl = np.where(np.isnan(dl), value, dl)
    else:
        dl = value
    factor = {"half": 0.5, "limit": 1.0, "zero": 0.0}[non_detect]
    substitute = dl * factor
    if non_detect == "zero":
        substitute = np.where(np.isnan(dl), np.nan, 0.0)
    return np.where(nd, substitute, value)


def factorize(values: object) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (−1 for missing) and the unique values, in order of appearance."""
    codes, uniques = pd.factorize(values if isinstance(values, (pd.Series, pd.Categorical))
                                  else pd.Series(values))
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def group_means(
    keys: list[np.ndarray], sizes: list[int], values: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """Mean and count of ``values`` per combination of integer ``keys``.

    ``keys`` are code arrays (0..size−1, −1 = drop) with their ``sizes``; rows whose
    value is NaN are dropped.  Returns the key codes of each group, the means and the
    counts, sorted by the keys (``numpy.bincount`` over one combined key; the rows
    themselves are never sorted).
    """
    groups, sums, counts = _group_sums(keys, sizes, values)
    return _split(groups, sizes), sums / np.maximum(counts, 1), counts


def monthly_group_means(
    keys: list[np.ndarray], sizes: list[int], values: np.ndarray, days: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray]:
    """:func:`group_means` whose sums run month by month: per group and calendar month
    of ``days`` (datetime64) the sum in row order, then the months' sums in month order.
    The PostGIS server sums in the same order (``postgis_aggregates``, from its monthly
    rollup or from the rows), so both engines' means are bit-identical."""
    days = np.asarray(days, dtype="datetime64[M]")
    known = ~np.isnat(days)
    month = days.astype(np.int64)
    m0 = int(month[known].min()) if known.any() else 0
    span = int(month[known].max()) - m0 + 1 if known.any() else 1
    code = np.where(known, month - m0, -1)
    groups, sums, counts = _group_sums(list(keys) + [code], list(sizes) + [span], values)
    outer, first = pd.factorize(groups // span)  # sorted: months ascending within a group
    total = np.bincount(outer, weights=sums, minlength=len(first))  # sequential
    n = np.bincount(outer, weights=counts, minlength=len(first)).astype(np.int64)
    return _split(np.asarray(first, dtype=np.int64), sizes), total / np.maximum(n, 1), n


def _group_sums(keys: list[np.ndarray], sizes: list[int], values: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combined group keys (sorted), sums in row order and counts of ``values``."""
    keep = ~np.isnan(values)
    combined = np.zeros(values.shape[0], dtype=np.int64)
    for k, size in zip(keys, sizes):
        keep &= k >= 0
        combined = combined * max(size, 1) + k
    combined = combined[keep]
    v = values[keep]
    total = int(np.prod([max(size, 1) for size in sizes], dtype=np.float64))
    if total <= max(4 * combined.shape[0], 1 << 22):  # dense: no hashing, sorted groups
        counts = np.bincount(combined, minlength=total)
        sums = np.bincount(combined, weights=v, minlength=total)
        groups = np.flatnonzero(counts)
        return groups, sums[groups], counts[groups]
    group, first = pd.factorize(combined)
    counts = np.bincount(group, minlength=len(first))
    sums = np.bincount(group, weights=v, minlength=len(first))
    order = np.argsort(first, kind="stable")
    return np.asarray(first)[order], sums[order], counts[order]


def _split(groups: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    """The key codes of combined ``groups``."""
    out_keys: list[np.ndarray] = []
    rest = np.asarray(groups, dtype=np.int64)
    for size in reversed(sizes):
        rest, k = np.divmod(rest, max(size, 1))
        out_keys.append(k)
    return out_keys[::-1]
