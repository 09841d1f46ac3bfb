"""Acceptance in the real QGIS desktop, as a GIS officer uses the plugin.

The ZIP that ``make package`` builds is installed into a fresh profile (as *Install
from ZIP* does), the real ``qgis`` binary starts under ``xvfb-run``, and
``acceptance_driver.py`` drives the installed plugin through its dock: load the demo
database and a Chongqing-size one, the five maps, a trace from a failing section, a
warning, the periods (year, quarter, month, range), a cancelled and a full map export,
the HTML export, saving the project, 20 unload/reload cycles after using every tool;
then QGIS starts again on the saved project.  Run in English and in Chinese (QGIS's
own interface too: QGIS ships ``zh-Hans``, the language its options offer a Chinese
user).  The screenshots land in ``tests/artifacts/acceptance/``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "acceptance_driver.py"
TIMEOUT_S = 900
# the module fixture runs QGIS twice (the workflow, then the reopened project)
pytestmark = pytest.mark.timeout(2 * TIMEOUT_S + 300)
LOCALES = {"en": "en_US", "zh": "zh-Hans"}
MAPS = ("watershed", "sections", "pollution", "problems", "change")


def _run_qgis(profile: Path, home: Path, out: Path, env_extra: dict, args: list[str]) -> None:
    xvfb_run, qgis = shutil.which("xvfb-run"), shutil.which("qgis")
    if not xvfb_run or not qgis:
        pytest.fail("xvfb-run and qgis are needed; run `make setup`")
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.update(QGIS_CUSTOM_CONFIG_PATH=str(profile), HOME=str(home), PM_OUT=str(out),
               **env_extra)
    command = [xvfb_run, "-a", "-s", "-screen 0 1600x1000x24", qgis, "--noversioncheck",
               "--nologo", *args, "--code", str(DRIVER)]
    # its own session: on a timeout (or this test being killed) Xvfb and QGIS go too
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"QGIS did not finish within {TIMEOUT_S} s:\n{stderr[-4000:]}")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    (out / f"{env_extra['PM_TAG']}_stderr.txt").write_text(stdout + stderr, encoding="utf-8")


def _set_locale(profile: Path, locale: str) -> None:
    ini = profile / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    with ini.open("a", encoding="utf-8") as f:
        f.write(f"\n[locale]\noverrideFlag=true\nuserLocale={locale}\n")


@pytest.fixture(scope="session")
def chongqing_lite_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Chongqing area at full point density, a coarser network, two years."""
    from pollution_map_plugin.synthetic_data import build_database

    path = tmp_path_factory.mktemp("cq") / "chongqing.gpkg"
    build_database(path, "chongqing-lite", seed=1).close()
    return path


# PM_DESKTOP_LANGS=en runs one language (while working on the suite)
LANGS = [lang for lang in sorted(LOCALES)
         if lang in os.environ.get("PM_DESKTOP_LANGS", "en,zh").split(",")]


@pytest.fixture(scope="module", params=LANGS)
def desktop_run(request, plugin_zip: Path, tmp_path_factory, gappy_demo_db: Path,
                chongqing_lite_db: Path, artifacts_dir: Path) -> dict:
    """The workflow, then the reopened project, in one interface language."""
    lang = request.param
    root = tmp_path_factory.mktemp(f"desktop-{lang}")
    profile = root / "config"
    env = {**os.environ, "QGIS_CUSTOM_CONFIG_PATH": str(profile)}
    deploy = subprocess.run([sys.executable, "scripts/deploy.py", str(plugin_zip)],
                            capture_output=True, text=True, env=env,
                            cwd=HERE.parents[1])
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    _set_locale(profile, LOCALES[lang])
    out = artifacts_dir / "acceptance"
    out.mkdir(parents=True, exist_ok=True)
    work = root / "work"
    work.mkdir()
    db = work / "demo.gpkg"  # the user's own copy of the database
    shutil.copy(gappy_demo_db, db)
    project = work / "river-chief.qgz"
    dbs = os.pathsep.join([str(db), str(chongqing_lite_db)])
    tag = f"{lang}"
    for stale in out.glob(f"{tag}_*report.json"):  # never read an earlier run's report
        stale.unlink()
    _run_qgis(profile, root, out, {"PM_SCENARIO": "workflow", "PM_DBS": dbs,
                                   "PM_PROJECT": str(project), "PM_TAG": tag}, [])
    report_file = out / f"{tag}_report.json"
    assert report_file.is_file(), (out / f"{tag}_stderr.txt").read_text()[-4000:]
    workflow = json.loads(report_file.read_text(encoding="utf-8"))
    reopen_tag = f"{lang}_reopen"
    _run_qgis(profile, root, out, {"PM_SCENARIO": "reopen", "PM_DBS": str(db),
                                   "PM_PROJECT": str(project), "PM_TAG": reopen_tag},
              ["--project", str(project)])
    reopen_file = out / f"{reopen_tag}_report.json"
    assert reopen_file.is_file(), (out / f"{reopen_tag}_stderr.txt").read_text()[-4000:]
    return {"lang": lang, "workflow": workflow,
            "reopen": json.loads(reopen_file.read_text(encoding="utf-8"))}


