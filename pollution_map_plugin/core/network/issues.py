"""Problems found while building a reach network: reported, never raised."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

#: Every ``NetworkIssue.kind``, with what it means.
ISSUE_KINDS: dict[str, str] = {
    "missing_code": "reaches without a code (ignored)",
    "duplicate_code": "several reaches with the same code (the first is kept)",
    "dangling_link": "downstream_code names no reach (treated as an outlet)",
    "self_loop": "a reach names itself as downstream (link ignored)",
    "no_links": "no downstream_code, from/to nodes or lines: nothing is linked",
    "inferred_links": "links missing in the data, taken from snapped line end points",
    "cycle": "reaches that flow in a circle",
    "braid": "a reach with several downstream reaches (braid, diversion, distributary)",
    "disconnected": "the network has several separate parts (each with its own outlet)",
    "reversed": "reaches drawn against the flow",
    "link_gap": "linked reaches whose lines do not meet within the snapping tolerance",
    "missing_geometry": "reaches without a line",
    "missing_length": "reaches without length_km and without a line (length 0)",
}

_MAX_LISTED = 20


@dataclass(frozen=True)
class NetworkIssue:
    """One problem: its kind (a key of ``ISSUE_KINDS``), the reaches, a message."""

    kind: str
    reach_codes: tuple[str, ...]
    message: str

    def to_dict(self) -> dict:
        return {"kind": self.kind, "reach_codes": list(self.reach_codes),
                "message": self.message}


def listed(codes) -> str:
    """``codes`` as a short comma-separated list (at most 20, then "… (N in all)")."""
    codes = [str(c) for c in codes]
    text = ", ".join(codes[:_MAX_LISTED])
    if len(codes) > _MAX_LISTED:
        text += f", … ({len(codes)} in all)"
    return text


def issue(kind: str, codes, message: str) -> NetworkIssue:
    return NetworkIssue(kind, tuple(str(c) for c in codes), message)


def issues_frame(issues: list[NetworkIssue]) -> pd.DataFrame:
    """The issues as a DataFrame (kind, n_reaches, reach_codes, message)."""
    return pd.DataFrame({
        "kind": [i.kind for i in issues],
        "n_reaches": [len(i.reach_codes) for i in issues],
        "reach_codes": [list(i.reach_codes) for i in issues],
        "message": [i.message for i in issues],
    })


def find_cycles(n: int, src: np.ndarray, dst: np.ndarray) -> list[np.ndarray]:
    """Strongly connected components with more than one reach (each a cycle)."""
    if n == 0 or len(src) == 0:
        return []
    g = csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, labels = connected_components(g, directed=True, connection="strong")
    counts = np.bincount(labels)
    big = np.flatnonzero(counts > 1)
    if len(big) == 0:
        return []
    order = np.argsort(labels, kind="stable")
    out = []
    for lab in big:
        out.append(order[np.searchsorted(labels[order], lab):][: counts[lab]])
    return out


def weak_components(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Label of the weakly connected component of each reach."""
    if n == 0:
        return np.empty(0, dtype=np.int64)
    g = csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, labels = connected_components(g, directed=True, connection="weak")
    return labels.astype(np.int64)
