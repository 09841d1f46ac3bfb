"""No command writes over its inputs, the database or the database's sidecar files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pollution_map_plugin.cli.main import main
from pollution_map_plugin.core.output_paths import (
    OutputPathError,
    check_output,
    check_output_dir,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"


@pytest.fixture
def db(tmp_path, demo_db_path) -> Path:
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_db_path, path)
    return path


@pytest.fixture
def source(tmp_path) -> Path:
    path = tmp_path / "outfalls.csv"
    shutil.copy(CORPUS / "outfalls_gcj02.csv", path)
    return path


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_the_database_and_its_sidecars_are_refused(db, suffix):
    with pytest.raises(OutputPathError, match="the database|a file of the database"):
        check_output(str(db) + suffix, database=db)
    with pytest.raises(OutputPathError):
        check_output_dir(str(db) + suffix, database=str(db))


def test_links_and_relative_spellings_are_seen_through(db, source, tmp_path, monkeypatch):
    link = tmp_path / "link.gpkg"
    link.symlink_to(db)
    hard = tmp_path / "hard.csv"
    os.link(source, hard)
    monkeypatch.chdir(tmp_path)
    for path, kw in [(link, {"database": db}), ("./sub/../demo.gpkg", {"database": db}),
                     (hard, {"inputs": [source]}), ("outfalls.csv", {"inputs": [source]})]:
        with pytest.raises(OutputPathError):
            check_output(path, **kw)
    assert check_output(tmp_path / "ok.csv", database=db, inputs=[source]) == \
        tmp_path / "ok.csv"
    assert check_output(None, database=db) is None
    assert check_output(tmp_path / "x.csv", database="postgresql://u@h/db") is not None
    (tmp_path / "water").mkdir()  # a saved connection named like a folder is no file
    assert check_output_dir(tmp_path / "water", database="water") == tmp_path / "water"


def test_a_folder_for_a_file_and_a_file_for_a_folder_are_refused(db, tmp_path):
    with pytest.raises(OutputPathError, match="is a folder"):
        check_output(tmp_path)
    (tmp_path / "other.txt").write_text("")
    with pytest.raises(OutputPathError, match="is a file"):
        check_output_dir(tmp_path / "other.txt")


def test_import_rejects_onto_the_database_or_the_input_is_refused(db, source, capsys):
    before_db, before_src = db.read_bytes(), source.read_bytes()
    for target in (db, Path(str(db) + "-journal"), source):
        code = main(["import", str(db), str(source), "--layer", "outfalls", "--crs", "gcj02",
                     "--rejects", str(target)])
        assert code == 1
        assert "refusing to write the rejects file" in capsys.readouterr().err
    assert db.read_bytes() == before_db and source.read_bytes() == before_src
    assert not Path(str(db) + "-journal").exists()


@pytest.mark.parametrize("argv", [
    ["assess", "{db}", "--format", "csv", "--out", "{db}"],
    ["warnings", "{db}", "--format", "json", "--out", "{db}-wal"],
    ["trace", "{db}", "--section", "S0001", "--format", "gpkg", "--out", "{db}"],
    ["export-html", "{db}", "--out", "{db}", "--quiet"],
    ["render-maps", "{db}", "--out", "{db}"],
])
def test_outputs_onto_the_database_are_refused(db, argv, capsys):
    before = db.read_bytes()
    assert main([a.replace("{db}", str(db)) for a in argv]) == 1
    assert "refusing" in capsys.readouterr().err
    assert db.read_bytes() == before and not Path(str(db) + "-wal").exists()


def test_outputs_are_replaced_whole(db, tmp_path):
    """``--out`` files appear complete or not at all: no half-written file, no leftover."""
    import geopandas as gpd

    layers = tmp_path / "trace.gpkg"
    layers.write_bytes(b"an older output")
    assert main(["trace", str(db), "--section", "S0001", "--format", "gpkg",
                 "--out", str(layers)]) == 0
    assert len(gpd.read_file(layers, layer="reaches")) > 0
    table = tmp_path / "assess.csv"
    for _ in range(2):
        assert main(["assess", str(db), "--format", "csv", "--out", str(table)]) == 0
    assert table.read_text(encoding="utf-8-sig").startswith("section_code")
    assert not [p.name for p in tmp_path.iterdir() if ".partial" in p.name]
