#!/usr/bin/env python3
"""The main job (``make demo``): the plugin's whole job on the embedded demo database.

Builds and installs the plugin, loads it in headless QGIS the way QGIS does, then
through its Processing algorithms: builds the synthetic demo database, assesses
it by GB 3838-2002, raises warnings, traces the worst section upstream, renders
the five thematic maps (PNG and PDF) and exports the river-chief HTML reports,
the overview and the index — and lists every file it wrote.

Runs a list of steps (:data:`STEPS`), printing what each did; output goes to
``demo-output/``.  To extend the demo, write ``def step_x(ctx: DemoContext) -> None``
and add it to :data:`STEPS` before ``step_unload_plugin`` (the plugin is loaded in
a headless QGIS from step "load" on, with ``ctx.iface``, ``ctx.plugin`` at hand).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "pollution_map_plugin"
ABOUT = "pollutionmap:about"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _script(name: str):
    """Import ``scripts/<name>.py`` (package, deploy) as a module."""
    spec = importlib.util.spec_from_file_location(f"_pm_{name}", REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class DemoContext:
    """State handed from step to step."""

    out: Path
    zip_path: Path | None = None
    profile_root: Path | None = None
    plugins_dir: Path | None = None
    app: Any = None
    iface: Any = None
    plugin: Any = None
    results: dict[str, Any] = field(default_factory=dict)


def say(text: str) -> None:
    print(f"   {text}", flush=True)


# Steps ----------------------------------------------------------------------------
def step_package(ctx: DemoContext) -> None:
    """Build dist/pollution_map_plugin-<version>.zip (as `make package`)."""
    ctx.zip_path = _script("package").build(REPO / "dist")
    say(f"built {ctx.zip_path.relative_to(REPO)}")


def step_install(ctx: DemoContext) -> None:
    """Install the ZIP into a QGIS profile under demo-output/ (as `make deploy`)."""
    ctx.profile_root = ctx.out / "qgis-config"
    if ctx.profile_root.exists():
        shutil.rmtree(ctx.profile_root)
    target = _script("deploy").install(ctx.zip_path, ctx.profile_root / "profiles" / "default")
    ctx.plugins_dir = target.parent
    say(f"installed into {target.relative_to(REPO)} and enabled it in QGIS3.ini")


def find_qgis_process() -> str:
    """Debian 12's qgis_process wrapper is broken (passes --noversioncheck): use .bin."""
    for name in ("qgis_process", "qgis_process.bin"):
        exe = shutil.which(name)
        if exe is None:
            continue
        run = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=120)
        out = run.stdout + run.stderr
        if run.returncode == 0 and "QGIS" in out and "not known" not in out:
            return exe
    raise RuntimeError("no working qgis_process found (install Debian's qgis package)")


def step_qgis_process(ctx: DemoContext) -> None:
    """Run the plugin's about algorithm through qgis_process with that profile."""
    exe = find_qgis_process()
    env = {**os.environ, "QGIS_CUSTOM_CONFIG_PATH": str(ctx.profile_root)}
    run = subprocess.run([exe, "--json", "run", ABOUT], capture_output=True, text=True,
                         env=env, timeout=300)
    if run.returncode != 0:
        raise RuntimeError(f"qgis_process failed:\n{run.stdout}\n{run.stderr}")
    results = json.loads(run.stdout[run.stdout.find("{"):])["results"]
    say(f"{Path(exe).name} run {ABOUT}: plugin {results['VERSION']}, "
        f"QGIS {results['QGIS_VERSION']}")


def step_start_qgis(ctx: DemoContext) -> None:
    """Start a headless QGIS application with Processing and a minimal iface."""
    os.environ["QGIS_CUSTOM_CONFIG_PATH"] = str(ctx.profile_root)
    from qgis.core import Qgis, QgsApplication

    ctx.app = QgsApplication([], True)
    ctx.app.initQgis()
    sys.path.append(os.path.join(QgsApplication.pkgDataPath(), "python", "plugins"))
    from processing.core.Processing import Processing

    Processing.initialize()
    from headless_iface import HeadlessInterface
    from qgis import utils

    ctx.iface = HeadlessInterface()
    utils.iface = ctx.iface
    say(f"QGIS {Qgis.version()} ({os.environ['QT_QPA_PLATFORM']}), Processing initialised")


