"""River chiefs, problem lists and remediation projects of the key rivers.

Problems name what the generator planted (hotspots upstream of failing sections,
sudden discharges, unapproved outfalls), so a dossier's problem list matches its
water quality; generic problems fill the rest.  People are anonymised (王某林).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import names
from .river_network import Network

GENERIC_PROBLEMS = (
    "沿岸生活污水直排入河", "河道垃圾和漂浮物堆积", "畜禽养殖粪污未经处理入河",
    "农村污水处理站运行不正常", "岸线违规占用", "河道非法采砂", "雨污管网混接错接",
    "农业面源污染较重", "支流汇入口水质较差", "污水处理厂进水浓度偏低",
)
MEASURES = (
    "污水管网建设", "截污纳管工程", "污水处理厂提标改造", "畜禽养殖污染治理",
    "河道清淤疏浚", "生态缓冲带建设", "入河排污口规范化整治", "农村生活污水治理",
    "雨污分流改造", "湿地修复工程",
)
ITEM_ZH = {"NH3N": "氨氮", "TP": "总磷", "COD": "化学需氧量"}


def river_chiefs(net: Network, district_names: list[str], river_districts: dict[int, list[str]],
                 top_level: str, rng: np.random.Generator) -> pd.DataFrame:
    """Chiefs of every key river at each level, below ``top_level`` (province or city)."""
    rows = []
    for k in np.flatnonzero(net.river_key).tolist():
        code = net.river_code[k]
        dists = river_districts.get(k) or district_names[:1]
        posts = [(top_level, "副市长" if rng.random() < 0.7 else "市人大常委会副主任")]
        posts += [("county", d + ("区长" if d.endswith("区") else "县长")) for d in dists[:3]]
        places = names.place_names(rng, 4, ("",))
        posts += [("township", places[0] + "镇党委书记"), ("township", places[1] + "镇镇长"),
                  ("village", places[2] + "村党支部书记"), ("village", places[3] + "村村委会主任")]
        people = names.person_names(rng, len(posts))
        seen: set[tuple[str, str]] = set()
        for (level, post), person in zip(posts, people):
            while (level, person) in seen:
                person = person[:-1] + names.GIVEN[int(rng.integers(len(names.GIVEN)))]
            seen.add((level, person))
            rows.append({"river_code": code, "level": level, "name": person, "post": post})
    return pd.DataFrame(rows, columns=["river_code", "level", "name", "post"])


def problems_and_projects(net: Network, river_districts: dict[int, list[str]],
                          planted: list[dict], end_year: int, rng: np.random.Generator
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Problem lists (planted + generic) and projects for every key river."""
    probs, projs = [], []
    by_river: dict[int, list[dict]] = {}
    for p in planted:
        by_river.setdefault(p["river"], []).append(p)
    for k in np.flatnonzero(net.river_key).tolist():
        code = net.river_code[k]
        dists = river_districts.get(k) or ["示例区"]
        places = names.place_names(rng, 12)
        own = by_river.get(k, [])
        texts = [(p["location"], p["text"], "open" if rng.random() < 0.6 else "in_progress")
                 for p in own]
        for j, g in enumerate(rng.choice(len(GENERIC_PROBLEMS), int(rng.integers(2, 6)),
                                         replace=False).tolist()):
            texts.append((places[j] + "段", GENERIC_PROBLEMS[g],
                          str(rng.choice(["open", "in_progress", "resolved"], p=[.3, .4, .3]))))
        for loc, text, status in texts:
            d = dists[int(rng.integers(len(dists)))]
            probs.append({
                "code": f"P{len(probs) + 1:05d}", "river_code": code, "location": loc,
                "description": text, "status": status,
                "deadline": _date(end_year + int(rng.integers(-1, 2)), rng),
                "responsible": d + str(rng.choice(["生态环境局", "水利局", "农业农村委",
                                                   "人民政府", "住房城乡建委"])),
            })
        for g in rng.choice(len(MEASURES), int(rng.integers(2, 6)), replace=False).tolist():
            progress = float(np.round(rng.choice([100.0, rng.uniform(5, 95)], p=[.3, .7]), 0))
            projs.append({
                "code": f"XM{len(projs) + 1:05d}", "river_code": code,
                "measure": places[6 + int(rng.integers(6))] + MEASURES[g], "progress": progress,
                "deadline": _date(end_year + int(rng.integers(-1, 3)), rng),
            })
    cols_p = ["code", "river_code", "location", "description", "status", "deadline",
              "responsible"]
    cols_x = ["code", "river_code", "measure", "progress", "deadline"]
    p = pd.DataFrame(probs, columns=cols_p)
    x = pd.DataFrame(projs, columns=cols_x)
    p["deadline"] = pd.to_datetime(p["deadline"])
    x["deadline"] = pd.to_datetime(x["deadline"])
    return p, x


def _date(year: int, rng: np.random.Generator) -> str:
    month = int(rng.integers(1, 13))
    day = 30 if month in (4, 6, 9, 11) else (28 if month == 2 else 31)
    return f"{year}-{month:02d}-{day:02d}"


def planted_problems(net: Network, sec_names: list[str], sec_cells: np.ndarray,
                     hotspots: list[dict], sudden: list[dict], outfalls: pd.DataFrame
                     ) -> list[dict]:
    """Problems describing the planted hotspots, sudden discharges and bad outfalls."""
    out = []
    for h in hotspots:
        s = h["section"]
        river = int(net.river_of[sec_cells[s]])
        what = "排污" if h["kind"] == "enterprise" else "养殖粪污"
        out.append({"river": river, "location": sec_names[s] + "断面上游",
                    "text": f"{h['name']}{what}超负荷，{sec_names[s]}断面"
                            f"{ITEM_ZH[h['item']]}超标"})
    for q in sudden:
        s = q["section"]
        river = int(net.river_of[sec_cells[s]])
        out.append({"river": river, "location": sec_names[s] + "断面上游",
                    "text": f"新发现{q['outfall']}偷排暗管，{sec_names[s]}断面"
                            f"{ITEM_ZH[q['item']]}浓度突然升高"})
    river_index = {c: k for k, c in enumerate(net.river_code)}
    bad = outfalls[outfalls["approval_status"] == "unapproved"]
    for code, name, river in zip(bad["code"], bad["name"], bad["river_code"]):
        out.append({"river": river_index[river], "location": name,
                    "text": f"入河排污口{code}未经审批设置"})
    return out
