"""The Processing trace per exceeding item (issue 13): the share layers match the core."""

from __future__ import annotations

import json

import pytest
from qgis.core import QgsApplication, QgsProcessingProvider

from pollution_map_plugin.processing_provider import analysis_algorithms as aa

PROVIDER = "pollutionmap_trace_test"


class _Provider(QgsProcessingProvider):
    def id(self) -> str:
        return PROVIDER

    def name(self) -> str:
        return "trace test"

    def loadAlgorithms(self) -> None:
        self.addAlgorithm(aa.TraceUpstreamAlgorithm())


@pytest.fixture(scope="module")
def provider(qgis_processing):
    reg = QgsApplication.processingRegistry()
    prov = _Provider()
    assert reg.addProvider(prov)
    yield prov
    reg.removeProvider(prov)


def test_item_shares_as_layers(provider, demo_db_path):
    import processing

    from pollution_map_plugin.core.db import open_database
    from pollution_map_plugin.core.network.source_attribution import SourceAttribution

    with open_database(demo_db_path) as db:
        att = SourceAttribution.from_database(db)
    s = att.assessment.sections
    codes = [c for c, f in zip(s["section_code"], s["failing_items"])
             if any(r["parameter"] == "NH3N" for r in f)
             and att.attribute(c, ["NH3N"]).shares["NH3N"].short_list_n > 0]
    if not codes:
        pytest.skip("no section of the demo fails on NH3-N with sources upstream")
    code = codes[0]
    res = processing.run(f"{PROVIDER}:trace_upstream", {
        "DATABASE": str(demo_db_path), "SECTION": code, "MODE": 0, "ITEMS": "NH3N",
        "OUTPUT_REACHES": "TEMPORARY_OUTPUT", "OUTPUT_SOURCES": "TEMPORARY_OUTPUT",
        "OUTPUT_SHARES": "TEMPORARY_OUTPUT", "OUTPUT_UNIT_SHARES": "TEMPORARY_OUTPUT"})
    core = att.attribute(code, ["NH3N"]).shares["NH3N"]
    want = core.sources_frame()
    layer = res["OUTPUT_SHARES"]
    feats = list(layer.getFeatures())
    assert [f["code"] for f in feats] == want["code"].tolist()
    assert [f["share"] for f in feats] == pytest.approx(want["share"].tolist())
    assert {f["item"] for f in feats} == {"NH3N"}
    assert all(not f.geometry().isNull() for f in feats)
    units = {f["code"]: f["share"] for f in res["OUTPUT_UNIT_SHARES"].getFeatures()}
    assert units == pytest.approx(core.by_unit().set_index("unit_code")["share"].to_dict())
    summary = json.loads(res["SUMMARY"])
    item = summary["attribution"]["items"][0]
    assert item["parameter"] == "NH3N" and item["short_list_n"] == core.short_list_n
    with pytest.raises(Exception, match="unknown item"):
        processing.run(f"{PROVIDER}:trace_upstream", {
            "DATABASE": str(demo_db_path), "SECTION": code, "ITEMS": "XYZ",
            "OUTPUT_REACHES": "TEMPORARY_OUTPUT", "OUTPUT_SOURCES": "TEMPORARY_OUTPUT"})
