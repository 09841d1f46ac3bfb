"""A trace's frames, made lazily from its arrays, equal the frames made eagerly (as before
the arrays): every demo section, modes UT, UM and DM, with and without a distance limit."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pollution_map_plugin.core.network import SOURCE_RESULT_COLUMNS, ReachNetwork, Tracer
from pollution_map_plugin.core.network.result import to_geodataframe
from pollution_map_plugin.core.network.source_entry import rank_arrays

CASES = [(mode, km) for mode in ("UT", "UM", "DM") for km in (None, 5.0)]


@pytest.fixture(scope="module")
def tracer(request) -> Tracer:
    try:
        demo = request.getfixturevalue("demo_dataset")
    except pytest.FixtureLookupError:
        pytest.skip("the demo_dataset fixture (tests/fixtures/demo.py) is not there yet")
    return Tracer(demo, network=ReachNetwork.from_reaches(demo["reaches"]))


def eager_sources(tracer: Tracer, res, reaches: pd.DataFrame) -> pd.DataFrame:
    """The ranked sources the eager way: pandas over the tracer's source table and the
    navigation frame, ranked by ``rank_arrays``."""
    net = tracer.network
    s = tracer.sources[tracer.sources["reach_idx"] >= 0].copy()
    s["reach_code"] = net.codes[s["reach_idx"].to_numpy()]
    near = reaches.set_index("reach_code")["distance_km"]
    s = s[s["reach_code"].isin(near.index)].copy()
    length = net.length_km[s["reach_idx"].to_numpy()]
    frac = s["fraction"].to_numpy(float)
    upward = res.mode in ("UT", "UM")
    f0 = (1.0 if upward else 0.0) if res.start_fraction is None else res.start_fraction
    along = (1.0 - frac) if upward else frac
    dist = s["reach_code"].map(near).to_numpy(float) + np.where(np.isnan(frac), 0.0,
                                                                 along * length)
    here = ((f0 - frac) if upward else (frac - f0)) * length
    start = (s["reach_code"] == res.start_reach).to_numpy()
    dist[start] = np.where(np.isnan(frac[start]), 0.0, here[start])
    keep = dist >= -1e-6
    if res.distance_km is not None:
        keep &= dist <= res.distance_km + 1e-6
    s, dist = s[keep].copy(), np.maximum(dist[keep], 0.0)
    s["distance_km"] = dist
    s["load"] = s[res.load_field]
    s["river_code"] = net.river_codes[s["reach_idx"].to_numpy()]
    tiebreak = np.lexsort((s["code"].to_numpy().astype(str), s["layer"].to_numpy().astype(str)))
    ties = np.empty(len(s), dtype=np.int64)
    ties[tiebreak] = np.arange(len(s))
    for name, values in rank_arrays(dist, s["load"].to_numpy(float), ties,
                                    res.decay_km).items():
        s[name] = values
    s = s.sort_values("rank", kind="stable")
    return s[SOURCE_RESULT_COLUMNS].reset_index(drop=True)


def eager_frames(tracer: Tracer, res) -> dict:
    """The three GeoDataFrames the eager way, from public pieces."""
    net = tracer.network
    start = net.index_of(res.start_reach)
    idx, near, far = net.navigate_indices(start, res.mode, res.distance_km,
                                          fraction=res.start_fraction)
    reaches, order = net.navigation_frame(idx, near, far, res.distance_km)
    sources = eager_sources(tracer, res, reaches)
    geom = dict(zip(zip(tracer.sources["layer"], tracer.sources["code"]),
                    tracer.sources["geometry"]))
    row = tracer.sections.index[tracer.sections["code"] == res.section["code"]][0]
    point = tracer.sections.geometry.iloc[row]
    units, unit_geoms = tracer.units.for_trace(order, reaches["covered_km"].to_numpy(),
                                               point, tracer.sections["control_unit_code"]
                                               .iloc[row])
    return {"reaches": to_geodataframe(reaches, net.geometry_array(order), net.crs),
            "sources": to_geodataframe(sources, [geom[k] for k in zip(sources["layer"],
                                                                      sources["code"])],
                                       net.crs),
            "control_units": to_geodataframe(units, unit_geoms, net.crs)}


def assert_same(got: pd.DataFrame, want: pd.DataFrame, what: str) -> None:
    assert list(got.columns) == list(want.columns), what
    pd.testing.assert_frame_equal(got, want, check_exact=True, obj=what)


def test_lazy_frames_equal_the_eager_ones_on_every_demo_section(tracer):
    traced = 0
    for code in tracer.section_codes():
        for mode, km in CASES:
            try:
                res = tracer.trace(code, mode=mode, distance_km=km)
            except ValueError:
                continue
            traced += 1
            want = eager_frames(tracer, res)
            for name in ("reaches", "sources", "control_units"):
                got = getattr(res, f"{name}_gdf")
                assert_same(got, want[name], f"{code} {mode} {km} {name}")
                assert_same(getattr(res, name), want[name].drop(columns="geometry"),
                            f"{code} {mode} {km} {name} (plain)")
            assert res.n_sources == len(want["sources"])
            assert res.n_reaches == len(want["reaches"])
            assert_same(res.top(3), want["sources"].head(3), f"{code} {mode} {km} top")
            found = res.found
            for n in (1, 7, len(found.rows) // 2):
                assert found.best(n).tolist() == found.order[:n].tolist()
    assert traced >= 0.9 * len(tracer.section_codes()) * len(CASES)


def test_the_order_of_first_use_does_not_change_the_outputs(tracer):
    codes = tracer.section_codes()[:40]
    for code in codes:
        try:
            a = tracer.trace(code, distance_km=20.0)
        except ValueError:
            continue
        b = tracer.trace(code, distance_km=20.0)
        top = b.top(5)  # before anything else is made
        text = b.to_json()  # the plain frames first, then the GeoDataFrames
        assert_same(a.sources_gdf, b.sources_gdf, code)
        assert_same(top, a.sources_gdf.head(5), code)
        assert a.to_json() == text
        assert json.loads(text)["summary"]["n_sources"] == a.n_sources


def test_top_of_an_empty_or_short_list(tracer):
    code = tracer.section_codes()[0]
    res = tracer.trace(code, distance_km=0.0)
    n = res.n_sources
    assert_same(res.top(n + 10), res.sources_gdf, code)
    assert len(res.top(0)) == 0
    assert list(res.top(0).columns) == [*SOURCE_RESULT_COLUMNS, "geometry"]


def test_rank_order_and_best_equal_a_full_lexsort():
    from pollution_map_plugin.core.network.trace_arrays import rank_order

    rng = np.random.default_rng(7)
    for trial in range(200):
        n = int(rng.integers(0, 300))
        score = (rng.choice([0.0, 0.25, 0.5, 1.0], n) if trial % 2
                 else rng.uniform(0, 1, n) * (rng.random(n) > 0.2))
        km = np.round(rng.choice([0.0, 1.0, 2.5], n) if trial % 3 else rng.uniform(0, 9, n), 6)
        want = np.lexsort((np.arange(n), km, -score))
        assert rank_order(score, km).tolist() == want.tolist()
