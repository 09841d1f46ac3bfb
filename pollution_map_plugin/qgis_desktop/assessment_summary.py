"""The panel's assessment summary: what the method says about the period, in one tree.

* change between the two periods by the method (sections' levels, ΔG − ΔD for each
  river and the whole area, with the figures);
* significant trends (Spearman) over the years;
* lakes and reservoirs: TLI and trophic state;
* drinking-water source areas out of compliance;
* statistics by district.

:func:`summary_groups` turns a ``MapData`` into plain rows (no Qt, tested without a
window); :class:`AssessmentSummary` shows them.  Every text from the data is set as
plain text (a ``QTreeWidgetItem`` never interprets markup).  A row that names a section
carries its code: a double click zooms to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import QGroupBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from .map_data import TREND_MIN_YEARS
from .qgis_compat import is_chinese
from .translation import tr

SECTION_ROLE = Qt.ItemDataRole.UserRole


@dataclass
class SummaryRow:
    """One line: its columns and, where it names a section, the section's code."""

    texts: tuple[str, str]
    section_code: str | None = None


@dataclass
class SummaryGroup:
    title: str
    rows: list[SummaryRow] = field(default_factory=list)


def _frame(bundle: Any, name: str):
    value = getattr(bundle, name, None) if bundle is not None else None
    return value if value is not None and len(value) else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    try:
        if isinstance(value, float) and math.isnan(value):
            return ""
    except TypeError:
        pass
    text = str(value)
    return "" if text in ("nan", "<NA>", "None") else text


