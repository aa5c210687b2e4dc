"""Petitions as the law runs them (petition.md 1.2-1.8), through the API, on every database.

One test per rule: every trigger of 1.5 with its guards, the intake rules of 1.3, registration
and its flags (1.2), repeat detection, the rule versions (1.1), the limits of 1.6 with their
pauses and the offices they bind, closing (1.7) and the petition file (1.8). Each refusal is
checked for its rule (``GuardFailed.rule``) and for a message Chinese first, with the English
identifiers beside.

Dates are picked against China's calendar: the 2023 Spring Festival holiday ran 2023-01-21..27
with make-up working days on Saturday 28 and Sunday 29 January (casework.time.calendar, from
the chinesecalendar package).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from casework.api import Casework
from casework.errors import (
    CaseworkError,
    GuardFailed,
    IllegalTransition,
    InvalidData,
    NotAllowed,
)
from tests import petitions as P
from tests.helpers import VALID_ID, FrozenClock

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def late_clock(clock: FrozenClock) -> Iterator[None]:
    """Today is 2024-06-01: every date of these tests is in the past."""
    clock.set("2024-06-01T10:00")
    yield


def refused(call: Callable[[], object], rule: str, *words: str) -> str:
    """The message of a guard's refusal, checked: the rule it names, Chinese first, the
    English identifiers ``words`` beside."""
    with pytest.raises(GuardFailed) as info:
        call()
    err = info.value
    assert err.rule == rule, (err.rule, err.reason)
    chinese(err, rule, *words)
    return err.reason


def chinese(err: CaseworkError, *words: str) -> None:
    """A refusal says it in Chinese first, with the English identifiers beside."""
    reason = err.reason
    first = re.sub(r"^[「」\s]+", "", reason)[:1]
    assert CJK.match(first), reason
    for word in words:
        assert word in reason, (word, reason)


def step(
    cw: Casework, user: str, case_no: str, trigger: str, at: str, **values: str
) -> dict[str, Any]:
    return dict(cw.acting(user).advance(case_no, trigger, values, at=at))


def state(cw: Casework, case_no: str) -> str:
    return cw.acting("admin").show(case_no)["state"]


def limits(cw: Casework, case_no: str, as_of: str) -> dict[str, dict[str, object]]:
    return {d["limit"]: dict(d) for d in cw.acting("admin").show(case_no, as_of=as_of)["limits"]}


# -- 1.2 registration ------------------------------------------------------------------------


def test_registration_keeps_the_values_of_a_petition(cw: Casework) -> None:
    case_no = P.register(
        cw,
        "2023-03-01",
        channel="visit",
        request="要求支付拖欠的工资三万元",
        people="3",
        address_known="no",
        litigation="yes",
        visited_level="maoming",
        parties=(P.PETITIONER, "representative:李某", "representative:王某"),
    )
    data = cw.acting("clerk_pz").show(case_no)["data"]
    assert data["request"] == "要求支付拖欠的工资三万元"
    assert (data["people"], data["address_known"], data["litigation"]) == (3, "no", "yes")
    assert (data["visited_level"], data["rules"]) == ("maoming", "xf2022")


def test_registration_defaults_one_person_address_known_no_litigation(cw: Casework) -> None:
    data = cw.acting("clerk_pz").show(P.register(cw, "2023-03-01"))["data"]
    assert (data["people"], data["address_known"], data["litigation"]) == (1, "yes", "no")


def test_six_representatives_of_a_group_visit_refused_five_fine_none_a_warning(
    cw: Casework,
) -> None:
    six = tuple(f"representative:代表{i}" for i in range(6))
    reason = refused(
        lambda: P.register(cw, "2023-03-01", channel="visit", people="40", parties=six),
        "representatives_at_most_5",
        "representative",
    )
    assert "6" in reason and "信访工作条例" in reason and "第二十条第三款" in reason
    assert cw.acting("admin").cases(kind="petition") == []  # nothing registered
    P.register(cw, "2023-03-01", channel="visit", people="40", parties=six[:5])
    clerk = cw.acting("clerk_pz")
    result = clerk.register(
        "petition", "panzhou", "集体上访", [P.PETITIONER], {"channel": "visit", "people": "40"}
    )
    assert result["state"] == "registered"
    assert any("representatives_named" in w for w in result["warnings"])
    # one person, or a letter, names no representative and is warned of nothing
    alone = clerk.register("petition", "panzhou", "来信", [P.PETITIONER], {"channel": "letter"})
    assert alone["warnings"] == []


def test_six_representatives_under_the_2005_rules_cite_its_article(cw: Casework) -> None:
    six = tuple(f"representative:代表{i}" for i in range(6))
    reason = refused(
        lambda: P.register(cw, "2020-03-01", channel="visit", people="40", parties=six),
        "representatives_at_most_5",
    )
    assert "信访条例" in reason and "第十八条第二款" in reason


def test_collective_flag_follows_the_dated_threshold(cw: Casework) -> None:
    five = P.register(cw, "2023-03-01", channel="visit", people="5", parties=("representative:甲",))
    four = P.register(cw, "2023-03-01", channel="visit", people="4", parties=("representative:乙",))
    letter = P.register(cw, "2023-03-01", people="9")
    flags = {n: flag_names(cw, n) for n in (five, four, letter)}
    assert "collective" in flags[five]
    assert "collective" not in flags[four] and "collective" not in flags[letter]
    cw.acting("admin").config_set("petition.collective_min", "6", "2023-04-01")
    later = P.register(
        cw, "2023-04-02", channel="visit", people="5", parties=("representative:丙",)
    )
    assert "collective" not in flag_names(cw, later)
    assert "collective" in flag_names(cw, five)  # judged by the setting of its day


def flag_names(cw: Casework, case_no: str) -> set[str]:
    """The marks on a case: each flag's name, and the side of a two-sided one (first_or_repeat
    is ``first`` or ``repeat``)."""
    flags = cw.acting("admin").show(case_no)["flags"]
    return {f["name"] for f in flags} | {f["value"] for f in flags if isinstance(f["value"], str)}


def test_skip_level_flag_two_levels_above_the_case_office(cw: Casework) -> None:
    town_maoming = P.register(cw, "2023-03-01", channel="visit", visited_level="maoming")
    town_local = P.register(cw, "2023-03-01", channel="visit", visited_level="local")
    city_province = P.register(
        cw, "2023-03-01", "city-justice", P.CITY_CLERK, channel="visit", visited_level="province"
    )
    city_maoming = P.register(
        cw, "2023-03-01", "city-justice", P.CITY_CLERK, channel="visit", visited_level="maoming"
    )
    assert "skip_level" in flag_names(cw, town_maoming)
    assert "skip_level" not in flag_names(cw, town_local)
    assert "skip_level" in flag_names(cw, city_province)
    assert "skip_level" not in flag_names(cw, city_maoming)


def test_repeat_flag_by_a_confirmed_same_matter_link(cw: Casework) -> None:
    first = P.register(cw, "2023-03-01")
    second = P.register(cw, "2023-05-01")
    assert {"first"} <= flag_names(cw, second) and "repeat" not in flag_names(cw, second)
    cw.acting("clerk_pz").link(second, first, "same_matter", at="2023-05-01T12:00")
    assert "repeat" in flag_names(cw, second) and "first" not in flag_names(cw, second)
    shown = cw.acting("admin").show(second)["flags"]
    assert {"name": "first_or_repeat", "label": "重复信访", "value": "repeat"} in shown
    assert "first" in flag_names(cw, first)  # the earlier one stays a first petition
    cw.acting("clerk_pz").link(second, first, "not_same", at="2023-05-02")
    assert "first" in flag_names(cw, second)  # the last finding holds


# -- repeat detection --------------------------------------------------------------------------


def test_related_by_id_number_with_similarity_highest_first(cw: Casework) -> None:
    wages = P.register(cw, "2023-03-01", title="拖欠工资")
    other = P.register(cw, "2023-03-02", title="邻里噪音")
    found = cw.acting("clerk_pz").register(
        "petition", "panzhou", "拖欠工钱", [f"petitioner:陈某:{VALID_ID}"], {"channel": "letter"}
    )["related"]
    assert [r["case_no"] for r in found] == [wages, other]
    assert found[0]["matched"] == ["id_number"]
    assert found[0]["similarity"] == 0.67  # 拖欠 欠工 shared of 3 + 3 bigrams
    assert found[1]["similarity"] == 0.0
    assert found[0]["title"] == "拖欠工资"
    shown = cw.acting("clerk_pz").show(found[0]["case_no"])["related"]
    assert {r["case_no"] for r in shown} >= {other}


def test_related_by_name_and_phone_when_an_id_number_is_missing(cw: Casework) -> None:
    earlier = P.register(cw, "2023-03-01", parties=("petitioner:陈某::13800138000",))
    P.register(cw, "2023-03-01", parties=("petitioner:陈某::13900139000",))  # another phone
    found = cw.acting("clerk_pz").register(
        "petition", "panzhou", "拖欠工资", [f"petitioner:陈某:{VALID_ID}:13800138000"]
    )["related"]
    assert [(r["case_no"], r["matched"]) for r in found] == [(earlier, ["name", "phone"])]
    assert found[0]["similarity"] == 1.0


def test_related_case_of_another_office_is_shown_without_its_title(cw: Casework) -> None:
    theirs = P.register(cw, "2023-03-01", "shanmei", "clerk_sm", title="山美的事")
    found = cw.acting("clerk_pz").register("petition", "panzhou", "潘州的事", [P.PETITIONER])[
        "related"
    ]
    assert len(found) == 1
    row = found[0]
    assert (row["case_no"], row["office"], row["state"]) == (theirs, "shanmei", "registered")
    assert row["title"] is None and row["matched"] == ["id_number"]
    # the city office sees every office's title
    city = cw.acting(P.CITY_CLERK).register("petition", "city-justice", "市里的事", [P.PETITIONER])[
        "related"
    ]
    assert {r["title"] for r in city} == {"山美的事", "潘州的事"}


def test_a_repeat_is_registered_never_refused(cw: Casework) -> None:
    first = P.register(cw, "2023-03-01")
    second = P.register(cw, "2023-03-01")
    assert first != second and state(cw, second) == "registered"


# -- 1.1 rule versions -------------------------------------------------------------------------


def test_a_2020_petition_pins_xf2005_and_cites_the_2005_articles(cw: Casework) -> None:
    case_no = P.register(cw, "2020-03-02")
    shown = cw.acting("clerk_pz").show(case_no, as_of="2020-03-03")
    assert shown["rules"] == {"name": "xf2005", "label": "信访条例（2005）", "law": "《信访条例》"}
    decide = {d["limit"]: d for d in shown["limits"]}["decide_limit"]
    assert decide["article"] == "《信访条例》第二十一条第一款、第二十二条第二款"
    P.accept(cw, case_no, "2020-03-03")
    reply = limits(cw, case_no, "2020-03-04")["reply_limit"]
    assert reply["article"] == "《信访条例》第三十三条" and reply["date"] == "2020-05-06"
    reason = refused(
        lambda: step(cw, P.TOWN_SUP, case_no, "extend", "2020-05-07", days="10", reason="核实"),
        "before_lapse",
        "reply_limit",
    )
    assert "《信访条例》第三十三条" in reason


def test_a_2023_petition_pins_xf2022_and_cites_the_2022_articles(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    shown = cw.acting("clerk_pz").show(case_no, as_of="2023-03-02")
    assert shown["rules"] == {
        "name": "xf2022",
        "label": "信访工作条例（2022）",
        "law": "《信访工作条例》",
    }
    P.accept(cw, case_no, "2023-03-02")
    assert (
        limits(cw, case_no, "2023-03-03")["reply_limit"]["article"] == "《信访工作条例》第三十四条"
    )
    reason = refused(
        lambda: step(cw, P.TOWN_SUP, case_no, "extend", "2023-05-05", days="10", reason="核实"),
        "before_lapse",
    )
    assert "《信访工作条例》第三十四条" in reason


def test_the_version_changes_on_2022_05_01(cw: Casework) -> None:
    before = P.register(cw, "2022-04-30T23:00")
    after = P.register(cw, "2022-05-01T00:30")
    assert cw.acting("admin").show(before)["data"]["rules"] == "xf2005"
    assert cw.acting("admin").show(after)["data"]["rules"] == "xf2022"


def test_a_petition_dated_before_2005_05_01_is_refused(cw: Casework) -> None:
    with pytest.raises(InvalidData) as info:
        P.register(cw, "2004-06-01")
    assert info.value.field == "at"
    chinese(info.value, "petition", "2005-05-01")


def test_an_entry_back_dated_to_2021_today_still_gets_xf2005(cw: Casework) -> None:
    case_no = P.register(cw, "2021-08-01")  # entered on 2024-06-01
    assert cw.acting("admin").show(case_no)["data"]["rules"] == "xf2005"


def test_workflow_rules_cite_each_version(cw: Casework) -> None:
    versions = {v["name"]: v for v in cw.workflow("petition")["versions"]}
    assert versions["xf2005"]["effective_from"] == "2005-05-01"
    assert versions["xf2022"]["effective_from"] == "2022-05-01"
    x = {c["rule"]: c["article"] for c in versions["xf2005"]["citations"]}
    g = {c["rule"]: c["article"] for c in versions["xf2022"]["citations"]}
    assert (x["reply_limit"], g["reply_limit"]) == ("第三十三条", "第三十四条")
    assert (x["review_limit"], g["review_limit"]) == ("第三十四条", "第三十五条")
    assert (
        "object" not in versions["xf2005"]["triggers"]
        and "divert" not in versions["xf2005"]["triggers"]
    )
    assert {"object", "divert"} <= set(versions["xf2022"]["triggers"])
    assert "objection_window" not in {lim["name"] for lim in versions["xf2005"]["limits"]}
    window = {lim["name"]: lim for lim in versions["xf2022"]["limits"]}["objection_window"]
    assert (window["days"], window["unit"]) == (5, "working_days")
    assert window["article"] == "《信访工作条例》第二十三条第三款"


# -- 1.3 intake rules: the guards of accept ---------------------------------------------------


def accept(cw: Casework, case_no: str, at: str, user: str = P.TOWN_SUP) -> dict[str, object]:
    """受理 with the notice's method (the documents already on file)."""
    return step(cw, user, case_no, "accept", at, notice_method="post")


