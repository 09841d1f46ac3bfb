"""The five thematic maps as map themes (QgsMapThemeCollection) of a loaded database.

``build_maps(group, data)`` joins the assessment of a period into memory layers in a
"thematic" sub-group of the database group and (re)creates one map theme per map:

=============  ======================  =============================================
key            theme                   what it shows
=============  ======================  =============================================
watershed      流域水系图              water systems, rivers by order, control units,
                                       drinking-water areas
sections       监测断面图              sections by class for the period, failing ringed
pollution      污染分布图              sources by type and load (+ density option)
problems       问题水体图              reaches and sections that miss their targets
change         水质变化图              improved / unchanged / worsened between periods
=============  ======================  =============================================
"""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsLayerTreeGroup,
    QgsLayerTreeModel,
    QgsMapLayerStyle,
    QgsMapThemeCollection,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)

from ..core import schema
from .density import full_extent_scale
from .layer_loading import PROP_KIND, group_layers
from .map_data import MapData
from .map_extent import layers_extent, zone_crs
from .map_labels import apply_labels
from .qgis_compat import is_chinese
from .retired_layers import retire
from .source_aggregation import KIND as HEXAGONS
from .source_aggregation import (
    compute_bins,
    hexagon_layer,
    hexagon_renderer,
    needs_aggregation,
    set_detail_scale,
)
from .styles import apply_label_style, river_order_renderer
from .thematic_layers import (
    CHANGE_FIELDS,
    DRINKING_FIELDS,
    PROP_THEMATIC,
    REACH_FIELDS,
    SECTION_FIELDS,
    change_renderer,
    density_layer,
    drinking_renderer,
    drinking_rows,
    heatmap_renderer,
    join_lines,
    join_points,
    join_polygons,
    problem_reach_renderer,
    rows_by,
    section_class_renderer,
)
from .translation import tr, tr_noop


@dataclass(frozen=True)
class MapSpec:
    key: str
    zh: str
    en: str

    @property
    def theme(self) -> str:
        """The map theme's name (the Chinese map name the bureaus use)."""
        return self.zh

    @property
    def title(self) -> str:
        return self.zh if is_chinese() else f"{tr(self.en)}  {self.zh}"


MAPS: tuple[MapSpec, ...] = (
    MapSpec("watershed", "流域水系图", tr_noop("Watershed river-system map")),
    MapSpec("sections", "监测断面图", tr_noop("Monitoring-section map")),
    MapSpec("pollution", "污染分布图", tr_noop("Pollution-distribution map")),
    MapSpec("problems", "问题水体图", tr_noop("Problem-water-body map")),
    MapSpec("change", "水质变化图", tr_noop("Water-quality change map")),
)
MAP_BY_KEY = {m.key: m for m in MAPS}
BACKDROP = ("districts", "control_units", "rivers", "reaches")
THEME_LAYERS: dict[str, tuple[str, ...]] = {
    "watershed": ("districts", "control_units", "drinking_water_areas", "rivers", "reaches"),
    "sections": (*BACKDROP, "section_classes"),
    # sources: hexagons zoomed out, symbols zoomed in (source_aggregation); the class-
    # coloured sections on top
    "pollution": ("districts", "control_units", "industrial_parks", "rivers", "reaches",
                  "density", HEXAGONS, *schema.SOURCE_LAYERS, "section_classes"),
    "problems": (*BACKDROP, "drinking_zones", "problem_reaches", "problem_sections"),
    "change": (*BACKDROP, "section_changes"),
}
THEMATIC_GROUP = "thematic"


def thematic_group(group: QgsLayerTreeGroup) -> QgsLayerTreeGroup:
    """The database group's thematic sub-group (first child: drawn on top)."""
    for child in group.children():
        if isinstance(child, QgsLayerTreeGroup) and \
                child.customProperty(PROP_KIND) == THEMATIC_GROUP:
            return child
    sub = group.insertGroup(0, tr("Thematic maps"))
    sub.setCustomProperty(PROP_KIND, THEMATIC_GROUP)
    return sub


#: Thematic layers that are not the maps' and that ``build_maps`` leaves alone: the
#: atlas coverage (its layout points at it) and the monthly timeline.
KEPT_KINDS = frozenset({"atlas_coverage", "section_timeline"})


def thematic_layers(group: QgsLayerTreeGroup) -> dict[str, QgsVectorLayer]:
    """``{kind: layer}`` of the group's thematic layers."""
    out = {}
    for node in group.findLayers():
        layer = node.layer()
        if layer is not None and layer.customProperty(PROP_THEMATIC):
            out[str(layer.customProperty(PROP_THEMATIC))] = layer
    return out


