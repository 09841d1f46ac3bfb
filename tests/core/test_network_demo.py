"""Tracing on the generated demo data: every section gets exactly the reaches draining to it."""

from __future__ import annotations

import pandas as pd
import pytest

from pollution_map_plugin.core.network import ReachNetwork, Tracer


@pytest.fixture(scope="module")
def demo(request) -> dict:
    try:
        return request.getfixturevalue("demo_dataset")
    except pytest.FixtureLookupError:
        pytest.skip("the demo_dataset fixture (tests/fixtures/demo.py) is not there yet")


def _draining_to(reaches: pd.DataFrame) -> dict[str, set[str]]:
    """Independent reference: for every reach, the reaches whose water passes it."""
    down = {}
    for code, dn in zip(reaches["code"], reaches["downstream_code"]):
        down[str(code)] = None if pd.isna(dn) else str(dn)
    above: dict[str, set[str]] = {c: set() for c in down}
    for code in down:
        cur, seen = code, set()
        while cur is not None and cur in down and cur not in seen:
            seen.add(cur)
            above[cur].add(code)
            cur = down[cur]
    return above


def test_every_section_traces_to_reaches_that_drain_to_it(demo):
    reaches = demo["reaches"]
    net = ReachNetwork.from_reaches(reaches)
    assert not [i for i in net.issues if i.kind in ("cycle", "dangling_link", "duplicate_code")]
    tracer = Tracer(demo, network=net)
    above = _draining_to(reaches)
    sections = [c for c in tracer.section_codes()]
    assert sections
    traced = 0
    for code in sections:
        try:
            res = tracer.trace(code)
        except ValueError:
            continue  # a section with no reach nearby is an error, not a wrong answer
        traced += 1
        got = set(res.reaches_gdf["reach_code"])
        assert got == above[res.start_reach], code
        assert res.reaches_gdf["distance_km"].is_monotonic_increasing
        assert set(res.sources_gdf["reach_code"]) <= got
        assert (res.sources_gdf["distance_km"] >= 0).all()
        limited = tracer.trace(code, distance_km=5.0)
        assert set(limited.reaches_gdf["reach_code"]) <= got
        assert (limited.sources_gdf["distance_km"] <= 5.0 + 1e-6).all()
    assert traced >= 0.9 * len(sections)
