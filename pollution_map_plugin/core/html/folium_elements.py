"""The project's layers and controls as folium elements, their assets inlined.

Every exported page is a folium document: :class:`PsmMap` (a ``folium.Map``) holds
:class:`PsmPage` (the page's configuration, header, panel, footer), one folium
``Layer`` per map layer (:class:`PsmTiles`, :class:`PsmVectorLayer`,
:class:`PsmPointLayer`, :class:`PsmSectionLayer`) and the controls
(:class:`PsmLegend`, :class:`PsmSearch`, :class:`PsmTimeSlider`, :class:`PsmTables`,
:class:`PsmLayerControl`).  Each is a ``MacroElement`` with a Jinja2 template; the
scripts and stylesheets they need come from the pinned npm packages and the page code
in ``templates/`` and are written inline (:class:`InlineAssetsMixin`, a folium
``JSCSSMixin`` that links nothing), so ``m.save("x.html")`` opens with no network.
A planner adds folium layers, markers and plugins to the map as to any other.
"""

from __future__ import annotations

import base64
import gzip
import re
from functools import cache
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer, LayerControl
from folium.plugins import Fullscreen
from jinja2 import Template
from markupsafe import Markup, escape

from .assets import MARKER_IMAGES, asset_html, data_uri, inline_js
from .escaping import json_for_script

TEMPLATES = Path(__file__).resolve().parent / "templates"
PAGE_SCRIPTS = ("fast_layers.js", "point_canvas.js", "map.js", "supercluster_layer.js", "chart.js",
                "tools.js")


