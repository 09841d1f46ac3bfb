"""Plausible but fictitious Chinese names: rivers, places, people, enterprises.

Names are drawn from syllable lists, so any resemblance to a real place or person
is accidental; people's names are written with 某 (``王某林``), the customary
anonymised form, so no one mistakes them for real officials.
"""

from __future__ import annotations

import numpy as np

RIVER_FIRST = list("清白黄青龙石桃梅柳竹松花金银玉凤鹤鸣溪沙泉云碧双三五九长平安永太新")
RIVER_SECOND = list("溪水河源滩湾林塘山岩峰坪坝桥池关门口洞江湖田沟洲渡亭")
PLACE_FIRST = list("东西南北上下中新老大小高龙马鹿凤石白黄青红金银桐柏杉桂兰兴福安宁永长")
PLACE_SECOND = list("家坪坝场溪岩湾山河塘沟林桥口田寺滩庙垭铺镇坡湖村园")
PLACE_SUFFIX = ("镇", "乡", "街道", "村", "场", "坝", "桥", "渡", "口")
DISTRICT_FIRST = list("青白云金玉龙凤安永长清平泰兴宁和丰瑞江川山")
DISTRICT_SECOND = list("川峰溪江原林州阳泉城岭台陵南北源山安宁丰水")
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓")
GIVEN = list("明华建国伟强军平林清涛斌勇红霞芳丽静云峰波志鹏宇杰晨阳春雪玲")
COMPANY_FIRST = list("恒瑞鑫源宏达金泰华盛永兴隆昌丰安长远嘉和新创天宇德信佳汇")
INDUSTRY_WORDS = {
    "chemical": ("化工", "化学工业"),
    "pharmaceutical": ("制药", "生物医药"),
    "electroplating": ("电镀", "表面处理"),
    "metallurgy": ("冶金", "金属材料"),
    "food": ("食品", "酿造"),
    "paper": ("纸业", "造纸"),
    "textile": ("印染", "纺织"),
    "petrochemical": ("石化", "油品"),
    "machinery": ("机械", "汽车零部件"),
    "electronics": ("电子", "光电"),
    "building_materials": ("建材", "水泥制品"),
    "tannery": ("皮革", "制革"),
}
INDUSTRY_ZH = {
    "chemical": "化学原料和化学制品制造业", "pharmaceutical": "医药制造业",
    "electroplating": "金属表面处理及热处理加工", "metallurgy": "有色金属冶炼和压延加工业",
    "food": "农副食品加工业", "paper": "造纸和纸制品业", "textile": "纺织业",
    "petrochemical": "石油、煤炭及其他燃料加工业", "machinery": "汽车制造业",
    "electronics": "计算机、通信和其他电子设备制造业",
    "building_materials": "非金属矿物制品业", "tannery": "皮革、毛皮、羽毛及其制品和制鞋业",
}
COMPANY_SUFFIX = ("有限公司", "有限责任公司", "股份有限公司")


def _combine(rng: np.random.Generator, first: list[str], second: list[str], n: int,
             unique: bool = True) -> list[str]:
    """``n`` two-character stems; unique while the combinations last."""
    total = len(first) * len(second)
    if unique and n <= total:
        picks = rng.choice(total, size=n, replace=False)
    else:
        picks = rng.integers(0, total, size=n)
    return [first[p // len(second)] + second[p % len(second)] for p in picks.tolist()]


def river_names(rng: np.random.Generator, areas_km2: np.ndarray) -> list[str]:
    """A name per river; the suffix grows with the drained area (沟 < 溪 < 河 < 江)."""
    stems = _combine(rng, RIVER_FIRST, RIVER_SECOND, len(areas_km2))
    u = rng.random(len(areas_km2))
    out = []
    for stem, a, r in zip(stems, np.asarray(areas_km2).tolist(), u.tolist()):
        if a >= 3000:
            suffix = "江" if r < 0.5 else "河"
        elif a >= 300:
            suffix = "河"
        elif a >= 40:
            suffix = "河" if r < 0.5 else "溪"
        else:
            suffix = "溪" if r < 0.5 else "沟"
        if stem[-1] in "溪水河江沟":
            stem = stem[0] + RIVER_SECOND[int(r * 17)]
        out.append(stem + suffix)
    return out


def place_names(rng: np.random.Generator, n: int, suffixes=PLACE_SUFFIX) -> list[str]:
    """Village, town and site names such as 石家坝 or 白岩镇."""
    stems = _combine(rng, PLACE_FIRST, PLACE_SECOND, n, unique=False)
    suf = rng.integers(0, len(suffixes), size=n)
    return [s + suffixes[k] for s, k in zip(stems, suf.tolist())]


def district_names(rng: np.random.Generator, n: int) -> list[str]:
    """Fictitious district and county names (区/县), unique."""
    stems = _combine(rng, DISTRICT_FIRST, DISTRICT_SECOND, n)
    kinds = rng.random(n) < 0.6
    return [s + ("区" if k else "县") for s, k in zip(stems, kinds.tolist())]


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """Anonymised personal names: surname + 某 + one given character."""
    s = rng.integers(0, len(SURNAMES), size=n)
    g = rng.integers(0, len(GIVEN), size=n)
    return [SURNAMES[a] + "某" + GIVEN[b] for a, b in zip(s.tolist(), g.tolist())]


def company_names(rng: np.random.Generator, industries: list[str],
                  places: list[str]) -> list[str]:
    """Company names: place + brand + industry word + legal form."""
    n = len(industries)
    brand = _combine(rng, COMPANY_FIRST, COMPANY_FIRST, n, unique=False)
    w = rng.integers(0, 2, size=n)
    suf = rng.integers(0, len(COMPANY_SUFFIX), size=n)
    out = []
    for i in range(n):
        place = places[i].rstrip("区县镇乡村")[:2]
        out.append(f"{place}{brand[i]}{INDUSTRY_WORDS[industries[i]][w[i]]}"
                   f"{COMPANY_SUFFIX[suf[i]]}")
    return out
