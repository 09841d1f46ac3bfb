"""Credit codes of key-polluter and permit lists, recovered where the list damaged them.

``recover_credit_code(code_cell, permit_cell)`` → ``(code, how)``; ValueError with the
reason when no valid code can be had.  In order:

1. the code cell as it is (NFKC: full-width characters become ASCII; spaces removed;
   upper case) when it is a valid 18-character code;
2. an 18-character code at the start of the cell followed by junk (``（已注销）``,
   ``-1``, any suffix after the 18th character): the code, ``how="before junk"``;
3. the discharge permit number, which is the credit code followed by a 3-digit serial
   and a letter (``91500112MA5U0D0019001P``): its first 18 characters when they are a
   valid code, ``how="from the permit number"`` — used when the code cell is empty or
   unreadable.

A code cell of 18 characters whose **check character is wrong** is refused with that
reason (a typo in the code, which the permit number cannot settle), and so is a
permit number whose leading code does not check.
"""

from __future__ import annotations

import re
import unicodedata

from .. import identifiers
from .cell_parsers import is_missing, parse_text

_LEAD = re.compile(r"^([0-9A-Z]{18})")
_PERMIT = re.compile(r"^([0-9A-Z]{18})(\d{3}[A-Z])?")


def _clean(raw) -> str | None:
    text = parse_text(raw)
    if text is None or is_missing(text):
        return None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def _from_permit(permit: str | None) -> tuple[str | None, str | None]:
    """(code, problem) from a permit number."""
    if permit is None:
        return None, None
    match = _PERMIT.match(permit)
    if not match:
        return None, f"the permit number {permit!r} does not start with a credit code"
    problem = identifiers.credit_code_problem(match.group(1))
    if problem:
        return None, f"the permit number's credit code: {problem}"
    return match.group(1), None


def recover_credit_code(code_raw, permit_raw=None) -> tuple[str | None, str | None]:
    """(credit code or None when both cells are empty, how it was recovered or None)."""
    if isinstance(code_raw, (int, float)) and not isinstance(code_raw, bool) \
            and abs(code_raw) >= 1e15:
        raise ValueError("stored as a number, digits lost (format the column as text)")
    code = _clean(code_raw)
    permit = _clean(permit_raw)
    if code is not None:
        problem = identifiers.credit_code_problem(code)
        if problem is None:
            return code, None
        if len(code) == 18 and not any(ch not in identifiers.ALPHABET for ch in code):
            raise ValueError(problem)  # a wrong check character: refused
        lead = _LEAD.match(code)
        if lead and identifiers.is_valid_credit_code(lead.group(1)):
            return lead.group(1), "before junk"
        found, why = _from_permit(permit)
        if found is not None:
            return found, "from the permit number"
        raise ValueError(problem + (f" ({why})" if why else ""))
    found, why = _from_permit(permit)
    if found is not None:
        return found, "from the permit number"
    if why:
        raise ValueError(f"missing credit code, and {why}")
    return None, None
