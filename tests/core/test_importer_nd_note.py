"""A non-detect without a detection limit (``ND``, ``未检出``) is reported at import
(issue 12.5): the row is stored, the note names the items and the lines."""

from __future__ import annotations

import math
from pathlib import Path

from pollution_map_plugin.core.importer import Context, parse_file
from pollution_map_plugin.core.importer.measurement_import import SectionIndex


def test_nd_without_limit_is_a_note_with_its_lines(tmp_path: Path) -> None:
    src = tmp_path / "m.csv"
    src.write_text("断面名称,监测日期,氨氮,总磷,铅\n"
                   "示范断面一,2025-10-08,ND,0.1,0.002\n"
                   "示范断面一,2025-11-08,0.3,未检出,0.01L\n"
                   "示范断面一,2025-12-08,0.3,0.02L,ND(0.001)\n", encoding="utf-8")
    sections = SectionIndex.from_pairs([("S001", "示范断面一")])
    result = parse_file(src, "measurements", context=Context(sections))
    assert result.rejected == 0 and result.accepted == 3
    notes = [w for w in result.warnings if "without a detection limit" in w]
    assert len(notes) == 1
    note = notes[0]
    assert note.startswith("2 row(s)") and "lines 2, 3" in note and "NH3N, TP" in note
    frame = result.frame
    nd = frame[(frame["parameter"] == "NH3N") & frame["below_detection"].astype(bool)]
    assert len(nd) == 1 and math.isnan(nd["detection_limit"].iloc[0])  # stored, not zero
    # limits given (0.02L, ND(0.001)): no note
    clean = tmp_path / "c.csv"
    clean.write_text("断面名称,监测日期,氨氮\n示范断面一,2025-12-08,0.02L\n", encoding="utf-8")
    result = parse_file(clean, "measurements", context=Context(sections))
    assert not [w for w in result.warnings if "without a detection limit" in w]
