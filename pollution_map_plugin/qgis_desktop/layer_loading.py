"""Load a pollution-source database into a QGIS project as styled, related layers.

``load_database(target)`` adds one layer group named after the database with the
sub-groups sections, pollution sources, water systems and rivers, areas (points over
lines over polygons) and the related tables; every layer gets its renderer from
``core.symbology``, its labels from ``resources/styles`` and bilingual field aliases
from ``core.schema``; relations let "identify" show a section's measurements and a
river's chiefs, problems and projects.
"""

from __future__ import annotations

from typing import Any

from qgis.core import (
    QgsLayerTreeGroup,
    QgsMapLayer,
    QgsProject,
    QgsRelation,
    QgsVectorLayer,
)

from ..core import schema
from .connection import DataSource, resolve
from .qgis_compat import is_chinese, relation_association
from .styles import style_layer
from .translation import tr, tr_noop

PROP_TABLE = "pollution_map/table"  # layer custom property: the schema table
PROP_SOURCE = "pollution_map/source"  # group custom property: DataSource.to_json()
PROP_KIND = "pollution_map/kind"  # group: "database" | "thematic" | "trace"
PROP_CRS = "pollution_map/crs"  # database group: the map CRS chosen at loading
PROP_PERIOD = "pollution_map/period"  # database group: the assessed period, comparison

# Sub-groups top to bottom (drawn bottom to top): points over lines over polygons.
GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("sections", tr_noop("Monitoring sections"), ("sections",)),
    ("sources", tr_noop("Pollution sources"),
     ("outfalls", "sewage_plants", "enterprises", "petrol_stations", "livestock_farms")),
    ("water", tr_noop("Water systems and rivers"), ("reaches", "rivers")),
    ("areas", tr_noop("Areas"), ("drinking_water_areas", "industrial_parks", "control_units",
                                  "districts")),
    ("tables", tr_noop("Related tables"), ("measurements", "river_chiefs", "problems", "projects")),
)
# Tables a database of an older schema version may lack (loaded when present).
OPTIONAL_TABLES = frozenset({"districts"})
# (id, child table, child field, parent table, parent field)
RELATIONS = (
    ("pm_section_measurements", "measurements", "section_code", "sections", "code"),
    ("pm_river_chiefs", "river_chiefs", "river_code", "rivers", "code"),
    ("pm_river_problems", "problems", "river_code", "rivers", "code"),
    ("pm_river_projects", "projects", "river_code", "rivers", "code"),
    ("pm_river_sections", "sections", "river_code", "rivers", "code"),
)


class LoadError(RuntimeError):
    """A layer of the database could not be opened."""


def table_title(table: str) -> str:
    """The layer name of ``table`` in QGIS's language."""
    decl = schema.table(table)
    return decl.zh if is_chinese() else decl.en


def set_aliases(layer: QgsVectorLayer, table: str) -> None:
    """Field aliases from the schema (Chinese or English by QGIS locale, with units)."""
    decl = schema.table(table)
    zh = is_chinese()
    fields = layer.fields()
    for col in decl.columns:
        idx = fields.indexOf(col.name)
        if idx < 0:
            continue
        alias = col.zh if zh else col.en
        if col.unit:
            alias += f" ({col.unit})"
        layer.setFieldAlias(idx, alias)


def add_relations(project: QgsProject, layers: dict[str, QgsVectorLayer]) -> list[QgsRelation]:
    """Register the parent→child relations between ``layers`` in ``project``."""
    manager = project.relationManager()
    added = []
    for rel_id, child, child_field, parent, parent_field in RELATIONS:
        if child not in layers or parent not in layers:
            continue
        rid = f"{rel_id}_{layers[parent].id()}"
        rel = QgsRelation()
        rel.setId(rid)
        rel.setName(f"{table_title(parent)} → {table_title(child)}")
        rel.setReferencingLayer(layers[child].id())
        rel.setReferencedLayer(layers[parent].id())
        rel.addFieldPair(child_field, parent_field)
        rel.setStrength(relation_association())
        if rel.isValid():
            manager.removeRelation(rid)
            manager.addRelation(rel)
            added.append(rel)
    return added


def database_groups(project: QgsProject | None = None) -> list[QgsLayerTreeGroup]:
    """The layer groups of loaded databases in ``project``."""
    project = project or QgsProject.instance()
    return [g for g in project.layerTreeRoot().findGroups()
            if g.customProperty(PROP_KIND) == "database"]


