"""The item-matched part of the Processing trace (issue 13): parameters and outputs.

``TraceUpstreamAlgorithm`` (``analysis_algorithms``) adds these parameters and, when an
item is asked for, writes each source's share (points) and each control unit's share
(polygons), one row per item and source or unit.
"""

from __future__ import annotations

from typing import Any, Callable

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from .processing_enums import file_behavior, source_type

ITEMS = "ITEMS"
FAILING = "FAILING"
PERIOD = "PERIOD"
SETTINGS = "SETTINGS"
SHARES = "OUTPUT_SHARES"
UNIT_SHARES = "OUTPUT_UNIT_SHARES"


def add_share_parameters(alg: Any) -> None:
    """The item, period and coefficient parameters and the two share outputs."""
    alg.addParameter(QgsProcessingParameterString(
        ITEMS, alg.tr("Items to trace (NH3N, TP, COD …; comma-separated; empty: none)"),
        optional=True))
    alg.addParameter(QgsProcessingParameterBoolean(
        FAILING, alg.tr("Trace every item the section fails in the period"), False))
    alg.addParameter(QgsProcessingParameterString(
        PERIOD, alg.tr("Period (2025, 2025-Q3 …; empty: the latest year)"), optional=True))
    alg.addParameter(QgsProcessingParameterFile(
        SETTINGS, alg.tr("Trace coefficients (JSON file overriding the defaults)"),
        behavior=file_behavior("File"), fileFilter="JSON (*.json)", optional=True))
    alg.addParameter(QgsProcessingParameterFeatureSink(
        SHARES, alg.tr("Sources with their shares"), source_type("VectorPoint"),
        optional=True, createByDefault=False))
    alg.addParameter(QgsProcessingParameterFeatureSink(
        UNIT_SHARES, alg.tr("Control units with their shares"), source_type("VectorPolygon"),
        optional=True, createByDefault=False))


def wanted_items(alg: Any, parameters: dict, context: QgsProcessingContext
                 ) -> tuple[list[str] | None, bool]:
    """(the items named, whether to trace the failing ones)."""
    text = alg.parameterAsString(parameters, ITEMS, context) or ""
    items = [t.strip() for t in text.replace("，", ",").split(",") if t.strip()]
    return (items or None), alg.parameterAsBool(parameters, FAILING, context)


def attribute(alg: Any, parameters: dict, context: QgsProcessingContext, db: Any, code: str,
              mode: str, distance: float | None):
    """The ``SectionAttribution`` of the section (ValueError → QgsProcessingException)."""
    from ..core.network.load_estimates import load_trace_settings
    from ..core.network.source_attribution import SourceAttribution

    items, failing = wanted_items(alg, parameters, context)
    period = (alg.parameterAsString(parameters, PERIOD, context) or "").strip() or None
    path = (alg.parameterAsFile(parameters, SETTINGS, context) or "").strip() or None
    try:
        settings = load_trace_settings(path)
        att = SourceAttribution.from_database(db, period, settings=settings)
        return att.attribute(code, None if failing else items, mode=mode,
                             distance_km=distance)
    except (KeyError, ValueError) as exc:
        raise QgsProcessingException(str(exc)) from exc


def write_shares(alg: Any, parameters: dict, context: QgsProcessingContext, found: Any,
                 write_frame: Callable, wkb: Callable) -> dict:
    """Write the share outputs the user asked for; their ids by output name."""
    import pandas as pd

    out: dict = {}
    result = found.trace
    if parameters.get(SHARES) is not None:
        frames, geoms = [], []
        for item, sh in found.shares.items():
            f = sh.sources_frame()
            f.insert(0, "item", item)
            frames.append(f)
            geoms.extend(sh.source_geometries().tolist())
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            {"item": pd.Series(dtype=object)})
        out[SHARES] = write_frame(alg, parameters, SHARES, context, frame, geoms,
                                  wkb("Point"))
    if parameters.get(UNIT_SHARES) is not None:
        units = result.control_units_gdf
        frames, geoms = [], []
        for item, sh in found.shares.items():
            by_unit = sh.by_unit()
            if not len(units) or not len(by_unit):
                continue
            merged = units[["code", "name", "geometry"]].merge(
                by_unit.drop(columns="unit_name"), left_on="code", right_on="unit_code")
            merged.insert(0, "item", item)
            geoms.extend(merged.geometry.tolist())
            frames.append(pd.DataFrame(merged.drop(columns=["geometry", "unit_code"])))
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            {"item": pd.Series(dtype=object)})
        out[UNIT_SHARES] = write_frame(alg, parameters, UNIT_SHARES, context, frame, geoms,
                                       wkb("MultiPolygon"))
    return out
