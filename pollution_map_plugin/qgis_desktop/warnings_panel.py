"""The dock's warnings: grouped by kind, most severe first, filtered by text, sortable.

At Chongqing scale a period raises hundreds of warnings; a flat list of messages is
unreadable, so they are grouped (exceedance, sudden change, critical), each group and
column sortable, and a filter keeps the rows whose section, item or message match.
"""

from __future__ import annotations

from typing import Any

from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from .translation import tr

# most severe first: a target already missed, a sudden jump, a value close to its limit
SEVERITY = ("exceedance", "sudden_change", "critical")
CODE_ROLE = Qt.ItemDataRole.UserRole


def kind_titles() -> dict[str, str]:
    return {"exceedance": tr("Exceedance"), "sudden_change": tr("Sudden change"),
            "critical": tr("Critical")}


class WarningsPanel(QGroupBox):
    """The warnings of the assessed period; ``sectionChosen(code)`` on a click."""

    sectionChosen = pyqtSignal(str)

    def __init__(self) -> None:
        super().__init__(tr("Warnings"))
        box = QVBoxLayout(self)
        row = QHBoxLayout()
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(tr("Filter by section, item or text"))
        self.filter_edit.setClearButtonEnabled(True)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(tr("All kinds"), "")
        for kind, title in kind_titles().items():
            self.kind_combo.addItem(title, kind)
        row.addWidget(self.filter_edit, 1)
        row.addWidget(self.kind_combo)
        box.addLayout(row)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels([tr("Section"), tr("Item"), tr("Value"), tr("Sampled on"),
                                   tr("Message")])
        self.tree.setSortingEnabled(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setMinimumHeight(220)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        box.addWidget(self.tree)
        self.tree.itemClicked.connect(self._clicked)
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.kind_combo.currentIndexChanged.connect(self._apply_filter)

    def set_warnings(self, frame: Any, chinese: bool) -> None:
        """Show the rows of a ``core.assessment.warnings`` frame."""
        self.tree.setSortingEnabled(False)
        self.tree.clear()
        if frame is None or len(frame) == 0:
            self.setTitle(tr("Warnings (none)"))
            return
        column = "message_zh" if chinese else "message_en"
        titles = kind_titles()
        groups: dict[str, QTreeWidgetItem] = {}
        for rank, kind in enumerate(SEVERITY):
            groups[kind] = QTreeWidgetItem([f"{rank + 1}. {titles[kind]}"])
        for rec in frame.to_dict("records"):
            kind = str(rec.get("kind"))
            if kind not in groups:
                groups[kind] = QTreeWidgetItem([f"{len(groups) + 1}. {kind}"])
            value = rec.get("value")
            item = QTreeWidgetItem([
                str(rec.get("section_name") or rec.get("section_code") or ""),
                str(rec.get("parameter") or ""),
                f"{value:g}" if isinstance(value, (int, float)) and value == value else "",
                str(rec.get("sampled_on") or "")[:10],
                str(rec.get(column) or ""),
            ])
            item.setData(0, CODE_ROLE, str(rec.get("section_code")))
            item.setToolTip(4, str(rec.get(column) or ""))
            groups[kind].addChild(item)
        total = 0
        for kind, group in groups.items():
            if group.childCount():
                group.setText(0, f"{group.text(0)} ({group.childCount()})")
                group.setData(0, CODE_ROLE, "")
                group.setData(1, CODE_ROLE, kind)
                self.tree.addTopLevelItem(group)
                group.setExpanded(kind == SEVERITY[0])
                total += group.childCount()
        self.setTitle(tr("Warnings ({0})").format(total))
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.tree.resizeColumnToContents(0)
        self._apply_filter()

    def count(self) -> int:
        """The number of warnings listed (all groups, filter ignored)."""
        return sum(self.tree.topLevelItem(i).childCount()
                   for i in range(self.tree.topLevelItemCount()))

    def rows(self) -> list[QTreeWidgetItem]:
        """The warning rows, most severe group first."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            out.extend(group.child(j) for j in range(group.childCount()))
        return out

    def click(self, index: int = 0) -> str | None:
        """Act as a click on the ``index``-th row; the section code it zooms to."""
        rows = self.rows()
        if not rows:
            return None
        item = rows[index % len(rows)]
        self.tree.setCurrentItem(item)
        self._clicked(item, 0)
        return str(item.data(0, CODE_ROLE))

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        code = item.data(0, CODE_ROLE)
        if code:
            self.sectionChosen.emit(str(code))

    def _apply_filter(self) -> None:
        text = self.filter_edit.text().strip().lower()
        kind = self.kind_combo.currentData()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            group_kind = group.data(1, CODE_ROLE)
            shown = 0
            for j in range(group.childCount()):
                child = group.child(j)
                hay = " ".join(child.text(c) for c in range(5)).lower() + " " + str(
                    child.data(0, CODE_ROLE)).lower()
                hide = bool(text) and text not in hay
                child.setHidden(hide)
                shown += not hide
            group.setHidden(bool(kind) and group_kind != kind or shown == 0)
