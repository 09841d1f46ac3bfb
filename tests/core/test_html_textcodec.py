"""The compact text encodings of the page data round-trip exactly."""

from __future__ import annotations

import random

import pytest

from pollution_map_plugin.core.html.textcodec import compact, decode, numbered, with_endings


def test_numbered_codes_round_trip_and_shrink():
    values = [f"XQ{i:05d}" for i in range(1, 3001)] + [None] + ["XQ00007", "PK12", "PK9"]
    enc = numbered(values)
    assert enc is not None and decode(enc) == values
    assert compact(values) == enc


_RNG = random.Random(7)  # the parameters below are the same in every run


@pytest.mark.parametrize("values", [
    ["A01", "A1"] * 40,  # mixed widths with a leading zero cannot be rebuilt
    ["x", "y"] * 40,  # no number
    [f"{i}-{_RNG.random()}" for i in range(60)],  # a prefix per value: nothing to share
], ids=["mixed-widths", "no-number", "a-prefix-each"])
def test_numbered_refuses_what_it_cannot_rebuild(values):
    assert numbered(values) is None
    assert decode(compact(values)) == values  # and the column still round-trips


def test_names_with_common_endings_round_trip():
    rng = random.Random(1)
    stems = ["鹿田生猪", "银园", "高庙村", "马村羊", "<img src=x>", "a", ""]
    ends = ["养殖场", "养殖专业合作社", "有限公司", ""]
    values = [rng.choice(stems) + str(i) + rng.choice(ends) for i in range(500)] + [None]
    enc = with_endings(values)
    assert enc is not None and decode(enc) == values
    out = compact(values)
    assert decode(out) == values and out != values  # smaller, and still the same


def test_short_or_irregular_columns_stay_plain():
    assert compact(["a", "b"]) == ["a", "b"]
    rng = random.Random(3)
    values = [str(rng.random()) for _ in range(100)]
    assert compact(values) == values