def _pp(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "—"
    return "—" if math.isnan(number) else f"{number:+.1f}"


def summary_groups(data: Any, max_rows: int = 50) -> list[SummaryGroup]:
    """The summary of ``data`` (a ``map_data.MapData``) as titled groups of rows."""
    zh = is_chinese()
    bundle = getattr(data, "bundle", None)
    groups: list[SummaryGroup] = []
    words = "change_method_zh" if zh else "change_method_en"

    change = _frame(bundle, "group_change")
    if change is not None:
        group = SummaryGroup(tr("Change {0} (the method's ΔG − ΔD, percentage points)")
                             .format(getattr(data, "change_label", "")))
        ordered = change.sort_values("by", key=lambda s: s.ne("all"))
        for row in ordered.head(max_rows).itertuples(index=False):
            name = tr("Whole area") if row.by == "all" else _text(row.group)
            group.rows.append(SummaryRow((name, tr("{0}: ΔG {1}, ΔD {2}, ΔG − ΔD {3}").format(
                _text(getattr(row, words, "")), _pp(row.delta_g), _pp(row.delta_d),
                _pp(row.delta_g_minus_d)))))
        groups.append(group)

    section_change = _frame(bundle, "change")
    if section_change is not None and words in section_change:
        moved = section_change[section_change["change_method"].astype(str).isin(
            ["clearly_better", "better", "worse", "clearly_worse"])] \
            if "change_method" in section_change else section_change.iloc[0:0]
        if len(moved):
            group = SummaryGroup(tr("Sections whose level changed ({0})").format(len(moved)))
            for row in moved.head(max_rows).to_dict("records"):
                group.rows.append(SummaryRow(
                    (_text(row.get("name") or row.get("section_code")),
                     f"{_text(row.get('level_before'))} → {_text(row.get('level_after'))}: "
                     f"{_text(row.get(words))}"), _text(row.get("section_code")) or None))
            groups.append(group)

    trends = _frame(bundle, "trends")
    if trends is not None and "significant" in trends:
        significant = trends[trends["significant"].fillna(False).astype(bool)]
        group = SummaryGroup(tr("Significant trends ({0} of {1} series)").format(
            len(significant), len(trends)))
        for row in significant.head(max_rows).to_dict("records"):
            group.rows.append(SummaryRow(
                (f"{_text(row.get('name') or row.get('section_code'))} · "
                 f"{_text(row.get('parameter'))}",
                 tr("{0}: r_s = {1}, N = {2}").format(
                     _text(row.get("trend_zh") if zh else row.get("trend_en")
                           or row.get("trend_zh")),
                     f"{float(row['rs']):.2f}" if _text(row.get("rs")) else "—",
                     _text(row.get("n")))), _text(row.get("section_code")) or None))
        groups.append(group)

    elif bundle is not None and 0 < len(getattr(data, "periods", []) or []) < TREND_MIN_YEARS:
        groups.append(SummaryGroup(tr("Trends need {0} years of data; this database has {1}")
                                   .format(TREND_MIN_YEARS, len(data.periods))))

    sections = getattr(data, "sections", None)
    if sections is not None and len(sections) and "tli" in sections:
        lakes = sections[sections["tli"].notna()]
        if len(lakes):
            group = SummaryGroup(tr("Lakes and reservoirs: trophic state ({0})")
                                 .format(len(lakes)))
            state = "trophic_state" if zh or "trophic_state_en" not in lakes \
                else "trophic_state_en"
            for row in lakes.sort_values("tli", ascending=False).head(max_rows) \
                    .to_dict("records"):
                group.rows.append(SummaryRow(
                    (_text(row.get("name") or row.get("section_code")),
                     f"TLI {float(row['tli']):.1f} {_text(row.get(state))}"),
                    _text(row.get("section_code")) or None))
            groups.append(group)

    drinking = _frame(bundle, "drinking_water")
    if drinking is not None and "complies" in drinking:
        failing = drinking[drinking["complies"].eq(False).fillna(False).astype(bool)]
        group = SummaryGroup(tr("Drinking-water source areas out of compliance ({0})")
                             .format(failing["area_code"].nunique() if len(failing) else 0))
        for row in failing.head(max_rows).to_dict("records"):
            group.rows.append(SummaryRow(
                (f"{_text(row.get('area_name'))} ({_text(row.get('zone_level_zh'))})",
                 tr("{0}: class {1}, needs {2}; {3}").format(
                     _text(row.get("section_name") or row.get("section_code")),
                     _text(row.get("roman")),
                     _text(row.get("required_roman") or row.get("required_class")),
                     _text(row.get("failing_items_text")))),
                _text(row.get("section_code")) or None))
        groups.append(group)

    districts = getattr(data, "districts", None)
    table = getattr(districts, "table", None)
    if table is not None and len(table):
        group = SummaryGroup(tr("By district"))
        for row in table.head(max_rows).to_dict("records"):
            share = row.get("share_meeting_target")
            share_text = f"{float(share):.0%}" if _text(share) else "—"
            group.rows.append(SummaryRow((_text(row.get("district")), tr(
                "{0} sections, {1} meet their target ({2})").format(
                    _text(row.get("sections")), _text(row.get("meeting_target")), share_text))))
        groups.append(group)
    return groups


class AssessmentSummary(QGroupBox):
    """A tree of the summary groups; double-clicking a section row asks to zoom to it."""

    sectionChosen = pyqtSignal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(tr("Assessment summary"), parent)
        layout = QVBoxLayout(self)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([tr("Subject"), tr("Result")])
        self.tree.setRootIsDecorated(True)
        self.tree.setMinimumHeight(140)
        self.tree.itemDoubleClicked.connect(self._chosen)
        layout.addWidget(self.tree)
        self.set_data(None)

    def set_data(self, data: Any) -> None:
        self.tree.clear()
        groups = summary_groups(data) if data is not None else []
        if not groups:
            QTreeWidgetItem(self.tree, [tr("Nothing to summarise yet."), ""])
            return
        for group in groups:
            top = QTreeWidgetItem(self.tree, [group.title, ""])
            for row in group.rows:
                item = QTreeWidgetItem(top, list(row.texts))
                item.setToolTip(1, row.texts[1])
                if row.section_code:
                    item.setData(0, SECTION_ROLE, row.section_code)
            top.setExpanded(len(group.rows) <= 8)
        self.tree.resizeColumnToContents(0)

    def items(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """What is shown: (group title, [(subject, result), …]) — for tests."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            out.append((top.text(0), [(top.child(k).text(0), top.child(k).text(1))
                                      for k in range(top.childCount())]))
        return out

    def _chosen(self, item: QTreeWidgetItem, _column: int) -> None:
        code = item.data(0, SECTION_ROLE)
        if code:
            self.sectionChosen.emit(str(code))