def test_accept_needs_the_letter_or_the_intake_record(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.doc(cw, P.TOWN_CLERK, case_no, "acceptance_notice", "2023-03-01")
    reason = refused(lambda: accept(cw, case_no, "2023-03-02"), "intake_document", "letter")
    assert "intake_record" in reason and "第十九条第一款" in reason
    P.doc(cw, P.TOWN_CLERK, case_no, "intake_record", "2023-03-02")
    assert accept(cw, case_no, "2023-03-02")["state"] == "handling"


def test_an_accusation_is_not_accepted_but_forwarded_to_discipline(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01", category="accusation")
    for kind in ("letter", "acceptance_notice", "forwarding_letter", "forwarding_notice"):
        P.doc(cw, P.TOWN_CLERK, case_no, kind, "2023-03-01")
    reason = refused(
        lambda: accept(cw, case_no, "2023-03-02"), "not_accusation", "forward", "discipline"
    )
    assert "第二十二条第二款、第三十条" in reason
    refused(
        lambda: step(
            cw,
            P.TOWN_CLERK,
            case_no,
            "forward",
            "2023-03-02",
            to_office="shanmei",
            notice_method="post",
        ),
        "accusation_to_discipline",
        "discipline",
    )
    refused(
        lambda: step(
            cw,
            P.TOWN_CLERK,
            case_no,
            "forward",
            "2023-03-02",
            to_organ="高州市纪委监委",
            organ_type="ordinary",
            notice_method="post",
        ),
        "accusation_to_discipline",
    )
    done = step(
        cw,
        P.TOWN_CLERK,
        case_no,
        "forward",
        "2023-03-02",
        to_organ="高州市纪委监委",
        organ_type="discipline",
        notice_method="post",
    )
    assert done["state"] == "forwarded" and "spawned" not in done


def test_an_accusation_under_the_2005_rules_is_accepted_when_the_setting_is_off(
    cw: Casework,
) -> None:
    on = P.register(cw, "2020-03-01", category="accusation")
    off = P.register(cw, "2020-06-02", category="accusation")
    for case_no, at in ((on, "2020-03-01"), (off, "2020-06-02")):
        P.doc(cw, P.TOWN_CLERK, case_no, "letter", at)
        P.doc(cw, P.TOWN_CLERK, case_no, "acceptance_notice", at)
    cw.acting("admin").config_set("petition.accusation_forward_x", "off", "2020-06-01")
    refused(lambda: accept(cw, on, "2020-05-30"), "not_accusation")  # the setting's day
    assert accept(cw, off, "2020-06-02")["state"] == "handling"


def test_a_matter_for_litigation_under_2022_is_forwarded_or_diverted(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01", litigation="yes")
    P.doc(cw, P.TOWN_CLERK, case_no, "letter", "2023-03-01")
    P.doc(cw, P.TOWN_CLERK, case_no, "acceptance_notice", "2023-03-01")
    reason = refused(
        lambda: accept(cw, case_no, "2023-03-02"), "not_litigation", "political_legal", "divert"
    )
    assert "legal_route" not in reason and "第二十二条第二款、第二十八条" in reason
    P.doc(cw, P.TOWN_CLERK, case_no, "route_notice", "2023-03-02")
    done = step(
        cw, P.TOWN_SUP, case_no, "divert", "2023-03-02", route="litigation", notice_method="post"
    )
    assert done["state"] == "diverted"


def test_a_matter_for_litigation_under_2005_is_refused_as_legal_route(cw: Casework) -> None:
    case_no = P.register(cw, "2021-03-01", litigation="yes")
    for kind in ("letter", "acceptance_notice", "non_acceptance_notice"):
        P.doc(cw, P.TOWN_CLERK, case_no, kind, "2021-03-01")
    reason = refused(lambda: accept(cw, case_no, "2021-03-02"), "not_litigation", "legal_route")
    assert "divert" not in reason and "《信访条例》" in reason
    done = step(
        cw,
        P.TOWN_SUP,
        case_no,
        "refuse",
        "2021-03-02",
        reason="legal_route",
        notice_method="post",
    )
    assert done["state"] == "not_accepted"


def concluded(cw: Casework, at: str = "2023-01-03") -> str:
    """A town petition taken to its end: reviewed by the justice bureau, re-reviewed by
    Maoming's (recorded by the bureau's clerk): 终结."""
    case_no = P.rereviewing(cw, at, "2023-02-01", "2023-02-20", "2023-03-01")
    P.doc(cw, P.CITY_CLERK, case_no, "rereview_opinion", "2023-03-20")
    step(
        cw,
        P.CITY_CLERK,
        case_no,
        "rereview",
        "2023-03-20",
        outcome="not_support",
        organ="茂名市司法局",
        doc_no="茂司复核〔2023〕5号",
    )
    return case_no


def test_a_matter_concluded_on_re_review_is_not_accepted_again(cw: Casework) -> None:
    ended = concluded(cw)
    assert state(cw, ended) == "concluded"
    again = P.register(cw, "2023-04-01")
    for kind in ("letter", "acceptance_notice", "non_acceptance_notice"):
        P.doc(cw, P.TOWN_CLERK, again, kind, "2023-04-01")
    assert accept(cw, again, "2023-04-01")["state"] == "handling"  # no link, no refusal
    later = P.register(cw, "2023-04-02")
    for kind in ("letter", "acceptance_notice", "non_acceptance_notice"):
        P.doc(cw, P.TOWN_CLERK, later, kind, "2023-04-02")
    cw.acting(P.TOWN_CLERK).link(later, ended, "same_matter", at="2023-04-02T12:00")
    reason = refused(lambda: accept(cw, later, "2023-04-03"), "not_concluded", "concluded", ended)
    assert "第三十六条第三款" in reason
    done = step(
        cw, P.TOWN_SUP, later, "refuse", "2023-04-03", reason="concluded", notice_method="post"
    )
    assert done["state"] == "not_accepted"


def test_a_matter_handled_below_within_its_limit_is_refused_above(cw: Casework) -> None:
    below = P.register(cw, "2023-03-01")
    P.accept(cw, below, "2023-03-02")  # its reply limit runs to 2023-05-04
    above = P.register(cw, "2023-03-10", "city-justice", P.CITY_CLERK)
    for kind in ("letter", "acceptance_notice"):
        P.doc(cw, P.CITY_CLERK, above, kind, "2023-03-10")
    cw.acting(P.CITY_CLERK).link(above, below, "same_matter", at="2023-03-10T12:00")
    reason = refused(
        lambda: accept(cw, above, "2023-03-11", P.CITY_SUP),
        "not_in_handling_below",
        "in_handling",
        below,
        "panzhou",
    )
    assert "第十九条第三款" in reason
    # past the town's limit, the bureau accepts it and supervises the town
    assert accept(cw, above, "2023-05-06", P.CITY_SUP)["state"] == "handling"
    P.doc(cw, "sup_pz", below, "supervision_letter", "2023-05-06")
    done = step(cw, P.CITY_SUP, below, "supervise", "2023-05-06", note="请尽快答复")
    assert done["state"] == "handling"


def test_a_matter_handled_at_the_same_level_is_not_in_handling_below(cw: Casework) -> None:
    other = P.register(cw, "2023-03-01", "shanmei", "clerk_sm")
    mine = P.register(cw, "2023-03-02")
    for kind in ("letter", "acceptance_notice"):
        P.doc(cw, P.TOWN_CLERK, mine, kind, "2023-03-02")
    cw.acting("admin").link(mine, other, "same_matter", at="2023-03-02T12:00")
    assert accept(cw, mine, "2023-03-03")["state"] == "handling"


# -- notices (N) ---------------------------------------------------------------------------------


def test_accept_needs_the_notice_method_and_the_notice_on_file(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.intake(cw, case_no, "2023-03-01")
    reason = refused(lambda: accept(cw, case_no, "2023-03-02"), "notice_given", "acceptance_notice")
    assert "notice_method" not in reason
    reason = refused(
        lambda: step(cw, P.TOWN_SUP, case_no, "accept", "2023-03-02"),
        "notice_given",
        "notice_method",
    )
    assert "第二十三条第二款" in reason
    P.doc(cw, P.TOWN_CLERK, case_no, "acceptance_notice", "2023-03-02")
    refused(lambda: step(cw, P.TOWN_SUP, case_no, "accept", "2023-03-02"), "notice_given")
    assert accept(cw, case_no, "2023-03-02")["state"] == "handling"


def test_address_unknown_waives_the_written_notices(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01", address_known="no")
    P.intake(cw, case_no, "2023-03-01")
    assert step(cw, P.TOWN_SUP, case_no, "accept", "2023-03-02")["state"] == "handling"
    refusing = P.register(cw, "2023-03-01", address_known="no")
    P.intake(cw, refusing, "2023-03-01")
    done = step(cw, P.TOWN_SUP, refusing, "refuse", "2023-03-02", reason="outside_remit")
    assert done["state"] == "not_accepted"


def test_a_notice_method_must_be_one_of_the_list(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.intake(cw, case_no, "2023-03-01")
    with pytest.raises(InvalidData) as info:
        step(cw, P.TOWN_SUP, case_no, "accept", "2023-03-02", notice_method="pigeon")
    assert info.value.field == "value.notice_method"
    chinese(info.value, "notice_method", "in_person", "post", "sms", "phone", "online", "other")


# -- refuse ----------------------------------------------------------------------------------------


REASONS_BOTH = (
    "outside_remit",
    "other_body",
    "in_handling",
    "concluded",
    "accusation",
    "duplicate",
)


def refusable(cw: Casework, at: str) -> str:
    case_no = P.register(cw, at)
    P.intake(cw, case_no, at)
    P.doc(cw, P.TOWN_CLERK, case_no, "non_acceptance_notice", at)
    return case_no


@pytest.mark.parametrize("reason", REASONS_BOTH)
def test_refuse_with_each_reason_under_both_versions(cw: Casework, reason: str) -> None:
    for at in ("2021-03-01", "2023-03-01"):
        case_no = refusable(cw, at)
        done = step(cw, P.TOWN_SUP, case_no, "refuse", at, reason=reason, notice_method="sms")
        assert done["state"] == "not_accepted"
        assert done["event"]["data"]["reason"] == reason


def test_refuse_as_legal_route_only_under_the_2005_rules(cw: Casework) -> None:
    old = refusable(cw, "2022-04-01")
    assert (
        step(
            cw, P.TOWN_SUP, old, "refuse", "2022-04-01", reason="legal_route", notice_method="post"
        )["state"]
        == "not_accepted"
    )
    new = refusable(cw, "2023-03-01")
    reason = refused(
        lambda: step(
            cw, P.TOWN_SUP, new, "refuse", "2023-03-01", reason="legal_route", notice_method="post"
        ),
        "reason_valid",
        "legal_route",
        "divert",
    )
    assert "xf2005" in reason or "信访条例（2005）" in reason


def test_refuse_for_another_reason_needs_its_text(cw: Casework) -> None:
    case_no = refusable(cw, "2023-03-01")
    refused(
        lambda: step(
            cw, P.TOWN_SUP, case_no, "refuse", "2023-03-01", reason="other", notice_method="post"
        ),
        "reason_valid",
        "reason_text",
    )
    done = step(
        cw,
        P.TOWN_SUP,
        case_no,
        "refuse",
        "2023-03-01",
        reason="other",
        reason_text="信访人已撤回",
        notice_method="post",
    )
    assert done["state"] == "not_accepted"


def test_refuse_needs_its_notice(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.intake(cw, case_no, "2023-03-01")
    refused(
        lambda: step(
            cw,
            P.TOWN_SUP,
            case_no,
            "refuse",
            "2023-03-01",
            reason="outside_remit",
            notice_method="post",
        ),
        "notice_given",
        "non_acceptance_notice",
    )


def test_refusal_reasons_are_a_dated_list(cw: Casework) -> None:
    cw.acting("admin").config_set(
        "petition.refusal_reasons", "outside_remit,other_body,other", "2023-03-01"
    )
    case_no = refusable(cw, "2023-03-02")
    refused(
        lambda: step(
            cw,
            P.TOWN_SUP,
            case_no,
            "refuse",
            "2023-03-02",
            reason="duplicate",
            notice_method="post",
        ),
        "reason_valid",
        "duplicate",
    )
    earlier = refusable(cw, "2023-02-01")
    assert (
        step(
            cw,
            P.TOWN_SUP,
            earlier,
            "refuse",
            "2023-02-01",
            reason="duplicate",
            notice_method="post",
        )["state"]
        == "not_accepted"
    )


def test_a_sub_reason_from_the_configured_list(cw: Casework) -> None:
    case_no = refusable(cw, "2023-03-01")
    done = step(
        cw,
        P.TOWN_SUP,
        case_no,
        "refuse",
        "2023-03-01",
        reason="other_body",
        sub_reason="judgment",
        notice_method="post",
    )
    assert done["event"]["data"]["sub_reason"] == "judgment"


# -- 1.5 forward, assign down, object ------------------------------------------------------------


def test_forward_to_an_office_spawns_a_case_there(cw: Casework) -> None:
    sent, spawned = P.forwarded(cw, "2023-03-01T09:30", request="要求支付工资")
    assert state(cw, sent) == "forwarded"
    theirs = cw.acting("clerk_sm").show(spawned, as_of="2023-03-01")
    assert theirs["office"] == "shanmei" and theirs["state"] == "registered"
    assert theirs["registered_at"] == "2023-03-01T09:30:00+08:00"  # the sender's event date
    assert theirs["title"] == "拖欠工资" and theirs["parties"][0]["name"] == "陈某"
    data = theirs["data"]
    assert (data["origin"], data["parent_case"], data["from_office"]) == (
        "forwarded",
        sent,
        "panzhou",
    )
    assert (data["request"], data["rules"]) == ("要求支付工资", "xf2022")
    assert {(lk["kind"], lk["case_no"]) for lk in theirs["links"]} == {("origin", sent)}
    mine = cw.acting("clerk_pz").show(sent)
    assert {(lk["kind"], lk["case_no"]) for lk in mine["links"]} == {("successor", spawned)}
    running = {d["limit"]: d for d in theirs["limits"]}
    assert (
        running["decide_limit"]["date"] == "2023-03-16"
        and running["decide_limit"]["binds"] == "office"
    )
    window = running["objection_window"]
    assert (window["date"], window["binds"]) == ("2023-03-08", "office_window")
    # the town registered nothing by itself: the engine did, in the same step
    assert len(cw.acting("admin").cases(kind="petition")) == 2


def test_forward_under_the_2005_rules_opens_no_objection_window(cw: Casework) -> None:
    _, spawned = P.forwarded(cw, "2021-03-01")
    running = limits(cw, spawned, "2021-03-02")
    assert "decide_limit" in running and "objection_window" not in running


def test_forward_to_an_outside_organ_names_its_type(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    for kind in ("letter", "forwarding_letter", "forwarding_notice"):
        P.doc(cw, P.TOWN_CLERK, case_no, kind, "2023-03-01")
    refused(
        lambda: step(
            cw,
            P.TOWN_CLERK,
            case_no,
            "forward",
            "2023-03-02",
            to_organ="高州市人民法院",
            notice_method="post",
        ),
        "one_destination",
        "organ_type",
    )
    refused(
        lambda: step(cw, P.TOWN_CLERK, case_no, "forward", "2023-03-02", notice_method="post"),
        "one_destination",
        "to_office",
        "to_organ",
    )
    refused(
        lambda: step(
            cw,
            P.TOWN_CLERK,
            case_no,
            "forward",
            "2023-03-02",
            to_office="panzhou",
            notice_method="post",
        ),
        "one_destination",
    )
    done = step(
        cw,
        P.TOWN_CLERK,
        case_no,
        "forward",
        "2023-03-02",
        to_organ="高州市人民法院",
        organ_type="political_legal",
        notice_method="post",
    )
    assert done["state"] == "forwarded" and "spawned" not in done
    assert len(cw.acting("admin").cases(kind="petition")) == 1


def test_forward_needs_its_letter_and_its_notice(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.intake(cw, case_no, "2023-03-01")
    with pytest.raises(GuardFailed) as info:
        step(
            cw,
            P.TOWN_CLERK,
            case_no,
            "forward",
            "2023-03-02",
            to_office="shanmei",
            notice_method="post",
        )
    assert info.value.rule == "case_file"
    chinese(info.value, "forwarding_letter")
    P.doc(cw, P.TOWN_CLERK, case_no, "forwarding_letter", "2023-03-02")
    refused(
        lambda: step(
            cw,
            P.TOWN_CLERK,
            case_no,
            "forward",
            "2023-03-02",
            to_office="shanmei",
            notice_method="post",
        ),
        "notice_given",
        "forwarding_notice",
    )


def test_assign_down_spawns_a_case_with_its_report_deadline(cw: Casework) -> None:
    sent, spawned = P.assigned(cw, "2023-03-01", report_days="20")
    assert state(cw, sent) == "assigned_down"
    theirs = cw.acting("sup_pz").show(spawned, as_of="2023-03-02")
    assert theirs["office"] == "panzhou"
    data = theirs["data"]
    assert (data["origin"], data["parent_case"], data["report_days"]) == ("assigned", sent, 20)
    running = {d["limit"]: d for d in theirs["limits"]}
    report = running["report_limit"]
    assert (report["date"], report["binds"], report["bound_office"]) == (
        "2023-03-21",
        "office",
        "panzhou",
    )
    assert report["article"] == "《信访工作条例》第二十二条第一款第（三）项"
    assert "objection_window" in running and "decide_limit" in running
    # the report limit is a duty: it runs on while the town handles the matter
    P.replied(cw, spawned, "2023-03-02", "2023-03-10")
    assert limit_names(cw, spawned, "2023-03-11") >= {"report_limit"}
    P.doc(cw, P.TOWN_CLERK, spawned, "completion_report", "2023-03-12")
    done = step(cw, P.TOWN_SUP, spawned, "report", "2023-03-12")
    assert done["state"] == "replied"  # record-only
    assert state(cw, sent) == "reported"
    assert "report_limit" not in limit_names(cw, spawned, "2023-03-13")
    refused(lambda: step(cw, P.TOWN_SUP, spawned, "report", "2023-03-13"), "report_once")


def limit_names(cw: Casework, case_no: str, as_of: str) -> set[str]:
    return set(limits(cw, case_no, as_of))


def test_assign_down_only_from_a_city_office_to_a_town(cw: Casework) -> None:
    town = P.register(cw, "2023-03-01")
    for kind in ("letter", "forwarding_letter", "forwarding_notice"):
        P.doc(cw, P.TOWN_CLERK, town, kind, "2023-03-01")
    with pytest.raises(NotAllowed) as info:
        step(
            cw,
            P.TOWN_SUP,
            town,
            "assign_down",
            "2023-03-01",
            to_office="shanmei",
            report_days="30",
            notice_method="post",
        )
    chinese(info.value, "assign_down")
    city = P.register(cw, "2023-03-01", "city-justice", P.CITY_CLERK)
    for kind in ("letter", "forwarding_letter", "forwarding_notice"):
        P.doc(cw, P.CITY_CLERK, city, kind, "2023-03-01")
    refused(
        lambda: step(
            cw,
            P.CITY_SUP,
            city,
            "assign_down",
            "2023-03-01",
            to_office="city-petition",
            report_days="30",
            notice_method="post",
        ),
        "assign_down",
        "city-petition",
    )
    refused(
        lambda: step(
            cw,
            P.CITY_SUP,
            city,
            "assign_down",
            "2023-03-01",
            to_office="panzhou",
            report_days="91",
            notice_method="post",
        ),
        "assign_down",
        "report_days",
    )
    with pytest.raises(NotAllowed):
        step(
            cw,
            P.CITY_CLERK,
            city,
            "assign_down",
            "2023-03-01",
            to_office="panzhou",
            report_days="30",
            notice_method="post",
        )
    accusation = P.register(cw, "2023-03-01", "city-justice", P.CITY_CLERK, category="accusation")
    for kind in ("letter", "forwarding_letter", "forwarding_notice"):
        P.doc(cw, P.CITY_CLERK, accusation, kind, "2023-03-01")
    refused(
        lambda: step(
            cw,
            P.CITY_SUP,
            accusation,
            "assign_down",
            "2023-03-01",
            to_office="panzhou",
            report_days="30",
            notice_method="post",
        ),
        "assign_down",
        "accusation",
    )


def objectable(cw: Casework, at: str = "2023-01-20") -> tuple[str, str]:
    """A matter the justice bureau assigned to the town on Friday 2023-01-20, just before the
    Spring Festival; the town's objection letter on file."""
    sent, spawned = P.assigned(cw, at)
    P.doc(cw, P.TOWN_CLERK, spawned, "objection", at)
    return sent, spawned


def test_objection_within_5_working_days_across_the_spring_festival(cw: Casework) -> None:
    _, spawned = objectable(cw)
    # 01-21..27 rest days; 01-28 and 01-29 make-up working days; then 01-30, 01-31, 02-01
    window = limits(cw, spawned, "2023-01-21")["objection_window"]
    assert (window["date"], window["rule"]) == ("2023-02-01", "登记后5个工作日")
    done = step(cw, P.TOWN_SUP, spawned, "object", "2023-02-01T17:00", reason="不属本所职权")
    assert done["state"] == "objected"


def test_objection_after_the_window_is_refused(cw: Casework) -> None:
    _, spawned = objectable(cw)
    reason = refused(
        lambda: step(cw, P.TOWN_SUP, spawned, "object", "2023-02-02", reason="不属本所职权"),
        "objection_window",
        "2023-02-01",
    )
    assert "第二十三条第三款" in reason
    # an office's own window: nothing is overdue, and `due` does not list it
    assert not [
        r for r in cw.acting("admin").due(as_of="2023-02-02") if r["limit"] == "objection_window"
    ]


def test_objection_only_under_2022_and_only_by_a_receiving_office(cw: Casework) -> None:
    _, old = P.assigned(cw, "2021-03-01")
    P.doc(cw, P.TOWN_CLERK, old, "objection", "2021-03-01")
    with pytest.raises(IllegalTransition) as info:
        step(cw, P.TOWN_SUP, old, "object", "2021-03-02", reason="不属本所")
    chinese(info.value, "xf2005", "object")
    own = P.register(cw, "2023-03-01")
    P.doc(cw, P.TOWN_CLERK, own, "objection", "2023-03-01")
    refused(lambda: step(cw, P.TOWN_SUP, own, "object", "2023-03-02", reason="x"), "received")


def test_objection_upheld_by_the_sender_takes_its_case_back(cw: Casework) -> None:
    sent, spawned = objectable(cw)
    step(cw, P.TOWN_SUP, spawned, "object", "2023-01-30", reason="不属本所职权")
    P.doc(cw, P.TOWN_CLERK, spawned, "objection_answer", "2023-02-03")
    with pytest.raises(NotAllowed) as info:  # the town does not answer its own objection
        step(cw, P.TOWN_SUP, spawned, "uphold_objection", "2023-02-03", reason="同意")
    chinese(info.value, "city-justice", "uphold_objection")
    with pytest.raises(NotAllowed):  # nor does an admin
        step(cw, "admin", spawned, "uphold_objection", "2023-02-03", reason="同意")
    done = step(cw, P.CITY_SUP, spawned, "uphold_objection", "2023-02-06", reason="同意")
    assert done["state"] == "returned"
    assert state(cw, sent) == "registered"
    history = cw.acting("admin").show(sent)["history"]
    assert history[-1]["trigger"] == "take_back" and history[-1]["occurred_at"].startswith(
        "2023-02-06"
    )
    decide = limits(cw, sent, "2023-02-07")["decide_limit"]
    assert (decide["start"], decide["date"]) == ("2023-02-06", "2023-02-21")


def test_objection_rejected_sends_the_matter_back_to_the_town(cw: Casework) -> None:
    sent, spawned = objectable(cw)
    step(cw, P.TOWN_SUP, spawned, "object", "2023-01-30", reason="不属本所职权")
    assert "decide_limit" in limit_names(cw, spawned, "2023-01-31")  # runs on while objected
    done = step(cw, P.CITY_SUP, spawned, "reject_objection", "2023-02-03", reason="属本所职权")
    assert done["state"] == "registered" and state(cw, sent) == "assigned_down"
    assert limits(cw, spawned, "2023-02-04")["decide_limit"]["start"] == "2023-01-20"


def test_an_outside_senders_answer_is_recorded_by_the_case_office(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01", origin="forwarded", from_organ="茂名市信访局")
    P.doc(cw, P.TOWN_CLERK, case_no, "objection", "2023-03-01")
    assert "objection_window" in limit_names(cw, case_no, "2023-03-02")
    step(cw, P.TOWN_SUP, case_no, "object", "2023-03-02", reason="不属本所职权")
    refused(
        lambda: step(cw, P.TOWN_SUP, case_no, "uphold_objection", "2023-03-10", reason="同意"),
        "outside_answer",
        "objection_answer",
    )
    P.doc(cw, P.TOWN_CLERK, case_no, "objection_answer", "2023-03-10")
    done = step(cw, P.TOWN_SUP, case_no, "uphold_objection", "2023-03-10", reason="同意")
    assert done["state"] == "returned"


def test_take_back_after_an_outside_organ_returns_the_matter(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    for kind in ("letter", "forwarding_letter", "forwarding_notice"):
        P.doc(cw, P.TOWN_CLERK, case_no, kind, "2023-03-01")
    step(
        cw,
        P.TOWN_CLERK,
        case_no,
        "forward",
        "2023-03-01",
        to_organ="高州市自然资源局",
        organ_type="ordinary",
        notice_method="post",
    )
    refused(
        lambda: step(cw, P.TOWN_SUP, case_no, "take_back", "2023-03-06"),
        "outside_return",
        "objection",
    )
    P.doc(cw, P.TOWN_CLERK, case_no, "objection", "2023-03-06")  # an ended case still takes it
    with pytest.raises(NotAllowed):
        step(cw, P.TOWN_CLERK, case_no, "take_back", "2023-03-06")  # S only
    done = step(cw, P.TOWN_SUP, case_no, "take_back", "2023-03-06")
    assert done["state"] == "registered"
    decide = limits(cw, case_no, "2023-03-07")["decide_limit"]
    assert (decide["start"], decide["date"]) == ("2023-03-06", "2023-03-21")


def test_take_back_of_a_matter_forwarded_inside_casework_is_the_engines(cw: Casework) -> None:
    sent, _ = P.forwarded(cw, "2023-03-01")
    P.doc(cw, P.TOWN_CLERK, sent, "objection", "2023-03-02")
    refused(lambda: step(cw, P.TOWN_SUP, sent, "take_back", "2023-03-02"), "outside_return")


# -- divert --------------------------------------------------------------------------------------


def test_divert_from_registration_needs_the_letter_first(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01", litigation="yes")
    P.doc(cw, P.TOWN_CLERK, case_no, "route_notice", "2023-03-01")
    divert = {"route": "litigation", "notice_method": "post"}
    refused(
        lambda: step(cw, P.TOWN_SUP, case_no, "divert", "2023-03-02", **divert),
        "intake_document",
        "letter",
    )
    P.intake(cw, case_no, "2023-03-02")
    assert step(cw, P.TOWN_SUP, case_no, "divert", "2023-03-02", **divert)["state"] == "diverted"
    assert "decide_limit" not in limit_names(cw, case_no, "2023-03-03")  # met by the routing


def test_divert_only_under_the_2022_rules(cw: Casework) -> None:
    old = P.register(cw, "2021-03-01")
    P.accept(cw, old, "2021-03-01")
    P.doc(cw, P.TOWN_CLERK, old, "route_notice", "2021-03-02")
    with pytest.raises(IllegalTransition) as info:
        step(cw, P.TOWN_SUP, old, "divert", "2021-03-02", route="litigation", notice_method="post")
    chinese(info.value, "xf2005", "divert")
    new = P.register(cw, "2023-03-01")
    P.accept(cw, new, "2023-03-01")
    refused(
        lambda: step(
            cw, P.TOWN_SUP, new, "divert", "2023-03-02", route="arbitration", notice_method="post"
        ),
        "notice_given",
        "route_notice",
    )
    P.doc(cw, P.TOWN_CLERK, new, "route_notice", "2023-03-02")
    done = step(
        cw, P.TOWN_SUP, new, "divert", "2023-03-02", route="arbitration", notice_method="post"
    )
    assert done["state"] == "diverted"
    assert limit_names(cw, new, "2023-03-03") == set()  # the reply limit is met


# -- extend ----------------------------------------------------------------------------------------


def handling(cw: Casework, at: str = "2023-03-02") -> str:
    """A town petition registered and accepted on ``at``; the extension notice on file."""
    case_no = P.register(cw, at)
    P.accept(cw, case_no, at)
    P.doc(cw, P.TOWN_CLERK, case_no, "extension_notice", at)
    return case_no


def extend(cw: Casework, case_no: str, at: str, days: str = "30", **more: str) -> dict[str, object]:
    values = {"days": days, "reason": "案情复杂", "notice_method": "post", **more}
    return step(cw, P.TOWN_SUP, case_no, "extend", at, **values)


def test_extend_once_on_or_before_the_reply_limits_last_day(cw: Casework) -> None:
    case_no = handling(cw)  # 60 days: 2023-05-01, in the May Day holiday, so 2023-05-04
    assert limits(cw, case_no, "2023-04-01")["reply_limit"]["date"] == "2023-05-04"
    done = extend(cw, case_no, "2023-05-04T17:30")
    assert done["state"] == "handling"
    reply = limits(cw, case_no, "2023-05-05")["reply_limit"]
    assert (reply["date"], reply["rule"]) == ("2023-05-31", "受理后60日，已延期30日")
    reason = refused(lambda: extend(cw, case_no, "2023-05-06", "5"), "extend_once", "extend")
    assert "第三十四条" in reason


def test_a_late_extension_is_refused(cw: Casework) -> None:
    case_no = handling(cw)
    reason = refused(
        lambda: extend(cw, case_no, "2023-05-05"), "before_lapse", "reply_limit", "2023-05-04"
    )
    assert "逾期" in reason


def test_extend_needs_its_notice_and_at_most_30_days(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-02")
    P.accept(cw, case_no, "2023-03-02")
    refused(lambda: extend(cw, case_no, "2023-04-01"), "notice_given", "extension_notice")
    P.doc(cw, P.TOWN_CLERK, case_no, "extension_notice", "2023-04-01")
    with pytest.raises(InvalidData) as info:
        extend(cw, case_no, "2023-04-01", "31")
    assert info.value.field == "value.days"
    chinese(info.value, "days")
    with pytest.raises(NotAllowed):
        step(
            cw,
            P.TOWN_CLERK,
            case_no,
            "extend",
            "2023-04-01",
            days="10",
            reason="r",
            notice_method="post",
        )
    assert extend(cw, case_no, "2023-04-01", "10")["state"] == "handling"


# -- hearings ------------------------------------------------------------------------------------


def test_a_hearing_pauses_the_re_review_limit_by_its_days(cw: Casework) -> None:
    case_no = P.rereviewing(cw, "2023-01-03", "2023-02-01", "2023-02-20", "2023-03-01")
    rereview = limits(cw, case_no, "2023-03-02")["rereview_limit"]
    assert (rereview["date"], rereview["binds"]) == ("2023-03-31", "outside")
    assert rereview["bound_office"] == "ext:茂名市司法局"
    # Maoming's bureau is outside casework: a city office's user records its hearing
    with pytest.raises(NotAllowed):
        step(cw, P.TOWN_SUP, case_no, "hearing_start", "2023-03-10")
    step(cw, P.CITY_CLERK, case_no, "hearing_start", "2023-03-10")
    paused = limits(cw, case_no, "2023-03-11")["rereview_limit"]
    assert (paused["date"], paused["paused"], paused["overdue"]) == (None, True, False)
    refused(lambda: step(cw, P.CITY_CLERK, case_no, "hearing_start", "2023-03-11"), "one_hearing")
    with pytest.raises(GuardFailed) as info:
        step(cw, P.CITY_CLERK, case_no, "hearing_end", "2023-03-12")
    assert info.value.rule == "case_file" and "hearing_record" in info.value.reason
    P.doc(cw, P.CITY_CLERK, case_no, "hearing_record", "2023-03-12")
    step(cw, P.CITY_CLERK, case_no, "hearing_end", "2023-03-12")
    moved = limits(cw, case_no, "2023-03-13")["rereview_limit"]
    assert (moved["date"], moved["paused"]) == ("2023-04-03", False)  # 3 days, both ends
    assert moved["rule"] == "申请复核后30日，听证期间3日不计"
    refused(lambda: step(cw, P.CITY_CLERK, case_no, "hearing_end", "2023-03-13"), "hearing_open")


def test_a_hearing_begun_after_the_last_day_moves_nothing(cw: Casework) -> None:
    case_no = P.rereviewing(cw, "2023-01-03", "2023-02-01", "2023-02-20", "2023-03-01")
    step(cw, P.CITY_CLERK, case_no, "hearing_start", "2023-04-04")
    P.doc(cw, P.CITY_CLERK, case_no, "hearing_record", "2023-04-05")
    step(cw, P.CITY_CLERK, case_no, "hearing_end", "2023-04-05")
    assert limits(cw, case_no, "2023-04-06")["rereview_limit"]["date"] == "2023-03-31"


def test_a_hearing_in_review_is_held_by_the_reviewer(cw: Casework) -> None:
    case_no = P.reviewing(cw, "2023-01-03", "2023-02-01")
    with pytest.raises(NotAllowed) as info:
        step(cw, P.TOWN_SUP, case_no, "hearing_start", "2023-02-10")
    chinese(info.value, "city-justice", "hearing_start")
    with pytest.raises(NotAllowed):  # D: the reviewer's supervisor, not its clerk
        step(cw, P.CITY_CLERK, case_no, "hearing_start", "2023-02-10")
    with pytest.raises(NotAllowed):  # nor an admin standing in for the reviewer
        step(cw, "admin", case_no, "hearing_start", "2023-02-10")
    step(cw, P.CITY_SUP, case_no, "hearing_start", "2023-02-10")
    # the review limit pauses only when the setting says so (off by default)
    assert limits(cw, case_no, "2023-02-11")["review_limit"]["date"] == "2023-03-03"


def test_a_hearing_pauses_the_reply_limit_only_when_the_setting_is_on(cw: Casework) -> None:
    off = handling(cw)
    on = handling(cw, "2023-03-02T11:00")
    cw.acting("admin").config_set("petition.hearing_pauses", "on", "2023-03-09")
    step(cw, P.TOWN_SUP, off, "hearing_start", "2023-03-08")
    step(cw, P.TOWN_SUP, on, "hearing_start", "2023-03-10")
    assert limits(cw, off, "2023-03-11")["reply_limit"]["date"] == "2023-05-04"
    assert limits(cw, on, "2023-03-11")["reply_limit"]["paused"] is True
    for case_no in (off, on):
        P.doc(cw, P.TOWN_CLERK, case_no, "hearing_record", "2023-03-14")
        step(cw, P.TOWN_SUP, case_no, "hearing_end", "2023-03-14")
    assert limits(cw, off, "2023-03-15")["reply_limit"]["date"] == "2023-05-04"
    # 2023-05-01 plus 5 hearing days is Saturday 2023-05-06, a make-up working day
    assert limits(cw, on, "2023-03-15")["reply_limit"]["date"] == "2023-05-06"


# -- reply, deliver, evaluate ----------------------------------------------------------------------


def test_reply_by_the_supervisor_with_the_opinion_on_file(cw: Casework) -> None:
    case_no = handling(cw)
    with pytest.raises(GuardFailed) as info:
        step(cw, P.TOWN_SUP, case_no, "reply", "2023-03-20", outcome="support")
    assert info.value.rule == "case_file" and "reply" in info.value.reason
    P.doc(cw, P.TOWN_CLERK, case_no, "reply", "2023-03-20")
    with pytest.raises(NotAllowed):
        step(cw, P.TOWN_CLERK, case_no, "reply", "2023-03-20", outcome="support")
    done = step(cw, P.TOWN_SUP, case_no, "reply", "2023-03-20", outcome="support")
    assert done["state"] == "replied"
    assert "reply_limit" not in limit_names(cw, case_no, "2023-03-21")
    assert "review_window" not in limit_names(cw, case_no, "2023-03-21")  # not yet delivered


def test_delivery_starts_the_review_window_once_per_opinion(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.replied(cw, case_no, "2023-03-01", "2023-03-20")
    P.deliver(cw, case_no, "2023-03-24")
    window = limits(cw, case_no, "2023-03-25")["review_window"]
    assert (window["start"], window["date"], window["binds"]) == (
        "2023-03-24",
        "2023-04-23",
        "party",
    )
    assert window["article"] == "《信访工作条例》第三十五条"
    refused(
        lambda: step(cw, P.TOWN_CLERK, case_no, "deliver", "2023-03-25", method="post"),
        "once_per_opinion",
    )


def test_an_unreachable_petitioner_opens_the_window_that_day(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.replied(cw, case_no, "2023-03-01", "2023-03-20")
    P.doc(cw, P.TOWN_CLERK, case_no, "delivery_proof", "2023-03-21")
    step(cw, P.TOWN_CLERK, case_no, "deliver", "2023-03-21", method="unreachable")
    assert limits(cw, case_no, "2023-03-22")["review_window"]["start"] == "2023-03-21"


def test_an_unreachable_petitioner_opens_nothing_when_the_setting_is_off(cw: Casework) -> None:
    cw.acting("admin").config_set("petition.unreachable_opens_window", "off", "2023-01-01")
    case_no = P.register(cw, "2023-03-01")
    P.replied(cw, case_no, "2023-03-01", "2023-03-20")
    P.doc(cw, P.TOWN_CLERK, case_no, "delivery_proof", "2023-03-21")
    done = step(cw, P.TOWN_CLERK, case_no, "deliver", "2023-03-21", method="unreachable")
    assert done["event"]["data"]["opens_window"] == "no"
    assert "review_window" not in limit_names(cw, case_no, "2023-03-22")
    refused(lambda: P.evaluate(cw, case_no, "2023-03-22"), "delivered")  # not delivered yet
    step(cw, P.TOWN_CLERK, case_no, "deliver", "2023-03-28", method="post")  # a second attempt
    assert limits(cw, case_no, "2023-03-29")["review_window"]["start"] == "2023-03-28"


def test_deliver_by_the_office_of_the_opinion(cw: Casework) -> None:
    case_no = P.reviewed(cw, "2023-01-03", "2023-02-01", "2023-02-20")
    # the review was delivered by the justice bureau's clerk (P.reviewed); the town may not
    P.doc(cw, P.CITY_CLERK, case_no, "delivery_proof", "2023-02-21")
    with pytest.raises(NotAllowed) as info:
        step(cw, P.TOWN_CLERK, case_no, "deliver", "2023-02-21", method="post")
    chinese(info.value, "city-justice", "deliver")
    window = limits(cw, case_no, "2023-02-21")["rereview_window"]
    assert (window["start"], window["date"]) == ("2023-02-20", "2023-03-22")


def test_evaluate_after_delivery_once_per_opinion(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.replied(cw, case_no, "2023-03-01", "2023-03-20")
    refused(lambda: P.evaluate(cw, case_no, "2023-03-20"), "delivered")
    P.deliver(cw, case_no, "2023-03-21")
    done = step(cw, P.TOWN_CLERK, case_no, "evaluate", "2023-03-22", rating="basic", method="phone")
    assert done["state"] == "replied" and done["event"]["data"]["rating"] == "basic"
    refused(lambda: P.evaluate(cw, case_no, "2023-03-23"), "evaluate_once")


def test_evaluation_is_out_of_scope_for_accusations_and_before_2015(cw: Casework) -> None:
    cw.acting("admin").config_set("petition.accusation_forward_x", "off", "2005-05-01")
    accusation = P.register(cw, "2020-03-02", category="accusation")
    old = P.register(cw, "2014-12-31")
    for case_no, at in ((accusation, "2020-03-02"), (old, "2014-12-31")):
        P.replied(cw, case_no, at, at, at)
    reason = refused(lambda: P.evaluate(cw, accusation, "2020-03-03"), "evaluation_scope")
    assert "检举控告" in reason
    refused(lambda: P.evaluate(cw, old, "2015-01-02"), "evaluation_scope", "2015-01-01")
    in_scope = P.register(cw, "2015-01-01")
    P.replied(cw, in_scope, "2015-01-05", "2015-01-05", "2015-01-05")
    assert (
        step(
            cw, P.TOWN_CLERK, in_scope, "evaluate", "2015-01-06", rating="satisfied", method="sms"
        )["state"]
        == "replied"
    )


# -- review and re-review: decided one level up, then one further (G arts. 35-36) -------------


def review_values(**more: str) -> dict[str, str]:
    return {"outcome": "explain", "on_original": "uphold", **more}


def test_a_town_supervisor_cannot_review_their_own_offices_reply(cw: Casework) -> None:
    case_no = P.reviewing(cw, "2023-01-03", "2023-02-01")
    P.doc(cw, P.CITY_CLERK, case_no, "review_opinion", "2023-02-20")
    with pytest.raises(NotAllowed) as info:
        step(cw, P.TOWN_SUP, case_no, "review", "2023-02-20", **review_values())
    chinese(info.value, "review", "city-justice", "supervisor")
    assert state(cw, case_no) == "reviewing"
    with pytest.raises(NotAllowed):  # the reviewer's clerk neither: D is its supervisor
        step(cw, P.CITY_CLERK, case_no, "review", "2023-02-20", **review_values())
    assert "review" not in cw.acting(P.TOWN_SUP).allowed(case_no)
    assert "review" in cw.acting(P.CITY_SUP).allowed(case_no)
    done = step(cw, P.CITY_SUP, case_no, "review", "2023-02-20", **review_values())
    assert done["state"] == "reviewed"
    assert cw.acting("admin").show(case_no)["reviewer"] == "city-justice"


def test_an_admin_cannot_stand_in_for_the_deciding_office(cw: Casework) -> None:
    case_no = P.reviewing(cw, "2023-01-03", "2023-02-01")
    P.doc(cw, P.CITY_CLERK, case_no, "review_opinion", "2023-02-20")
    with pytest.raises(NotAllowed) as info:
        step(cw, "admin", case_no, "review", "2023-02-20", **review_values())
    chinese(info.value, "review", "city-justice")
    assert "review" not in cw.acting("admin").allowed(case_no)
    ended = P.rereviewing(cw, "2023-01-03", "2023-02-01", "2023-02-20", "2023-03-01")
    P.doc(cw, P.CITY_CLERK, ended, "rereview_opinion", "2023-03-20")
    with pytest.raises(NotAllowed):  # an admin records no outside organ's re-review either
        step(
            cw, "admin", ended, "rereview", "2023-03-20", outcome="explain",
            organ="茂名市司法局", doc_no="茂司复核〔2023〕5号",
        )  # fmt: skip


def test_a_review_asked_of_the_case_office_itself_is_refused(cw: Casework) -> None:
    case_no = P.register(cw, "2023-01-03")
    P.replied(cw, case_no, "2023-01-03", "2023-01-03", "2023-01-03")
    P.doc(cw, P.TOWN_CLERK, case_no, "review_request", "2023-02-01")
    step(cw, P.TOWN_CLERK, case_no, "request_review", "2023-02-01", organ="panzhou")
    assert cw.acting("admin").show(case_no)["reviewer"] == "panzhou"
    P.doc(cw, P.TOWN_CLERK, case_no, "review_opinion", "2023-02-20")
    reason = refused(
        lambda: step(cw, P.TOWN_SUP, case_no, "review", "2023-02-20", **review_values()),
        "reviewer_is_upper",
        "city-justice",
    )
    assert "《信访工作条例》第三十五条" in reason


def test_a_review_by_another_town_is_refused(cw: Casework) -> None:
    case_no = P.register(cw, "2023-01-03")
    P.replied(cw, case_no, "2023-01-03", "2023-01-03", "2023-01-03")
    P.doc(cw, P.TOWN_CLERK, case_no, "review_request", "2023-02-01")
    step(cw, P.TOWN_CLERK, case_no, "request_review", "2023-02-01", organ="shanmei")
    P.doc(cw, P.CITY_CLERK, case_no, "review_opinion", "2023-02-20")
    refused(
        lambda: step(cw, "sup_sm", case_no, "review", "2023-02-20", **review_values()),
        "reviewer_is_upper",
    )


def test_the_review_limit_binds_the_reviewer(cw: Casework) -> None:
    case_no = P.reviewing(cw, "2023-01-03", "2023-02-01")
    review = limits(cw, case_no, "2023-02-02")["review_limit"]
    assert (review["start"], review["date"]) == ("2023-02-01", "2023-03-03")
    assert (review["binds"], review["bound_office"]) == ("office", "city-justice")
    assert review["article"] == "《信访工作条例》第三十五条"
    late = [r for r in cw.acting("admin").due(as_of="2023-03-06") if r["case_no"] == case_no]
    assert [(r["limit"], r["overdue"]) for r in late] == [("review_limit", True)]
    P.review(cw, case_no, "2023-03-06")
    assert "review_limit" not in limit_names(cw, case_no, "2023-03-07")


def city_case_reviewing(cw: Casework) -> str:
    """A petition of the justice bureau (a city office), replied to, delivered and its review
    asked for: Maoming's justice bureau, outside casework, reviews it."""
    case_no = P.register(cw, "2023-01-03", "city-justice", P.CITY_CLERK)
    P.accept(cw, case_no, "2023-01-03", P.CITY_SUP, P.CITY_CLERK)
    P.reply(cw, case_no, "2023-01-03", user=P.CITY_SUP, clerk=P.CITY_CLERK)
    P.deliver(cw, case_no, "2023-01-03", P.CITY_CLERK)
    P.request_review(cw, case_no, "2023-02-01", P.CITY_CLERK)
    return case_no


def test_a_city_cases_review_and_re_review_are_recorded(cw: Casework) -> None:
    case_no = city_case_reviewing(cw)
    shown = cw.acting("admin").show(case_no, as_of="2023-02-02")
    assert (shown["reviewer"], shown["rereviewer"]) == ("ext:茂名市司法局", "ext:广东省司法厅")
    review = {d["limit"]: d for d in shown["limits"]}["review_limit"]
    assert (review["binds"], review["bound_office"]) == ("outside", "ext:茂名市司法局")
    late = cw.acting("admin").due(as_of="2023-04-01")
    assert not [r for r in late if r["case_no"] == case_no]  # an outside organ: never overdue
    P.doc(cw, P.CITY_CLERK, case_no, "review_opinion", "2023-02-20")
    with pytest.raises(InvalidData) as info:
        step(
            cw, P.CITY_CLERK, case_no, "review", "2023-02-20", **review_values(organ="茂名市司法局")
        )
    assert info.value.field == "value.doc_no"
    chinese(info.value, "doc_no")
    with pytest.raises(NotAllowed):  # no town user records a review
        step(cw, P.TOWN_SUP, case_no, "review", "2023-02-20",
             **review_values(organ="茂名市司法局", doc_no="茂司复查〔2023〕1号"))  # fmt: skip
    values = review_values(organ="茂名市司法局", doc_no="茂司复查〔2023〕1号")
    assert step(cw, P.CITY_CLERK, case_no, "review", "2023-02-20", **values)["state"] == "reviewed"


def test_re_review_only_by_the_reviewers_parent_and_only_it_concludes(cw: Casework) -> None:
    case_no = P.rereviewing(cw, "2023-01-03", "2023-02-01", "2023-02-20", "2023-03-01")
    assert cw.acting("admin").show(case_no)["rereviewer"] == "ext:茂名市司法局"
    P.doc(cw, P.CITY_CLERK, case_no, "rereview_opinion", "2023-03-20")
    values = {"outcome": "not_support", "organ": "茂名市司法局", "doc_no": "茂司复核〔2023〕5号"}
    with pytest.raises(NotAllowed) as info:
        step(cw, P.TOWN_SUP, case_no, "rereview", "2023-03-20", **values)
    chinese(info.value, "rereview")
    with pytest.raises(InvalidData) as missing:
        step(cw, P.CITY_CLERK, case_no, "rereview", "2023-03-20", outcome="not_support")
    assert missing.value.field == "value.organ"
    done = step(cw, P.CITY_CLERK, case_no, "rereview", "2023-03-20", **values)
    assert done["state"] == "concluded"
    assert cw.acting("admin").show(case_no)["terminal"] is True


def test_a_re_review_asked_of_the_reviewer_itself_is_refused(cw: Casework) -> None:
    case_no = P.reviewed(cw, "2023-01-03", "2023-02-01", "2023-02-20")
    P.doc(cw, P.TOWN_CLERK, case_no, "rereview_request", "2023-03-01")
    step(cw, P.TOWN_CLERK, case_no, "request_rereview", "2023-03-01", organ="city-justice")
    P.doc(cw, P.CITY_CLERK, case_no, "rereview_opinion", "2023-03-20")
    reason = refused(
        lambda: step(cw, P.CITY_SUP, case_no, "rereview", "2023-03-20", outcome="explain"),
        "rereviewer_is_upper",
    )
    assert "《信访工作条例》第三十六条第一款" in reason


def test_the_rereview_limit_under_the_2005_rules_cites_its_article(cw: Casework) -> None:
    case_no = P.rereviewing(cw, "2021-01-04", "2021-02-01", "2021-02-20", "2021-03-01")
    rereview = limits(cw, case_no, "2021-03-02")["rereview_limit"]
    assert rereview["article"] == "《信访条例》第三十五条第一款、第二款"
    assert rereview["date"] == "2021-03-31"


# -- requests for review and re-review: the petitioner's windows from delivery --------------


def test_a_review_request_needs_the_delivery_and_comes_within_30_days(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.replied(cw, case_no, "2023-03-01", "2023-03-20")
    P.doc(cw, P.TOWN_CLERK, case_no, "review_request", "2023-03-21")
    refused(lambda: step(cw, P.TOWN_CLERK, case_no, "request_review", "2023-03-21"), "delivered")
    P.deliver(cw, case_no, "2023-03-24")  # the window runs from receipt: to 2023-04-23
    reason = refused(
        lambda: step(cw, P.TOWN_CLERK, case_no, "request_review", "2023-04-28",
                     requested_on="2023-04-24"),
        "review_window",
        "2023-04-23",
    )  # fmt: skip
    assert "第三十五条" in reason
    # a request posted in time and recorded later counts from its date
    done = step(
        cw, P.TOWN_CLERK, case_no, "request_review", "2023-04-28", requested_on="2023-04-23"
    )
    assert done["state"] == "reviewing"
    assert limits(cw, case_no, "2023-04-29")["review_limit"]["start"] == "2023-04-28"


def test_the_reviewer_may_record_the_request_it_received(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    P.replied(cw, case_no, "2023-03-01", "2023-03-20", "2023-03-20")
    P.doc(cw, P.CITY_CLERK, case_no, "review_request", "2023-03-25")
    with pytest.raises(NotAllowed):  # another town is neither the case office nor the reviewer
        step(cw, "clerk_sm", case_no, "request_review", "2023-03-25")
    done = step(cw, P.CITY_CLERK, case_no, "request_review", "2023-03-25")
    assert done["state"] == "reviewing"


def test_a_re_review_request_within_30_days_of_the_reviews_delivery(cw: Casework) -> None:
    case_no = P.reviewed(cw, "2023-01-03", "2023-02-01", "2023-02-20")  # delivered 02-20
    P.doc(cw, P.TOWN_CLERK, case_no, "rereview_request", "2023-03-22")
    reason = refused(
        lambda: step(cw, P.TOWN_CLERK, case_no, "request_rereview", "2023-03-23"),
        "rereview_window",
        "2023-03-22",
    )
    assert "《信访工作条例》第三十六条第一款" in reason
    done = step(cw, P.TOWN_CLERK, case_no, "request_rereview", "2023-03-22")
    assert done["state"] == "rereviewing"


def test_a_re_review_request_needs_the_reviews_delivery(cw: Casework) -> None:
    case_no = P.reviewing(cw, "2023-01-03", "2023-02-01")
    P.review(cw, case_no, "2023-02-20")
    P.doc(cw, P.TOWN_CLERK, case_no, "rereview_request", "2023-02-21")
    refused(lambda: step(cw, P.TOWN_CLERK, case_no, "request_rereview", "2023-02-21"), "delivered")
    assert "rereview_window" not in limit_names(cw, case_no, "2023-02-21")


# -- 1.7 closing (办结) and satisfaction ------------------------------------------------------


def delivered(cw: Casework) -> str:
    """A town petition replied to on 2023-03-20 and delivered the same day (window to
    2023-04-19)."""
    case_no = P.register(cw, "2023-03-01")
    P.replied(cw, case_no, "2023-03-01", "2023-03-20", "2023-03-20")
    return case_no


def close(cw: Casework, case_no: str, at: str) -> dict[str, object]:
    return step(cw, P.TOWN_CLERK, case_no, "close", at)


def test_close_is_refused_the_day_after_a_reply(cw: Casework) -> None:
    case_no = delivered(cw)
    reason = refused(lambda: close(cw, case_no, "2023-03-21"), "may_close", "review_window")
    assert "满意" in reason
    refused(lambda: close(cw, case_no, "2023-04-19"), "may_close")  # its last day
    undelivered = P.register(cw, "2023-03-01")
    P.replied(cw, undelivered, "2023-03-01", "2023-03-20")
    refused(lambda: close(cw, undelivered, "2023-06-01"), "may_close")  # no window ran


def test_close_once_the_review_window_lapsed(cw: Casework) -> None:
    case_no = delivered(cw)
    assert close(cw, case_no, "2023-04-20")["state"] == "closed"
    P.doc(cw, P.TOWN_CLERK, case_no, "review_request", "2023-04-21")
    refused(
        lambda: step(cw, P.TOWN_CLERK, case_no, "request_review", "2023-04-21"), "review_window"
    )


def test_close_after_an_accepting_evaluation_and_a_timely_request_reopens(cw: Casework) -> None:
    case_no = delivered(cw)
    P.evaluate(cw, case_no, "2023-03-21", rating="basic")
    assert close(cw, case_no, "2023-03-21")["state"] == "closed"
    P.doc(cw, P.TOWN_CLERK, case_no, "review_request", "2023-04-10")
    done = step(cw, P.TOWN_CLERK, case_no, "request_review", "2023-04-10")
    assert done["state"] == "reviewing"  # reopened at the stage it closed at
    assert limits(cw, case_no, "2023-04-11")["review_limit"]["bound_office"] == "city-justice"


def test_an_unsatisfied_rating_does_not_let_the_case_close(cw: Casework) -> None:
    case_no = delivered(cw)
    P.evaluate(cw, case_no, "2023-03-21", rating="unsatisfied")
    refused(lambda: close(cw, case_no, "2023-03-22"), "may_close")
    cw.acting("admin").config_set("petition.accepting_ratings", "satisfied", "2023-03-01")
    basic = delivered(cw)
    P.evaluate(cw, basic, "2023-03-21", rating="basic")
    refused(lambda: close(cw, basic, "2023-03-22"), "may_close")  # basic no longer accepts


def test_close_after_a_review_follows_the_re_review_window(cw: Casework) -> None:
    case_no = P.reviewed(cw, "2023-01-03", "2023-02-01", "2023-02-20")  # window to 03-22
    refused(lambda: close(cw, case_no, "2023-03-22"), "may_close", "rereview_window")
    assert close(cw, case_no, "2023-03-23")["state"] == "closed"
    P.doc(cw, P.TOWN_CLERK, case_no, "review_request", "2023-03-23")
    with pytest.raises(CaseworkError):  # closed after the review: no second review
        step(cw, P.TOWN_CLERK, case_no, "request_review", "2023-03-23")


def test_a_case_closed_at_review_reopens_at_re_review_only(cw: Casework) -> None:
    case_no = P.reviewed(cw, "2023-01-03", "2023-02-01", "2023-02-20")
    P.evaluate(cw, case_no, "2023-02-21", user=P.TOWN_CLERK)
    assert close(cw, case_no, "2023-02-21")["state"] == "closed"
    P.doc(cw, P.TOWN_CLERK, case_no, "review_request", "2023-02-22")
    refused(
        lambda: step(cw, P.TOWN_CLERK, case_no, "request_review", "2023-02-22"),
        "reopens_at_stage",
    )
    P.doc(cw, P.TOWN_CLERK, case_no, "rereview_request", "2023-03-01")
    done = step(cw, P.TOWN_CLERK, case_no, "request_rereview", "2023-03-01")
    assert done["state"] == "rereviewing"


# -- supervision (督办) and its answer ------------------------------------------------------------


def test_supervise_only_by_a_city_offices_supervisor(cw: Casework) -> None:
    case_no = handling(cw)
    P.doc(cw, P.TOWN_CLERK, case_no, "supervision_letter", "2023-03-10")
    with pytest.raises(NotAllowed) as info:
        step(cw, P.TOWN_SUP, case_no, "supervise", "2023-03-10", note="催办")
    chinese(info.value, "supervise")
    with pytest.raises(NotAllowed):
        step(cw, P.BUREAU_CLERK, case_no, "supervise", "2023-03-10", note="催办")
    done = step(cw, P.BUREAU_SUP, case_no, "supervise", "2023-03-10", note="催办")
    assert done["state"] == "handling"


def test_supervision_answer_30_days_under_2005_none_under_2022_unless_set(cw: Casework) -> None:
    old = handling(cw, "2021-03-02")
    new = handling(cw, "2023-03-02")
    for case_no, at in ((old, "2021-03-10"), (new, "2023-03-10")):
        P.doc(cw, P.TOWN_CLERK, case_no, "supervision_letter", at)
        step(cw, P.BUREAU_SUP, case_no, "supervise", at, note="催办")
    answer = limits(cw, old, "2021-03-11")["supervision_answer"]
    assert (answer["date"], answer["bound_office"]) == ("2021-04-09", "panzhou")
    assert answer["article"] == "《信访条例》第三十六条第二款"
    assert "supervision_answer" not in limit_names(cw, new, "2023-03-11")
    cw.acting("admin").config_set("petition.supervision_answer_days_g", "15", "2023-03-01")
    answer = limits(cw, new, "2023-03-11")["supervision_answer"]
    assert answer["date"] == "2023-03-27"  # 03-25 is a Saturday
    assert answer["article"] == "《信访工作条例》第四十条第四款"


def test_answer_supervision_after_it_even_on_an_ended_case(cw: Casework) -> None:
    case_no = handling(cw, "2021-03-02")
    P.doc(cw, P.TOWN_CLERK, case_no, "supervision_answer", "2021-03-05")
    refused(lambda: step(cw, P.TOWN_SUP, case_no, "answer_supervision", "2021-03-05"),
            "after_supervision")  # fmt: skip
    P.doc(cw, P.TOWN_CLERK, case_no, "supervision_letter", "2021-03-10")
    step(cw, P.BUREAU_SUP, case_no, "supervise", "2021-03-10", note="催办")
    P.reply(cw, case_no, "2021-03-12")
    P.deliver(cw, case_no, "2021-03-12")
    close(cw, case_no, "2021-04-13")  # window to Sunday 04-11, so Monday 04-12
    assert state(cw, case_no) == "closed"  # ended, its duty still open (lapsed on 04-09)
    assert limits(cw, case_no, "2021-04-13")["supervision_answer"]["overdue"] is True
    with pytest.raises(NotAllowed):  # the case office's supervisor answers
        step(cw, P.TOWN_CLERK, case_no, "answer_supervision", "2021-04-13")
    done = step(cw, P.TOWN_SUP, case_no, "answer_supervision", "2021-04-13")
    assert done["state"] == "closed"
    assert "supervision_answer" not in limit_names(cw, case_no, "2021-04-14")
    refused(lambda: step(cw, P.TOWN_SUP, case_no, "answer_supervision", "2021-04-14"),
            "after_supervision")  # fmt: skip


# -- duties: the decision limit and the report limit -------------------------------------------


def test_the_decision_limit_is_a_duty_met_by_the_routing_step(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    decide = limits(cw, case_no, "2023-03-02")["decide_limit"]
    assert (decide["date"], decide["binds"], decide["bound_office"]) == (
        "2023-03-16", "office", "panzhou",
    )  # fmt: skip
    assert decide["article"] == "《信访工作条例》第二十二条第一款、第二十三条第二款"
    late = [r for r in cw.acting("admin").due(as_of="2023-03-17") if r["case_no"] == case_no]
    assert [(r["limit"], r["overdue"]) for r in late] == [("decide_limit", True)]
    P.accept(cw, case_no, "2023-03-17")
    assert "decide_limit" not in limit_names(cw, case_no, "2023-03-18")


def test_a_spawned_assignment_appears_at_the_receiving_office_with_its_report_deadline(
    cw: Casework,
) -> None:
    sent, spawned = P.assigned(cw, "2023-03-01", report_days="20")
    mine = [c["case_no"] for c in cw.acting(P.TOWN_SUP).cases(kind="petition")]
    assert spawned in mine and sent not in mine
    P.accept(cw, spawned, "2023-03-02")  # the decision limit met: the report limit is next
    due = [r for r in cw.acting(P.TOWN_SUP).due(as_of="2023-03-20", within=3)]
    assert ("report_limit", "2023-03-21") in {(r["limit"], r["date"]) for r in due}
    late = [r for r in cw.acting(P.TOWN_SUP).due(as_of="2023-03-22") if r["overdue"]]
    assert {r["limit"] for r in late if r["case_no"] == spawned} >= {"report_limit"}


# -- 1.8 the petition file ---------------------------------------------------------------------


def test_an_ended_case_takes_only_the_documents_its_record_steps_need(cw: Casework) -> None:
    case_no = refusable(cw, "2023-03-01")
    step(cw, P.TOWN_SUP, case_no, "refuse", "2023-03-01", reason="outside_remit",
         notice_method="post")  # fmt: skip
    with pytest.raises(CaseworkError) as info:
        P.doc(cw, P.TOWN_CLERK, case_no, "reply", "2023-03-02")
    chinese(info.value, "reply", "not_accepted", "supervision_answer")
    P.doc(cw, P.TOWN_CLERK, case_no, "supervision_answer", "2023-03-02")  # a duty's answer
    kinds = {d["kind"] for d in cw.acting("admin").show(case_no)["documents"]}
    assert "supervision_answer" in kinds and "reply" not in kinds


def test_an_unknown_document_kind_is_refused(cw: Casework) -> None:
    case_no = P.register(cw, "2023-03-01")
    with pytest.raises(InvalidData) as info:
        P.doc(cw, P.TOWN_CLERK, case_no, "postcard", "2023-03-01")
    chinese(info.value, "postcard")


def test_the_petition_bureau_may_forward_without_a_notice_when_set(cw: Casework) -> None:
    admin = cw.acting("admin")
    admin.add_office("city-letters", "高州市来信来访中心", "city", kind="petition_bureau")
    admin.add_user("clerk_letters", "来访中心登记员", "clerk", "city-letters")
    bureau = P.register(cw, "2023-03-01", "city-letters", "clerk_letters")
    for kind in ("letter", "forwarding_letter"):
        P.doc(cw, "clerk_letters", bureau, kind, "2023-03-01")
    done = step(cw, "clerk_letters", bureau, "forward", "2023-03-01", to_office="panzhou")
    assert done["state"] == "forwarded"  # G art. 22 para 1: the bureau's routing [cfg]
    admin.config_set("petition.notice_optional_at_bureau", "off", "2023-04-01")
    later = P.register(cw, "2023-04-02", "city-letters", "clerk_letters")
    for kind in ("letter", "forwarding_letter"):
        P.doc(cw, "clerk_letters", later, kind, "2023-04-02")
    refused(
        lambda: step(cw, "clerk_letters", later, "forward", "2023-04-02", to_office="panzhou"),
        "notice_given",
        "forwarding_notice",
    )
    town = P.register(cw, "2023-03-01")
    for kind in ("letter", "forwarding_letter"):
        P.doc(cw, P.TOWN_CLERK, town, kind, "2023-03-01")
    refused(  # a town office tells the petitioner where the matter went
        lambda: step(cw, P.TOWN_CLERK, town, "forward", "2023-03-01", to_office="shanmei"),
        "notice_given",
    )


def test_a_hearing_pauses_the_review_limit_when_the_setting_is_on(cw: Casework) -> None:
    cw.acting("admin").config_set("petition.hearing_pauses", "on", "2023-01-01")
    case_no = P.reviewing(cw, "2023-01-03", "2023-02-01")  # review limit to 2023-03-03
    step(cw, P.CITY_SUP, case_no, "hearing_start", "2023-02-10")
    assert limits(cw, case_no, "2023-02-11")["review_limit"]["paused"] is True
    P.doc(cw, P.CITY_CLERK, case_no, "hearing_record", "2023-02-11")
    step(cw, P.CITY_SUP, case_no, "hearing_end", "2023-02-11")
    # two hearing days, both ends counted: 2023-03-05 is a Sunday, so Monday 2023-03-06
    assert limits(cw, case_no, "2023-02-12")["review_limit"]["date"] == "2023-03-06"