def group_layers(group: QgsLayerTreeGroup) -> dict[str, QgsVectorLayer]:
    """``{table: layer}`` of a database group."""
    out: dict[str, QgsVectorLayer] = {}
    for node in group.findLayers():
        layer = node.layer()
        if layer is not None and layer.customProperty(PROP_TABLE):
            out.setdefault(str(layer.customProperty(PROP_TABLE)), layer)
    return out


def group_source(group: QgsLayerTreeGroup) -> DataSource:
    """The :class:`DataSource` a database group was loaded from."""
    text = group.customProperty(PROP_SOURCE)
    if not text:
        raise LoadError(tr("This layer group was not loaded by the plugin."))
    # this session's source still holds a DSN password in memory; a re-opened project not
    return _SOURCES.get(str(text)) or DataSource.from_json(str(text))


_SOURCES: dict[str, DataSource] = {}


def prepare_layers(source: DataSource, feedback: Any = None) -> dict[str, QgsVectorLayer]:
    """Open and style every layer of ``source`` (on the main thread: see LayerLoader).

    Raises :class:`LoadError` naming the tables that could not be opened.
    """
    layers: dict[str, QgsVectorLayer] = {}
    failed: list[str] = []
    tables = [t for _, _, ts in GROUPS for t in ts]
    for i, table in enumerate(tables):
        if feedback is not None and feedback.isCanceled():
            return {}
        layer = make_layer(source, table)
        if layer is None:
            if table not in OPTIONAL_TABLES:
                failed.append(table)
            continue
        layers[table] = layer
        if feedback is not None:
            feedback.setProgress(100.0 * (i + 1) / len(tables))
    if failed:
        raise LoadError(tr("Could not open {0} from {1}").format(
            ", ".join(failed), source.describe()))
    return layers


def add_layers(project: QgsProject, source: DataSource,
               layers: dict[str, QgsVectorLayer]) -> QgsLayerTreeGroup:
    """Put prepared ``layers`` into ``project`` under a new group; relations too."""
    root = project.layerTreeRoot()
    was_empty = not project.mapLayers()
    if was_empty:  # maps look right in a projected CRS (Gauss-Kruger zone of the data):
        # set before the layers arrive, so nothing is ever drawn in another CRS
        from qgis.core import QgsCoordinateReferenceSystem

        from .map_extent import layers_extent, zone_crs

        crs = zone_crs(layers_extent(layers, QgsCoordinateReferenceSystem("EPSG:4490"),
                                     project))
        project.setCrs(crs)
    group = root.insertGroup(0, unique_group_name(root, source.name))
    group.setCustomProperty(PROP_KIND, "database")
    group.setCustomProperty(PROP_SOURCE, source.to_json())
    if was_empty:
        group.setCustomProperty(PROP_CRS, crs.authid())
    _SOURCES[source.to_json()] = source
    project.addMapLayers(list(layers.values()), False)
    for key, title, tables_ in GROUPS:
        sub = group.addGroup(tr(title))
        sub.setCustomProperty("pollution_map/group", key)
        for table in tables_:
            if table in layers:
                sub.addLayer(layers[table])
        if key == "tables":
            sub.setExpanded(False)
            sub.setItemVisibilityChecked(False)
    add_relations(project, layers)
    if was_empty and project is QgsProject.instance():
        # QGIS's canvas bridge may apply the first layer's CRS on its next turn.
        # (Only for the main project: a lambda holding another project would keep it
        # alive past QGIS's teardown when no event loop runs (CLI), crashing QGIS 3.40.)
        from qgis.PyQt.QtCore import QTimer

        authid = crs.authid()
        QTimer.singleShot(0, lambda: ensure_project_crs(project, authid))
    return group


def ensure_project_crs(project: QgsProject, authid: str) -> bool:
    """Set the project CRS to ``authid`` unless it already is; True when it is now."""
    from qgis.core import QgsCoordinateReferenceSystem

    if not authid:
        return False
    if project.crs().authid() != authid:
        crs = QgsCoordinateReferenceSystem(authid)
        if not crs.isValid():
            return False
        project.setCrs(crs)
    return project.crs().authid() == authid


def load_database(target_or_connection: Any, project: QgsProject | None = None,
                  schema_name: str | None = None, feedback: Any = None) -> QgsLayerTreeGroup:
    """Add the database's layers to ``project`` (default: the current project).

    ``target_or_connection``: a GeoPackage path, a PostgreSQL DSN or ``service=``, a saved
    QGIS connection name (``pg:NAME``), a ``core.db`` database or a DataSource.
    Returns the new layer group.  Raises :class:`LoadError` naming the bad layers.
    """
    project = project or QgsProject.instance()
    source = resolve(target_or_connection, schema_name)
    return add_layers(project, source, prepare_layers(source, feedback))


