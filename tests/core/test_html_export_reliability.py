"""The HTML export never presents a partial set as complete: atomic pages, the index
last (listing what is missing), names cut by bytes, the database never overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pollution_map_plugin.core.atomic_files import PARTIAL, write_text_atomic
from pollution_map_plugin.core.db import open_database
from pollution_map_plugin.core.html import (
    ExportCancelled,
    ExportContext,
    export_all,
    report_filename,
    safe_filename,
)
from pollution_map_plugin.core.output_paths import OutputPathError


@pytest.fixture(scope="module")
def ctx(demo_db_path):
    with open_database(demo_db_path) as db:
        yield ExportContext(db)


def report_name(ctx: ExportContext, code: str) -> str:
    river = ctx.layers["rivers"].set_index("code").loc[code]
    return report_filename(code, river["name"])


def test_a_failing_page_is_listed_in_the_index_and_the_rest_is_written(ctx, tmp_path, capsys):
    codes = ctx.river_codes()
    bad = report_name(ctx, codes[1])
    (tmp_path / bad).mkdir()  # cannot become a file: the page fails for real
    (tmp_path / bad / "keep").write_text("x")
    result = export_all(ctx, tmp_path)
    assert not result.complete and list(result.failed) == [bad]
    assert set(result.reports) == set(codes) - {codes[1]}
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "1 个页面未能生成" in index and bad in index and f'href="{bad}' not in index
    assert all(p.read_text(encoding="utf-8").rstrip().endswith("</html>")
               for p in result.reports.values())
    assert not [p for p in tmp_path.iterdir() if PARTIAL in p.name]


def test_the_cli_exits_non_zero_when_pages_are_missing(demo_db_path, ctx, tmp_path, capsys):
    from pollution_map_plugin.cli.main import main

    bad = report_name(ctx, ctx.river_codes()[0])
    (tmp_path / bad).mkdir()
    (tmp_path / bad / "keep").write_text("x")
    assert main(["export-html", str(demo_db_path), "--out", str(tmp_path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"{bad} was not written" in err and "incomplete" in err


def test_an_interrupted_export_leaves_no_index(ctx, tmp_path):
    export_all(ctx, tmp_path)
    assert (tmp_path / "index.html").exists()
    calls = []
    with pytest.raises(ExportCancelled):
        export_all(ctx, tmp_path, cancel=lambda: calls.append(1) or len(calls) > 3)
    # the earlier index would present a half-replaced set as complete
    assert not (tmp_path / "index.html").exists()


def test_pages_are_replaced_atomically(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("old", encoding="utf-8")

    class Unencodable(str):
        def encode(self, *args, **kwargs):
            raise KeyboardInterrupt  # interrupted before the new content is complete

    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(page, Unencodable("new"))
    assert page.read_text(encoding="utf-8") == "old"
    write_text_atomic(page, "新")
    assert page.read_text(encoding="utf-8") == "新" and sorted(tmp_path.iterdir()) == [page]


def test_names_are_cut_by_bytes_not_characters():
    name = safe_filename("R00001_" + "𠀀" * 100)  # 4-byte characters
    assert len(name.encode("utf-8")) <= 180 and name.endswith(".html")
    assert name.startswith("R00001_𠀀") and "\ufffd" not in name
    assert len(safe_filename("R1_" + "é" * 300).encode("utf-8")) <= 180


def test_a_river_named_in_four_byte_characters_is_exported(demo_db_path, tmp_path):
    path = tmp_path / "db.gpkg"
    shutil.copy(demo_db_path, path)
    with open_database(path) as db:
        code = ExportContext(db).river_codes()[0]
        db.write("rivers", pd.DataFrame({"code": [code], "name": ["𠀀𠀁𠀂" * 40]}),
                 mode="upsert")
        result = export_all(db, tmp_path / "html")
    assert result.complete and code in result.reports
    written = result.reports[code]
    assert written.is_file() and len(written.name.encode("utf-8")) <= 180


def test_the_export_never_writes_over_the_database(demo_db_path, tmp_path):
    from pollution_map_plugin.cli.main import main

    path = tmp_path / "db.gpkg"
    shutil.copy(demo_db_path, path)
    before = path.read_bytes()
    with open_database(path) as db, pytest.raises(OutputPathError, match="the database"):
        export_all(db, path)
    assert main(["export-html", str(path), "--out", str(path), "--quiet"]) == 1
    assert main(["export-html", str(path), "--out", str(path) + "-wal", "--quiet"]) == 1
    assert path.read_bytes() == before and not Path(str(path) + "-wal").exists()
