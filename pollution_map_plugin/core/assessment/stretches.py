"""The river stretches that failing sections control (the problem-water-body map).

A section controls its own reach and the reaches of the same river upstream of it, up
to (not including) the reaches of other sections; tributaries are rivers of their own.
"""

from __future__ import annotations

import pandas as pd

STRETCH_COLUMNS = ("code", "river_code", "section_code", "section_name", "period",
                   "water_class", "roman", "target_class", "failing_items_text")


def controlled_stretches(reaches: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """The river stretch each failing section controls: its own reach and the reaches
    of the same river upstream of it, up to (not including) the reaches of other
    sections (tributaries are rivers of their own, with their own sections).

    One row per reach (the worst controlling section wins); columns STRETCH_COLUMNS.
    """
    from ..network import ReachNetwork  # (the network package is heavy: lazily)

    failing = results.loc[results["meets_target"].fillna(True).eq(False)]
    if failing.empty or reaches is None or len(reaches) == 0:
        return pd.DataFrame(columns=list(STRETCH_COLUMNS))
    net = ReachNetwork.from_reaches(reaches)
    river = dict(zip(net.frame["code"].astype(str), net.frame.get("river_code", pd.Series(
        [None] * len(net.frame)))))
    monitored = {str(c) for c in results["reach_code"].dropna()}
    rows: dict[str, dict] = {}
    for sec in failing.sort_values("water_class").to_dict("records"):
        start = sec.get("reach_code")
        if start is None or pd.isna(start) or start not in net:
            continue
        todo, seen = [str(start)], {str(start)}
        while todo:
            code = todo.pop()
            rows[code] = {"code": code, "section_code": sec["section_code"],
                          "section_name": sec.get("name"), "period": sec.get("period"),
                          "water_class": sec.get("water_class"), "roman": sec.get("roman"),
                          "target_class": sec.get("target_class"),
                          "failing_items_text": sec.get("failing_items_text")}
            for up in net.upstream(code):
                if up not in seen and up not in monitored and river.get(up) == river.get(
                        str(start)):
                    seen.add(up)
                    todo.append(up)
    out = pd.DataFrame(list(rows.values()))
    out["river_code"] = out["code"].map(river)
    return out[list(STRETCH_COLUMNS)].sort_values("code").reset_index(drop=True)
