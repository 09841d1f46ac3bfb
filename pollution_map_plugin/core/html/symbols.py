"""Marker shapes of ``core.symbology`` drawn as small SVGs for the web pages.

Only constants from ``core.symbology`` reach these SVGs (never database text),
so they may be written into CSS and icon HTML as they are.
"""

from __future__ import annotations

import math
from urllib.parse import quote

from ..symbology import (
    SECTION_LEVEL_SHAPES,
    SOURCE_SYMBOLS,
    WATER_CLASSES,
    class_colour,
)

MM_TO_PX = 3.78
SECTION_PX = {"national": 22, "municipal": 18, "control": 15}
SOURCE_PX = 13
MISSED_TARGET_STROKE = "#000000"


def _regular(n: int, r: float, rotation: float = -90.0, cx: float = 10, cy: float = 10) -> str:
    pts = []
    for k in range(n):
        a = math.radians(rotation + 360.0 * k / n)
        pts.append(f"{cx + r * math.cos(a):.2f},{cy + r * math.sin(a):.2f}")
    return " ".join(pts)


def _star(r_out: float = 9.5, r_in: float = 4.0) -> str:
    pts = []
    for k in range(10):
        r = r_out if k % 2 == 0 else r_in
        a = math.radians(-90 + 36 * k)
        pts.append(f"{10 + r * math.cos(a):.2f},{10.6 + r * math.sin(a):.2f}")
    return " ".join(pts)


_SHAPES = {
    "circle": '<circle cx="10" cy="10" r="8"',
    "square": '<rect x="2.5" y="2.5" width="15" height="15"',
    "triangle": f'<polygon points="{_regular(3, 9.5, cy=11.5)}"',
    "diamond": '<polygon points="10,1 19,10 10,19 1,10"',
    "star": f'<polygon points="{_star()}"',
    "pentagon": f'<polygon points="{_regular(5, 9, cy=10.5)}"',
}


def shape_svg(shape: str, fill: str, size: int = SOURCE_PX, stroke: str = "#ffffff",
              stroke_width: float = 1.5, dash: str = "") -> str:
    """An SVG of symbology shape ``shape`` (circle, square, triangle, diamond, star, pentagon)."""
    head = _SHAPES.get(shape, _SHAPES["circle"])
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 20 20">{head} fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{stroke_width}"{dash_attr}/></svg>'
    )


def svg_data_uri(svg: str) -> str:
    """``svg`` as a ``data:`` URI for CSS ``background-image``."""
    return "data:image/svg+xml," + quote(svg, safe=" =:/,.'")  # no raw " or #


def source_symbol_uri(layer: str) -> str:
    """Source layer ``layer``'s map symbol as a ``data:`` URI (its markers' CSS and the
    canvas that draws its lone points use the same one)."""
    sym = SOURCE_SYMBOLS[layer]
    return svg_data_uri(shape_svg(sym.shape, sym.colour, 20, "#ffffff", 1.6))


def source_css() -> str:
    """CSS classes ``.psm-sym-<layer>`` drawing each source layer's symbol."""
    rules = []
    for layer in SOURCE_SYMBOLS:
        uri = source_symbol_uri(layer)
        rules.append(
            f".psm-sym-{layer}{{background:url(\"{uri}\") center/contain no-repeat;}}"
        )
    return "\n".join(rules)


def section_icon_html(level: str, water_class: int | None, meets: bool | None) -> str:
    """Icon HTML of a section: its level's shape, filled with its class colour.

    A section that misses its target gets a thick dark outline.
    """
    shape = SECTION_LEVEL_SHAPES.get(level, "circle")
    size = SECTION_PX.get(level, 15)
    if meets is False:
        return shape_svg(shape, class_colour(water_class), size, MISSED_TARGET_STROKE, 2.6)
    return shape_svg(shape, class_colour(water_class), size, "#ffffff", 1.6)


def section_icons() -> dict[str, str]:
    """Every section icon keyed ``level|class|meets`` (class 0 = no data; meets 1/0/-)."""
    icons = {}
    for level in SECTION_LEVEL_SHAPES:
        for value in [0] + [c.value for c in WATER_CLASSES]:
            for meets_key, meets in (("1", True), ("0", False), ("-", None)):
                icons[f"{level}|{value}|{meets_key}"] = section_icon_html(
                    level, value or None, meets
                )
    return icons
