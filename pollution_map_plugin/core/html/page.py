"""One exported page as a folium document: the map, its layers and controls, rendered.

:func:`new_map` makes a :class:`~.folium_elements.PsmMap` with the page's
configuration and HTML parts (:class:`~.folium_elements.PsmPage`); :func:`add_layers`
adds one folium ``Layer`` per map layer; :func:`add_controls` the legend, search,
time slider, tables, layer control and the ready mark.  The map stays an ordinary
``folium.Map``: a planner can add to it and ``save()`` it (see ``docs/usage.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import folium

from ..atomic_files import write_text_atomic
from ..output_paths import check_output
from ..symbology import CLASS_BY_VALUE, NO_DATA_COLOUR
from .assets import remote_references
from .folium_elements import (
    OfflineFullscreen,
    PsmBackground,
    PsmLayerControl,
    PsmLegend,
    PsmMap,
    PsmPage,
    PsmPointLayer,
    PsmReady,
    PsmSearch,
    PsmSectionLayer,
    PsmTables,
    PsmTiles,
    PsmTimeSlider,
    PsmVectorLayer,
    template_text,
)
from .layer_encoding import SCALE
from .page_layers import section_icon_sizes
from .page_strings import t
from .page_templates import strings
from .symbols import section_icons

__all__ = ["add_controls", "add_layers", "base_config", "new_map", "render_map",
           "template_text", "write_page"]


def base_config(lang: str, origin: tuple[float, float], bounds: Any) -> dict[str, Any]:
    """The page configuration every layer and control reads (``PSM.init``)."""
    return {
        "lang": lang, "origin": list(origin), "scale": SCALE, "t": strings(lang),
        "classes": [[c.value, c.roman, c.colour, c.label_en if lang == "en" else c.label_zh,
                     c.value == 4] for c in CLASS_BY_VALUE.values()],
        "noDataColour": NO_DATA_COLOUR, "secIcons": section_icons(),
        "secSizes": section_icon_sizes(), "bounds": bounds,
    }


def new_map(*, title: str, lang: str, config: dict, parts_html: str,
            with_panel: bool) -> folium.Map:
    """A :class:`PsmMap` holding the page's configuration and HTML parts."""
    b = config.get("bounds")
    center = [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2] if b else [30.0, 107.0]
    m = PsmMap(center, title=title, lang=lang)
    page = PsmPage(config, parts_html)
    page.add_to(m)
    m.psm_page = page
    m.get_root().header.add_child(folium.Element(
        "<style>body{grid-template-columns:minmax(0,1fr);"
        "grid-template-areas:\"head\" \"map\" \"foot\";}</style>"
        if not with_panel else ""), name="psm_layout")
    OfflineFullscreen(position="topleft", title=t("fullscreen", lang),
                      title_cancel=t("exit_fullscreen", lang)).add_to(m)
    return m


def add_layers(m: folium.Map, *, bases: list[dict], background: list[dict],
               vectors: list[dict], points: list[dict], sections: dict | None) -> None:
    """One folium layer per map layer: the base layers (the one shown first), the lines
    and areas, the sources and the sections (drawn on top)."""
    ordered = sorted(bases, key=lambda b: not b.get("show"))
    for b in ordered:
        if b["id"] == "background":
            PsmBackground({**b, "layers": background}).add_to(m)
        else:
            PsmTiles(b).add_to(m)
    for v in vectors:
        PsmVectorLayer(v).add_to(m)
    for p in points:
        PsmPointLayer(p).add_to(m)
    if sections is not None:
        PsmSectionLayer(sections).add_to(m)


def add_controls(m: folium.Map, *, legend_html: str, districts: list[str],
                 period: str = "", freq: str = "year") -> None:
    """The legend, the search and filters, the time slider, the tables, the layer
    control and, last, the ready mark."""
    PsmLegend(legend_html).add_to(m)
    PsmSearch(districts=districts).add_to(m)
    PsmTables().add_to(m)
    PsmTimeSlider(current=period, freq=freq).add_to(m)
    PsmLayerControl(collapsed=True, position="topright").add_to(m)
    PsmReady().add_to(m)


def render_map(m: folium.Map, offline: bool = True) -> str:
    """The complete HTML of map ``m``'s page; refuses remote resources when ``offline``."""
    html = m.get_root().render()
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