def step_load_plugin(ctx: DemoContext) -> None:
    """Load the installed plugin the way QGIS does (qgis.utils) and list what it adds."""
    from qgis import utils
    from qgis.core import QgsApplication

    sys.path.insert(0, str(ctx.plugins_dir))
    utils.plugin_paths[:] = [str(ctx.plugins_dir)]
    utils.updateAvailablePlugins()
    if not (utils.loadPlugin(PACKAGE) and utils.startPlugin(PACKAGE)):
        raise RuntimeError("QGIS could not load the plugin (see the messages above)")
    ctx.plugin = utils.plugins[PACKAGE]
    say(f"loaded from {Path(sys.modules[PACKAGE].__file__).parent}")
    window = ctx.iface.mainWindow()
    say(f"menu: {ctx.plugin.menu.title()}")
    say(f"toolbar {ctx.plugin.toolbar.objectName()}: "
        f"{[a.text() for a in ctx.plugin.toolbar.actions()]}")
    for action in ctx.plugin.actions:
        say(f"action {action.objectName()}: {action.text()}")
    dock = ctx.plugin.dock
    say(f"dock: {dock.objectName() if dock else 'unavailable'}")
    provider = QgsApplication.processingRegistry().providerById("pollutionmap")
    say(f"provider {provider.id()} ({provider.longName()}): "
        f"{len(provider.algorithms())} algorithm(s)")
    for alg in provider.algorithms():
        say(f"  {alg.id()}: {alg.displayName()}")
    window.show()
    QgsApplication.processEvents()
    shot = ctx.out / "plugin-window.png"
    window.grab().save(str(shot))
    say(f"screenshot of the headless main window: {shot.relative_to(REPO)}")


def step_about(ctx: DemoContext) -> None:
    """Run the about algorithm through processing.run."""
    import processing

    results = processing.run(ABOUT, {})
    ctx.results["about"] = results
    deps = json.loads(results["DEPENDENCIES"])
    say(f"processing.run({ABOUT!r}): plugin {results['VERSION']}, "
        f"Python {results['PYTHON_VERSION']}")
    say("dependencies: " + ", ".join(f"{k} {v or 'MISSING'}" for k, v in sorted(deps.items())))


def step_demo_database(ctx: DemoContext) -> None:
    """Build the embedded demo database (synthetic) through Processing."""
    import processing

    target = ctx.out / "demo.gpkg"
    target.unlink(missing_ok=True)
    processing.run("pollutionmap:build_demo_database",
                   {"SCALE": 0, "SEED": 1, "OUTPUT": str(target)})
    ctx.results["db"] = target
    from pollution_map_plugin.core.db import open_database

    with open_database(str(target)) as db:
        notice = db.metadata().get("notice_en") or db.metadata().get("notice", "")
        counts = {t: len(db.read_table(t)) for t in ("sections", "measurements")}
    say(f"{target.relative_to(REPO)}: {counts['sections']} sections, "
        f"{counts['measurements']:,} measurements")
    say(f"note: {notice}")


def step_assess(ctx: DemoContext) -> None:
    """Assess every section for the latest year (GB 3838-2002, single factor)."""
    from pollution_map_plugin.core.assessment import assess_database, assess_groups
    from pollution_map_plugin.core.db import open_database

    with open_database(str(ctx.results["db"])) as db:
        result = assess_database(db)
    sections = result.sections
    ctx.results["assessment"] = sections
    counts = sections["roman"].value_counts()
    say(f"period {result.period.label}: " + ", ".join(
        f"{k} {counts[k]}" for k in ("I", "II", "III", "IV", "V", "劣V") if k in counts))
    failing = sections[sections["meets_target"] == False]  # noqa: E712 - nullable boolean
    say(f"{len(failing)} of {len(sections)} sections miss their target:")
    for row in failing.sort_values("water_class", ascending=False).head(8).itertuples():
        say(f"  {row.section_code} {row.name}: {row.roman} (target {row.target_roman}) "
            f"{row.main_pollutants or ''}")
    rivers = assess_groups(result, by="river")
    for row in rivers.head(8).itertuples():
        say(f"  river {row.group}: {row.label_zh}, "
            f"{row.share_meeting_target:.0%} of sections meet target")


def step_warnings(ctx: DemoContext) -> None:
    """Raise exceedance, critical and sudden-change warnings from the latest samples."""
    import processing

    out = ctx.out / "warnings.gpkg"
    out.unlink(missing_ok=True)
    processing.run("pollutionmap:warnings", {"DATABASE": str(ctx.results["db"]),
                                             "OUTPUT": str(out)})
    from pollution_map_plugin.core.assessment import warnings_database
    from pollution_map_plugin.core.db import open_database

    with open_database(str(ctx.results["db"])) as db:
        found = warnings_database(db)
    say(f"{len(found)} warnings ({found['kind'].value_counts().to_dict()}); layer: "
        f"{out.relative_to(REPO)}")
    for row in found.head(5).itertuples():
        say(f"  {row.message_en}")


