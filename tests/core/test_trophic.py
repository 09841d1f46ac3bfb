"""Trophic state of lakes and reservoirs (TLI(Σ)): grade edges, weights, the worked
examples of docs/usage.md, the assessment columns and the import of chla and SD."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pollution_map_plugin.core import gb3838
from pollution_map_plugin.core.assessment import SECTION_COLUMNS, assess, flat
from pollution_map_plugin.core.assessment.trophic import grade, tli, tli_single, weights
from pollution_map_plugin.core.importer import Context, parse_file
from pollution_map_plugin.core.importer.measurement_import import SectionIndex

USAGE = Path(__file__).resolve().parents[2] / "docs" / "usage.md"


@pytest.mark.parametrize(("value", "zh"), [
    (0.0, "贫营养"), (29.99, "贫营养"), (30.0, "中营养"), (30.01, "中营养"),
    (50.0, "中营养"), (50.01, "轻度富营养"), (60.0, "轻度富营养"), (60.01, "中度富营养"),
    (70.0, "中度富营养"), (70.01, "重度富营养"), (99.0, "重度富营养"),
])
def test_grade_edges(value: float, zh: str) -> None:
    assert grade(value)[0] == zh


def test_grade_missing() -> None:
    assert grade(None) == (None, None) and grade(math.nan) == (None, None)


def test_weights_are_r_squared_normalised_over_the_measured() -> None:
    w = weights(["chla", "TP", "TN", "SD", "CODMn"])
    assert sum(w.values()) == pytest.approx(1.0)
    assert w["chla"] == pytest.approx(1 / 3.7558, abs=1e-6)  # Σ r² = 3.7558
    assert w["TP"] == pytest.approx(0.7056 / 3.7558, abs=1e-6)
    assert w["SD"] == pytest.approx(w["CODMn"])
    w3 = weights(["chla", "TP", "SD"])
    assert sum(w3.values()) == pytest.approx(1.0)
    assert w3["chla"] == pytest.approx(1 / (1 + 0.7056 + 0.6889), abs=1e-6)


def test_single_indices() -> None:
    assert tli_single("chla", 10) == pytest.approx(50.006, abs=1e-3)
    assert tli_single("TP", 0.05) == pytest.approx(45.709, abs=1e-3)
    assert tli_single("TN", 1.0) == pytest.approx(54.53)
    assert tli_single("SD", 1.0) == pytest.approx(51.18)
    assert tli_single("CODMn", 4) == pytest.approx(37.979, abs=1e-3)
    assert tli_single("SD", 2.0) < tli_single("SD", 1.0)  # clearer water, lower index
    assert tli_single("TP", 0) is None and tli_single("TP", math.nan) is None


def test_worked_examples_match_the_guide() -> None:
    full, used = tli({"chla": 10, "TP": 0.05, "TN": 1.0, "SD": 1.0, "CODMn": 4})
    assert (full, used) == (48.02, ["chla", "TP", "TN", "SD", "CODMn"])
    assert grade(full)[0] == "中营养"
    part, used3 = tli({"chla": 25, "TP": 0.1, "SD": 0.5})
    assert (part, used3) == (60.42, ["chla", "TP", "SD"])
    assert grade(part)[0] == "中度富营养"  # the unnormalised sum would be ≈ 38.5
    text = USAGE.read_text(encoding="utf-8")
    section = text.split("## Evaluation rules: trophic state, change, trend", 1)[1]
    for figure in ("50.006", "45.709", "54.530", "51.180", "37.979", "0.2663", "0.1879",
                   "0.1790", "0.1834", "48.02", "59.957", "56.966", "64.627", "0.4176",
                   "0.2947", "0.2877", "60.42"):
        assert figure in section, figure


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame([{"section_code": s, "sampled_on": pd.Timestamp(d), "parameter": p,
                          "value": v, "below_detection": False, "detection_limit": np.nan,
                          "unit": gb3838.ITEMS[p].unit} for s, d, p, v in rows])


def test_assessment_columns_for_lakes_only() -> None:
    rows = []
    for sec in ("L", "R"):
        for day, chla in (("2025-03-01", 8.0), ("2025-09-01", 12.0)):  # mean 10
            rows += [(sec, day, "chla", chla), (sec, day, "TP", 0.05), (sec, day, "TN", 1.0),
                     (sec, day, "SD", 1.0), (sec, day, "CODMn", 4.0), (sec, day, "NH3N", 0.2)]
    secs = pd.DataFrame({"code": ["L", "R"], "name": ["湖心", "河口"],
                         "water_body_type": ["lake", "river"]})
    out = assess(_frame(rows), secs, "2025").sections.set_index("section_code")
    assert set(("tli", "trophic_state", "trophic_state_en", "tli_parameters")) <= set(
        SECTION_COLUMNS)
    lake = out.loc["L"]
    assert lake["tli"] == 48.02 and lake["trophic_state"] == "中营养"
    assert lake["tli_parameters"] == "chla,TP,TN,SD,CODMn"
    assert lake["tn_value"] == pytest.approx(1.0) and lake["tn_class"] == 3  # TN apart
    assert lake["water_class"] == 3  # TP 0.05 by the lake limits; chla, SD, TN not in it
    river = out.loc["R"]
    assert math.isnan(river["tli"]) and river["trophic_state"] is None
    assert river["tli_parameters"] is None and river["water_class"] == 2
    assert flat(out.reset_index())["tli"].notna().sum() == 1


def test_measured_only_parameters_are_never_classified() -> None:
    assert {"chla", "SD"}.isdisjoint(gb3838.ROUTINE_ITEMS)
    assert gb3838.MEASURED_ONLY == ("chla", "SD", "SO4", "Cl", "NO3N", "Fe", "Mn")
    assert gb3838.classify_value("chla", 500.0) is None
    assert list(gb3838.classify_values(["chla", "SD", "NH3N"], [500, 0.1, 0.2])) == [0, 0, 2]


def test_import_accepts_chlorophyll_and_transparency(tmp_path: Path) -> None:
    src = tmp_path / "lake.csv"
    src.write_text("断面编码,采样日期,叶绿素a(μg/L),叶绿素α(mg/L),透明度(cm),总磷(mg/L)\n"
                   "S001,2025-06-01,12,,85,0.04\n"
                   "S002,2025-06-01,,0.008,1.2,0.03\n", encoding="utf-8")
    context = Context(SectionIndex.from_pairs([("S001", "a"), ("S002", "b")]))
    result = parse_file(src, "measurements", context=context)
    assert result.rejected == 0, [r.reason for r in result.rejects]
    got = {(r.section_code, r.parameter): r.value for r in result.frame.itertuples()}
    assert got[("S001", "chla")] == pytest.approx(12.0)
    assert got[("S002", "chla")] == pytest.approx(8.0)  # mg/L × 1000
    assert got[("S001", "SD")] == pytest.approx(0.85)  # cm → m
    assert got[("S002", "SD")] == pytest.approx(0.012)
    units = dict(zip(result.frame["parameter"], result.frame["unit"]))
    assert units["chla"] == "mg/m³" and units["SD"] == "m"
