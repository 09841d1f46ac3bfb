"""Labels of the maps: which names show at which scale, and which win a collision.

QGIS's label engine places them; the rules here decide what it is offered and with what
priority (0–10, higher wins).  Every label has a white halo and uses the CJK family of
``cjk_fonts``.  The rules, as the usage guide states them:

=================  ============================================  ========  ==============
layer              what                                          priority  shown at
=================  ============================================  ========  ==============
rivers             key rivers, along the line (curved)           9         every scale
rivers             rivers ≥ 100 km                               7         ≤ 1:2,000,000
rivers             rivers ≥ 30 km                                5         ≤ 1:750,000
rivers             every other river                             3         ≤ 1:250,000
sections           national sections: name (+ class if failing)  8         ≤ 1:3,000,000
sections           other sections: name (+ class if failing)     6         ≤ 1:750,000
districts          district name, grey, spaced                   2         every scale
enterprises        key enterprises (重点排污单位)                4         ≤ 1:100,000
=================  ============================================  ========  ==============

District polygons and river lines are no obstacles (names may sit over them, with a halo);
point symbols are.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    Qgis,
    QgsPalLayerSettings,
    QgsRuleBasedLabeling,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsVectorLayer,
)
from qgis.PyQt.QtGui import QColor, QFont

from ..core import symbology as sym
from .cjk_fonts import map_font_family
from .qgis_compat import enum_value

_NOT_KEY = 'NOT coalesce("key_river", false)'
RIVER_RULES = (  # (filter, priority, size pt, most zoomed-out scale shown, 0 = always);
    # exclusive filters: a river gets one label
    ('"key_river"', 9, 10.0, 0),
    (f'{_NOT_KEY} AND coalesce("length_km", 0) >= 100', 7, 8.5, 2_000_000),
    (f'{_NOT_KEY} AND coalesce("length_km", 0) >= 30 AND "length_km" < 100', 5, 7.5,
     750_000),
    ("ELSE", 3, 7.0, 250_000),
)
SECTION_SCALES = {"national": 3_000_000, "other": 750_000}
ENTERPRISE_SCALE = 100_000
LABELLED = frozenset({"rivers", "sections", "districts", "enterprises", "section_classes",
                      "problem_sections"})


def _placement(name: str):
    return enum_value(Qgis, "LabelPlacement", name, QgsPalLayerSettings.Placement, name)


def text_format(size: float, colour: str, bold: bool = False, italic: bool = False,
                halo: float = 0.8, spacing: float = 0.0) -> QgsTextFormat:
    """A label text format: the CJK family, ``size`` points, a white halo of ``halo`` mm."""
    fmt = QgsTextFormat()
    font = QFont(map_font_family())
    font.setBold(bold)
    font.setItalic(italic)
    if spacing:
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, spacing)
    fmt.setFont(font)
    fmt.setSize(size)
    fmt.setColor(QColor(colour))
    buffer = QgsTextBufferSettings()
    buffer.setEnabled(halo > 0)
    buffer.setSize(halo)
    buffer.setColor(QColor("#ffffff"))
    buffer.setOpacity(0.9)
    fmt.setBuffer(buffer)
    return fmt


def _settings(field: str, fmt: QgsTextFormat, priority: int, placement: str,
              expression: bool = False, obstacle: bool = True) -> QgsPalLayerSettings:
    s = QgsPalLayerSettings()
    s.fieldName = field
    s.isExpression = expression
    s.setFormat(fmt)
    s.priority = priority
    s.placement = _placement(placement)
    s.displayAll = False  # the engine drops what collides
    if hasattr(s, "obstacleSettings"):
        s.obstacleSettings().setIsObstacle(obstacle)
    return s


def _rule(settings, filter_expr: str, description: str, min_scale: float = 0) -> Any:
    """A labeling rule shown from ``min_scale`` (the most zoomed-out denominator) in."""
    rule = QgsRuleBasedLabeling.Rule(settings, 0, int(min_scale), "" if filter_expr == "ELSE"
                                     else filter_expr, description, filter_expr == "ELSE")
    return rule


def _labeling(rules) -> QgsRuleBasedLabeling:
    root = QgsRuleBasedLabeling.Rule(None)
    for rule in rules:
        root.appendChild(rule)
    return QgsRuleBasedLabeling(root)


def river_labeling() -> QgsRuleBasedLabeling:
    """River names along their lines: key rivers always, the others by length and scale."""
    rules = []
    for expr, priority, size, scale in RIVER_RULES:
        # the river lines are no obstacles: names of districts and sections may sit
        # over a line (their halo keeps them legible); labels still never collide
        s = _settings("name", text_format(size, "#1f4e79", italic=True, halo=0.9), priority,
                      "Curved", obstacle=False)
        s.repeatDistance = 120 if expr == '"key_river"' else 0  # long rivers named twice
        s.repeatDistanceUnit = enum_value(Qgis, "RenderUnit", "Millimeters",
                                          _units(), "RenderMillimeters")
        rules.append(_rule(s, expr, f"rivers {expr}", scale))
    return _labeling(rules)


def _units():
    from qgis.core import QgsUnitTypes

    return QgsUnitTypes.RenderUnit


SECTION_TEXT = ("\"name\" || if(\"meets_target\" = 0 AND \"roman\" IS NOT NULL, "
                "' ' || \"roman\", '')")


def section_labeling(with_class: bool) -> QgsRuleBasedLabeling:
    """Section names (national first, the others zoomed in); on the class layers the
    class follows the name where the section misses its target ("断面 Ⅳ")."""
    text = SECTION_TEXT if with_class else '"name"'
    rules = []
    for expr, priority, size, key in (('"level" = \'national\'', 8, 8.0, "national"),
                                      ("ELSE", 6, 7.0, "other")):
        s = _settings(text, text_format(size, "#262626", bold=key == "national"), priority,
                      "AroundPoint", expression=True)
        s.dist = 1.2
        rules.append(_rule(s, expr, f"sections {key}", SECTION_SCALES[key]))
    return _labeling(rules)


def district_labeling() -> QgsRuleBasedLabeling:
    """District names, grey and letter-spaced, inside their areas; no obstacles."""
    s = _settings("name", text_format(9.5, sym.DISTRICT_LABEL, halo=0.7, spacing=1.5), 2,
                  "Horizontal", obstacle=False)
    s.centroidInside = True
    return _labeling([_rule(s, "", "districts")])


def enterprise_labeling() -> QgsRuleBasedLabeling:
    """Key enterprises (重点排污单位) named at large scales."""
    s = _settings("name", text_format(6.5, "#54278f", halo=0.7), 4, "AroundPoint")
    s.dist = 0.8
    return _labeling([_rule(s, "\"category\" = 'key'", "key enterprises", ENTERPRISE_SCALE)])


def apply_labels(layer: QgsVectorLayer, kind: str) -> bool:
    """Give ``layer`` (database table or thematic kind ``kind``) its labels; False when
    the plugin labels no such layer (its QML labels, if any, stay)."""
    if kind not in LABELLED:
        return False
    if kind == "rivers":
        labeling = river_labeling()
    elif kind == "districts":
        labeling = district_labeling()
    elif kind == "enterprises":
        labeling = enterprise_labeling()
    else:
        labeling = section_labeling(with_class=kind != "sections")
    layer.setLabeling(labeling)
    layer.setLabelsEnabled(True)
    return True

