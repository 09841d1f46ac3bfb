"""The pages' HTML parts from Jinja2 templates (``templates/*.html.j2``), autoescaped.

Database text is passed to the templates as plain values and escaped by Jinja2;
only markup built from constants (symbol SVGs of ``core.symbology``) is passed as
``Markup``.
"""

from __future__ import annotations

import datetime as _dt
from functools import cache
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..symbology import CLASS_BY_VALUE, LABEL_COLOURS, LABEL_EN, NO_DATA_COLOUR
from .folium_elements import TEMPLATES
from .page_strings import STRINGS, t

DARK_TEXT_CLASSES = {4}  # yellow needs dark text


@cache
def environment() -> Environment:
    """The templates' environment: autoescape on for every ``.j2`` file."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES)),
                       autoescape=select_autoescape(["j2", "html"], default=True),
                       trim_blocks=False, lstrip_blocks=False)


def strings(lang: str) -> dict[str, str]:
    """Every page string in ``lang`` (the templates' ``t``)."""
    return {k: t(k, lang) for k in STRINGS}


def render(name: str, lang: str, **values: Any) -> Markup:
    """Template ``name`` rendered with the page strings and ``values``."""
    tpl = environment().get_template(name)
    html = tpl.render(t=strings(lang), lang=lang, no_data_colour=NO_DATA_COLOUR, **values)
    return Markup(html)  # nosec B704: the environment autoescapes every value it renders


def class_info(value: Any, lang: str) -> dict | None:
    """Roman numeral, colour and label of class ``value`` (1..6), or None."""
    try:
        v = int(value) if value is not None and not pd.isna(value) else None
    except (TypeError, ValueError):
        v = None
    c = CLASS_BY_VALUE.get(v) if v else None
    if c is None:
        return None
    return {"roman": c.roman, "colour": c.colour, "dark": v in DARK_TEXT_CLASSES,
            "label": c.label_en if lang == "en" else c.label_zh, "value": v}


def label_info(label_zh: Any, lang: str) -> dict | None:
    """A river or watershed label (优 … 重度污染) as a badge's text and colour."""
    if not isinstance(label_zh, str) or label_zh not in LABEL_COLOURS:
        return None
    return {"text": LABEL_EN[label_zh] if lang == "en" else label_zh,
            "colour": LABEL_COLOURS[label_zh], "dark": label_zh == "轻度污染"}


def footer_html(lang: str) -> Markup:
    """The footer: the plugin, the date and the licences of every bundled package."""
    from .assets import licences

    items = [{"title": title, "package": pkg, "version": ver, "text": text}
             for title, pkg, ver, text in licences()]
    now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return render("footer.html.j2", lang, licences=items, generated=now)


def svg(markup: str) -> Markup:
    """An SVG built from ``core.symbology`` constants only (no database text)."""
    return Markup(markup)  # nosec B704: constants of core.symbology only
