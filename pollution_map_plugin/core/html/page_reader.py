"""Read an exported page's data back (tests, tools): the configuration and every layer.

Each folium element of a page carries its data in a ``<script data-psm-spec>`` element
(the configuration as JSON, each layer as gzipped JSON in base64, which the page
unpacks with the browser's ``DecompressionStream``); :func:`page_data` gathers them
into one dict: the page's
configuration (``lang``, ``t``, ``origin`` …) with ``bases``, ``background``,
``vectors``, ``points`` and ``sections``.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from typing import Any

SPEC_RE = re.compile(r'<script type="[^"]+" id="([^"]+)" data-psm-spec="(1|gzip)">'
                     r'(.*?)</script>', re.S)


def unpack(kind: str, text: str) -> Any:
    """A data element's value: JSON (``1``) or gzipped JSON in base64 (``gzip``)."""
    if kind == "gzip":
        text = gzip.decompress(base64.b64decode(text)).decode("utf-8")
    return json.loads(text)


def page_specs(html: str) -> dict[str, Any]:
    """Every data element of the page by its id, unpacked."""
    return {m.group(1): unpack(m.group(2), m.group(3)) for m in SPEC_RE.finditer(html)}


def column(layer: dict, name: str) -> list:
    """Column ``name`` of a layer's properties as a list (dictionary-coded columns
    ``{"k": values, "i": indices}`` expanded)."""
    c = layer["props"].get(name, [])
    if isinstance(c, dict):
        return [c["k"][i] if i >= 0 else None for i in c["i"]]
    return list(c)


def layer_values(html: str, layer_id: str, name: str) -> list:
    """Column ``name`` of point layer ``layer_id`` of a page ([] when absent)."""
    layers = {p["id"]: p for p in page_data(html)["points"]}
    return column(layers[layer_id], name) if layer_id in layers else []


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
