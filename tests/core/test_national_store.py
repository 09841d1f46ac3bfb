"""The nation preset's store generator: the national network's proportions, fast."""

from __future__ import annotations

import numpy as np

from pollution_map_plugin.synthetic_data import national_store as ns
from pollution_map_plugin.synthetic_data.config import NATION, STORE_SCALES


def test_the_preset_has_the_national_proportions():
    assert STORE_SCALES["nation"] is NATION
    sec = ns.sections()
    assert len(sec.frame) == NATION.n_sections == 3_641
    assert len(sec.auto) == NATION.n_auto_stations and sec.frame["code"].is_unique
    year = next(ns.monthly(sec))
    assert len(year) == 3_641 * 12 * 21  # ~9 M rows in ten years
    assert year.groupby(["section_code", "parameter"]).size().eq(12).all()
    nd = year["below_detection"].to_numpy()
    assert 0 < nd.mean() < 0.5 and np.isnan(year.loc[nd, "value"]).all()
    assert not year.duplicated(["section_code", "sampled_on", "parameter"]).any()


def test_readings_every_four_hours_and_daily_means_apart_from_the_monthly_days():
    sec = ns.sections()
    day = next(ns.readings(sec, "2025-12-31", 1))
    assert len(day) == 1_900 * 6 * 6  # 6 readings of 6 items a day
    assert sorted(day["read_at"].dt.hour.unique()) == [0, 4, 8, 12, 16, 20]
    january = next(ns.daily_means(sec, 2025))
    monthly_days = next(ns.monthly(sec)).query("parameter == 'pH'")
    clash = january.merge(monthly_days.assign(sampled_on=monthly_days["sampled_on"]
                                              + np.timedelta64(0, "D")),
                          on=["section_code", "parameter"], how="inner")
    same_day = clash["sampled_on_x"].dt.day == clash["sampled_on_y"].dt.day
    assert not same_day.any()  # the key (section, day, item) stays unique
