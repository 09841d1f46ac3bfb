"""Outfalls into rivers (入河排污口) and who discharges through them.

Plants with an outfall (urban, park and town plants) get one each on the bank of the
reach their site drains to; park enterprises discharge through their park's plant,
key enterprises outside parks (and a few general ones) through their own industrial
outfall, the rest through the nearest plant; half of the small scattered polluters
share unapproved outfalls.  Every outfall lies 20–60 m off its reach.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import geo, names
from .places import Districts
from .river_network import Network
from .source_points import Sources, district_of


def _nearest(lon: np.ndarray, lat: np.ndarray, tlon: np.ndarray, tlat: np.ndarray
             ) -> np.ndarray:
    """Index of the nearest target for each point (chunked brute force)."""
    out = np.empty(len(lon), np.int64)
    k = geo.kx(float(np.mean(lat))) if len(lat) else 1.0
    for a in range(0, len(lon), 2000):
        dx = (lon[a:a + 2000, None] - tlon[None, :]) * k
        dy = lat[a:a + 2000, None] - tlat[None, :]
        out[a:a + 2000] = np.argmin(dx * dx + (dy * 110.574) ** 2, axis=1)
    return out


def make_outfalls(net: Network, d: Districts, src: Sources, extra: int,
                  rng: np.random.Generator) -> pd.DataFrame:
    """Create the outfalls and fill ``outfall_code`` of plants and enterprises."""
    plants, ent = src.plants, src.enterprises
    rows: dict[str, list] = {k: [] for k in ("type", "owner", "name", "discharge", "approval",
                                            "cell", "tlon", "tlat")}

    def add(kind, owner, name, discharge, approval, cell, tlon, tlat) -> None:
        for key, v in zip(rows, (kind, owner, name, discharge, approval, cell, tlon, tlat)):
            rows[key].append(v)

    with_out = np.flatnonzero(plants["_kind"].to_numpy() != "rural")
    for i in with_out.tolist():
        p = plants.iloc[i]
        add("sewage_plant", p["code"], p["name"] + "排污口", p["wastewater_t_a"] / 365.0,
            "approved" if rng.random() < 0.9 else "pending", int(p["_entry"]),
            p["_lon"], p["_lat"])
    plant_out = {plants["code"].iat[i]: k for k, i in enumerate(with_out.tolist())}
    park_plant = {pk: plants["code"].iat[i] for i, pk in enumerate(plants["_park"]) if pk}

    n = len(ent)
    own = (ent["category"].to_numpy() == "key") | (
        (ent["category"].to_numpy() == "general") & (rng.random(n) < 0.08))
    own &= ent["park_code"].isna().to_numpy()
    outfall_of = np.full(n, -1, np.int64)
    for i in np.flatnonzero(own).tolist():
        e = ent.iloc[i]
        outfall_of[i] = len(rows["type"])
        add("industrial", e["code"], e["name"].split("有限")[0] + "排污口",
            e["wastewater_t_a"] / 365.0,
            rng.choice(["approved", "pending", "unapproved"], p=[0.8, 0.15, 0.05]),
            int(e["_entry"]), e["_lon"], e["_lat"])
    in_park = ent["park_code"].notna().to_numpy()
    for i in np.flatnonzero(in_park).tolist():
        outfall_of[i] = plant_out[park_plant[ent["park_code"].iat[i]]]
    # shared unapproved outfalls for half of the scattered polluters
    scattered = np.flatnonzero((ent["category"].to_numpy() == "scattered") & (outfall_of < 0)
                               & (rng.random(n) < 0.5))
    n_other = min(max(extra // 2, 1), len(scattered)) if len(scattered) else 0
    if n_other:
        hubs = rng.choice(scattered, n_other, replace=False)
        places = names.place_names(rng, n_other, ("", "村", "街"))
        first = len(rows["type"])
        for k, i in enumerate(hubs.tolist()):
            e = ent.iloc[i]
            add("other", None, places[k] + "雨污混排口", 0.0,
                "unapproved" if rng.random() < 0.7 else "pending", int(e["_entry"]),
                e["_lon"], e["_lat"])
        near = _nearest(ent["_lon"].to_numpy()[scattered], ent["_lat"].to_numpy()[scattered],
                        ent["_lon"].to_numpy()[hubs], ent["_lat"].to_numpy()[hubs])
        outfall_of[scattered] = first + near
        for k, i in zip(near.tolist(), scattered.tolist()):
            rows["discharge"][first + k] += ent["wastewater_t_a"].iat[i] / 365.0
    # everyone else: through the nearest plant that has an outfall
    rest = np.flatnonzero(outfall_of < 0)
    if len(rest) and len(with_out):
        near = _nearest(ent["_lon"].to_numpy()[rest], ent["_lat"].to_numpy()[rest],
                        plants["_lon"].to_numpy()[with_out], plants["_lat"].to_numpy()[with_out])
        outfall_of[rest] = near
    # agricultural return-flow outfalls near farms
    n_agri = max(extra - n_other, 0)
    if n_agri and len(src.farms):
        pick = rng.choice(len(src.farms), n_agri, replace=False)
        places = names.place_names(rng, n_agri, ("", "村"))
        for k, i in enumerate(pick.tolist()):
            f = src.farms.iloc[i]
            add("agricultural", None, places[k] + "农灌退水口", float(rng.lognormal(5, 0.8)),
                rng.choice(["approved", "pending", "unapproved"], p=[0.4, 0.4, 0.2]),
                int(f["_entry"]), f["_lon"], f["_lat"])

    m = len(rows["type"])
    cells = geo.step_cell(net, np.asarray(rows["cell"], np.int64))
    lon, lat, frac = geo.bank_points(net, cells, np.asarray(rows["tlon"], float),
                                     np.asarray(rows["tlat"], float), rng)
    width = max(4, len(str(m)))
    codes = [f"PK{k + 1:0{width}d}" for k in range(m)]
    frame = pd.DataFrame({
        "code": codes, "name": rows["name"], "type": rows["type"], "owner_code": rows["owner"],
        "river_code": [net.river_code[k] for k in net.river_of[cells].tolist()],
        "reach_code": [net.reach_code[k] for k in net.reach_of[cells].tolist()],
        "discharge_m3_d": np.round(np.asarray(rows["discharge"], float), 1),
        "approval_status": rows["approval"], "district": district_of(net, d, lon, lat),
        "_lon": lon, "_lat": lat, "_entry": cells, "_frac": frac,
    })
    plants.loc[plants.index[with_out], "outfall_code"] = [codes[k] for k in range(len(with_out))]
    ent["outfall_code"] = [codes[k] for k in outfall_of.tolist()]
    return frame
