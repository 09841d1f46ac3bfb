"""Pollution sources: parks, sewage plants, enterprises, farms, petrol stations.

Each table is a DataFrame with the schema's columns plus internal ones prefixed with
``_`` (``_lon``, ``_lat``, ``_entry``: the channel cell its water reaches).  Outfalls
are made in :mod:`.outfalls`; enterprises name the outfall they discharge through.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core import identifiers
from . import geo, names
from .config import Scale
from .places import Districts, blob
from .river_network import Network

INDUSTRIES = ("machinery", "food", "chemical", "electronics", "building_materials",
              "pharmaceutical", "electroplating", "metallurgy", "textile", "paper",
              "petrochemical", "tannery")
INDUSTRY_P = (0.2, 0.15, 0.1, 0.1, 0.1, 0.06, 0.07, 0.06, 0.06, 0.04, 0.03, 0.03)
# typical effluent concentrations (mg/L) of COD, NH3-N, TP by industry
EFFLUENT = {
    "machinery": (60, 5, 0.8), "food": (120, 15, 2.5), "chemical": (110, 18, 1.5),
    "electronics": (50, 6, 0.8), "building_materials": (45, 3, 0.4),
    "pharmaceutical": (130, 20, 2.0), "electroplating": (70, 8, 1.0),
    "metallurgy": (60, 6, 0.6), "textile": (110, 12, 1.2), "paper": (140, 10, 1.5),
    "petrochemical": (90, 15, 1.0), "tannery": (150, 25, 2.0),
}
PLANT_STANDARDS = ("一级A", "一级B", "二级", "准IV类")
# effluent COD, NH3-N, TP (mg/L) actually achieved under each standard
PLANT_EFFLUENT = {"一级A": (30, 2.0, 0.3), "一级B": (45, 5.0, 0.7), "二级": (70, 12, 1.5),
                  "准IV类": (20, 0.8, 0.2)}
SPECIES = ("生猪", "家禽", "牛", "羊")
SPECIES_P = (0.6, 0.2, 0.1, 0.1)
HEAD_MEDIAN = {"生猪": 300, "家禽": 5000, "牛": 60, "羊": 150}
# kg per head and year reaching water: COD, NH3-N, TP
PER_HEAD = {"生猪": (8.0, 0.40, 0.08), "家禽": (0.04, 0.002, 0.0005), "牛": (40.0, 1.2, 0.3),
            "羊": (3.0, 0.15, 0.03)}
LOADS = ["cod_t_a", "nh3n_t_a", "tp_t_a"]


@dataclass
class Sources:
    parks: pd.DataFrame
    plants: pd.DataFrame
    enterprises: pd.DataFrame
    farms: pd.DataFrame
    petrol: pd.DataFrame
    outfalls: pd.DataFrame | None = None


def _codes(prefix: str, n: int, start: int = 1, width: int | None = None) -> list[str]:
    w = width or max(4, len(str(start + n)))
    return [f"{prefix}{k:0{w}d}" for k in range(start, start + n)]


def district_of(net: Network, d: Districts, lon: np.ndarray, lat: np.ndarray) -> list[str]:
    cell = net.terrain.grid.cell_of(lon, lat)
    idx = np.where(cell >= 0, d.of_cell[np.maximum(cell, 0)], 0)
    return [d.name[k] for k in idx.tolist()]


def credit_codes(rng: np.random.Generator, division: list[str]) -> list[str]:
    """Unique, valid unified social credit codes (synthetic)."""
    out: list[str] = []
    seen: set[str] = set()
    alpha = identifiers.ALPHABET
    for div in division:
        while True:
            if rng.random() < 0.6:
                body = "MA" + "".join(alpha[i] for i in rng.integers(0, 31, 6).tolist())
            else:
                body = "".join(str(i) for i in rng.integers(0, 10, 8).tolist())
            code = identifiers.make_credit_code("9", "1", div, body)
            if code not in seen and identifiers.is_valid_credit_code(code):
                seen.add(code)
                out.append(code)
                break
    return out


def _division(d: Districts, district: list[str]) -> list[str]:
    index = {name: k for k, name in enumerate(d.name)}
    return [f"500{101 + index[x]:03d}" for x in district]


def make_parks(net: Network, d: Districts, scale: Scale, rng: np.random.Generator
               ) -> pd.DataFrame:
    """Industrial parks: blobs 1–3 km from rivers, not overlapping each other."""
    t = net.terrain
    weight = np.where(net.channel, np.sqrt(t.acc_km2), 0.0)
    geoms, lon_l, lat_l = [], [], []
    cells = geo.weighted_cells(net, 50 * scale.n_parks, weight, rng)
    c_lon, c_lat = geo.near(net, cells, 1.0, 3.0, rng)
    for lon, lat in zip(c_lon.tolist(), c_lat.tolist()):
        if len(geoms) >= scale.n_parks:
            break
        poly = blob(lon, lat, 0.8 + 1.2 * rng.random(), rng)
        if any(poly.intersects(p) for p in geoms):
            continue
        geoms.append(poly)
        lon_l.append(lon)
        lat_l.append(lat)
    n = len(geoms)
    lon, lat = np.array(lon_l), np.array(lat_l)
    district = district_of(net, d, lon, lat)
    place = names.place_names(rng, n, ("",))
    level = rng.choice(["national", "municipal", "county"], size=n, p=[0.1, 0.4, 0.5])
    return pd.DataFrame({
        "code": _codes("YQ", n, width=3), "name": [f"{x[:-1]}{p}工业园区" for x, p in
                                                 zip(district, place)],
        "level": level, "district": district, "_lon": lon, "_lat": lat, "_geom": geoms,
    })


def make_plants(net: Network, d: Districts, parks: pd.DataFrame, scale: Scale,
                rng: np.random.Generator) -> pd.DataFrame:
    """Urban plants at district seats, one per park, town plants, then small rural ones."""
    t = net.terrain
    n_total = max(scale.n_plants, len(d.seat) + len(parks))
    n_out = max(min(scale.n_plants_with_outfall, n_total), len(d.seat) + len(parks))
    n_town = n_out - len(d.seat) - len(parks)
    n_rural = n_total - n_out
    seat_lon, seat_lat = geo.near(net, d.seat, 0.3, 1.2, rng)
    weight = np.where(net.channel, t.acc_km2 ** 0.3, 0.0)
    town_lon, town_lat = geo.near(net, geo.weighted_cells(net, n_town, weight, rng), 0.2, 1.0, rng)
    rural_lon, rural_lat = geo.near(net, geo.weighted_cells(net, n_rural, weight, rng), 0.1, 1.5,
                                    rng)
    park_lon = parks["_lon"].to_numpy() + 0.004 * (rng.random(len(parks)) - 0.5)
    park_lat = parks["_lat"].to_numpy() + 0.004 * (rng.random(len(parks)) - 0.5)
    lon = np.r_[seat_lon, park_lon, town_lon, rural_lon]
    lat = np.r_[seat_lat, park_lat, town_lat, rural_lat]
    kind = (["urban"] * len(d.seat) + ["park"] * len(parks) + ["town"] * n_town
            + ["rural"] * n_rural)
    cap_median = {"urban": 80_000 if scale.n_plants > 100 else 40_000, "park": 15_000,
                  "town": 4_000, "rural": 200}
    cap = np.array([cap_median[k] for k in kind]) * rng.lognormal(0, 0.6, len(kind))
    cap = np.round(cap, -1 if len(kind) else 0).clip(20)
    std = np.where(np.array(kind) == "rural",
                   rng.choice(PLANT_STANDARDS, len(kind), p=[0.3, 0.4, 0.3, 0.0]),
                   rng.choice(PLANT_STANDARDS, len(kind), p=[0.7, 0.15, 0.03, 0.12]))
    flow = cap * (0.6 + 0.35 * rng.random(len(kind)))  # m3/d
    eff = np.array([PLANT_EFFLUENT[s] for s in std]) * rng.lognormal(0, 0.2, (len(kind), 3))
    loads = flow[:, None] * 365 * eff / 1e6
    district = district_of(net, d, lon, lat)
    place = names.place_names(rng, len(kind), ("",))
    label = {"urban": "城市污水处理厂", "park": "园区污水处理厂", "town": "污水处理厂",
             "rural": "农村污水处理站"}
    nm = [(parks["name"].iat[i - len(d.seat)].replace("工业园区", "") if k == "park"
           else (district[i][:-1] if k == "urban" else place[i])) + label[k]
          for i, k in enumerate(kind)]
    frame = pd.DataFrame({
        "code": _codes("WS", len(kind)), "name": nm, "capacity_m3_d": cap, "standard": std,
        "wastewater_t_a": np.round(flow * 365, 0), "cod_t_a": loads[:, 0],
        "nh3n_t_a": loads[:, 1], "tp_t_a": loads[:, 2], "outfall_code": None,
        "district": district, "_lon": lon, "_lat": lat, "_kind": kind,
        "_park": [None] * len(d.seat) + parks["code"].tolist() + [None] * (n_town + n_rural),
    })
    frame["_entry"] = net.entry[net.terrain.grid.cell_of(lon, lat)]
    return frame


def make_enterprises(net: Network, d: Districts, parks: pd.DataFrame, scale: Scale,
                     rng: np.random.Generator) -> pd.DataFrame:
    """Enterprises: 45 % inside parks, the rest 0.2–2.5 km from rivers."""
    n = scale.n_enterprises
    in_park = rng.random(n) < (0.45 if len(parks) else 0.0)
    park_idx = np.where(in_park, rng.integers(0, max(len(parks), 1), n), -1)
    lon, lat = np.zeros(n), np.zeros(n)
    for k in range(len(parks)):
        sel = np.flatnonzero(park_idx == k)
        if len(sel):
            ring = np.asarray(parks["_geom"].iat[k].exterior.coords)
            lon[sel], lat[sel] = geo.inside_polygon(ring, len(sel), rng)
    out = np.flatnonzero(~in_park)
    weight = np.where(net.channel, net.terrain.acc_km2 ** 0.4, 0.0)
    lon[out], lat[out] = geo.near(net, geo.weighted_cells(net, len(out), weight, rng), 0.2, 2.5,
                                  rng)
    industry = rng.choice(INDUSTRIES, n, p=INDUSTRY_P)
    category = rng.choice(["key", "general", "scattered"], n, p=[0.12, 0.75, 0.13])
    category[in_park & (category == "scattered")] = "general"
    status = rng.choice(["operating", "rectifying", "closed", "relocated"], n,
                        p=[0.86, 0.06, 0.05, 0.03])
    median = np.select([category == "key", category == "general"], [150_000.0, 15_000.0], 2_000.0)
    water = np.round(median * rng.lognormal(0, 0.7, n), -1)
    eff = np.array([EFFLUENT[i] for i in industry]) * rng.lognormal(0, 0.3, (n, 3))
    loads = water[:, None] * eff / 1e6
    off = np.isin(status, ["closed", "relocated"])
    water[off] = 0.0
    loads[off] = 0.0
    district = district_of(net, d, lon, lat)
    codes = credit_codes(rng, _division(d, district))
    places = names.place_names(rng, n, ("",))
    nm = names.company_names(rng, list(industry), [p if rng.random() < 0.5 else x
                                                   for p, x in zip(places, district)])
    permit = [f"{c}{rng.integers(1, 4):03d}{'P' if cat == 'key' else 'U'}"
              if cat != "scattered" else None for c, cat in zip(codes, category)]
    frame = pd.DataFrame({
        "code": codes, "name": nm, "industry": [names.INDUSTRY_ZH[i] for i in industry],
        "park_code": [parks["code"].iat[k] if k >= 0 else None for k in park_idx.tolist()],
        "permit_no": permit, "category": category, "status": status,
        "wastewater_t_a": water, "cod_t_a": loads[:, 0], "nh3n_t_a": loads[:, 1],
        "tp_t_a": loads[:, 2], "outfall_code": None, "district": district,
        "_lon": lon, "_lat": lat, "_industry": industry,
    })
    frame["_entry"] = net.entry[net.terrain.grid.cell_of(lon, lat)]
    return frame


def make_farms(net: Network, d: Districts, scale: Scale, rng: np.random.Generator
               ) -> pd.DataFrame:
    """Livestock farms near small and middle rivers, away from the district seats."""
    t = net.terrain
    acc = t.acc_km2
    weight = np.where(net.channel & (acc < np.quantile(acc[net.channel], 0.95)), 1.0, 0.0)
    n = scale.n_farms
    lon, lat = geo.near(net, geo.weighted_cells(net, n, weight, rng), 0.1, 1.5, rng)
    species = rng.choice(SPECIES, n, p=SPECIES_P)
    heads = np.array([HEAD_MEDIAN[s] for s in species]) * rng.lognormal(0, 0.8, n)
    heads = np.maximum(np.round(heads), 10).astype(np.int64)
    coef = np.array([PER_HEAD[s] for s in species]) * rng.lognormal(0, 0.4, (n, 3))
    loads = heads[:, None] * coef / 1000.0
    places = names.place_names(rng, n, ("", "村"))
    kind = rng.choice(["养殖场", "养殖专业合作社", "家庭农场"], n, p=[0.6, 0.25, 0.15])
    frame = pd.DataFrame({
        "code": _codes("XQ", n), "name": [f"{p}{s}{k}" for p, s, k in zip(places, species, kind)],
        "species": species, "head_count": heads, "cod_t_a": loads[:, 0],
        "nh3n_t_a": loads[:, 1], "tp_t_a": loads[:, 2],
        "district": district_of(net, d, lon, lat), "_lon": lon, "_lat": lat,
    })
    frame["_entry"] = net.entry[t.grid.cell_of(lon, lat)]
    return frame


def make_petrol(net: Network, d: Districts, scale: Scale, rng: np.random.Generator
                ) -> pd.DataFrame:
    """Petrol stations: around district seats and along the valleys."""
    n = scale.n_petrol
    n_seat = n // 3
    weight = np.where(net.channel, net.terrain.acc_km2 ** 0.5, 0.0)
    lon1, lat1 = geo.near(net, rng.choice(d.seat, n_seat), 0.3, 6.0, rng)
    lon2, lat2 = geo.near(net, geo.weighted_cells(net, n - n_seat, weight, rng), 0.1, 1.0, rng)
    lon, lat = np.r_[lon1, lon2], np.r_[lat1, lat2]
    places = names.place_names(rng, n, ("", "镇", "路"))
    return pd.DataFrame({
        "code": _codes("JY", n), "name": [p + "加油站" for p in places],
        "district": district_of(net, d, lon, lat), "_lon": lon, "_lat": lat,
    })
