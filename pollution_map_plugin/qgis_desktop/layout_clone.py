"""A clone of a print layout made in steps, for exports that keep the GUI responsive.

``QgsPrintLayout.clone()`` writes the layout to XML and reads it back in one call: for
the one-river atlas at Chongqing scale 0.6-1 s on the main thread, most of it the
attribute tables, each reading its layer when it is created.  :func:`clone_steps` reads
the same XML in parts, the layout's settings and pages first, then its items a few at
a time (the maps first: legends and scale bars find their map by its id), each table
with its frames on its own; the pages it draws are the same as a clone's.
"""

from __future__ import annotations

from collections.abc import Iterator

from qgis.core import QgsPrintLayout, QgsReadWriteContext
from qgis.PyQt.QtXml import QDomDocument, QDomElement

from .translation import tr

ITEMS_PER_STEP = 8
_GROUP, _MAP, _FRAME = "65637", "65639", "65647"  # QgsLayoutItemRegistry's item types


def clone_steps(layout: QgsPrintLayout) -> Iterator[None]:
    """Clone ``layout`` with a ``yield`` between the parts; returns the clone."""
    document = QDomDocument()
    context = QgsReadWriteContext()
    root = layout.writeXml(document, context)
    document.appendChild(root)
    children = root.childNodes()
    items = [children.at(i).toElement() for i in range(children.count())
             if children.at(i).toElement().tagName() in ("LayoutItem", "LayoutMultiFrame")]
    for element in items:
        root.removeChild(element)
    clone = QgsPrintLayout(layout.project())
    _items, ok = clone.loadFromTemplate(document, context, True)
    if not ok:
        raise RuntimeError(tr("Could not copy the layout {0}").format(layout.name()))
    yield
    maps = [e for e in items if e.attribute("type") == _MAP]
    others = sorted((e for e in items if e.tagName() == "LayoutItem"
                     and e.attribute("type") not in (_MAP, _FRAME)),
                    key=lambda e: e.attribute("type") == _GROUP)  # groups after their items
    tables = [[table, *(e for e in items if e.attribute("type") == _FRAME
                        and e.attribute("multiFrame") == table.attribute("uuid"))]
              for table in items if table.tagName() == "LayoutMultiFrame"]
    parts = [maps, *(others[i:i + ITEMS_PER_STEP]
                     for i in range(0, len(others), ITEMS_PER_STEP)), *tables]
    for part in parts:
        if part:
            _add(clone, part, context)
            yield
    return clone


def _add(layout: QgsPrintLayout, elements: list[QDomElement],
         context: QgsReadWriteContext) -> None:
    """Add the items written as ``elements`` to ``layout`` where they were."""
    document = QDomDocument()
    parent = document.createElement("Layout")
    document.appendChild(parent)
    for element in elements:
        parent.appendChild(document.importNode(element, True))
    layout.addItemsFromXml(parent, document, context, None, True)