@cache
def template_text(name: str) -> str:
    """A file of ``templates/``."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


# whole-line comments and indentation of the page code (kept in templates/, not shipped in
# every page: ~15 kB); a block comment is one with nothing after its end on its line
_BLOCK_COMMENT = re.compile(r"^[ \t]*/\*(?:(?!\*/).)*\*/[ \t]*\n", re.M | re.S)
_LINE_COMMENT = re.compile(r"^[ \t]*//[^\n]*\n", re.M)
_INDENT = re.compile(r"^[ \t]+", re.M)


def compact_js(code: str) -> str:
    """``code`` (this package's own scripts: no template literals, no multi-line strings)
    without its whole-line comments and indentation."""
    return _INDENT.sub("", _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", code)))


@cache
def page_code_html() -> str:
    """The page code (``templates/*.js``, ``page.css``) as inline elements."""
    from .symbols import source_css

    js = inline_js(compact_js("\n".join(template_text(n) for n in PAGE_SCRIPTS)))
    css = (template_text("page.css") + "\n" + template_text("print.css") + "\n"
           + source_css()).replace("</style", "<\\/style")
    icons = {k: data_uri("leaflet", p) for k, p in zip(
        ("iconUrl", "iconRetinaUrl", "shadowUrl"), MARKER_IMAGES)}
    # folium's markers use Leaflet's default icon: its images as data URIs (no file)
    icon_js = f"L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({json_for_script(icons)});"
    # folium's Popup parses its HTML with jQuery's $(html)[0]; without jQuery's CDN copy,
    # the same for that one use: the element the HTML makes
    dollar = ("if(!window.$){window.$=function(h){var t=document.createElement('template');"
              "t.innerHTML=String(h).trim();return [t.content.firstElementChild];};}")
    return (f'<style data-asset="psm/page.css">{css}</style>\n'
            f'<script data-asset="psm/page.js">{js}\n{icon_js}{dollar}</script>')


class RawHtml(Element):
    """An element rendered verbatim (no Jinja: asset code may contain ``{{``)."""

    def __init__(self, html: str, name: str = "raw_html") -> None:
        super().__init__()
        self._name = name
        self.html = html

    def render(self, **kwargs) -> str:  # noqa: ARG002 - branca's signature
        return self.html


class InlineAssetsMixin(JSCSSMixin):
    """folium's JSCSSMixin with the assets written into the page instead of linked.

    ``inline_assets`` names entries of ``assets.ASSETS`` (each written once per page, in
    the order first asked for); ``page_code`` adds this package's own scripts and styles.
    """

    default_js: list = []
    default_css: list = []
    inline_assets: tuple[str, ...] = ()
    page_code: bool = True

    def render(self, **kwargs):
        figure = self.get_root()
        if isinstance(figure, Figure):
            for name in self.inline_assets:
                figure.header.add_child(RawHtml(asset_html(name)), name=f"psm_asset_{name}")
            if self.page_code:
                figure.header.add_child(RawHtml(page_code_html()), name="psm_page_code")
        return super().render(**kwargs)


class PsmFigure(Figure):
    """branca's Figure with the page's language, an escaped title and a viewport."""

    _template = Template(
        "<!DOCTYPE html>\n<html lang=\"{{ this.lang }}\">\n<head>\n"
        "<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "{% if this.title %}<title>{{ this.title|e }}</title>{% endif %}\n"
        "{{ this.header.render(**kwargs) }}\n</head>\n<body>\n"
        "{{ this.html.render(**kwargs) }}\n</body>\n<script>\n"
        "{{ this.script.render(**kwargs) }}\n</script>\n</html>", autoescape=False)

    def __init__(self, title: str = "", lang: str = "zh") -> None:
        super().__init__(title=title)
        self.lang = "en" if lang == "en" else "zh-CN"


class PsmMap(InlineAssetsMixin, folium.Map):
    """A ``folium.Map`` whose Leaflet is inlined (no CDN link) in a :class:`PsmFigure`."""

    inline_assets = ("leaflet", "fullscreen", "supercluster")

    def __init__(self, center: list[float], *, title: str = "", lang: str = "zh",
                 **kwargs: Any) -> None:
        options = {"zoom_start": 9, "tiles": None, "prefer_canvas": True,
                   "control_scale": False, "zoom_control": True, **kwargs}
        super().__init__(location=center, **options)
        PsmFigure(title, lang).add_child(self)


GZIP_TYPE = "application/x-psm-json-gzip-base64"


def packed(data: Any) -> str:
    """``data`` as compact JSON, gzipped, in base64 (what ``PSM.spec`` unpacks with the
    browser's ``DecompressionStream``); base64 cannot end its ``<script>`` element."""
    raw = json_for_script(data).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def _data_script(element_id: str, data: Any, compress: bool = False) -> Markup:
    if compress:
        # Safe: base64 of JSON, and the id is a constant of this module.
        return Markup(f'<script type="{GZIP_TYPE}" id="{element_id}" data-psm-spec="gzip">'  # nosec B704
                      f'{packed(data)}</script>')
    # Safe: json_for_script's text cannot close the element; the id is a constant.
    return Markup(f'<script type="application/json" id="{element_id}" data-psm-spec="1">'  # nosec B704
                  f'{json_for_script(data)}</script>')


class PsmPage(InlineAssetsMixin, MacroElement):
    """The page's configuration (strings, classes, origin, periods) and its HTML parts
    (header, side panel, footer), from Jinja2 templates with autoescape."""

    _template = Template(
        "{% macro html(this, kwargs) %}{{ this.parts }}{{ this.config_html }}{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "PSM.init({{ this._parent.get_name() }}, {{ this.config_id|tojson }});"
        "{% endmacro %}")

    def __init__(self, config: dict, parts_html: Markup | str = "") -> None:
        super().__init__()
        self._name = "PsmPage"
        self.config_id = "psm-config"
        self.config_html = _data_script(self.config_id, config)
        self.parts = escape(parts_html)  # Markup from the templates stays, plain text is escaped


class _SpecLayer(InlineAssetsMixin, Layer):
    """A map layer drawn by the page code from its spec (one JSON element)."""

    _template = Template(
        "{% macro html(this, kwargs) %}{{ this.data_html }}{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = PSM.layer({{ this._parent.get_name() }}, "
        "{{ this.data_id|tojson }}, {{ this.show|tojson }});"
        "{% endmacro %}")
    kind = ""

    def __init__(self, spec: dict, *, overlay: bool = True, control: bool = True) -> None:
        name = spec.get("labelHtml") or spec.get("label") or spec.get("id")
        super().__init__(name=name, overlay=overlay, control=control,
                         show=bool(spec.get("show", True)))
        self._name = f"Psm_{self.kind}"
        self.spec = dict(spec, kind=self.kind if self.kind != "vector" else spec["kind"])
        self.spec.setdefault("layerKind", self.kind)
        self.data_id = f"psm-{self.kind}-{spec.get('id', self.get_name())}"
        self.data_html = _data_script(self.data_id, self.spec, compress=True)


class PsmTiles(_SpecLayer):
    """A base layer of tiles (OpenStreetMap, Tianditu, Gaode)."""

    kind = "tiles"

    def __init__(self, spec: dict) -> None:
        super().__init__(spec, overlay=False)


class PsmBackground(_SpecLayer):
    """The "no basemap" base layer: water systems and control units, not interactive."""

    kind = "background"

    def __init__(self, spec: dict) -> None:
        super().__init__(spec, overlay=False)


class PsmVectorLayer(_SpecLayer):
    """Lines or areas (rivers, control units, drinking-water areas) with popups."""

    kind = "vector"


class PsmPointLayer(_SpecLayer):
    """One type of pollution source, clustered by supercluster, spiderfied when coincident."""

    kind = "points"


class PsmSectionLayer(_SpecLayer):
    """Monitoring sections coloured by class, recoloured by :class:`PsmTimeSlider`."""

    kind = "sections"


class _PsmControl(InlineAssetsMixin, MacroElement):
    """A control built by ``PSM.<call>(map, options)`` once every layer exists."""

    _template = Template(
        "{% macro html(this, kwargs) %}{{ this.html_part }}{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "PSM.onLoad(function () { PSM.{{ this.call }}({{ this._parent.get_name() }}, "
        "{{ this.options|tojson }}); });"
        "{% endmacro %}")
    call = ""

    def __init__(self, html_part: Markup | str = "", **options: Any) -> None:
        super().__init__()
        self._name = f"Psm_{self.call}"
        self.html_part = escape(html_part)  # as PsmPage.parts
        self.options = options


class PsmLegend(_PsmControl):
    """The legend (classes, section levels, sources, lines) in a map control."""

    call = "legend"


class PsmSearch(_PsmControl):
    """Find a section, river, source by name (substring) or code (prefix); filters."""

    call = "search"


class PsmTimeSlider(_PsmControl):
    """A slider and play button over the periods (years, quarters, months)."""

    call = "timeSlider"


class PsmTables(_PsmControl):
    """Sortable, filterable tables synced with the map, downloadable as CSV."""

    call = "tables"


class PsmReady(_PsmControl):
    """Marks the page ready (``data-psm-ready``) once every control is built."""

    call = "ready"


class PsmLayerControl(InlineAssetsMixin, LayerControl):
    """folium's LayerControl, built once the page is loaded, so layers a planner adds
    after it are listed too."""

    _template = Template(
        "{% macro script(this,kwargs) %}PSM.onLoad(function () {"
        "var {{ this.get_name() }} = {base_layers: { "
        "{%- for key, val in this.base_layers.items() %}{{ key|tojson }}: {{ val }},"
        "{%- endfor %} }, overlays: { "
        "{%- for key, val in this.overlays.items() %}{{ key|tojson }}: {{ val }},"
        "{%- endfor %} } };"
        "L.control.layers({{ this.get_name() }}.base_layers, {{ this.get_name() }}.overlays,"
        " {{ this.options|tojson }}).addTo({{ this._parent.get_name() }});"
        # folium < 0.15 hides layers with show=False here; newer folium leaves them unadded
        "{%- if this.layers_untoggle is defined %}"
        "{%- for val in this.layers_untoggle.values() %}"
        "{{ this._parent.get_name() }}.removeLayer({{ val }});{%- endfor %}{%- endif %}"
        "});{% endmacro %}")


class OfflineFullscreen(Fullscreen):
    """folium's Fullscreen control without its CDN links (the plugin is inlined)."""

    default_js: list = []
    default_css: list = []
