"""Identifiers of the data: the unified social credit code (统一社会信用代码).

GB 32100-2015: 18 characters over the 31-character alphabet ``0-9A-HJ-NPQRTUWXY``
(no I, O, Z, S, V).  Position 1 is the registration authority, 2 the institution
category, 3–8 the administrative division, 9–17 the organisation code (GB 11714,
with its own check character) and 18 the check character of the first 17:

    C18 = ALPHABET[(31 - sum(v(Ci) * 3**(i-1) mod 31) mod 31) mod 31]

:func:`is_valid_credit_code` checks length, alphabet and the check character (the
error a data-entry typo produces); :func:`organisation_code_valid` checks the inner
GB 11714 code for callers that want it.
"""

from __future__ import annotations

# The 31 characters of GB 32100-2015 (no I, O, S, V, Z): a published alphabet, not a
# secret; detect-secrets reads it as a high-entropy string.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # pragma: allowlist secret
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, ...
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def credit_code_check_char(first17: str) -> str:
    """The check character (position 18) of the first 17 characters of a code.

    Lower-case letters are accepted; a wrong length or a character outside the
    alphabet raises ``ValueError``.
    """
    body = first17.strip().upper()
    if len(body) != 17:
        raise ValueError(f"need 17 characters, got {len(body)}")
    try:
        total = sum(_VALUE[ch] * w for ch, w in zip(body, WEIGHTS))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not allowed in a credit code") from None
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: object) -> bool:
    """True when ``code`` is an 18-character credit code with a correct check character.

    Surrounding white space and lower case are tolerated; anything else is invalid.
    """
    if not isinstance(code, str):
        return False
    text = code.strip().upper()
    if len(text) != 18 or any(ch not in _VALUE for ch in text):
        return False
    return credit_code_check_char(text[:17]) == text[17]


def credit_code_problem(code: object) -> str | None:
    """None for a valid code, otherwise a short English reason (for reject files)."""
    if not isinstance(code, str) or not code.strip():
        return "missing credit code"
    text = code.strip().upper()
    if len(text) != 18:
        return f"credit code must have 18 characters, not {len(text)}"
    bad = sorted({ch for ch in text if ch not in _VALUE})
    if bad:
        return f"credit code contains invalid character(s) {''.join(bad)}"
    expected = credit_code_check_char(text[:17])
    if expected != text[17]:
        return f"credit code check character is {text[17]}, expected {expected}"
    return None


def organisation_check_char(first8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    body = first8.strip().upper()
    if len(body) != 8 or any(ch not in _ORG_CHARS for ch in body):
        raise ValueError(f"an organisation code body is 8 digits or letters, not {first8!r}")
    total = sum(_ORG_CHARS.index(ch) * w for ch, w in zip(body, _ORG_WEIGHTS))
    c = 11 - total % 11
    return "X" if c == 10 else ("0" if c == 11 else str(c))


def organisation_code_valid(code: str) -> bool:
    """True when the 9-character organisation code (positions 9–17) checks."""
    text = code.strip().upper()
    return len(text) == 9 and organisation_check_char(text[:8]) == text[8]


def make_credit_code(authority: str, category: str, division: str, org_body: str) -> str:
    """Assemble a valid code from its parts (``org_body``: 8 characters)."""
    first17 = f"{authority}{category}{division}{org_body}{organisation_check_char(org_body)}"
    return first17 + credit_code_check_char(first17)
