"""One exported page: a folium Map with inline assets, the page's data and layout.

folium provides the figure, the Leaflet map and the fullscreen control; its
default CDN links (Leaflet, jQuery, Bootstrap, Font Awesome …) are dropped and
the pinned assets are inlined instead (``assets.py``).  The layers are made in
the browser by ``templates/map.js`` from one JSON element (``layers.py``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import folium
from branca.element import Figure, MacroElement
from folium.plugins import Fullscreen
from jinja2 import Template

from ..atomic_files import write_text_atomic
from ..output_paths import check_output
from ..symbology import CLASS_BY_VALUE, NO_DATA_COLOUR
from .assets import RawHtml, bundle_html, remote_references
from .escaping import esc, json_for_script
from .layer_encoding import SCALE
from .page_layers import section_icon_sizes
from .page_strings import js_strings, t
from .symbols import section_icons, source_css

TEMPLATES = Path(__file__).resolve().parent / "templates"
DATA_ID = "psm-data"
SCRIPTS = ("cluster.js", "chart.js", "map.js")  # our page code, in templates/


@cache
def template_text(name: str) -> str:
    """A file of ``templates/``."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


class _Build(MacroElement):
    """Calls ``PSM.build(map, data)`` once the map and its controls exist."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "PSM.build({{ this._parent.get_name() }}, {{ this.data_id|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, data_id: str) -> None:
        super().__init__()
        self._name = "PsmBuild"
        self.data_id = data_id


class OfflineFullscreen(Fullscreen):
    """folium's Fullscreen control without its CDN links (the plugin is inlined)."""

    default_js: list = []
    default_css: list = []


def _new_map(center: list[float]) -> folium.Map:
    m = folium.Map(location=center, zoom_start=9, tiles=None, prefer_canvas=True,
                   control_scale=False, zoom_control=True)
    # no CDN links: instance attributes shadow folium's class lists (0.14 and newer)
    m.default_js = []
    m.default_css = []
    return m


def base_payload(lang: str, origin: tuple[float, float]) -> dict[str, Any]:
    """The parts of the page data common to every page."""
    return {
        "lang": lang, "origin": list(origin), "scale": SCALE,
        "t": js_strings(lang),
        "classes": [[c.value, c.roman, c.colour, c.label_en if lang == "en" else c.label_zh,
                     c.value == 4] for c in CLASS_BY_VALUE.values()],
        "noDataColour": NO_DATA_COLOUR,
        "secIcons": section_icons(),
        "secSizes": section_icon_sizes(),
        "bases": [], "background": [], "vectors": [], "points": [], "sections": None,
        "bounds": None,
    }


def render_page(*, title: str, lang: str, payload: dict, header_html: str,
                panel_html: str = "", legend_html: str = "", offline: bool = True) -> str:
    """The complete HTML of a page (UTF-8 text)."""
    b = payload.get("bounds")
    center = [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2] if b else [30.0, 107.0]
    m = _new_map(center)
    fig = m.get_root()
    if not isinstance(fig, Figure):  # a folium that no longer makes the figure itself
        fig = Figure()
        fig.add_child(m)
    fig.title = esc(title)  # branca writes the title unescaped
    OfflineFullscreen(position="topleft", title=t("fullscreen", lang),
                      title_cancel=t("exit_fullscreen", lang)).add_to(m)
    _Build(DATA_ID).add_to(m)
    css = template_text("page.css") + "\n" + source_css()
    if not panel_html:
        css += '\nbody{grid-template-columns:minmax(0,1fr);grid-template-areas:"head" "map";}'
    fig.header.add_child(RawHtml(bundle_html(), "psm_assets"), name="psm_assets")
    fig.header.add_child(RawHtml(f"<style>{css}</style>", "psm_css"), name="psm_css")
    js = "\n".join(template_text(n) for n in SCRIPTS).replace("</script", "<\\/script")
    fig.header.add_child(RawHtml(f"<script>{js}</script>", "psm_js"), name="psm_js")
    fig.html.add_child(RawHtml(header_html, "psm_header"), name="psm_header")
    if panel_html:
        fig.html.add_child(RawHtml(panel_html, "psm_panel"), name="psm_panel")
    fig.html.add_child(RawHtml(legend_html, "psm_legend"), name="psm_legend")
    data = f'<script type="application/json" id="{DATA_ID}">{json_for_script(payload)}</script>'
    fig.html.add_child(RawHtml(data, "psm_data"), name="psm_data")
    html = fig.render()
    html = html.replace("<html>", f'<html lang="{"en" if lang == "en" else "zh-CN"}">', 1)
    if offline:
        remote = remote_references(html)
        if remote:  # a folium change brought a CDN link back: fail loudly, never ship it
            raise RuntimeError(f"offline page would load remote resources: {remote[:3]}")
    return html


def write_page(path: Path, html: str, database: Any = None) -> Path:
    """Write ``html`` to ``path`` (UTF-8) atomically and return the path.

    The page appears complete or not at all (temporary name, then rename); a path
    that is the database (``database``: its file) or one of its sidecars is refused.
    """
    path = check_output(path, database=database, what="page")
    return write_text_atomic(path, html)
