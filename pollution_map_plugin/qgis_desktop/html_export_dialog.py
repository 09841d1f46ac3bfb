"""The panel's *Export HTML reports…* dialog: every option the command line offers.

It fills one ``core.html.HtmlExportOptions`` (period, language, basemap, offline,
Tianditu key, which rivers) and the output folder.
"""

from __future__ import annotations

from typing import Any

from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from .qgis_compat import is_chinese
from .translation import tr

BASEMAPS = ("none", "osm", "tianditu", "gaode")
RIVER_CHOICES = (None, "all")


class HtmlExportDialog(QDialog):
    """Choose the folder and the options of an HTML export."""

    def __init__(self, period: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Export HTML reports"))
        self.period = period
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.folder_edit = QLineEdit()
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        form.addRow(tr("Output folder"), row)
        self.period_edit = QLineEdit(period or "")
        self.period_edit.setPlaceholderText(tr("the latest year"))
        form.addRow(tr("Period"), self.period_edit)
        self.lang_combo = QComboBox()
        self.lang_combo.addItem("中文", "zh")
        self.lang_combo.addItem("English", "en")
        self.lang_combo.setCurrentIndex(0 if is_chinese() else 1)
        form.addRow(tr("Language of the pages"), self.lang_combo)
        self.basemap_combo = QComboBox()
        for key, text in zip(BASEMAPS, (tr("None (rivers drawn as the background)"),
                                        tr("OpenStreetMap"), tr("Tianditu (needs a key)"),
                                        tr("Gaode / Amap (GCJ-02)"))):
            self.basemap_combo.addItem(text, key)
        form.addRow(tr("Basemap"), self.basemap_combo)
        self.key_edit = QLineEdit()
        self.key_edit.setPlaceholderText(tr("or the TIANDITU_KEY environment variable"))
        form.addRow(tr("Tianditu key"), self.key_edit)
        self.offline_check = QCheckBox(tr("Offline: everything inside the files"))
        self.offline_check.setChecked(True)
        form.addRow("", self.offline_check)
        self.rivers_combo = QComboBox()
        self.rivers_combo.addItem(tr("Key rivers (all with sections or sources if none "
                                     "is flagged)"), None)
        self.rivers_combo.addItem(tr("Every river"), "all")
        form.addRow(tr("Rivers"), self.rivers_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.basemap_combo.currentIndexChanged.connect(self._basemap_changed)
        self._basemap_changed()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Export HTML reports to"))
        if folder:
            self.folder_edit.setText(folder)

    def _basemap_changed(self) -> None:
        self.key_edit.setEnabled(self.basemap_combo.currentData() == "tianditu")

    def folder(self) -> str:
        return self.folder_edit.text().strip()

    def options(self) -> Any:
        """The ``HtmlExportOptions`` chosen."""
        from ..core.html.export_options import HtmlExportOptions

        basemap = self.basemap_combo.currentData()
        return HtmlExportOptions(
            period=self.period_edit.text().strip() or None,
            lang=str(self.lang_combo.currentData()),
            basemap=str(basemap),
            offline=self.offline_check.isChecked(),
            tianditu_key=self.key_edit.text().strip() or None,
            rivers=self.rivers_combo.currentData())
