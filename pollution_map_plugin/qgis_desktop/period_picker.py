"""The dock's period chooser: a year, a quarter, a month or a range of months, and the
two periods the water-quality change map compares.

Only periods with measurements are offered (from ``MapData.months``); every choice is
a label ``core.assessment.periods.parse_period`` accepts (``2025``, ``2025-Q3``,
``2025-10``, ``2024-10/2025-03``).
"""

from __future__ import annotations

from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QWidget

from .translation import tr

KINDS = ("year", "quarter", "month", "range")


def periods_of_kind(months: list[str], kind: str) -> list[str]:
    """The year / quarter / month labels covering ``months`` (``YYYY-MM``), oldest first."""
    out: list[str] = []
    for month in months:
        year, mm = month[:4], int(month[5:7])
        label = {"year": year, "quarter": f"{year}-Q{(mm - 1) // 3 + 1}",
                 "month": month, "range": month}[kind]
        if label not in out:
            out.append(label)
    return out


def year_before(label: str) -> str:
    """The same period one year earlier (同比): ``2025-Q3`` → ``2024-Q3``."""
    return f"{int(label[:4]) - 1:04d}{label[4:]}"


class PeriodPicker(QGroupBox):
    """Period kind, the period (or a from–to range of months) and the comparison."""

    changed = pyqtSignal()

    #: the grid row under the pickers, free for the dock's button
    BUTTON_ROW = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("Periods"), parent)
        self.months: list[str] = []
        grid = QGridLayout(self)
        self.kind_combo = QComboBox()
        for kind, text in zip(KINDS, (tr("Year"), tr("Quarter"), tr("Month"),
                                      tr("Range of months"))):
            self.kind_combo.addItem(text, kind)
        self.period_combo, self.until_combo = QComboBox(), QComboBox()
        self.before_combo, self.after_combo = QComboBox(), QComboBox()
        self.until_label = QLabel("–")
        for combo in (self.kind_combo, self.period_combo, self.until_combo,
                      self.before_combo, self.after_combo):  # fit a narrow dock
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(7)
        # four columns (label, combo, dash or arrow, combo): the picker fits a narrow dock
        grid.addWidget(QLabel(tr("Period")), 0, 0)
        grid.addWidget(self.kind_combo, 0, 1, 1, 3)
        grid.addWidget(self.period_combo, 1, 1)
        grid.addWidget(self.until_label, 1, 2)
        grid.addWidget(self.until_combo, 1, 3)
        self.change_label = QLabel(tr("Change"))
        grid.addWidget(self.change_label, 2, 0)
        grid.addWidget(self.before_combo, 2, 1)
        grid.addWidget(QLabel("→"), 2, 2)
        grid.addWidget(self.after_combo, 2, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        self._kind_changed()

    # -- state ------------------------------------------------------------------------
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def period(self) -> str | None:
        """The chosen period's label (None: nothing to choose from yet)."""
        first = self.period_combo.currentText()
        if not first:
            return None
        if self.kind() != "range":
            return first
        last = self.until_combo.currentText() or first
        if last < first:
            first, last = last, first
        return first if first == last else f"{first}/{last}"

    def compare(self) -> tuple[str, str] | None:
        """The two periods of the change map, or None (the same one twice, or a range)."""
        before, after = self.before_combo.currentText(), self.after_combo.currentText()
        if self.kind() == "range" or not before or not after or before == after:
            return None
        return before, after

    def set_months(self, months: list[str], period: str | None = None,
                   compare: tuple[str, str] | None = None) -> None:
        """Offer the periods covering ``months``; select ``period`` and ``compare``."""
        self.months = list(months)
        kind = _kind_of(period) if period else self.kind()
        self.blockSignals(True)
        self.kind_combo.setCurrentIndex(KINDS.index(kind))
        self._fill()
        if period:
            first, _, last = period.partition("/")
            if kind == "range":  # the core labels a range by days: 2025-10-01/2025-12-31
                first, last = first[:7], last[:7]
            self.period_combo.setCurrentText(first)
            self.until_combo.setCurrentText(last or first)
        if compare:
            self.before_combo.setCurrentText(compare[0])
            self.after_combo.setCurrentText(compare[1])
        self.blockSignals(False)

    def choose(self, kind: str, index: int = -1) -> str | None:
        """Select kind ``kind`` and its ``index``-th period (default: the latest)."""
        self.kind_combo.setCurrentIndex(KINDS.index(kind))
        count = self.period_combo.count()
        if count:
            self.period_combo.setCurrentIndex(index % count)
            if kind == "range":
                self.period_combo.setCurrentIndex(max(0, count - 3))
                self.until_combo.setCurrentIndex(count - 1)
        return self.period()

    # -- internals ------------------------------------------------------------------
    def _fill(self) -> None:
        kind = self.kind()
        labels = periods_of_kind(self.months, kind)
        for combo in (self.period_combo, self.until_combo, self.before_combo, self.after_combo):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(labels)
            if labels:
                combo.setCurrentIndex(len(labels) - 1)
            combo.blockSignals(False)
        is_range = kind == "range"
        self.until_combo.setVisible(is_range)
        self.until_label.setVisible(is_range)
        for widget in (self.before_combo, self.after_combo, self.change_label):
            widget.setEnabled(not is_range)
        self._period_changed()

    def _kind_changed(self) -> None:
        self._fill()
        self.changed.emit()

    def _period_changed(self) -> None:
        """The change map compares the period with the one before (a year earlier for
        quarters and months), when that one has data."""
        period = self.period_combo.currentText()
        if not period or self.kind() == "range":
            return
        labels = [self.period_combo.itemText(i) for i in range(self.period_combo.count())]
        if self.kind() == "year":
            i = labels.index(period)
            before = labels[i - 1] if i > 0 else period
        else:
            before = year_before(period) if year_before(period) in labels else period
        self.before_combo.setCurrentText(before)
        self.after_combo.setCurrentText(period)


def _kind_of(label: str) -> str:
    if "/" in label:
        return "range"
    if "-Q" in label:
        return "quarter"
    if len(label) == 7:
        return "month"
    return "year"