def _put(project, sub, existing: dict[str, QgsVectorLayer], fresh: QgsVectorLayer, kind: str,
         renderer, qml: str | None = None, restyle: bool = False) -> QgsVectorLayer:
    """Show ``fresh`` as thematic layer ``kind``.

    A layer of that kind already in the project (this session's, or one a saved
    project brought back empty: memory layers keep no features) is replaced by
    ``fresh`` in its place in the layer tree, with its visibility and, unless
    ``restyle``, its style (a user's edits); the themes and layouts that show it are
    rebuilt by :func:`create_themes`.  Refilling such a layer in place (truncate and
    add features) corrupted QGIS 3.22's heap on a reopened project: the desktop
    acceptance run's reopen aborted there in about half of the runs; so did deleting
    the old layer while a canvas still drew it (:mod:`.retired_layers`).
    """
    old = existing.pop(kind, None)
    fresh.setCustomProperty(PROP_THEMATIC, kind)
    if old is not None and not restyle:
        style = QgsMapLayerStyle()
        style.readFromLayer(old)
        style.writeToLayer(fresh)
    else:
        if qml:
            apply_label_style(fresh, qml)
        fresh.setRenderer(renderer)
    project.addMapLayer(fresh, False)
    node = project.layerTreeRoot().findLayer(old.id()) if old is not None else None
    parent = node.parent() if node is not None else None
    if node is not None and isinstance(parent, QgsLayerTreeGroup):
        added = parent.insertLayer(parent.children().index(node), fresh)
        added.setItemVisibilityChecked(node.itemVisibilityChecked())
    else:
        sub.addLayer(fresh)
    if old is not None:
        retire(project, old)
    existing[kind] = fresh
    return fresh


def build_maps(group: QgsLayerTreeGroup, data: MapData | None,
               project: QgsProject | None = None, density: bool = False) -> dict[str, str]:
    """Fill the thematic layers from ``data`` and (re)create the five map themes.

    Without ``data`` (no measurements assessed yet) the period maps show the
    sections without classes.  ``density`` adds the pollution-load heatmap layer.
    """
    project = project or QgsProject.instance()
    base = group_layers(group)
    sub = thematic_group(group)
    existing = thematic_layers(group)
    wanted: set[str] = set()
    if data is not None and "sections" in base:
        sec = rows_by(data.sections, "section_code")
        title = tr("Section water quality {0}").format(data.period)
        _put(project, sub, existing, join_points(base["sections"], sec, title, SECTION_FIELDS),
             "section_classes", section_class_renderer(), "section_classes")
        failing = {k: v for k, v in sec.items() if v.get("meets_target") == 0}
        title = tr("Sections missing their targets {0}").format(data.period)
        _put(project, sub, existing,
             join_points(base["sections"], failing, title, SECTION_FIELDS),
             "problem_sections", section_class_renderer(), "section_classes")
        wanted |= {"section_classes", "problem_sections"}
        if data.change is not None:
            title = tr("Water-quality change {0}").format(data.change_label)
            _put(project, sub, existing,
                 join_points(base["sections"], rows_by(data.change, "section_code"), title,
                             CHANGE_FIELDS),
                 "section_changes", change_renderer(), "section_changes")
            wanted.add("section_changes")
    if data is not None and "reaches" in base:
        title = tr("Problem reaches {0}").format(data.period)
        layer = join_lines(base["reaches"], rows_by(data.problem_reaches, "code"), title,
                           REACH_FIELDS)
        # stream-order widths and scale rules from the problem reaches' own density
        counts: dict[int, int] = {}
        for feat in layer.getFeatures():
            order = feat["stream_order"] if isinstance(feat["stream_order"], int) else 1
            counts[order] = counts.get(order, 0) + 1
        rules = river_order_renderer(counts, full_extent_scale(base["reaches"]))
        _put(project, sub, existing, layer, "problem_reaches", problem_reach_renderer(rules),
             restyle=True)
        wanted.add("problem_reaches")
    bundle = getattr(data, "bundle", None) if data is not None else None
    zones = getattr(bundle, "drinking_water", None) if bundle is not None else None
    if zones is not None and len(zones) and "drinking_water_areas" in base:
        # the problem map: drinking-water zones out of compliance (issue 12's pieces)
        title = tr("Drinking-water zones {0}").format(data.period)
        layer = join_polygons(base["drinking_water_areas"], drinking_rows(zones), title,
                              DRINKING_FIELDS)
        _put(project, sub, existing, layer, "drinking_zones", drinking_renderer(),
             restyle=True)
        wanted.add("drinking_zones")
    aggregated = needs_aggregation(base)
    if aggregated:
        from .layer_loading import group_source

        # read in the assessment's task (map_data); shapely 1.8 on the main thread at the
        # same time as a task's corrupted the heap (one GEOS handle, no GIL in its calls)
        bins = getattr(data, "hex_bins", None) or compute_bins(group_source(group).core_target())
        fresh = hexagon_layer(bins)
        layer = _put(project, sub, existing, fresh, HEXAGONS,
                     hexagon_renderer(list(bins.frame["cod_t_a"])), restyle=True)
        layer.setName(fresh.name())
        layer.setScaleBasedVisibility(True)
        layer.setMaximumScale(fresh.maximumScale())
        _move_to(group, layer, "areas")  # under the rivers and district lines: readable
        wanted.add(HEXAGONS)
    set_detail_scale(base, aggregated)
    for kind in ("section_classes", "problem_sections"):
        if kind in thematic_layers(group):
            apply_labels(thematic_layers(group)[kind], kind)
    if density:
        sources = [base[t] for t in schema.SOURCE_LAYERS if t in base]
        fresh = density_layer(sources, tr("Pollution-load density (COD)"))
        layer = _put(project, sub, existing, fresh, "density", heatmap_renderer())
        node = group.findLayer(layer.id())
        target = _sources_group(group)
        if node is not None and node.parent() is not target:
            # the density layer draws below the source symbols
            # (add the new node before removing the old: a layer without a node is dropped)
            target.addChildNode(node.clone())
            node.parent().removeChildNode(node)
        wanted.add("density")
    for kind, lyr in thematic_layers(group).items():
        if kind not in wanted and kind not in KEPT_KINDS:
            retire(project, lyr)
    return create_themes(group, project)