def step_trace(ctx: DemoContext) -> None:
    """Trace the worst failing section upstream to the sources that may cause it."""
    from pollution_map_plugin.core.db import open_database
    from pollution_map_plugin.core.network import trace_section

    sections = ctx.results["assessment"]
    failing = sections[sections["meets_target"] == False]  # noqa: E712
    if failing.empty:
        say("no section misses its target: nothing to trace")
        return
    worst = failing.sort_values("water_class", ascending=False).iloc[0]
    with open_database(str(ctx.results["db"])) as db:
        result = trace_section(db, worst["section_code"], mode="UT", distance_km=50)
    path = ctx.out / f"trace-{worst['section_code']}.json"
    path.write_text(result.to_json(indent=1), encoding="utf-8")
    say(f"{worst['section_code']} {worst['name']} ({worst['roman']}): "
        f"{len(result.reaches)} upstream reaches, {len(result.sources)} candidate sources "
        f"within 50 km → {path.relative_to(REPO)}")
    for row in result.sources.head(5).itertuples():
        say(f"  #{row.rank} {row.layer} {row.code} {row.name}: {row.distance_km:.1f} km, "
            f"score {row.score:.2f}")


def step_render_maps(ctx: DemoContext) -> None:
    """Render the five thematic maps to PNG and PDF through Processing (print layouts)."""
    import processing

    out = ctx.out / "maps"
    result = processing.run("pollutionmap:render_maps",
                            {"DATABASE": str(ctx.results["db"]), "OUTPUT": str(out)})
    files = [Path(f) for f in result["FILES"].split(";") if f]
    ctx.results.setdefault("files", []).extend(files)
    say(f"{len(files)} files in {out.relative_to(REPO)}")


def step_export_html(ctx: DemoContext) -> None:
    """Export the river-chief HTML reports, the overview and the index (offline)."""
    import processing

    out = ctx.out / "html"
    result = processing.run("pollutionmap:export_html",
                            {"DATABASE": str(ctx.results["db"]), "OUTPUT": str(out),
                             "OFFLINE": True})
    files = sorted(out.glob("*.html"))
    ctx.results.setdefault("files", []).extend(files)
    say(f"{len(files)} pages in {out.relative_to(REPO)}; open {result['INDEX']}")


def step_list_files(ctx: DemoContext) -> None:
    """List what the main job wrote."""
    for path in ctx.results.get("files", []):
        path = Path(path)
        say(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path} "
            f"({path.stat().st_size / 1024:,.0f} KiB)")


def step_unload_plugin(ctx: DemoContext) -> None:
    """Unload the plugin and check that it left nothing behind."""
    from qgis import utils
    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import QCoreApplication, QEvent

    if not utils.unloadPlugin(PACKAGE):
        raise RuntimeError("QGIS could not unload the plugin")
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    left = [w.objectName() for w in ctx.iface.mainWindow().findChildren(object)
            if w.objectName().startswith("PollutionMap")]
    if left or QgsApplication.processingRegistry().providerById("pollutionmap"):
        raise RuntimeError(f"unload left objects behind: {left}")
    say("unloaded: no actions, toolbar, menu, dock or provider left")


def stop_qgis(ctx: DemoContext) -> None:
    """Close QGIS in order: widgets first, then the application (else Qt crashes at exit)."""
    if ctx.app is None:
        return
    from qgis import utils
    from qgis.core import QgsProject
    from qgis.PyQt import sip

    QgsProject.instance().clear()
    if ctx.iface is not None:
        utils.iface = None
        sip.delete(ctx.iface.mainWindow())
        ctx.iface = None
    ctx.plugin = None
    ctx.app.processEvents()
    ctx.app.exitQgis()


Step = Callable[[DemoContext], None]
# Add new steps before step_unload_plugin.
STEPS: list[Step] = [
    step_package,
    step_install,
    step_qgis_process,
    step_start_qgis,
    step_load_plugin,
    step_about,
    step_demo_database,
    step_assess,
    step_warnings,
    step_trace,
    step_render_maps,
    step_export_html,
    step_unload_plugin,
    step_list_files,
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "demo-output",
                        help="output folder (default: demo-output/)")
    args = parser.parse_args(argv)
    ctx = DemoContext(out=args.out.resolve())
    ctx.out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    status = 0
    for number, step in enumerate(STEPS, 1):
        print(f"== [{number}/{len(STEPS)}] {step.__doc__.splitlines()[0]}", flush=True)
        started = time.monotonic()
        try:
            step(ctx)
        except Exception:  # noqa: BLE001 - report which step failed, then stop
            traceback.print_exc()
            print(f"demo: step {step.__name__} FAILED", file=sys.stderr)
            status = 1
            break
        say(f"({time.monotonic() - started:.1f} s)")
    stop_qgis(ctx)
    print("demo: done" if status == 0 else "demo: failed")
    return status


if __name__ == "__main__":
    sys.exit(main())
