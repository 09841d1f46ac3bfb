"""Many users at once (issue 17 pt 4): ten client processes reading, assessing and
importing into one PostGIS database — no lost update, no deadlock left unresolved, and a
clear "busy" message where a lock waits too long."""

from __future__ import annotations

import multiprocessing as mp
import time
import traceback

import pandas as pd
import psycopg2
import pytest

from pollution_map_plugin.core.db import DatabaseError, open_database
from pollution_map_plugin.core.db import postgis_store as store
from tests.fixtures.postgis import demo_schema

SECTIONS = ("S0001", "S0002", "S0003", "S0004")
HOURS = (0, 4, 8, 12, 16, 20)


def _readings(worker: int) -> pd.DataFrame:
    """Worker ``worker``'s readings: the same three days, its own hours (minutes =
    worker), so every worker adds readings to every day."""
    rows = [(s, f"2026-01-0{d} {h:02d}:{worker:02d}", "NH3N", 0.1 * worker + d + h / 100,
             False, None) for s in SECTIONS for d in (1, 2, 3) for h in HOURS]
    return pd.DataFrame(rows, columns=["section_code", "read_at", "parameter", "value",
                                       "below_detection", "detection_limit"])


def _client(kind: str, worker: int, target: str, out, barrier) -> None:
    from pollution_map_plugin.core.assessment.service import AssessmentRequest, run_assessment

    try:
        started = time.monotonic()
        with open_database(target) as db:
            if kind == "import":
                readings = _readings(worker)
                days = readings["read_at"].str[:10]
                barrier.wait(timeout=120)  # the importers start together
                for _ in range(2):  # the second run must be a no-op
                    for day in sorted(days.unique()):  # a transaction per day: many overlaps
                        store.import_readings(db, readings.loc[days == day], lock_wait_s=60)
            elif kind == "assess":
                bundle = run_assessment(db, AssessmentRequest(period="2025", history="month"))
                assert bundle.sections["water_class"].notna().any()
            else:  # an editor: upserts of its own rows and of shared ones
                for i in range(5):
                    db.write("problems", pd.DataFrame({
                        "code": [f"P{worker}-{i}", "P-shared"], "river_code": ["R", "R"],
                        "description": [f"w{worker}", f"w{worker} {i}"]}), mode="upsert")
        out.put((kind, worker, "ok", time.monotonic() - started))
    except BaseException:  # noqa: BLE001 - reported to the parent
        out.put((kind, worker, traceback.format_exc(), 0.0))


@pytest.fixture(scope="module")
def shared_demo(postgis_dsn, postgis_server, demo_dataset):
    with demo_schema(postgis_dsn, postgis_server, demo_dataset, "c_") as target:
        yield target


def test_ten_clients_at_once(shared_demo):
    kinds = ["import"] * 4 + ["assess"] * 4 + ["edit"] * 2
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    barrier = ctx.Barrier(kinds.count("import"))
    procs = [ctx.Process(target=_client, args=(k, i + 1, shared_demo, out, barrier))
             for i, k in enumerate(kinds)]
    for p in procs:
        p.start()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    failed = [r for r in results if r[2] != "ok"]
    assert not failed, failed[0][2]
    with open_database(shared_demo) as db:
        m = db.read_table("measurements", dates=("2026-01-01", "2026-01-04"))
        m = m.loc[m["parameter"] == "NH3N"].set_index(["section_code", "sampled_on"])
        readings = pd.concat([_readings(i + 1) for i, k in enumerate(kinds) if k == "import"])
        readings["day"] = pd.to_datetime(readings["read_at"]).dt.normalize()
        expected = readings.groupby(["section_code", "day"])["value"].mean()
        # no lost update: every day's mean is over every worker's readings
        assert len(m) == len(expected) == len(SECTIONS) * 3
        for key, value in expected.items():
            assert m.loc[key, "value"] == pytest.approx(value, rel=1e-12), key
        problems = db.read_table("problems", ["code"])
        assert set(problems["code"]) >= {f"P{w}-{i}" for w in (9, 10) for i in range(5)}
        assert store.readings_count(db) == len(readings)


def test_a_long_lock_wait_says_busy(shared_demo):
    with open_database(shared_demo) as db:
        store.ensure_readings_table(db)
        schema_name = db.schema
    holder = psycopg2.connect(shared_demo.split("&schema=")[0])
    try:
        with holder.cursor() as cur:
            cur.execute(f'LOCK TABLE "{schema_name}".auto_readings IN EXCLUSIVE MODE')
            with open_database(shared_demo) as db:
                before = store.readings_count(db)
                started = time.monotonic()
                with pytest.raises(DatabaseError, match="busy: another import") as caught:
                    store.import_readings(db, _readings(42), lock_wait_s=1)
                assert time.monotonic() - started < 10
                assert "nothing was imported" in str(caught.value)
                assert "pm-Secret" not in str(caught.value)
                holder.rollback()
                assert store.readings_count(db) == before
    finally:
        holder.close()
