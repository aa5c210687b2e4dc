"""Names, resident ID numbers, phones and staff for the demo, all generated deterministically."""

from __future__ import annotations

import random
from datetime import date, timedelta

from casework.domain.identity import id_check_digit

SURNAMES = "陈李黄张梁林何吴王刘杨邓谭冯曾罗郑钟周叶潘朱蔡莫彭卢苏庞董许龙韦袁江邱梁谢麦柯"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅金凤家辉文斌海燕"
    "春燕晓东少华永强振华嘉欣子豪宇航俊杰锦荣德明"
)
# 高州市's administrative division code, the first six characters of local ID numbers.
REGION = "440981"

# Relative size of each office's caseload: the five subdistricts around the city centre are
# busiest, the mountain towns quietest.
OFFICE_WEIGHTS = {
    "panzhou": 2.2,
    "shanmei": 1.7,
    "baoguang": 1.5,
    "shizailing": 1.3,
    "jinshan": 1.3,
    "xieji": 0.9,
    "xindong": 0.8,
    "yuntan": 1.0,
    "fenjie": 1.2,
    "genzi": 1.1,
    "sishui": 0.9,
    "zhenjiang": 1.0,
    "shatian": 0.8,
    "nantang": 0.9,
    "hehua": 0.7,
    "shiban": 0.8,
    "dajing": 0.9,
    "tantou": 1.0,
    "dapo": 0.6,
    "pingshan": 0.7,
    "shenzhenzhen": 1.1,
    "magui": 0.6,
    "guding": 0.8,
    "caojiang": 1.0,
    "hetang": 0.9,
    "shigu": 1.1,
    "dongan": 0.8,
    "changpo": 1.2,
}
TOWNS = tuple(OFFICE_WEIGHTS)


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def id_number(rng: random.Random) -> str:
    born = date(1945, 1, 1) + timedelta(days=rng.randrange(0, 365 * 55))
    first17 = f"{REGION}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + id_check_digit(first17)


def phone(rng: random.Random) -> str:
    return rng.choice(("138", "139", "135", "137", "150", "152", "158", "188", "189", "133")) + (
        f"{rng.randrange(0, 10**8):08d}"
    )


def party(rng: random.Random, role: str, with_id: float = 0.8) -> str:
    """A ``ROLE:NAME[:ID[:PHONE]]`` party spec."""
    name = person_name(rng)
    ident = id_number(rng) if rng.random() < with_id else ""
    tel = phone(rng) if rng.random() < 0.85 else ""
    return f"{role}:{name}:{ident}:{tel}"


def mediators_of(office: str) -> int:
    """How many mediators an office's own committee has: three to five, by its size."""
    weight = OFFICE_WEIGHTS[office]
    return 5 if weight >= 1.5 else 4 if weight >= 1.0 else 3  # PML art. 8: three to nine


def staff() -> list[tuple[str, str, str, str]]:
    """Every demo user: (username, name, role, office)."""
    rng = random.Random("gaozhou-staff")
    people = []
    for office in TOWNS:
        people.append((f"{office}_clerk", person_name(rng), "clerk", office))
        people.append((f"{office}_sup", person_name(rng), "supervisor", office))
        for n in range(1, mediators_of(office) + 1):
            people.append((f"{office}_med{n}", person_name(rng), "mediator", office))
    people += [
        ("petition_clerk", person_name(rng), "clerk", "city-petition"),
        ("petition_sup", person_name(rng), "supervisor", "city-petition"),
        ("justice_sup", person_name(rng), "supervisor", "city-justice"),
        ("justice_clerk", person_name(rng), "clerk", "city-justice"),
        ("rol_sup", person_name(rng), "supervisor", "city-rule-of-law"),
        ("stats_viewer", person_name(rng), "viewer", "city-justice"),
    ]
    people += [(f"leader{n}", person_name(rng), "leader", "city-rule-of-law") for n in range(1, 9)]
    # a second supervisor of the bureau checks the city committees' claims (mediation.md 3)
    people.append(("justice_checker", person_name(rng), "supervisor", "city-justice"))
    # the 12345 centre: shift operators (话务员) and the centre's supervisor
    people += [
        (f"hotline_op{n}", person_name(rng), "operator", "city-hotline") for n in range(1, 7)
    ]
    people.append(("hotline_sup", person_name(rng), "supervisor", "city-hotline"))
    # the designated reviewers (复议人员) of the city's reconsideration body
    people += [(f"recon_rev{n}", person_name(rng), "reviewer", "city-justice") for n in (1, 2, 3)]
    return people
