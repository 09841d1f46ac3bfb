"""Encodings scanned in blocks (big files), plausibility of a GBK/GB18030 guess, Big5."""

from __future__ import annotations

from pathlib import Path

import pytest

from pollution_map_plugin.core.importer import text_encoding as encoding
from pollution_map_plugin.core.importer.text_encoding import (
    EncodingError,
    common_share,
    decode_bytes,
    detect_file,
    iter_lines,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "import"
TEXT_FILES = sorted(p.name for p in CORPUS.glob("*.csv") if p.name not in
                    ("fatal_binary.csv", "enterprises_big5.csv"))


@pytest.mark.parametrize("name", TEXT_FILES)
def test_block_scan_agrees_with_whole_file_decoding(name: str, monkeypatch) -> None:
    monkeypatch.setattr(encoding, "BLOCK_BYTES", 97)  # many blocks, cut at line ends
    path = CORPUS / name
    whole = decode_bytes(path.read_bytes())
    found = detect_file(path)
    assert found.encoding == whole.encoding
    assert found.bad_lines == whole.bad_lines
    assert "".join(iter_lines(path, found)).replace("\r\n", "\n") == \
        whole.text.replace("\r\n", "\n")


def test_big5_is_refused_when_guessed_and_read_when_given() -> None:
    path = CORPUS / "enterprises_big5.csv"
    with pytest.raises(EncodingError, match="give --encoding") as info:
        detect_file(path)
    assert "big5" in str(info.value)
    assert "gb18030" in str(info.value)  # what the guess was
    found = detect_file(path, "big5")
    assert found.encoding == "big5"
    assert "臺灣範例電鍍廠" in "".join(iter_lines(path, found))
    # an encoding the user names is the user's decision, mojibake or not
    assert detect_file(path, "gb18030").encoding == "gb18030"


def test_common_share_tells_text_from_mojibake() -> None:
    text = "示范化工有限公司,化学原料,渝北区,样例造纸厂"
    assert common_share(text)[0] == 1.0
    share, counted = common_share("企業名稱,統一社會信用代碼".encode("big5").decode("gb18030"))
    assert counted >= 8 and share < encoding.MIN_COMMON_SHARE


def test_unknown_encoding_names_the_choices() -> None:
    with pytest.raises(ValueError, match="big5"):
        encoding.normalize_encoding("latin-9")