def _move_to(group: QgsLayerTreeGroup, layer: QgsVectorLayer, key: str) -> None:
    """Put ``layer``'s node at the bottom of the database group's sub-group ``key``."""
    node = group.findLayer(layer.id())
    target = next((c for c in group.children() if isinstance(c, QgsLayerTreeGroup)
                   and c.customProperty("pollution_map/group") == key), None)
    if node is None or target is None or node.parent() is target:
        return
    target.addChildNode(node.clone())
    node.parent().removeChildNode(node)


def _sources_group(group: QgsLayerTreeGroup) -> QgsLayerTreeGroup:
    for child in group.children():
        if isinstance(child, QgsLayerTreeGroup) and \
                child.customProperty("pollution_map/group") == "sources":
            return child
    return group


def create_themes(group: QgsLayerTreeGroup, project: QgsProject) -> dict[str, str]:
    """(Re)create the five map themes from the group's base and thematic layers."""
    layers = {**group_layers(group), **thematic_layers(group)}
    collection = project.mapThemeCollection()
    out = {}
    for spec in MAPS:
        record = QgsMapThemeCollection.MapThemeRecord()
        record.setLayerRecords([QgsMapThemeCollection.MapThemeLayerRecord(layers[k])
                                for k in THEME_LAYERS[spec.key] if k in layers])
        if collection.hasMapTheme(spec.theme):
            collection.update(spec.theme, record)
        else:
            collection.insert(spec.theme, record)
        out[spec.key] = spec.theme
    return out


def theme_layers(project: QgsProject, key: str) -> list[QgsVectorLayer]:
    """The layers of map ``key``'s theme, top first (the project's layer order)."""
    return project.mapThemeCollection().mapThemeVisibleLayers(MAP_BY_KEY[key].theme)


def apply_theme(project: QgsProject, key: str, model: QgsLayerTreeModel | None = None) -> None:
    """Show map ``key`` in the layer tree (and so on the canvas)."""
    root = project.layerTreeRoot()
    model = model or QgsLayerTreeModel(root)
    project.mapThemeCollection().applyTheme(MAP_BY_KEY[key].theme, root, model)


def group_extent(group: QgsLayerTreeGroup, crs: QgsCoordinateReferenceSystem,
                 project: QgsProject) -> QgsRectangle:
    """The extent of the database's spatial layers in ``crs``."""
    return layers_extent(group_layers(group), crs, project)


def projected_crs(group: QgsLayerTreeGroup, project: QgsProject) -> QgsCoordinateReferenceSystem:
    """CGCS2000 3-degree Gauss-Kruger zone of the data (EPSG:4534–4554), for maps."""
    return zone_crs(group_extent(group, QgsCoordinateReferenceSystem("EPSG:4490"), project))