def _steps(report: dict) -> dict:
    return {s["step"]: s for s in report["steps"]}


def _no_errors(report: dict) -> None:
    assert not report["errors"], report["errors"]
    assert not report["python_errors"], report["python_errors"]
    assert not report["log_errors"], report["log_errors"]
    assert report.get("finished")


def test_runs_the_installed_plugin_without_errors(desktop_run: dict) -> None:
    for scenario in ("workflow", "reopen"):
        _no_errors(desktop_run[scenario])
    start = _steps(desktop_run["workflow"])["start"]
    assert start["loaded"] and start["dock"], start
    assert "/profiles/default/python/plugins/" in start["plugin_file"], start
    # help points at the guide bundled in the ZIP (offline), not at a web placeholder
    assert start["help_exists"] and start["help_file"].endswith("help/usage.html"), start


def test_canvas_projection_and_scale_after_loading(desktop_run: dict) -> None:
    steps = _steps(desktop_run["workflow"])
    for name in ("demo", "chongqing"):
        canvas = steps[f"load_{name}"]["canvas"]
        # a projected Gauss-Kruger zone, the canvas following the project, a city scale
        assert canvas["crs"].startswith("EPSG:45"), canvas
        assert canvas["crs"] == canvas["project_crs"] and not canvas["geographic"], canvas
        assert 20_000 < canvas["scale"] < 20_000_000, canvas
        lon, lat = canvas["centre_lonlat"]
        assert 104 < lon < 111 and 27 < lat < 33, canvas


def _section_labels(labels: dict) -> int:
    return sum(n for name, n in labels.items()
               if name.startswith(("Section water quality", "断面水质")))


def test_five_maps_show_labels(desktop_run: dict) -> None:
    steps = _steps(desktop_run["workflow"])
    for name in ("demo", "chongqing"):
        for key in MAPS:
            step = steps[f"map_{name}_{key}"]
            assert step["layers"], step
            assert sum(step["labels"].values()) >= 5, (key, step["labels"])
        # zoomed in to a district scale, the sections carry their names and classes
        assert _section_labels(steps[f"zoomed_{name}_sections"]["labels"]) >= 1, \
            steps[f"zoomed_{name}_sections"]
    # the demo city's 40 sections are all named at its full extent
    assert _section_labels(steps["map_demo_sections"]["labels"]) >= 30, \
        steps["map_demo_sections"]["labels"]


def test_map_buttons_speak_the_interface_language(desktop_run: dict) -> None:
    steps = _steps(desktop_run["workflow"])
    text = steps["map_demo_watershed"]["button_text"]
    if desktop_run["lang"] == "zh":
        assert text == "流域水系图"
    else:
        assert text.isascii() and "map" in text.lower(), text


def test_density_option_draws_a_heatmap(desktop_run: dict) -> None:
    step = _steps(desktop_run["workflow"])["density_demo"]
    assert step["heatmap"] == "heatmapRenderer", step


def test_trace_from_a_failing_section(desktop_run: dict) -> None:
    step = _steps(desktop_run["workflow"])["trace_demo"]
    assert step["traced"] == step["section"], step
    assert step["rows"] > 0 and step["bands"] >= 1, step
    types = {step["first_row"][2]}
    assert not types & {"enterprises", "outfalls", "sewage_plants", "livestock_farms"}, step
    # matched to the section's exceeding item: its name in the item choice, shares listed
    # and drawn in the bar (they add up to the modelled load, the uncovered rest included)
    assert step["item"] and step["share_summary"], step
    shares = [s for _g, s in step["bar"]]
    assert shares and 0.99 <= sum(shares) <= 1.01 or 99 <= sum(shares) <= 101, step


