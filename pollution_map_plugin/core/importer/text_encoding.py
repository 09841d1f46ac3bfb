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
``\\n`` is safe for all these encodings: no multi-byte sequence contains byte 0x0A.

A GBK/GB18030 guess is checked for plausibility: the Chinese characters of a real
list are almost all common ones (GB 2312's 6,763 hanzi); Big5 bytes read as GB18030
give kana, vertical forms and rare characters.  Below ``MIN_COMMON_SHARE`` the file
is refused with "give --encoding" (and ``big5`` suggested when it reads well as
Big5).  ``--encoding big5`` (Windows code page 950) is supported, not guessed.

Files are scanned in blocks (``detect_file``), never held in memory whole.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CANDIDATES = ("utf-8", "gbk", "gb18030")
MAX_BAD_SHARE = 0.1
MIN_COMMON_SHARE = 0.8
SAMPLE_BYTES = 1 << 20
PLAUSIBILITY_BYTES = 256 << 10
BLOCK_BYTES = 8 << 20
_CODECS = {"big5": "cp950"}  # what Windows writes as "Big5"
_ALIASES = {
    "auto": "auto", "": "auto",
    "utf8": "utf-8", "utf-8": "utf-8", "utf_8": "utf-8", "utf-8-sig": "utf-8", "utf8-sig": "utf-8",
    "gbk": "gbk", "cp936": "gbk", "gb2312": "gbk",
    "gb18030": "gb18030", "gb-18030": "gb18030",
    "utf-16": "utf-16", "utf16": "utf-16",
    "big5": "big5", "cp950": "big5", "big-5": "big5",
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
    """``auto``, ``utf-8``, ``gbk``, ``gb18030``, ``big5`` or ``utf-16``; ValueError
    otherwise."""
    key = (name or "auto").strip().lower()
    if key not in _ALIASES:
        raise ValueError(f"unknown encoding {name!r}; use auto, utf-8, gbk, gb18030 or big5")
    return _ALIASES[key]


def codec(encoding: str) -> str:
    """The Python codec of an encoding name used here."""
    return _CODECS.get(encoding, encoding)


@dataclass
class Detection:
    """The encoding of a file and its undecodable lines, found without decoding it all."""

    encoding: str  # the name reported (utf-8-sig, gbk, big5, …)
    bad_lines: frozenset[int] = field(default_factory=frozenset)
    skip: int = 0  # bytes of a byte-order mark to skip
    lines: int = 0


Blocks = Callable[[], Iterator[bytes]]


def _file_blocks(path: Path, skip: int = 0) -> Blocks:
    def blocks() -> Iterator[bytes]:
        with Path(path).open("rb") as handle:
            handle.seek(skip)
            rest = b""
            while True:
                chunk = handle.read(BLOCK_BYTES)
                if not chunk:
                    break
                chunk = rest + chunk
                cut = chunk.rfind(b"\n") + 1
                if cut == 0:
                    rest = chunk
                    continue
                rest = chunk[cut:]
                yield chunk[:cut]
            if rest:
                yield rest

    return blocks


def _scan(blocks: Blocks, name: str, cap: int = 200_000
          ) -> tuple[frozenset[int] | None, int, int]:
    """(bad line numbers or None if more than ``cap``, good non-ASCII lines, lines)."""
    bad: set[int] = set()
    good = 0
    line = 0  # lines completed so far
    py = codec(name)
    for block in blocks():
        try:
            block.decode(py)
            ok = True
        except UnicodeDecodeError:
            ok = False
        parts = block.split(b"\n")
        if block.endswith(b"\n"):
            parts.pop()
        if ok:
            if not block.isascii() and name == "utf-8":
                good += sum(1 for p in parts if not p.isascii())
        else:
            for number, part in enumerate(parts, start=line + 1):
                try:
                    part.decode(py)
                    if not part.isascii():
                        good += 1
                except UnicodeDecodeError:
                    bad.add(number)
                    if len(bad) > cap or (len(bad) > 1000 and len(bad) > 9 * good
                                          and len(bad) > MAX_BAD_SHARE * number):
                        return None, good, line  # hopeless: neither mostly nor fixable
        line += len(parts)
    return frozenset(bad), good, line + 1


def _checked_detection(found: Detection) -> Detection:
    header_bad = 1 in found.bad_lines  # the header is the first line in practice
    if header_bad or len(found.bad_lines) > MAX_BAD_SHARE * max(found.lines, 1):
        raise EncodingError(
            f"cannot decode the file: {len(found.bad_lines)} of {found.lines} lines are not "
            f"valid {found.encoding} (tried {', '.join(CANDIDATES)}); "
            "save it as UTF-8 or pass the right encoding (--encoding)"
        )
    return found


def _detect(blocks: Blocks, head: bytes, wanted: str) -> Detection:
    """The detection of ``decode_bytes`` over blocks of a file (see the module docstring)."""
    if head.startswith(codecs.BOM_UTF8) and wanted in ("auto", "utf-8"):
        bad, _good, lines = _scan(_skip(blocks, 3), "utf-8")
        if bad is None:
            raise EncodingError("the file starts with a UTF-8 byte-order mark but is not UTF-8")
        found = Detection("utf-8-sig", bad, 3, lines)
        return found if not bad else _checked_detection(found)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and wanted in ("auto",
                                                                               "utf-16"):
        return Detection("utf-16")
    if wanted == "utf-16":
        raise EncodingError("UTF-16 files must start with a byte-order mark")
    if wanted == "auto":
        guessed = _guess_utf16(head)
        if guessed and _strict(head[: len(head) // 2 * 2], guessed) is not None:
            return Detection(guessed)
        candidates: tuple[str, ...] = CANDIDATES
    elif wanted == "gbk":
        candidates = ("gbk", "gb18030")  # GB18030 extends GBK; "GBK" usually means either
    else:
        candidates = (wanted,)
    results: list[Detection] = []
    for name in candidates:
        bad, good, lines = _scan(blocks, name)
        if bad is not None and not bad:
            return _plausible(Detection(name, bad, 0, lines), head, wanted)
        if name == "utf-8" and bad is not None and good >= 9 * len(bad):
            return _checked_detection(Detection(name, bad, 0, lines))  # mostly UTF-8
        if bad is not None:
            results.append(Detection(name, bad, 0, lines))
    if not results:
        raise EncodingError(f"cannot decode the file as {' or '.join(candidates)}; "
                            "save it as UTF-8 or pass the right encoding (--encoding)")
    best = min(results, key=lambda d: len(d.bad_lines))
    return _plausible(_checked_detection(best), head, wanted)


def _skip(blocks: Blocks, n: int) -> Blocks:
    def skipped() -> Iterator[bytes]:
        first = True
        for block in blocks():
            yield block[n:] if first else block
            first = False

    return skipped


@functools.lru_cache(maxsize=1)
def common_hanzi() -> frozenset[str]:
    """The 6,763 hanzi of GB 2312 (levels 1 and 2): the characters of everyday text."""
    chars = set()
    for b1 in range(0xB0, 0xF8):
        for b2 in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((b1, b2)).decode("gb2312"))
    return frozenset(chars)


def _counted(ch: str) -> bool:
    """Non-ASCII characters that tell encodings apart (not punctuation or full-width forms)."""
    cp = ord(ch)
    return cp > 0xFF and not (0x2000 <= cp <= 0x206F or 0x3000 <= cp <= 0x303F
                              or 0xFF00 <= cp <= 0xFFEF or cp == 0xFFFD)


def common_share(text: str) -> tuple[float, int]:
    """(share of common hanzi among the counted characters, how many were counted)."""
    counted = [c for c in text if _counted(c)]
    if not counted:
        return 1.0, 0
    common = common_hanzi()
    return sum(1 for c in counted if c in common) / len(counted), len(counted)


def _plausible(found: Detection, head: bytes, wanted: str) -> Detection:
    """Refuse a GBK/GB18030 guess whose text does not look like everyday Chinese."""
    if wanted != "auto" or found.encoding not in ("gbk", "gb18030"):
        return found
    sample = head[:PLAUSIBILITY_BYTES]
    sample = sample[: sample.rfind(b"\n") + 1 or len(sample)]
    share, counted = common_share(sample.decode(codec(found.encoding), errors="replace"))
    if counted < 8 or share >= MIN_COMMON_SHARE:
        return found
    hint = " (it reads as Big5 without errors: --encoding big5?)" \
        if _strict(sample, "big5") is not None else ""
    raise EncodingError(
        f"the encoding is doubtful: read as {found.encoding}, only {share:.0%} of its "
        f"{counted} Chinese characters are common ones, so the text is probably garbled; "
        f"give --encoding{hint}")


def detect_file(path: str | Path, encoding: str | None = "auto") -> Detection:
    """The encoding of the file at ``path`` (scanned in blocks; see the module docstring)."""
    wanted = normalize_encoding(encoding)
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    return _detect(_file_blocks(path), head, wanted)


def iter_lines(path: str | Path, found: Detection) -> Iterator[str]:
    """The decoded lines of the file (line ends kept); undecodable lines with U+FFFD."""
    path = Path(path)
    if not found.bad_lines:
        with path.open("r", encoding=codec(found.encoding), newline="") as handle:
            yield from handle
        return
    py = codec(found.encoding)
    with path.open("rb") as handle:
        handle.seek(found.skip)
        for number, raw in enumerate(handle, start=1):
            if number in found.bad_lines:
                yield raw.decode(py, errors="replace")
            else:
                yield raw.decode(py)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(codec(encoding))
    except UnicodeDecodeError:
        return None


def _by_lines(data: bytes, encoding: str) -> tuple[str, frozenset[int]]:
    """Decode line by line; lines that fail are decoded with U+FFFD and reported."""
    parts: list[str] = []
    bad: set[int] = set()
    py = codec(encoding)
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            parts.append(line.decode(py))
        except UnicodeDecodeError:
            parts.append(line.decode(py, errors="replace"))
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
    found = _detect(lambda: iter([data] if data else []), data[:SAMPLE_BYTES], wanted)
    body = data[found.skip:]
    if found.encoding == "utf-16":
        text = _strict(data, "utf-16")
        if text is None:
            raise EncodingError("the file starts with a UTF-16 byte-order mark but is not UTF-16")
        return Decoded(text, "utf-16")
    if not found.bad_lines:
        text = _strict(body, found.encoding)
        if text is not None:
            return Decoded(text, found.encoding)
    text, bad = _by_lines(body, found.encoding)
    return Decoded(text, found.encoding, bad)
