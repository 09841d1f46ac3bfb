"""Without scipy (the river network: tracing, the problem-water-body map, network import
and linking) the user is told what to install, as for geopandas, not a raw ImportError.

scipy is hidden for the test's duration (removed from ``sys.modules`` with the plugin
modules that hold it, and blocked by a meta-path finder), as if QGIS's Python lacked it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
from collections.abc import Iterator

import pytest
from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback

from tests.fixtures.plugin import all_messages

HIDDEN = "scipy"
HOLDERS = ("pollution_map_plugin.core.network", "pollution_map_plugin.core.linking")


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden by the test)",
                                      name=name)
        return None


@pytest.fixture
def no_scipy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(sys.modules):
        if name.split(".")[0] == HIDDEN or name.startswith(HOLDERS):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_Blocker(), *sys.meta_path])
    with pytest.raises(ImportError):
        importlib.import_module("pollution_map_plugin.core.network")
    yield


def _is_scipy_hint(text: str) -> bool:
    return "pip install scipy" in text and "apt install python3-scipy" in text


def test_check_dependencies_names_scipy(no_scipy, qgis_iface) -> None:
    from pollution_map_plugin.qgis_desktop.dependencies import (
        OPTIONAL_FEATURE_MODULES,
        missing_modules,
        require,
    )

    assert missing_modules(*OPTIONAL_FEATURE_MODULES) == ["scipy"]
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    assert not require(*OPTIONAL_FEATURE_MODULES, iface=qgis_iface)
    (message,) = all_messages(bar)
    assert _is_scipy_hint(message) and "geopandas" not in message, message


def test_an_import_error_of_scipy_is_explained(no_scipy) -> None:
    from pollution_map_plugin.qgis_desktop.dependencies import explain

    with pytest.raises(ImportError) as caught:
        importlib.import_module("pollution_map_plugin.core.network")
    assert _is_scipy_hint(explain(caught.value)), explain(caught.value)
    assert explain(ValueError("no section S1")) == "no section S1"


@pytest.mark.parametrize("module, cls", [
    ("analysis_algorithms", "TraceUpstreamAlgorithm"),
    ("network_algorithms", "ImportNetwork"),
    ("network_algorithms", "LinkToNetwork"),
    ("maps_algorithms", "RenderMaps"),
])
def test_processing_algorithms_say_what_to_install(no_scipy, qgis_app, module, cls) -> None:
    mod = importlib.import_module(f"pollution_map_plugin.processing_provider.{module}")
    algorithm = getattr(mod, cls)()
    with pytest.raises(QgsProcessingException) as caught:
        algorithm.processAlgorithm({}, QgsProcessingContext(), QgsProcessingFeedback())
    assert _is_scipy_hint(str(caught.value)), str(caught.value)