def test_summary_atlas_and_timeline(desktop_run: dict) -> None:
    step = _steps(desktop_run["workflow"])["atlas_demo"]
    titles = [title for title, _rows in step["summary"]]
    assert any("ΔG" in t for t in titles), titles  # the method's change words, with figures
    assert len(titles) >= 3, titles
    pdfs = [f for f in step["files"] if f.endswith(".pdf")]
    assert pdfs and "index.html" in step["files"] and "index.csv" in step["files"], step
    assert not [f for f in step["files"] if f.startswith(".")], step  # no temporary left
    assert len(step["temporal"]) == 1, step  # the monthly classes for the Temporal Controller


def test_a_warning_zooms_to_its_section(desktop_run: dict) -> None:
    step = _steps(desktop_run["workflow"])["warning_demo"]
    assert step["warnings"] > 0 and step["section"], step
    lon, lat = step["canvas"]["centre_lonlat"]
    want = step["section_lonlat"]
    assert abs(lon - want[0]) < 0.01 and abs(lat - want[1]) < 0.01, step
    assert 1_000 < step["canvas"]["scale"] < 200_000, step["canvas"]


def test_periods_year_quarter_month_range(desktop_run: dict) -> None:
    periods = _steps(desktop_run["workflow"])["periods_demo"]["periods"]
    assert periods["year"]["assessed"].isdigit()
    assert "-Q" in periods["quarter"]["assessed"], periods
    assert len(periods["month"]["assessed"]) == 7, periods
    assert "/" in periods["range"]["assessed"], periods
    from pollution_map_plugin.core.assessment.periods import parse_period

    for kind, result in periods.items():
        assert result["assessed"] == parse_period(result["chosen"]).label, (kind, result)
        assert result["sections"] > 0, (kind, result)
        assert result["thematic"].get("demo/section_classes", 0) > 0, (kind, result)


def test_map_export_runs_in_the_background_and_keeps_the_project(desktop_run: dict) -> None:
    steps = _steps(desktop_run["workflow"])
    cancelled = steps["cancel_demo"]
    assert cancelled["task"] and not [f for f in cancelled["files"] if not f.startswith(".")], \
        cancelled
    for name in ("demo", "chongqing"):
        step = steps[f"export_{name}"]
        assert len([f for f in step["files"] if f.endswith(".png")]) == 5, step
        assert len([f for f in step["files"] if f.endswith(".pdf")]) == 5, step
        assert not [f for f in step["files"] if f.startswith(".")], step  # no temp left
        assert not step["layer_names_changed"], step
        # the benchmark holds the 0.5 s target on an idle machine (benchmarks/map_export.py);
        # here, with the suite sharing two cores, the window must never freeze for a second
        assert step["worst_stall_s"] < 1.0, step
        assert "index.html" in step["html"], step
    layouts = steps["export_chongqing"]["layouts"]
    atlases = [name for name in layouts if name.startswith("一河一策图册")]
    assert len(layouts) - len(atlases) == 10 and len(atlases) == 1, layouts  # 5 per database


def test_saved_project_reopens_as_saved(desktop_run: dict) -> None:
    saved = _steps(desktop_run["workflow"])["save"]
    assert saved["ok"], saved
    reopened = _steps(desktop_run["reopen"])["reopen"]
    assert reopened["bound"], reopened
    # every database's maps come back with the features they were saved with
    assert reopened["thematic"] == saved["thematic"], (saved["thematic"], reopened["thematic"])
    for key in ("demo/section_classes", "demo/problem_reaches", "chongqing/section_changes"):
        assert reopened["thematic"].get(key, 0) > 0, reopened["thematic"]
    assert sorted(reopened["layouts"]) == sorted(saved["layouts"]), reopened
    assert reopened["canvas"]["crs"].startswith("EPSG:45"), reopened["canvas"]
    groups = reopened["groups_after_reload"]
    assert len(groups) == len(set(groups)) and not any(g.endswith("(2)") for g in groups), \
        groups


def test_unload_reload_leaves_nothing_behind(desktop_run: dict) -> None:
    step = _steps(desktop_run["workflow"])["unload_cycles"]
    assert step["reloaded"], step
    left = step["leftovers"]
    assert not left["actions"] and not left["docks"] and not left["menus"], left
    assert not left["map_tool"] and left["rubber_bands"] == 0, left
