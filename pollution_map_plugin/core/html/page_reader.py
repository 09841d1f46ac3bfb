"""Read an exported page's data back (tests, tools): the configuration and every layer.

Each folium element of a page carries its data in a ``<script type="application/json"
data-psm-spec>`` element; :func:`page_data` gathers them into one dict: the page's
configuration (``lang``, ``t``, ``origin`` …) with ``bases``, ``background``,
``vectors``, ``points`` and ``sections``.
"""

from __future__ import annotations

import json
import re
from typing import Any

SPEC_RE = re.compile(r'<script type="application/json" id="([^"]+)" data-psm-spec="1">'
                     r'(.*?)</script>', re.S)


def page_specs(html: str) -> dict[str, Any]:
    """Every JSON element of the page by its id."""
    return {m.group(1): json.loads(m.group(2)) for m in SPEC_RE.finditer(html)}


def page_data(html: str) -> dict[str, Any]:
    """The page's configuration and layers (see the module's docstring)."""
    specs = page_specs(html)
    data = dict(specs.get("psm-config", {}))
    data.update({"bases": [], "background": [], "vectors": [], "points": [],
                 "sections": None})
    for key, spec in specs.items():
        kind = spec.get("layerKind") if isinstance(spec, dict) else None
        if kind in ("tiles", "background"):
            data["bases"].append(spec)
            if kind == "background":
                data["background"] = spec.get("layers", [])
        elif kind == "vector":
            data["vectors"].append(spec)
        elif kind == "points":
            data["points"].append(spec)
        elif kind == "sections":
            data["sections"] = spec
        del key
    data["bases"].sort(key=lambda b: b["id"] != "background")
    return data
