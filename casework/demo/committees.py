"""Gaozhou's people's mediation committees (人民调解委员会) for the demo, with their mediators.

Every village and residents' committee has its mediation committee (人民调解法 art. 8: three to
nine members): 488 of them, guided by their town's 司法所 (art. 5); each town and subdistrict
has its own (``<office>-tj``, made with the office). The city has a few industry committees
guided by its justice bureau (medical, traffic, labour ...), a few enterprise committees, some
personal studios (个人调解工作室) and three rooms stationed at the police, the court and the
petition bureau (派驻调解室, 公调/诉调/访调对接). The names are made up; the numbers are those of a
county city of Gaozhou's size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from casework.demo.people import OFFICE_WEIGHTS, TOWNS, person_name
from casework.demo.seasons import split

VILLAGE_COMMITTEES = 488
SUBDISTRICTS = frozenset({"panzhou", "shanmei", "baoguang", "shizailing", "jinshan"})
CITY = "city-justice"
PLACES = "石龙凤岭塘坡新村大垌木岗东山西岸南江北坑平岭水口旺沙上垌下垌高田竹园"
# (code, subtype, name): the city's industry committees, guided by the justice bureau.
INDUSTRY = (
    ("gz-yiliao", "medical", "高州市医疗纠纷人民调解委员会"),
    ("gz-jiaotong", "traffic", "高州市道路交通事故纠纷人民调解委员会"),
    ("gz-laodong", "labour", "高州市劳动争议人民调解委员会"),
    ("gz-wuye", "property_mgmt", "高州市物业纠纷人民调解委员会"),
    ("gz-hunyin", "marriage_family", "高州市婚姻家庭纠纷人民调解委员会"),
    ("gz-xiaofei", "consumer", "高州市消费纠纷人民调解委员会"),
)
# (code, office, name): enterprises and institutions with their own committee.
ENTERPRISE = (
    ("gz-rmyy", "panzhou", "高州市人民医院人民调解委员会"),
    ("gz-gongye", "jinshan", "金山工业园人民调解委员会"),
    ("gz-tangye", "shizailing", "高州糖业公司人民调解委员会"),
    ("gz-shuiku", "shenzhenzhen", "高州水库管理局人民调解委员会"),
    ("gz-jiaoyu", "shanmei", "高州市教育系统人民调解委员会"),
    ("gz-shichang", "baoguang", "宝光农贸市场人民调解委员会"),
    ("gz-kuaiyun", "changpo", "长坡客运公司人民调解委员会"),
)
# (code, office): personal studios, each named for its mediator.
STUDIOS = (
    ("gz-gzs-1", "panzhou"),
    ("gz-gzs-2", "shigu"),
    ("gz-gzs-3", "genzi"),
    ("gz-gzs-4", "fenjie"),
)
# (code, subtype, office, name): rooms stationed where referred disputes start.
STATIONED = (
    ("gz-gongdiao", "police", "panzhou", "高州市公安局派驻人民调解室（公调对接）"),
    ("gz-sudiao", "court", "panzhou", "高州市人民法院派驻人民调解室（诉调对接）"),
    ("gz-fangdiao", "petition", "panzhou", "高州市信访局派驻人民调解室（访调对接）"),
)


@dataclass(frozen=True)
class Committee:
    code: str
    name: str
    type: str
    office: str
    subtype: str = ""
    village: str = ""
    studio_mediator: str = ""
    members: tuple[tuple[str, str], ...] = ()  # (username, name) of its mediators

    def row(self) -> dict[str, str]:
        """The row of ``committee import``."""
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type,
            "subtype": self.subtype,
            "office": self.office,
            "town": self.office if self.office != CITY else "",
            "village": self.village,
            "mediator": self.studio_mediator,
            "from": "",
        }


def _members(rng: random.Random, prefix: str, count: int) -> tuple[tuple[str, str], ...]:
    prefix = prefix.replace("-", "_")
    return tuple((f"{prefix}m{k}", person_name(rng)) for k in range(1, count + 1))


def villages(rng: random.Random) -> list[Committee]:
    """The 488 village and residents' committees, by the towns' size."""
    counts = split(VILLAGE_COMMITTEES, [OFFICE_WEIGHTS[t] for t in TOWNS])
    out = []
    for office, count in zip(TOWNS, counts, strict=True):
        for n in range(1, count + 1):
            place = rng.choice(PLACES) + rng.choice(PLACES)
            residents = office in SUBDISTRICTS and rng.random() < 0.7
            kind, unit = ("residents", "社区居民委员会") if residents else ("village", "村民委员会")
            code = f"{office}-c{n:02d}"
            out.append(
                Committee(
                    code,
                    f"{place}{unit}人民调解委员会",
                    kind,
                    office,
                    village=f"{place}{'社区' if residents else '村'}",
                    members=_members(rng, f"{office}_c{n:02d}", 3),
                )
            )
    return out


def city_committees(rng: random.Random) -> list[Committee]:
    """Industry, enterprise, studio and stationed committees."""
    out = [
        Committee(code, name, "industry", CITY, subtype, members=_members(rng, code, 4))
        for code, subtype, name in INDUSTRY
    ]
    out += [
        Committee(code, name, "enterprise", office, members=_members(rng, code, 3))
        for code, office, name in ENTERPRISE
    ]
    for code, office in STUDIOS:
        who = (f"{code.replace('-', '_')}m1", person_name(rng))
        name = f"{who[1]}个人调解工作室"
        out.append(Committee(code, name, "studio", office, studio_mediator=who[0], members=(who,)))
    out += [
        Committee(
            code,
            name,
            "stationed",
            office,
            subtype,
            members=_members(rng, code, 3),
        )
        for code, subtype, office, name in STATIONED
    ]
    return out


def committees() -> list[Committee]:
    """Every committee the demo adds (the towns' own come with the offices)."""
    rng = random.Random("gaozhou-committees")
    return villages(rng) + city_committees(rng)
