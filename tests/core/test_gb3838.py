"""GB 3838-2002 Table 1, table-driven: every limit's boundary, shared limits, DO, pH."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollution_map_plugin.core import gb3838
from pollution_map_plugin.core.symbology import CLASS_BY_VALUE

# The standard's Table 1, typed in again independently of gb3838.ITEMS (I..V).
LE_TABLE = {
    "CODMn": (2, 4, 6, 10, 15),
    "COD": (15, 15, 20, 30, 40),
    "BOD5": (3, 3, 4, 6, 10),
    "NH3N": (0.15, 0.5, 1.0, 1.5, 2.0),
    "TP": (0.02, 0.1, 0.2, 0.3, 0.4),
    "TN": (0.2, 0.5, 1.0, 1.5, 2.0),
    "Cu": (0.01, 1.0, 1.0, 1.0, 1.0),
    "Zn": (0.05, 1.0, 1.0, 2.0, 2.0),
    "F": (1.0, 1.0, 1.0, 1.5, 1.5),
    "Se": (0.01, 0.01, 0.01, 0.02, 0.02),
    "As": (0.05, 0.05, 0.05, 0.1, 0.1),
    "Hg": (0.00005, 0.00005, 0.0001, 0.001, 0.001),
    "Cd": (0.001, 0.005, 0.005, 0.005, 0.01),
    "Cr6": (0.01, 0.05, 0.05, 0.05, 0.1),
    "Pb": (0.01, 0.01, 0.05, 0.05, 0.1),
    "CN": (0.005, 0.05, 0.2, 0.2, 0.2),
    "VPhen": (0.002, 0.002, 0.005, 0.01, 0.1),
    "Oil": (0.05, 0.05, 0.05, 0.5, 1.0),
    "LAS": (0.2, 0.2, 0.2, 0.3, 0.3),
    "S2": (0.05, 0.1, 0.2, 0.5, 1.0),
    "FC": (200, 2000, 10000, 20000, 40000),
}
LAKE_TP = (0.01, 0.025, 0.05, 0.1, 0.2)
DO = (7.5, 6, 5, 3, 2)


def _expected_at(limits: tuple[float, ...], k: int) -> int:
    """A value equal to limit k (0-based) takes the best class sharing that limit."""
    return limits.index(limits[k]) + 1


def _boundary_cases():
    for code, lims in LE_TABLE.items():
        for k, lim in enumerate(lims):
            yield code, "river", lim, _expected_at(lims, k)
            # just above: the next class whose limit is larger, or 劣V
            nxt = next((j + 1 for j, x in enumerate(lims) if x > lim), 6)
            yield code, "river", lim * 1.001, nxt
    for k, lim in enumerate(LAKE_TP):
        yield "TP", "lake", lim, k + 1
        yield "TP", "lake", lim * 1.001, k + 2 if k < 4 else 6


BOUNDARY = list(_boundary_cases())


@pytest.mark.parametrize(("code", "wbt", "value", "expected"), BOUNDARY)
def test_le_boundaries(code, wbt, value, expected):
    assert gb3838.classify_value(code, value, wbt) == expected


def test_limits_match_the_standard():
    for code, lims in LE_TABLE.items():
        assert gb3838.limits(code) == pytest.approx(lims), code
    assert gb3838.limits("TP", "lake") == pytest.approx(LAKE_TP)
    assert gb3838.limits("TP", "reservoir") == pytest.approx(LAKE_TP)
    assert gb3838.limits("DO") == pytest.approx(DO)
    assert gb3838.limits("pH") == (6.0, 9.0)
    assert gb3838.limits("WT") is None


@pytest.mark.parametrize(("code", "value", "expected"), [
    ("COD", 15, 1), ("COD", 15.01, 3), ("BOD5", 3, 1), ("Hg", 0.00005, 1),
    ("Hg", 0.0001, 3), ("Cr6", 0.05, 2), ("Cr6", 0.06, 5), ("Cu", 1.0, 2),
    ("CN", 0.2, 3), ("CN", 0.21, 6), ("LAS", 0.2, 1), ("LAS", 0.3, 4), ("F", 1.5, 4),
    ("Se", 0.01, 1), ("As", 0.05, 1), ("Oil", 0.05, 1), ("Zn", 2.0, 4), ("Cd", 0.005, 2),
])
def test_equal_limits_take_the_better_class(code, value, expected):
    assert gb3838.classify_value(code, value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (9.0, 1), (7.5, 1), (7.49, 2), (6.0, 2), (5.99, 3), (5.0, 3), (4.99, 4), (3.0, 4),
    (2.99, 5), (2.0, 5), (1.99, 6), (0.0, 6),
])
def test_do_is_a_minimum(value, expected):
    assert gb3838.classify_value("DO", value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (6.0, 1), (9.0, 1), (7.2, 1), (5.9, 6), (9.1, 6), (0.0, 6), (14.0, 6),
])
def test_ph_range(value, expected):
    assert gb3838.classify_value("pH", value) == expected


def test_lake_vs_river_tp():
    assert gb3838.classify_value("TP", 0.05, "river") == 2
    assert gb3838.classify_value("TP", 0.05, "lake") == 3
    assert gb3838.classify_value("TP", 0.15, "river") == 3
    assert gb3838.classify_value("TP", 0.15, "lake") == 5
    # other items do not depend on the water body
    assert gb3838.classify_value("NH3N", 0.8, "lake") == gb3838.classify_value("NH3N", 0.8)


def test_floating_point_means_at_a_limit():
    assert gb3838.classify_value("TP", (0.2 + 0.4) / 2) == 4  # 0.30000000000000004
    assert gb3838.classify_value("NH3N", (0.1 + 0.2) * 5) == 4  # 1.5000000000000002


def test_missing_values_wt_and_unknown_items():
    assert gb3838.classify_value("NH3N", float("nan")) is None
    assert gb3838.classify_value("NH3N", None) is None
    assert gb3838.classify_value("WT", 25) is None
    with pytest.raises(ValueError, match="unknown parameter"):
        gb3838.classify_value("Chla", 1)
    out = gb3838.classify_values(["NH3N", "WT", "Chla", None], [np.nan, 25, 1, 1])
    assert out.tolist() == [0, 0, 0, 0]


def test_vectorised_equals_scalar_on_the_table():
    codes = [c for c, _, _, _ in BOUNDARY]
    wbts = [w for _, w, _, _ in BOUNDARY]
    values = [v for _, _, v, _ in BOUNDARY]
    got = gb3838.classify_values(codes, values, wbts)
    assert got.tolist() == [e for *_, e in BOUNDARY]
    # scalars broadcast; Series and Categorical are accepted
    assert gb3838.classify_values("DO", [8, 5, 1]).tolist() == [1, 3, 6]
    cat = pd.Categorical(["TP", "TP"])
    assert gb3838.classify_values(cat, [0.05, 0.05], ["lake", "river"]).tolist() == [3, 2]
    assert gb3838.classify_values(pd.Series(["pH"]), pd.Series([5.0])).tolist() == [6]


def test_routine_items_and_sets():
    assert len(gb3838.ROUTINE_ITEMS) == 21
    assert {"WT", "TN", "FC"}.isdisjoint(gb3838.ROUTINE_ITEMS)
    assert {"pH", "DO", "NH3N", "TP", "S2"} <= set(gb3838.ROUTINE_ITEMS)
    assert {"CN", "Pb", "Cr6", "Cd", "Hg", "As"} <= gb3838.PRIORITY_ITEMS
    assert gb3838.ITEMS["NH3N"].name_zh == "氨氮"
    assert gb3838.ITEMS["FC"].unit == "个/L"


def test_exceedance_multiple():
    assert gb3838.exceedance_multiple("NH3N", 2.3) == pytest.approx(1.3)
    assert gb3838.exceedance_multiple("TP", 0.3, "river") == pytest.approx(0.5)
    assert gb3838.exceedance_multiple("TP", 0.1, "lake") == pytest.approx(1.0)
    assert gb3838.exceedance_multiple("COD", 10) == pytest.approx(-0.5)
    for code in ("DO", "pH", "WT"):
        assert gb3838.exceedance_multiple(code, 3) is None
    got = gb3838.exceedance_multiples(["NH3N", "DO", "TP"], [2.0, 3.0, 0.1], "lake")
    assert got[0] == pytest.approx(1.0) and math.isnan(got[1]) and got[2] == pytest.approx(1.0)


def test_labels_reuse_symbology():
    for k in range(1, 7):
        assert gb3838.roman(k) == CLASS_BY_VALUE[k].roman
        assert gb3838.label_zh(k) == CLASS_BY_VALUE[k].label_zh
    assert gb3838.roman(None) == "—" and gb3838.label_zh(None) is None
    assert gb3838.label_zh(6) == "重度污染" and gb3838.label_en(4) == "Slightly polluted"
    assert gb3838.format_limit("DO", 3) == "≥5"
    assert gb3838.format_limit("NH3N", 2) == "≤0.5"
    assert gb3838.format_limit("pH", 1) == "6–9"
    assert gb3838.class_limit("TP", 3, "lake") == 0.05


# ---- properties ------------------------------------------------------------------

LE_CODES = [c for c, it in gb3838.ITEMS.items() if it.rule == "le"]
_pos = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(LE_CODES), _pos, _pos, st.sampled_from(["river", "lake"]))
def test_higher_concentration_never_better(code, a, b, wbt):
    lo, hi = min(a, b), max(a, b)
    assert gb3838.classify_value(code, hi, wbt) >= gb3838.classify_value(code, lo, wbt)


@settings(max_examples=200, deadline=None)
@given(_pos, _pos)
def test_lower_do_never_better(a, b):
    lo, hi = min(a, b), max(a, b)
    assert gb3838.classify_value("DO", lo) >= gb3838.classify_value("DO", hi)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(gb3838.ROUTINE_ITEMS)), _pos,
                          st.sampled_from(["river", "lake"])), min_size=1, max_size=40))
def test_vectorised_matches_scalar(rows):
    codes, values, wbts = zip(*rows)
    got = gb3838.classify_values(list(codes), list(values), list(wbts))
    want = [gb3838.classify_value(c, v, w) for c, v, w in rows]
    assert got.tolist() == want


def test_non_detects_classify_at_half_the_detection_limit():
    from pollution_map_plugin.core.assessment import effective_values

    # "0.02L" Hg (DL 0.0001) → 0.00005 → I; as the limit itself → 0.0001 → III
    m = pd.DataFrame({"parameter": ["Hg", "NH3N"], "value": [np.nan, 0.2],
                      "below_detection": [True, False], "detection_limit": [0.0001, np.nan]})
    half = gb3838.classify_values(m["parameter"], effective_values(m))
    full = gb3838.classify_values(m["parameter"], effective_values(m, "limit"))
    assert half.tolist() == [1, 2] and full.tolist() == [3, 2]
