"""A horizontal bar of shares (source types and the part no listed source covers)."""

from __future__ import annotations

from qgis.PyQt.QtCore import QRectF, QSize, Qt
from qgis.PyQt.QtGui import QColor, QPainter
from qgis.PyQt.QtWidgets import QSizePolicy, QWidget

from ..core import symbology as sym
from .translation import tr

#: Colour of each source group of the shares (the layers' own colours) and the rest.
GROUP_COLOURS = {
    "industry": sym.SOURCE_SYMBOLS["enterprises"].colour,
    "sewage": sym.SOURCE_SYMBOLS["sewage_plants"].colour,
    "livestock": sym.SOURCE_SYMBOLS["livestock_farms"].colour,
    "other": sym.SOURCE_SYMBOLS["petrol_stations"].colour,
    "not_covered": "#d9d9d9",
}


def group_title(group: str) -> str:
    return {"industry": tr("Industry"), "sewage": tr("Sewage plants"),
            "livestock": tr("Livestock"), "other": tr("Other"),
            "not_covered": tr("Not covered by listed sources")}.get(group, group)


class ShareBar(QWidget):
    """Segments proportional to shares, in ``GROUP_COLOURS``; the tooltip lists them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.segments: list[tuple[str, float]] = []
        self.setMinimumHeight(18)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(200, 18)

    def set_shares(self, segments: list[tuple[str, float]]) -> None:
        """``[(group, share 0..1)]``; shares ≤ 0 are left out."""
        self.segments = [(g, float(s)) for g, s in segments if s and s > 0]
        self.setToolTip("\n".join(f"{group_title(g)}: {100 * s:.1f} %"
                                  for g, s in self.segments))
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        try:
            rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
            painter.fillRect(rect, QColor("#ffffff"))
            total = sum(s for _, s in self.segments) or 1.0
            x = rect.left()
            for group, share in self.segments:
                w = rect.width() * share / total
                painter.fillRect(QRectF(x, rect.top(), w, rect.height()),
                                 QColor(GROUP_COLOURS.get(group, "#999999")))
                if w > 34:
                    painter.setPen(QColor("#ffffff" if group != "not_covered" else "#000000"))
                    painter.drawText(QRectF(x, rect.top(), w, rect.height()),
                                     int(Qt.AlignmentFlag.AlignCenter), f"{100 * share:.0f}%")
                x += w
            painter.setPen(QColor("#636363"))
            painter.drawRect(rect)
        finally:
            painter.end()
