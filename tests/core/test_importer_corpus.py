"""The bad-input corpus (tests/data/import/): expected accept/reject counts and reasons.

Pure: ``parse_file`` only, with the known sections of expected.json as context.
The corpus and expected.json are written by tests/data/import/make_corpus.py.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from pollution_map_plugin.core.coords import distance_m
from pollution_map_plugin.core.importer import Context, ImportFileError, parse_file
from pollution_map_plugin.core.importer.measurement_import import SectionIndex

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
FILES = sorted(EXPECTED["files"])


def _parse(name: str, spec: dict):
    context = Context(SectionIndex.from_pairs(EXPECTED["sections"]))
    return parse_file(CORPUS / name, spec["table"], context=context, **spec.get("options", {}))


@pytest.mark.parametrize("name", FILES)
def test_counts_and_reasons(name: str) -> None:
    spec = EXPECTED["files"][name]
    result = _parse(name, spec)
    got = {str(r.line): r.reason for r in result.rejects}
    assert set(got) == set(spec["rejects"]), got
    for line, fragment in spec["rejects"].items():
        assert fragment.lower() in got[line].lower(), (line, got[line])
    assert result.rows_read == spec["rows_read"]
    assert result.accepted == spec["accepted"]
    assert result.rejected == spec["rejected"]
    assert result.accepted + result.rejected == result.rows_read
    if spec["table"] != "measurements":
        assert len(result.frame) == result.accepted
    if "encoding" in spec:
        assert result.encoding == spec["encoding"]
    for fragment in spec.get("warnings", []):
        assert any(fragment in w for w in result.warnings), result.warnings
    if "header_line" in spec:
        assert result.header_line == spec["header_line"]


@pytest.mark.parametrize("name", [n for n in FILES if "points" in EXPECTED["files"][n]])
def test_points(name: str) -> None:
    spec = EXPECTED["files"][name]
    frame = _parse(name, spec).frame.set_index("code")
    tolerance = spec.get("point_tolerance_m", 0.05)
    assert frame.crs.to_epsg() == 4490
    for code, (lon, lat) in spec["points"].items():
        point = frame.loc[code, "geometry"]
        assert distance_m(point.x, point.y, lon, lat) < tolerance, (code, point.wkt)


@pytest.mark.parametrize("name", [n for n in FILES if "stored" in EXPECTED["files"][n]])
def test_text_is_stored_verbatim(name: str) -> None:
    spec = EXPECTED["files"][name]
    frame = _parse(name, spec).frame.set_index("code")
    for code, text in spec["stored"].items():
        assert frame.loc[code, "name"] == text


@pytest.mark.parametrize("name", [n for n in FILES if "cells" in EXPECTED["files"][n]])
def test_cells_are_parsed_right(name: str) -> None:
    """Decimal commas, thousands separators, merged cells filled down: the values stored."""
    spec = EXPECTED["files"][name]
    frame = _parse(name, spec).frame.set_index("code")
    for code, cells in spec["cells"].items():
        for column, want in cells.items():
            got = frame.loc[code, column]
            if isinstance(want, float):
                assert got == pytest.approx(want, rel=1e-12), (code, column, got)
            else:
                assert got == want, (code, column, got)


def test_measurement_values() -> None:
    spec = EXPECTED["files"]["measurements_long.csv"]
    frame = _parse("measurements_long.csv", spec).frame
    keyed = {f"{r.section_code}|{r.sampled_on:%Y-%m-%d}|{r.parameter}": r
             for r in frame.itertuples()}
    for key, (value, below, limit) in spec["values"].items():
        row = keyed[key]
        assert bool(row.below_detection) is below, key
        for got, want in ((row.value, value), (row.detection_limit, limit)):
            if want is None:
                assert math.isnan(got), key
            else:
                assert got == pytest.approx(want, rel=1e-9), key
    assert set(frame["unit"].dropna()) <= {"mg/L", "个/L", "℃"}
    assert frame.loc[frame["parameter"] == "pH", "unit"].isna().all()


def test_deadlines() -> None:
    spec = EXPECTED["files"]["problems.csv"]
    frame = _parse("problems.csv", spec).frame.set_index("code")
    for code, day in spec["deadline"].items():
        assert f"{frame.loc[code, 'deadline']:%Y-%m-%d}" == day


@pytest.mark.parametrize("name", sorted(EXPECTED["fatal"]))
def test_fatal(name: str) -> None:
    spec = EXPECTED["fatal"][name]
    with pytest.raises(ImportFileError, match=None) as info:
        parse_file(CORPUS / name, spec["table"], **spec.get("options", {}))
    assert spec["error"] in str(info.value)


def test_gbk_files_are_really_gbk() -> None:
    data = (CORPUS / "enterprises_gbk.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "企业名称" in data.decode("gbk")
    data = (CORPUS / "enterprises_gb18030.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("gbk")
    assert "𠮷" in data.decode("gb18030")
