"""Loads routed down the channel network, and the flow at each section.

A source's yearly loads (t/a) enter the channel cell its outfall (or its land)
drains to and travel downstream with first-order decay per kilometre; the load that
reaches a section, divided by the section's flow, is its concentration increment
(1 t/a = 0.0317 g/s; g/s over m³/s = mg/L).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .river_network import Network
from .terrain import levels

ROUTED = ("COD", "NH3N", "TP", "TN", "Cu", "Zn", "F", "Se", "As", "Hg", "Cd", "Cr6", "Pb",
          "CN", "VPhen", "Oil", "LAS", "S2")
DECAY_PER_KM = {"COD": 0.004, "NH3N": 0.01, "TP": 0.005, "TN": 0.003, "CN": 0.02,
                "VPhen": 0.02, "Oil": 0.01, "LAS": 0.01, "S2": 0.02, "F": 0.0}
T_A_TO_G_S = 1e6 / (365.25 * 86400)
RUNOFF_M3_S_KM2 = 0.016  # about 500 mm a year
# typical effluent concentrations (mg/L) of the other items
_BASE = {"F": 1.0, "Zn": 0.1, "Cu": 0.02, "LAS": 0.5, "Oil": 0.5, "VPhen": 0.01, "S2": 0.05,
         "CN": 0.005, "Cr6": 0.005, "Pb": 0.005, "Cd": 0.0005, "As": 0.005, "Hg": 0.0001,
         "Se": 0.002}
INDUSTRY_EXTRA = {
    "electroplating": {"Cr6": 0.15, "Cu": 0.3, "Zn": 1.0, "CN": 0.1, "Pb": 0.05, "Cd": 0.01},
    "metallurgy": {"Pb": 0.2, "Cd": 0.03, "As": 0.1, "Hg": 0.002, "Zn": 1.2, "Cu": 0.2, "F": 5},
    "chemical": {"VPhen": 0.3, "CN": 0.1, "S2": 0.4, "F": 3, "As": 0.05, "Hg": 0.001},
    "petrochemical": {"Oil": 4, "VPhen": 0.4, "S2": 0.6, "CN": 0.1},
    "pharmaceutical": {"VPhen": 0.1, "CN": 0.05, "LAS": 1},
    "textile": {"LAS": 3, "S2": 0.5, "Cr6": 0.05, "Cu": 0.1},
    "tannery": {"Cr6": 0.3, "S2": 1.0, "LAS": 1},
    "paper": {"VPhen": 0.1, "S2": 0.3, "LAS": 1},
    "food": {"LAS": 1.5, "Oil": 2},
    "electronics": {"Cu": 0.5, "F": 8, "Pb": 0.05, "Cd": 0.01, "CN": 0.05},
    "building_materials": {"F": 2},
    "machinery": {"Oil": 2, "LAS": 1, "Zn": 0.3, "Cu": 0.1},
}
PLANT_OTHER = {"F": 0.6, "Zn": 0.05, "Cu": 0.01, "LAS": 0.2, "Oil": 0.3, "VPhen": 0.002,
               "S2": 0.02, "CN": 0.002, "Cr6": 0.004, "Pb": 0.002, "Cd": 0.0002, "As": 0.002,
               "Hg": 0.00005, "Se": 0.001}


def load_matrix(frame: pd.DataFrame, kind: str) -> np.ndarray:
    """Yearly loads (t/a) of every routed item, one row per source."""
    n = len(frame)
    out = np.zeros((n, len(ROUTED)))
    out[:, 0] = frame["cod_t_a"].to_numpy(float)
    out[:, 1] = frame["nh3n_t_a"].to_numpy(float)
    out[:, 2] = frame["tp_t_a"].to_numpy(float)
    if kind == "farm":
        out[:, 3] = out[:, 1] * 2.5
        out[:, ROUTED.index("Cu")] = out[:, 0] * 0.002
        out[:, ROUTED.index("Zn")] = out[:, 0] * 0.006
        return out
    water = frame["wastewater_t_a"].to_numpy(float)
    out[:, 3] = out[:, 1] * (2.5 if kind == "plant" else 1.6)
    if kind == "plant":
        for p, c in PLANT_OTHER.items():
            out[:, ROUTED.index(p)] = water * c / 1e6
        return out
    industry = frame["_industry"].to_numpy()
    for p, c in _BASE.items():
        conc = np.array([INDUSTRY_EXTRA.get(i, {}).get(p, c) for i in industry])
        out[:, ROUTED.index(p)] = water * conc / 1e6
    return out


class Router:
    """Routes loads entered at channel cells to the section cells."""

    def __init__(self, net: Network, section_cells: np.ndarray) -> None:
        t = net.terrain
        self.net = net
        self.cells = np.flatnonzero(net.channel)
        self.index = np.full(t.grid.n, -1, np.int64)
        self.index[self.cells] = np.arange(len(self.cells))
        recv = t.recv[self.cells]
        self.recv = np.where(recv >= 0, self.index[np.maximum(recv, 0)], -1)
        depth = np.full(len(self.cells), 0, np.int64)
        depth[:] = t.depth[self.cells]
        self.groups = levels(depth)
        self.step = t.step_km[self.cells]
        k = np.array([DECAY_PER_KM.get(p, 0.003) for p in ROUTED])
        self.decay = np.exp(-self.step[:, None] * k[None, :])
        self.k = k
        self.section_idx = self.index[section_cells]

    def route(self, entry_cells: np.ndarray, loads: np.ndarray) -> np.ndarray:
        """Load (t/a) of each routed item arriving at each section."""
        acc = np.zeros((len(self.cells), loads.shape[1]))
        idx = self.index[np.asarray(entry_cells, np.int64)]
        ok = idx >= 0
        np.add.at(acc, idx[ok], loads[ok])
        for g in self.groups:
            np.add.at(acc, self.recv[g], acc[g] * self.decay[g])
        return acc[self.section_idx]

    def path_factor(self, entry_cell: int) -> dict[int, np.ndarray]:
        """Decay factor per item from ``entry_cell`` to each section cell downstream."""
        out = {}
        sec_at = {int(i): k for k, i in enumerate(self.section_idx.tolist())}
        c = int(self.index[entry_cell])
        f = np.ones(len(ROUTED))
        while c >= 0:
            if c in sec_at:
                out[sec_at[c]] = f.copy()
            f = f * self.decay[c]
            c = int(self.recv[c])
        return out


def section_flows(net: Network, section_cells: np.ndarray, months: np.ndarray,
                  rng: np.random.Generator) -> np.ndarray:
    """Monthly mean flow (m³/s) per section: drained area x runoff x season x noise."""
    season = np.array([0.4, 0.35, 0.45, 0.8, 1.3, 1.8, 2.0, 1.6, 1.5, 1.1, 0.6, 0.45])
    season = season / season.mean()
    n_years = len(months) // 12 + 1
    year = rng.lognormal(0, 0.15, n_years)
    m = months % 12
    base = net.terrain.acc_km2[section_cells] * RUNOFF_M3_S_KM2
    noise = rng.lognormal(0, 0.2, (len(section_cells), len(months)))
    return base[:, None] * (season[m] * year[months // 12])[None, :] * noise
