"""``trace --item`` / ``--failing`` on the demo GeoPackage: the same shares as the core."""

from __future__ import annotations

import json

import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.network.load_estimates import load_trace_settings
from pollution_map_plugin.core.network.source_attribution import SourceAttribution


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def attribution(demo_db_path):
    with open_database(demo_db_path) as db:
        return SourceAttribution.from_database(db)


@pytest.fixture(scope="module")
def failing(attribution):
    s = attribution.assessment.sections
    rows = [c for c, f in zip(s["section_code"], s["failing_items"])
            if any(r["parameter"] == "NH3N" for r in f)
            and attribution.attribute(c, ["NH3N"]).shares["NH3N"].short_list_n > 0]
    if not rows:
        pytest.skip("no section of the demo fails on NH3-N with sources upstream")
    return rows[0]


def test_item_json_matches_the_core(demo_db_path, attribution, failing, capsys):
    code, out, err = run(capsys, "trace", demo_db_path, "--section", failing, "--item",
                         "NH3N", "--top", "5")
    assert code == 0, err
    doc = json.loads(out)
    item = doc["attribution"]["items"][0]
    core = attribution.attribute(failing, ["NH3N"]).shares["NH3N"]
    assert item["parameter"] == "NH3N" and item["short_list_n"] == core.short_list_n
    frame = core.sources_frame(5)
    assert [s["code"] for s in item["sources"]] == frame["code"].tolist()
    assert [s["share"] for s in item["sources"]] == pytest.approx(frame["share"].tolist())
    assert doc["summary"]["section_code"] == failing  # the plain trace is still there


def test_failing_table_and_decay_override(demo_db_path, attribution, failing, capsys):
    code, out, err = run(capsys, "trace", demo_db_path, "--section", failing, "--failing",
                         "--format", "table")
    assert code == 0, err
    for rec in attribution.failing_items(failing):
        if rec["parameter"] in attribution.settings.items():
            assert f"\n{rec['parameter']} " in out
    # a faster decay changes the contributions the way the arithmetic says
    code, out, _ = run(capsys, "trace", demo_db_path, "--section", failing, "--item", "氨氮",
                       "--k", "NH3N=8.64", "--velocity", "1")
    assert code == 0
    src = json.loads(out)["attribution"]["items"][0]["sources"]
    fast = load_trace_settings(overrides={"decay": {"velocity_m_s": 1.0,
                                                    "k_per_day": {"NH3N": 8.64}}})
    assert fast.decay_per_km("NH3N") == pytest.approx(0.1)
    for s in src:
        assert s["decay_factor"] == pytest.approx(pow(2.718281828459045, -0.1 * s["distance_km"]))


def test_gpkg_layers_carry_the_shares(demo_db_path, failing, capsys, tmp_path):
    import geopandas as gpd

    out = tmp_path / "t.gpkg"
    code, _, err = run(capsys, "trace", demo_db_path, "--section", failing, "--item", "NH3N",
                       "--format", "gpkg", "--out", out)
    assert code == 0, err
    shares = gpd.read_file(out, layer="shares_NH3N")
    assert shares["share"].is_monotonic_decreasing and shares["share"].sum() <= 1 + 1e-9
    assert shares.crs.to_epsg() == 4490 and shares.geometry.notna().all()


def test_bad_arguments_are_clear(demo_db_path, failing, capsys):
    code, _, err = run(capsys, "trace", demo_db_path, "--section", failing, "--item", "XYZ")
    assert code == 1 and "unknown item 'XYZ'" in err
    code, _, err = run(capsys, "trace", demo_db_path, "--section", failing, "--item", "NH3N",
                       "--k", "NH3N")
    assert code == 1 and "ITEM=PER_DAY" in err
    code, _, err = run(capsys, "trace", demo_db_path, "--section", failing, "--format",
                       "table")
    assert code == 1 and "--item" in err
    code, _, err = run(capsys, "trace", demo_db_path, "--section", failing, "--item", "NH3N",
                       "--mode", "DM")
    assert code == 1 and "upstream" in err