def check_database(target: str) -> dict[str, int]:
    """Connect once through the core and count each table's rows (worker-thread safe).

    One connection attempt, before any QGIS layer asks for credentials: a server that
    is down, a wrong password or a file that is no pollution-source database gives one
    clear :class:`LoadError` instead of a dialog per table.
    """
    from ..core.db import open_database

    try:
        with open_database(target) as db:
            return db.counts()
    except Exception as exc:  # noqa: BLE001 - psycopg2, sqlite3, schema errors alike
        raise LoadError(tr("Cannot open the database: {0}").format(_first_line(exc))) from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


class LayerLoader:
    """Builds the database's layers on the main thread, one table per event-loop turn.

    QGIS layers (and the CRS objects they hold) belong to the thread that made them and
    the canvas uses them on the main thread, so they are made there; between two tables
    the GUI answers.  The status-bar task shows the progress and cancels the load.
    """

    def __init__(self, project: QgsProject, source: DataSource, on_done, on_error) -> None:
        from .tasks import ProgressTask

        self.project, self.source = project, source
        self.on_done, self.on_error = on_done, on_error
        self.tables = [t for _, _, ts in GROUPS for t in ts]
        self.layers: dict[str, QgsVectorLayer] = {}
        self.failed: list[str] = []
        self.stopped = False
        self.task = ProgressTask(tr("Loading {0}").format(source.name)).start()

    def start(self) -> None:
        from qgis.PyQt.QtCore import QTimer

        QTimer.singleShot(0, self._next)

    def _next(self) -> None:
        from qgis.PyQt.QtCore import QTimer

        try:
            if self.stopped or self.task.isCanceled():
                self.task.finish(False)
                _LOADERS.discard(self)
                return
            if self.tables:
                table = self.tables.pop(0)
                layer = make_layer(self.source, table)
                if layer is not None:
                    self.layers[table] = layer
                elif table not in OPTIONAL_TABLES:  # a missing optional table is skipped
                    self.failed.append(table)
                done = len(self.layers) + len(self.failed)
                self.task.setProgress(100.0 * done / (done + len(self.tables)))
                QTimer.singleShot(0, self._next)
                return
            if self.failed:
                raise LoadError(tr("Could not open {0} from {1}").format(
                    ", ".join(self.failed), self.source.describe()))
            group = add_layers(self.project, self.source, self.layers)
            self.task.finish(True)
            self.on_done(group)
        except Exception as exc:  # noqa: BLE001 - reported to the user
            self.task.finish(False)
            _LOADERS.discard(self)
            if self.on_error is not None:
                self.on_error(exc)


def make_layer(source: DataSource, table: str) -> QgsVectorLayer | None:
    """The styled QGIS layer of ``table`` (main thread); None when it cannot be opened."""
    layer = source.layer(table, table_title(table))
    if not layer.isValid():
        return None
    layer.setCustomProperty(PROP_TABLE, table)
    set_aliases(layer, table)
    if layer.isSpatial():
        style_layer(layer, table)
    else:
        layer.setFlags(layer.flags() & ~QgsMapLayer.LayerFlag.Identifiable)
    return layer


def load_database_task(target_or_connection: Any, on_done, on_error=None,
                       project: QgsProject | None = None, schema_name: str | None = None):
    """:func:`load_database` without freezing QGIS: the connection check and row counts
    run in a QgsTask, then :class:`LayerLoader` builds the layers on the main thread and
    ``on_done(group)`` receives the new group.  Returns the check task."""
    from .tasks import run_task

    project = project or QgsProject.instance()
    source = resolve(target_or_connection, schema_name)
    target = source.core_target()  # reads QGIS's auth database: on the main thread

    def work(_progress, _cancelled):
        return check_database(target)

    def checked(_counts):
        loader = LayerLoader(project, source, on_done, on_error)
        _LOADERS.add(loader)
        original = loader.on_done

        def done(group):
            _LOADERS.discard(loader)
            original(group)

        loader.on_done = done
        loader.start()

    return run_task(tr("Connecting to {0}").format(source.name), work, checked, on_error)


_LOADERS: set[LayerLoader] = set()  # running loaders stay referenced


def stop_loaders() -> None:
    """Stop the loads under way (the plugin is being unloaded)."""
    for loader in list(_LOADERS):
        loader.stopped = True
        loader.on_done = loader.on_error = None
    _LOADERS.clear()


def unique_group_name(root: QgsLayerTreeGroup, name: str) -> str:
    """``name``, or ``name (2)`` … when a group of that name exists."""
    taken = {g.name() for g in root.children() if isinstance(g, QgsLayerTreeGroup)}
    if name not in taken:
        return name
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"
