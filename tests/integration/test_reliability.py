"""A short run of scripts/reliability.py (kills and, as root, a full tmpfs), and proof
that its checks catch what they are meant to catch."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rel():
    spec = importlib.util.spec_from_file_location("reliability",
                                                  REPO / "scripts" / "reliability.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["reliability"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("reliability", None)


@pytest.mark.slow
def test_a_short_reliability_run_loses_nothing(rel, tmp_path):
    out = tmp_path / "figures.json"
    assert rel.main(["--runs", "9", "--disk-runs", "6", "--seed", "3", "--json", str(out)]) == 0
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["data_lost"] == 0 and figures["errors_misreported"] == 0
    assert figures["problems"] == []
    assert figures["runs"] == 15 if os.geteuid() == 0 else 9
    assert figures["faults_injected"] >= 3
    assert figures["disk_tested"] is (os.geteuid() == 0)


def test_the_html_check_catches_partial_sets(rel, tmp_path):
    page = "<!DOCTYPE html><html><body></body></html>"
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    assert rel.check_html(tmp_path) == ("no index", None)
    (tmp_path / "index.html").write_text(page.replace("<body>", '<body><a href="a.html">'
                                                      '</a><a href="b.html"></a>'))
    assert rel.check_html(tmp_path)[1] == "index links to missing b.html"
    (tmp_path / "b.html").write_text(page[:20], encoding="utf-8")  # truncated
    assert rel.check_html(tmp_path)[1] == "truncated page b.html"
    (tmp_path / "b.html").write_text(page, encoding="utf-8")
    assert rel.check_html(tmp_path) == ("complete set", None)


def test_the_database_check_catches_loss_and_damage(rel, tmp_path, demo_db_path):
    db = tmp_path / "db.gpkg"
    shutil.copy(demo_db_path, db)
    before, expected = rel.digest(db), rel.counts(db)
    assert rel.check_db(db, before, expected) == ("identical", None)
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM measurements WHERE fid % 2 = 0")  # half an import, say
    conn.commit()
    conn.close()
    assert rel.check_db(db, before, expected)[0] == "lost"
    db.unlink()
    assert rel.check_db(db, before, expected) == ("lost", "database gone")
    assert rel.check_db(db, None, expected) == ("absent", None)


def test_the_full_disk_check_rejects_a_misleading_error(rel):
    assert rel.space_error(1, "error: cannot rollback - no transaction is active")
    assert rel.space_error(1, "error: something else")
    assert rel.space_error(1, "error: writing x: database or disk is full") is None
    assert rel.space_error(0, "") is None
