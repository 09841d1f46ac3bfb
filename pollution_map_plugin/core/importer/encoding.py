"""Text encodings of CSV files exported from Chinese Excel and databases.

Detection order (``encoding="auto"``):

1. a byte-order mark: UTF-8 (``utf-8-sig``) or UTF-16;
2. strict UTF-8 (a GBK file is practically never valid UTF-8);
3. strict GBK, then strict GB18030 (a superset of GBK: 4-byte sequences, rare characters).

A file where at least 90 % of the lines with non-ASCII bytes are UTF-8 is UTF-8
with a few corrupt lines (checked before GBK, which would accept many stray bytes as
mojibake).  Otherwise, if no encoding decodes the whole file, the candidate with the
fewest undecodable lines wins, provided at most ``MAX_BAD_SHARE`` of the lines, and not
the first (header) line, are bad; those lines are
decoded with replacement characters and reported so that the rows containing them are
rejected (nothing is silently mangled).  Otherwise the file is refused.  Splitting on
``\\n`` is safe for all three encodings: no multi-byte sequence contains byte 0x0A.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

CANDIDATES = ("utf-8", "gbk", "gb18030")
MAX_BAD_SHARE = 0.1
_ALIASES = {
    "auto": "auto", "": "auto",
    "utf8": "utf-8", "utf-8": "utf-8", "utf_8": "utf-8", "utf-8-sig": "utf-8", "utf8-sig": "utf-8",
    "gbk": "gbk", "cp936": "gbk", "gb2312": "gbk",
    "gb18030": "gb18030", "gb-18030": "gb18030",
    "utf-16": "utf-16", "utf16": "utf-16",
}


class EncodingError(ValueError):
    """The file cannot be decoded with the requested or any candidate encoding."""


@dataclass
class Decoded:
    """Decoded text, the encoding used and the 1-based lines that were not decodable."""

    text: str
    encoding: str
    bad_lines: frozenset[int] = field(default_factory=frozenset)


def normalize_encoding(name: str | None) -> str:
    """``auto``, ``utf-8``, ``gbk``, ``gb18030`` or ``utf-16``; ValueError otherwise."""
    key = (name or "auto").strip().lower()
    if key not in _ALIASES:
        raise ValueError(f"unknown encoding {name!r}; use auto, utf-8, gbk or gb18030")
    return _ALIASES[key]


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _by_lines(data: bytes, encoding: str) -> tuple[str, frozenset[int]]:
    """Decode line by line; lines that fail are decoded with U+FFFD and reported."""
    parts: list[str] = []
    bad: set[int] = set()
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            parts.append(line.decode(encoding))
        except UnicodeDecodeError:
            parts.append(line.decode(encoding, errors="replace"))
            bad.add(number)
    return "\n".join(parts), frozenset(bad)


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: many NUL bytes on one parity."""
    sample = data[:4000]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    odd_nuls = sample[1::2].count(0)
    even_nuls = sample[0::2].count(0)
    return "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"


def decode_bytes(data: bytes, encoding: str | None = "auto") -> Decoded:
    """Decode ``data``; see the module docstring for the order and the fallback."""
    wanted = normalize_encoding(encoding)
    if data.startswith(codecs.BOM_UTF8) and wanted in ("auto", "utf-8"):
        body = data[len(codecs.BOM_UTF8):]
        text = _strict(body, "utf-8")
        if text is not None:
            return Decoded(text, "utf-8-sig")
        text, bad = _by_lines(body, "utf-8")
        return _checked(Decoded(text, "utf-8-sig", bad))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and wanted in ("auto", "utf-16"):
        text = _strict(data, "utf-16")
        if text is None:
            raise EncodingError("the file starts with a UTF-16 byte-order mark but is not UTF-16")
        return Decoded(text, "utf-16")
    if wanted == "utf-16":
        raise EncodingError("UTF-16 files must start with a byte-order mark")
    if wanted == "auto":
        guessed = _guess_utf16(data)
        if guessed:
            text = _strict(data, guessed)
            if text is not None:
                return Decoded(text, guessed)
        candidates = CANDIDATES
    elif wanted == "gbk":
        candidates = ("gbk", "gb18030")  # GB18030 extends GBK; "GBK" usually means either
    else:
        candidates = (wanted,)
    if candidates[0] == "utf-8":
        text = _strict(data, "utf-8")
        if text is not None:
            return Decoded(text, "utf-8")
        mostly = _mostly_utf8(data)
        if mostly is not None:
            return _checked(mostly)
    for name in candidates:
        text = _strict(data, name)
        if text is not None:
            return Decoded(text, name)
    best: Decoded | None = None
    for name in candidates:
        text, bad = _by_lines(data, name)
        if best is None or len(bad) < len(best.bad_lines):
            best = Decoded(text, name, bad)
    assert best is not None
    return _checked(best)


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few corrupt lines: at least 90 % of the non-ASCII lines are UTF-8.

    Checked before GBK because a stray byte in a UTF-8 file can make the whole file
    decode "successfully" as GBK mojibake; a real GBK file has almost no line of
    Chinese text that is also valid UTF-8.
    """
    good = bad = 0
    for line in data.split(b"\n"):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad += 1
    if bad and good >= 9 * bad:
        text, bad_lines = _by_lines(data, "utf-8")
        return Decoded(text, "utf-8", bad_lines)
    return None


def _first_line(text: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            return number
    return 1


def _checked(decoded: Decoded) -> Decoded:
    """Refuse a file whose header line, or more than 10 % of its lines, are undecodable."""
    lines = decoded.text.count("\n") + 1
    header_bad = _first_line(decoded.text) in decoded.bad_lines
    if header_bad or len(decoded.bad_lines) > MAX_BAD_SHARE * lines:
        raise EncodingError(
            f"cannot decode the file: {len(decoded.bad_lines)} of {lines} lines are not valid "
            f"{decoded.encoding} (tried {', '.join(CANDIDATES)}); "
            "save it as UTF-8 or pass the right encoding"
        )
    return decoded
