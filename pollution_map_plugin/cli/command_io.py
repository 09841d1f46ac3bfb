"""What the analysis, trend and trace commands share: opening the database safely."""

from __future__ import annotations


def open_checked(target: str, out: str | None = None):
    """Open the database; first refuse an ``--out`` that is the database or a sidecar."""
    from ..core.db import open_database
    from ..core.output_paths import check_output

    check_output(out, database=target)
    return open_database(target)
