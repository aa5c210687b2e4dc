"""THE step (casework.domain.steps) over in-memory ports: registering, firing a trigger and
recording a document, with every check they make, and no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from casework.domain.hashing import event_digest
from casework.domain.model import Case, Event, Party
from casework.domain.steps import (
    DocumentStep,
    Registration,
    Step,
    Stepped,
    advance,
    record_document,
    register,
)
from casework.errors import GuardFailed, IllegalTransition, InvalidData, NotAllowed, NotFound
from casework.time.local import CST
from tests.fakes import DAY, NOTICE, FakePorts, as_intake
from tests.mediations import SIDES

VALID_ID = "110101199003074514"
PANZHOU_1 = "XF-2020-panzhou-00001"


@pytest.fixture
def ports() -> FakePorts:
    return FakePorts()


def petition(ports: FakePorts, at: str = "2020-11-02", **given: Any) -> str:
    """A petition of panzhou registered by its clerk; returns its number."""
    return ports.register("clerk_pz", "petition", at=at, **given).case.case_no


def handling(ports: FakePorts) -> str:
    """A petition of panzhou accepted on 2020-11-03, its letter and acceptance notice filed
    that day: events 1 (register) to 4 (accept)."""
    case_no = petition(ports)
    ports.accept(case_no, at="2020-11-03")
    return case_no


def ready(ports: FakePorts, case_no: str, at: str | None = None) -> None:
    """The letter and the acceptance notice on file, as 受理 needs (《信访条例》第十七条、
    第二十二条; 《信访工作条例》第十九条、第二十三条)."""
    ports.papers(case_no, "letter", "acceptance_notice", at=at)


def reply(ports: FakePorts, case_no: str, outcome: str = "support", **given: object) -> Stepped:
    """The opinion (信访处理意见书) on file, then 出具处理意见 by the town's supervisor."""
    at = given.get("at")
    ports.papers(case_no, "reply", at=at if isinstance(at, str) else None)
    return ports.advance("sup_pz", case_no, "reply", {"outcome": outcome}, **given)


def extend(ports: FakePorts, case_no: str, days: str = "10", **given: object) -> Stepped:
    """The extension notice (延期告知书) on file, then 延期 told by post."""
    at = given.get("at")
    ports.papers(case_no, "extension_notice", at=at if isinstance(at, str) else None)
    values = {"days": days, "reason": "核实", **NOTICE}
    return ports.advance("sup_pz", case_no, "extend", values, **given)


def concluded(ports: FakePorts) -> str:
    """A town petition concluded on re-review (终结): replied and delivered, reviewed by the
    justice bureau (its parent office) and re-reviewed by Maoming's, recorded by the bureau's
    clerk (《信访条例》第三十四条、第三十五条)."""
    case_no = handling(ports)
    steps: tuple[tuple[str, str, str, dict[str, str], str], ...] = (
        ("sup_pz", "reply", "reply", {"outcome": "explain"}, "2020-11-04"),
        ("clerk_pz", "delivery_proof", "deliver", {"method": "in_person"}, "2020-11-04"),
        ("clerk_pz", "review_request", "request_review", {}, "2020-11-05"),
        (
            "sup_justice",
            "review_opinion",
            "review",
            {"outcome": "explain", "on_original": "uphold"},
            "2020-11-06",
        ),
        ("clerk_justice", "delivery_proof", "deliver", {"method": "post"}, "2020-11-06"),
        ("clerk_pz", "rereview_request", "request_rereview", {}, "2020-11-07"),
        (
            "clerk_justice",
            "rereview_opinion",
            "rereview",
            {"outcome": "explain", "organ": "茂名市司法局", "doc_no": "茂司复核〔2020〕1号"},
            "2020-11-08",
        ),
    )
    for user, paper, trigger, values, at in steps:
        ports.papers(case_no, paper, user=user, at=at)
        ports.advance(user, case_no, trigger, values, at=at)
    assert ports.case(case_no).state == "concluded"
    return case_no


def claim(ports: FakePorts) -> str:
    """A subsidy claim of panzhou, drafted (registered by the drafting command)."""
    values = {"mediation_case": "TJ-2020-panzhou-00001", "quarter": "2020Q3"}
    done = ports.register("sup_pz", "subsidy_claim", values=values, internal=True)
    return done.case.case_no


def test_the_fake_is_what_a_step_asks_for(ports: FakePorts) -> None:
    assert as_intake(ports) is ports


# -- register -------------------------------------------------------------------------------


def test_registration_is_the_first_event_of_a_new_case(ports: FakePorts) -> None:
    done = ports.register("clerk_pz", "petition", title=" 拖欠工资 ", at="2020-11-02T09:30")
    case, event = done.case, done.event
    assert event is not None and not done.existing and done.origin is None
    assert (case.case_no, case.kind, case.office, case.title) == (
        PANZHOU_1,
        "petition",
        "panzhou",
        "拖欠工资",
    )
    assert (case.state, case.version, case.head_hash) == ("registered", 1, event.hash)
    when = datetime(2020, 11, 2, 9, 30, tzinfo=CST)
    assert case.registered_at == case.last_at == when
    assert (event.seq, event.trigger, event.from_state, event.to_state) == (
        1,
        "register",
        None,
        "registered",
    )
    assert (event.actor, event.actor_role) == ("clerk_pz", "clerk")
    assert (event.occurred_at, event.occurred_on, event.recorded_at) == (
        when,
        when.date(),
        DAY,
    )


@pytest.mark.parametrize("user", ["viewer1", "med_pz", "leader1"])
def test_only_the_procedures_roles_register(ports: FakePorts, user: str) -> None:
    with pytest.raises(NotAllowed) as refused:
        ports.register(user, "petition")
    assert refused.value.field == "user"
    assert "登记「信访事项 petition」需由 登记员 clerk 或 负责人 supervisor 进行" in str(
        refused.value
    )
    assert f"用户 {user}（" in str(refused.value) and ports.store.counters == {}


def test_an_admin_registers_as_a_supervisor_and_a_mediator_registers_mediations(
    ports: FakePorts,
) -> None:
    assert ports.register("admin", "petition").case.case_no == PANZHOU_1
    assert ports.register("med_pz", "mediation").case.case_no == "TJ-2020-panzhou-00001"


def test_a_procedure_registered_by_a_command_is_not_registered_directly(
    ports: FakePorts,
) -> None:
    values = {"mediation_case": "TJ-2020-panzhou-00001", "quarter": "2020Q3"}
    with pytest.raises(NotAllowed, match="以案定补起草 subsidy draft") as refused:
        ports.register("sup_pz", "subsidy_claim", values=values)
    assert (refused.value.field, refused.value.value) == ("kind", "subsidy_claim")
    assert claim(ports) == "BZ-2020-panzhou-00001"


def test_offices_unknown_and_of_another_town(ports: FakePorts) -> None:
    with pytest.raises(NotFound, match="unknown office 'atlantis'") as unknown:
        ports.register("clerk_pz", "petition", office="atlantis")
    assert (unknown.value.field, unknown.value.value) == ("office", "atlantis")
    with pytest.raises(NotAllowed) as other:
        ports.register("clerk_pz", "petition", office="shanmei")
    assert (other.value.field, other.value.value) == ("office", "shanmei")
    assert "新案件 the new case 属于 shanmei" in other.value.reason
    assert "只能处理本单位 panzhou 的案件" in other.value.reason
    # a city-level clerk registers for any office
    city = ports.register("clerk_city", "petition", office="shanmei")
    assert city.case.case_no == "XF-2020-shanmei-00001"


def test_a_ref_registers_once_per_procedure_and_office(ports: FakePorts) -> None:
    first = ports.register("clerk_pz", "petition", title="来信", ref="来信-001")
    again = ports.register("clerk_pz", "petition", title="另一标题", ref=" 来信-001 ")
    assert again.existing and again.event is None
    assert again.case.case_no == first.case.case_no == PANZHOU_1
    assert again.case.title == "来信"
    assert ports.store.counters == {("XF", "panzhou", 2020): 1}  # no number used up
    other_office = ports.register("clerk_city", "petition", office="shanmei", ref="来信-001")
    other_kind = ports.register("clerk_pz", "mediation", ref="来信-001")
    assert not other_office.existing and not other_kind.existing
    assert other_office.case.case_no == "XF-2020-shanmei-00001"
    assert other_kind.case.case_no == "TJ-2020-panzhou-00001"
    with pytest.raises(InvalidData, match="幂等键 ref") as empty:
        ports.register("clerk_pz", "petition", ref="  ")
    assert empty.value.field == "ref"


def test_parties_by_code_or_label_with_id_numbers_and_phones(ports: FakePorts) -> None:
    given = (
        f"petitioner:陈某: {VALID_ID} :138 0013 8000",
        "信访人：李某",
        Party("代表", " 王某 ", None, "020-12345678"),
    )
    case = ports.register("clerk_pz", "petition", parties=given).case
    assert case.parties == (
        Party("petitioner", "陈某", VALID_ID, "13800138000"),
        Party("petitioner", "李某"),
        Party("representative", "王某", None, "020-12345678"),
    )


@pytest.mark.parametrize(
    ("party", "field", "words"),
    [
        ("applicant:张三", "party.role", "「申请人 applicant」不参与本程序"),
        ("boss:张三", "party.role", "未知，应为 信访人 petitioner"),
        ("张三", "party", "应写作 角色:姓名[:身份证号[:电话]]"),
        ("petitioner: ", "party.name", "不能为空"),
        (f"petitioner:张三:{VALID_ID[:-1]}5", "party.id_number", "(a wrong check digit)"),
        ("petitioner:张三:110101199002304514", "party.id_number", "(an impossible birth date)"),
        ("petitioner:张三:1101011990", "party.id_number", "17 digits and a digit or X"),
        ("petitioner:张三::12345", "party.phone", "不是有效的手机或固定电话号码"),
    ],
)
def test_a_bad_party_is_refused_by_its_field(
    ports: FakePorts, party: str, field: str, words: str
) -> None:
    with pytest.raises(InvalidData) as refused:
        ports.register("clerk_pz", "petition", parties=(party,))
    assert refused.value.field == field and words in refused.value.reason
    assert VALID_ID[:-1] not in refused.value.reason  # never a full ID number echoed
    assert ports.store.counters == {}  # a refused registration takes no number


def test_registration_values_checked_with_defaults_and_choices_by_label(
    ports: FakePorts,
) -> None:
    values = {"channel": "来访", "category": "complaint", "people": " 3 "}
    case = ports.register("clerk_pz", "petition", values=values).case
    # the defaults of petition.md 1.2, and the rules in force on the day (before 2022-05-01)
    defaults = {"address_known": "yes", "litigation": "no", "rules": "xf2005"}
    assert case.data == {"channel": "visit", "category": "complaint", "people": 3, **defaults}
    # a value under a field's former name (amount, now amount_claimed) is taken as the field's
    amount = ports.register("clerk_pz", "mediation", values={"amount": " 5000 "}).case
    assert amount.data["amount_claimed"] == 5000 and "amount" not in amount.data
    # optional values without a default stay unset
    assert ports.register("clerk_pz", "petition").case.data == {"people": 1, **defaults}


@pytest.mark.parametrize(
    ("kind", "values", "field", "words"),
    [
        (
            "petition",
            {"colour": "red"},
            "value.colour",
            "不接受值 'colour'（可填：信访形式 channel",
        ),
        ("petition", {"channel": "pigeon"}, "value.channel", "以下之一：来信 letter、来访 visit"),
        ("petition", {"channel": " "}, "value.channel", "不能为空"),
        ("petition", {"channel": "visit\x07"}, "value.channel", "(control characters)"),
        ("mediation", {"amount": "-1"}, "value.amount_claimed", "0..100000000000 的整数，不是 -1"),
        ("mediation", {"people": "三"}, "value.people", "不是 '三'"),
    ],
)
def test_bad_registration_values_are_refused_by_name(
    ports: FakePorts, kind: str, values: dict[str, str], field: str, words: str
) -> None:
    with pytest.raises(InvalidData) as refused:
        ports.register("clerk_pz", kind, values=values)
    assert refused.value.field == field and words in refused.value.reason


def test_a_required_registration_value_is_named(ports: FakePorts) -> None:
    with pytest.raises(InvalidData) as refused:
        ports.register("sup_pz", "subsidy_claim", values={"quarter": "2020Q3"}, internal=True)
    assert refused.value.field == "value.mediation_case"
    assert "需要填写「调解案件 mediation_case」" in refused.value.reason


def test_title_and_time_of_a_registration(ports: FakePorts) -> None:
    with pytest.raises(InvalidData, match="案件标题 title 不能为空") as empty:
        ports.register("clerk_pz", "petition", title=" ")
    assert empty.value.field == "title"
    with pytest.raises(InvalidData, match=r"\(is in the future\)") as future:
        ports.register("clerk_pz", "petition", at="2020-12-01T10:06")
    assert (future.value.field, future.value.value) == ("at", "2020-12-01T10:06:00+08:00")
    with pytest.raises(InvalidData, match="时区") as naive:
        ports.register("clerk_pz", "petition", at=datetime(2020, 11, 1))
    assert naive.value.field == "at"
    with pytest.raises(InvalidData, match="ISO 8601") as typed:
        ports.register("clerk_pz", "petition", at="yesterday")
    assert typed.value.field == "at"
    # a clerk's clock a little ahead is not a typing error
    ahead = ports.register("clerk_pz", "petition", at="2020-12-01T10:04").case
    assert ahead.registered_at == DAY + timedelta(minutes=4)
    assert ports.register("clerk_pz", "petition").case.registered_at == DAY


def test_case_numbers_per_prefix_office_and_local_year(ports: FakePorts) -> None:
    nos = [petition(ports) for _ in range(3)]
    assert nos == [f"XF-2020-panzhou-0000{n}" for n in (1, 2, 3)]
    mediation = ports.register("clerk_pz", "mediation", parties=SIDES).case
    assert mediation.case_no == "TJ-2020-panzhou-00001"
    assert petition(ports, at="2019-12-31T23:00") == "XF-2019-panzhou-00001"
    # 16:30 UTC on New Year's Eve is already 2020 in China
    assert petition(ports, at="2019-12-31T16:30:00+00:00") == "XF-2020-panzhou-00004"
    shanmei = ports.register("clerk_sm", "petition", office="shanmei")
    assert shanmei.case.case_no == "XF-2020-shanmei-00001"
    assert ports.store.counters == {
        ("XF", "panzhou", 2020): 4,
        ("TJ", "panzhou", 2020): 1,
        ("XF", "panzhou", 2019): 1,
        ("XF", "shanmei", 2020): 1,
    }


def test_a_concluded_petition_is_not_accepted_again(ports: FakePorts) -> None:
    done = concluded(ports)
    # every matter is registered, a repeat included (《信访工作条例》第四十四条第一项) ...
    again = petition(ports, at="2020-11-20", link=done)
    ports.link("clerk_pz", again, done, "same_matter")
    # ... and refused at acceptance once a person found it the same matter (《信访条例》
    # 第三十五条第三款, the case's rules being those of 2005)
    with pytest.raises(GuardFailed) as refused:
        ports.accept(again)
    assert refused.value.rule == "not_concluded"
    assert f"同一事项已在案件 {done} 中终结（已终结 concluded），不再受理" in refused.value.reason
    assert "《信访条例》第三十五条第三款" in refused.value.reason
    assert ports.case(again).state == "registered"
    # a major dispute may still come from it: the rule is the petition's own
    major = ports.register("sup_city", "major_dispute", link=done)
    assert major.origin is not None and major.origin.case_no == done


def test_a_link_names_the_case_it_comes_from(ports: FakePorts) -> None:
    first = handling(ports)
    linked = ports.register("sup_pz", "major_dispute", link=first)
    assert linked.origin is not None and linked.origin.case_no == first
    assert linked.case.data == {"origin_case": first, "rules": "ba2"}
    assert ports.store.links == [(linked.case.case_no, first, "origin")]
    with pytest.raises(NotFound, match="XF-2020-panzhou-09999") as unknown:
        petition(ports, link="XF-2020-panzhou-09999")
    assert (unknown.value.field, unknown.value.value) == ("link", "XF-2020-panzhou-09999")
    with pytest.raises(NotAllowed, match=f"关联案件 {first} 属于 panzhou") as other:
        ports.register("clerk_sm", "petition", office="shanmei", link=first)
    assert other.value.field == "office"


# -- advance --------------------------------------------------------------------------------


def test_a_trigger_from_the_wrong_state(ports: FakePorts) -> None:
    case_no = petition(ports)
    with pytest.raises(IllegalTransition) as refused:
        ports.advance("sup_pz", case_no, "reply", {"outcome": "support"})
    assert refused.value.reason == (
        f"案件 {case_no} 当前为「已登记 registered」，「出具处理意见 reply」只能在"
        "「办理中 handling」状态进行"
    )
    close = handling(ports)
    with pytest.raises(IllegalTransition, match="「已答复 replied」、「已复查 reviewed」状态"):
        ports.advance("clerk_pz", close, "close")


def test_an_unknown_trigger_lists_the_procedures_triggers(ports: FakePorts) -> None:
    case_no = petition(ports)
    with pytest.raises(IllegalTransition) as refused:
        ports.advance("sup_pz", case_no, "fly")
    assert (refused.value.field, refused.value.value) == ("trigger", "fly")
    assert "信访事项 petition 没有操作 'fly'（可用：受理 accept、不予受理 refuse" in str(
        refused.value
    )


def test_a_trigger_by_its_chinese_label(ports: FakePorts) -> None:
    case_no = petition(ports)
    ready(ports, case_no, "2020-11-03")
    done = ports.advance("sup_pz", case_no, "受理", {"notice_method": "邮寄"}, at="2020-11-03")
    assert (done.event.trigger, done.case.state) == ("accept", "handling")
    assert done.event.data == {"notice_method": "post"}
    ports.papers(case_no, "reply")
    replied = ports.advance("sup_pz", case_no, "出具处理意见", {"outcome": "支持"})
    assert replied.event.trigger == "reply" and replied.event.data == {"outcome": "support"}


def test_roles_that_may_fire_a_trigger(ports: FakePorts) -> None:
    case_no = petition(ports)
    with pytest.raises(NotAllowed) as refused:
        ports.advance("clerk_pz", case_no, "accept")
    assert refused.value.field == "user"
    assert "「受理 accept」需由 负责人 supervisor 进行；用户 clerk_pz（登记员 clerk" in str(
        refused.value
    )
    ready(ports, case_no)
    assert ports.advance("admin", case_no, "accept", NOTICE).event.actor_role == "admin"


def test_town_users_act_on_their_own_office_and_city_users_on_all(ports: FakePorts) -> None:
    case_no = ports.register("clerk_pz", "mediation", parties=SIDES).case.case_no
    chosen = {"mediator": "med_pz"}
    # Another town's case is, to a town user, no case at all: not-found, its office untold.
    with pytest.raises(NotFound) as refused:
        ports.advance("sup_sm", case_no, "accept", chosen)
    assert refused.value.field == "case_no" and "panzhou" not in refused.value.reason.split("'")[0]
    assert ports.advance("sup_city", case_no, "accept", chosen).case.state == "mediating"


def test_a_petitions_routing_is_its_own_offices_decision(ports: FakePorts) -> None:
    """受理 is decided by the office that received the matter (《信访条例》第二十二条): neither
    another town's supervisor nor a city one takes it in its place."""
    case_no = petition(ports)
    ready(ports, case_no)
    for other in ("sup_sm", "sup_city"):
        with pytest.raises(NotAllowed) as refused:
            ports.advance(other, case_no, "accept", NOTICE)
        assert refused.value.field == "user"
        assert "「受理 accept」需由案件所属单位 panzhou 进行" in refused.value.reason
    assert ports.advance("sup_pz", case_no, "accept", NOTICE).case.state == "handling"


def test_a_city_only_trigger(ports: FakePorts) -> None:
    case_no = handling(ports)
    with pytest.raises(NotAllowed, match=r"需由市级单位 \(a city-level office\) 进行") as refused:
        ports.advance("sup_pz", case_no, "supervise", {"note": "请加快"})
    assert refused.value.field == "user"
    before = dict(ports.case(case_no).data)
    ports.papers(case_no, "supervision_letter", user="sup_city")
    done = ports.advance("sup_city", case_no, "supervise", note="请加快")
    # the note fills the trigger's note value; it stays on the event, not on the case
    assert (done.event.note, done.event.data) == ("请加快", {"note": "请加快"})
    assert done.case.data == before and done.case.state == "handling"


def test_a_trigger_only_the_cases_own_office_fires(ports: FakePorts) -> None:
    case_no = claim(ports)
    with pytest.raises(NotAllowed, match="「司法所初审 check」需由案件所属单位 panzhou 进行"):
        ports.advance("sup_city", case_no, "check")
    assert ports.advance("admin", case_no, "check").case.state == "town_checked"


def test_a_trigger_only_named_offices_fire_with_a_looked_up_value(ports: FakePorts) -> None:
    case_no = claim(ports)
    ports.advance("sup_pz", case_no, "check")
    with pytest.raises(NotAllowed, match="「司法局核定 approve」需由 city-justice 进行"):
        ports.advance("sup_city", case_no, "approve", {"tier": "ordinary"})
    with pytest.raises(InvalidData) as unknown:
        ports.advance("sup_justice", case_no, "approve", {"tier": "golden"})
    assert unknown.value.field == "value.tier"
    done = ports.advance("sup_justice", case_no, "approve", {"tier": "ordinary"})
    assert done.event.data == {"tier": "ordinary", "amount": 300, "scale_from": "2011-01-01"}
    assert done.case.data["amount"] == 300 and done.case.state == "approved"


@pytest.mark.parametrize(
    ("trigger", "values", "field", "value", "words"),
    [
        (
            "reply",
            {},
            "value.outcome",
            None,
            "需要填写「处理意见 outcome」：以下之一：支持 support",
        ),
        ("reply", {"outcome": "maybe"}, "value.outcome", "maybe", "不是 'maybe'"),
        ("reply", {"outcome": "support", "x": "1"}, "value.x", "1", "不接受值 'x'"),
        ("extend", {"days": "31", "reason": "r"}, "value.days", 31, "1..30 的整数，不是 31"),
        ("extend", {"days": "0", "reason": "r"}, "value.days", 0, "1..30 的整数，不是 0"),
        ("extend", {"days": "ten", "reason": "r"}, "value.days", "ten", "不是 'ten'"),
        ("extend", {"days": "10"}, "value.reason", None, "需要填写「延期理由 reason」"),
    ],
)
def test_a_triggers_values_are_checked_by_name(
    ports: FakePorts,
    trigger: str,
    values: dict[str, str],
    field: str,
    value: object,
    words: str,
) -> None:
    case_no = handling(ports)
    with pytest.raises(InvalidData) as refused:
        ports.advance("sup_pz", case_no, trigger, values)
    assert (refused.value.field, refused.value.value) == (field, value)
    assert words in refused.value.reason


def test_values_by_label_with_defaults_and_kept_on_the_case_or_the_event(
    ports: FakePorts,
) -> None:
    case_no = handling(ports)
    before = dict(ports.case(case_no).data)
    extended = extend(ports, case_no, " 10 ")
    assert extended.event.data == {"days": 10, "reason": "核实", "notice_method": "post"}
    assert extended.case.data == before  # an extension's values stay on its event
    replied = reply(ports, case_no, "不予支持")
    assert replied.case.data == {**before, "outcome": "not_support"}
    major = ports.register("clerk_city", "major_dispute", office="city-petition").case.case_no
    ports.papers(major, "assignment_form", user="clerk_city")
    values = {"leader": "leader1", "unit": "街道"}
    proposed = ports.advance("clerk_city", major, "propose", values)
    # the default term, and who proposed it (the approver must be another person)
    assert proposed.event.data == {
        "leader": "leader1",
        "unit": "街道",
        "due_days": 90,
        "proposed_by": "clerk_city",
    }


def test_a_user_value_names_an_active_user_of_the_role(ports: FakePorts) -> None:
    case_no = ports.register("clerk_pz", "mediation", parties=SIDES).case.case_no
    with pytest.raises(InvalidData) as clerk:
        ports.advance("med_pz", case_no, "accept", {"mediator": "clerk_pz"})
    assert (clerk.value.field, clerk.value.value) == ("value.mediator", "clerk_pz")
    assert "'clerk_pz' 是 登记员 clerk，不是 调解员 mediator" in clerk.value.reason
    with pytest.raises(InvalidData, match="不是已登记的用户"):
        ports.advance("med_pz", case_no, "accept", {"mediator": "nobody"})
    ports.inactive.add("med2_pz")
    with pytest.raises(InvalidData, match=r"'med2_pz' 不是已登记的用户 \(not a registered"):
        ports.advance("med_pz", case_no, "accept", {"mediator": "med2_pz"})
    done = ports.advance("med_pz", case_no, "accept", {"mediator": "med_pz"})
    assert done.case.data["mediator"] == "med_pz"


def test_back_dating_before_the_previous_step_is_refused(ports: FakePorts) -> None:
    case_no = handling(ports)  # accepted 2020-11-03, the 4th event
    ports.papers(case_no, "reply", at="2020-11-03")
    with pytest.raises(InvalidData) as refused:
        ports.advance("sup_pz", case_no, "reply", {"outcome": "support"}, at="2020-11-02T23:59")
    assert (refused.value.field, refused.value.value) == ("at", "2020-11-02T23:59:00+08:00")
    assert refused.value.reason == (
        f"案件 {case_no}：时间 2020-11-02T23:59:00+08:00 早于本案上一步（第 5 步，"
        "2020-11-03T00:00:00+08:00）(is before the case's previous event)"
    )
    same = ports.advance("sup_pz", case_no, "reply", {"outcome": "support"}, at="2020-11-03")
    assert same.event.occurred_at == datetime(
        2020, 11, 3, tzinfo=CST
    )  # the same time is not before
    assert ports.case(case_no).version == 6


def test_a_step_in_the_future_is_refused(ports: FakePorts) -> None:
    case_no = petition(ports)
    with pytest.raises(InvalidData, match=r"在将来（现在 2020-12-01T10:00:00\+08:00）") as e:
        ports.advance("sup_pz", case_no, "accept", at="2020-12-02")
    assert e.value.field == "at"


def test_a_step_without_a_time_happens_now(ports: FakePorts) -> None:
    case_no = petition(ports)
    ports.later(hours=1)
    ready(ports, case_no)
    done = ports.advance("sup_pz", case_no, "accept", NOTICE)
    assert done.event.occurred_at == done.event.recorded_at == DAY + timedelta(hours=1)


def test_a_step_without_a_time_is_never_older_than_the_previous_one(ports: FakePorts) -> None:
    # The previous step was recorded from a clock a little ahead of this one.
    ahead = DAY + timedelta(minutes=3)
    case_no = petition(ports, at=ahead.isoformat())
    ready(ports, case_no)
    done = ports.advance("sup_pz", case_no, "accept", NOTICE)
    assert done.event.occurred_at == ahead and done.event.recorded_at == DAY
    again = extend(ports, case_no, "5")
    assert again.event.occurred_at == ahead
    assert [e.occurred_at for e in ports.store.events[case_no]] == [ahead] * 6


def test_guards_see_the_steps_added_earlier_on_the_same_case(ports: FakePorts) -> None:
    case_no = handling(ports)
    case = ports.papers(case_no, "extension_notice")
    sup = ports.actor("sup_pz")
    step = Step(case_no, "extend", {"days": "10", "reason": "核实", **NOTICE})
    once = advance(case, step, sup, ports)  # not stored: the batch goes on in memory
    with pytest.raises(GuardFailed) as refused:
        advance(once.case, step, sup, ports)
    assert refused.value.rule == "extend_once"
    assert "不符合规则「只可延期一次 extend_once」" in refused.value.reason
    # and the steps stored before, once the case is read again
    ports.keep(once)
    with pytest.raises(GuardFailed, match="extend_once"):
        advance(ports.case(case_no), step, sup, ports)


def test_guards_see_documents_recorded_earlier_on_the_same_case(ports: FakePorts) -> None:
    case_no = ports.register("clerk_pz", "mediation", at="2020-11-01", parties=SIDES).case.case_no
    med = "med_pz"
    ports.advance(med, case_no, "accept", {"mediator": med}, at="2020-11-02")
    ports.advance(med, case_no, "fail", {"routes_told": "yes"}, at="2020-11-03")
    case = ports.case(case_no)
    clerk, sup = ports.actor("clerk_pz"), ports.actor("sup_pz")
    archive = Step(case_no, "archive")
    with pytest.raises(GuardFailed) as refused:
        advance(case, archive, sup, ports)
    assert refused.value.rule == "followed_up"
    case = advance(case, Step(case_no, "follow_up", {"satisfaction": "满意"}), clerk, ports).case
    missing = "缺少 \\(missing\\)：application, rights_notice, record"
    with pytest.raises(GuardFailed, match=missing) as file:
        advance(case, archive, sup, ports)
    assert file.value.rule == "case_file_complete"
    for kind in ("application", "rights_notice", "record", "follow_up", "termination"):
        case = record_document(case, DocumentStep(case_no, kind), clerk, ports).case
    assert advance(case, archive, sup, ports).case.state == "archived"


def test_a_case_file_is_read_only_when_a_guard_asks(ports: FakePorts) -> None:
    mediation = ports.register("clerk_pz", "mediation", parties=SIDES).case.case_no
    ports.advance("med_pz", mediation, "accept", {"mediator": "med_pz"})
    assert ports.store.loads == []  # no guards, no needs, no ref: nothing is read
    case_no = petition(ports)
    ready(ports, case_no)
    ports.advance("sup_pz", case_no, "accept", NOTICE)
    # the intake rules read the file and the links, never the history
    assert ports.store.loads == [f"file:{case_no}", f"links:{case_no}"]
    ports.store.loads.clear()
    reply(ports, case_no)
    assert ports.store.loads == [f"file:{case_no}"]  # its opinion on file, nothing more
    ports.store.loads.clear()
    ports.papers(case_no, "delivery_proof")
    ports.advance("clerk_pz", case_no, "deliver", {"method": "post"})  # once per opinion
    assert f"history:{case_no}" in ports.store.loads


def test_a_repeated_ref_returns_the_step_recorded_before(ports: FakePorts) -> None:
    case_no = petition(ports)
    ready(ports, case_no)
    first = ports.advance("sup_pz", case_no, "accept", NOTICE, ref="r1")
    assert not first.repeated and first.event.ref == "r1"
    reply(ports, case_no)
    before = ports.case(case_no)
    # the case has moved on; the same step with the same key is the one recorded
    again = ports.advance("sup_pz", case_no, "受理", NOTICE, ref="r1")
    assert again.repeated and again.event == first.event
    assert again.case.version == before.version == 6
    assert len(ports.store.events[case_no]) == 6
    # repeated within one batch, before anything is stored
    case = ports.papers(case_no, "supervision_letter", user="sup_city")
    city = ports.actor("sup_city")
    supervise = Step(case_no, "supervise", {"note": "请加快"}, ref="c1")
    supervised = advance(case, supervise, city, ports)
    assert advance(supervised.case, supervise, city, ports).event == supervised.event


def test_a_ref_is_not_reused_for_another_trigger(ports: FakePorts) -> None:
    case_no = petition(ports)
    ready(ports, case_no)
    ports.advance("sup_pz", case_no, "accept", NOTICE, ref="r1")
    with pytest.raises(InvalidData) as refused:
        ports.advance("sup_pz", case_no, "reply", {"outcome": "support"}, ref="r1")
    assert (refused.value.field, refused.value.value) == ("ref", "r1")
    assert f"案件 {case_no}：幂等键 ref 'r1' 已用于第 4 步 accept，不能用于 reply" in str(
        refused.value
    )
    assert "(was used for 'accept')" in refused.value.reason
    with pytest.raises(InvalidData, match="was used for 'accept'"):
        ports.document("clerk_pz", case_no, "letter", ref="r1")
    ports.document("clerk_pz", case_no, "letter", ref="d1")
    with pytest.raises(InvalidData, match="was used for 'doc'"):
        ports.advance("sup_pz", case_no, "extend", {"days": "5", "reason": "r"}, ref="d1")


def test_a_repeated_ref_is_still_only_for_the_cases_office(ports: FakePorts) -> None:
    case_no = petition(ports)
    ready(ports, case_no)
    ports.advance("sup_pz", case_no, "accept", NOTICE, ref="r1")
    with pytest.raises(NotFound) as refused:
        ports.advance("sup_sm", case_no, "accept", NOTICE, ref="r1")
    assert refused.value.field == "case_no"  # a key repeated is no way into another office
    ports.document("clerk_pz", case_no, "evidence", ref="d1")
    with pytest.raises(NotFound) as other:
        ports.document("clerk_sm", case_no, "evidence", ref="d1")
    assert other.value.field == "case_no"


def test_each_event_chains_the_hash_of_the_one_before(ports: FakePorts) -> None:
    case_no = handling(ports)
    extend(ports, case_no, note="备注", at="2020-11-10")
    paper = {"file_name": "a.pdf", "sha256": "ab" * 32, "at": "2020-11-15"}
    ports.document("clerk_pz", case_no, "evidence", **paper)
    reply(ports, case_no, at="2020-11-20")
    history = ports.store.events[case_no]
    assert [e.seq for e in history] == list(range(1, 10))
    prev = None
    for event in history:
        assert event.hash == _digest(prev, case_no, event)
        prev = event.hash
    case = ports.case(case_no)
    assert (case.head_hash, case.version, case.last_at) == (prev, 9, history[-1].occurred_at)
    # the digest covers the note and the values too
    last = history[-1]
    assert _digest(history[-2].hash, case_no, last, note="x") != last.hash
    assert _digest(history[-2].hash, case_no, last, data={"outcome": "explain"}) != last.hash


def _digest(prev: str | None, case_no: str, e: Event, **changed: object) -> str:
    note = changed.get("note", e.note)
    data = changed.get("data", e.data)
    assert note is None or isinstance(note, str)
    assert isinstance(data, dict)
    return event_digest(
        prev,
        case_no,
        e.seq,
        e.trigger,
        (e.from_state, e.to_state),
        (e.actor, e.actor_role),
        (e.occurred_at, e.recorded_at),
        note,
        data,
    )


def test_a_step_changes_nothing_it_is_given(ports: FakePorts) -> None:
    case_no = petition(ports)
    case = ports.papers(case_no, "letter", "acceptance_notice")
    done = advance(case, Step(case_no, "accept", NOTICE), ports.actor("sup_pz"), ports)
    assert (case.state, case.version, case.file.events_added) == ("registered", 3, ())
    assert done.case.file.events_added == (done.event,)
    assert ports.store.events[case_no][-1].seq == 3  # nothing stored until kept


# -- record_document ------------------------------------------------------------------------


def test_a_document_is_an_event_of_the_case_file(ports: FakePorts) -> None:
    case_no = handling(ports)
    filed = list(ports.store.documents[case_no])  # the letter and the acceptance notice
    done = ports.document(
        "clerk_pz", case_no, "evidence", file_name="证.pdf", sha256="0f" * 32, note="原件"
    )
    event, paper = done.event, done.document
    assert paper is not None and done.case.state == "handling" and done.case.version == 5
    assert (event.seq, event.trigger, event.from_state, event.to_state) == (
        5,
        "doc",
        "handling",
        "handling",
    )
    assert event.data == {"kind": "evidence", "file_name": "证.pdf", "sha256": "0f" * 32}
    assert (paper.kind, paper.file_name, paper.actor, paper.event_seq) == (
        "evidence",
        "证.pdf",
        "clerk_pz",
        5,
    )
    assert ports.store.documents[case_no] == [*filed, paper]


def test_a_viewer_records_no_document(ports: FakePorts) -> None:
    case_no = petition(ports)
    with pytest.raises(NotAllowed, match=r"只能查看，不能修改 \(read only\)") as refused:
        ports.document("viewer1", case_no, "letter")
    assert refused.value.field == "user"


def test_a_document_of_another_office(ports: FakePorts) -> None:
    case_no = petition(ports)
    with pytest.raises(NotFound, match=f"未知案件 unknown case '{case_no}'") as refused:
        ports.document("clerk_sm", case_no, "letter")
    assert refused.value.field == "case_no"


def test_an_unknown_kind_of_document(ports: FakePorts) -> None:
    case_no = petition(ports)
    with pytest.raises(InvalidData) as refused:
        ports.document("clerk_pz", case_no, "will")
    assert (refused.value.field, refused.value.value) == ("document", "will")
    assert "信访事项 petition 的卷宗没有 'will' 这类材料（可用：信访件 letter" in str(refused.value)


def test_a_closed_case_file_takes_no_document(ports: FakePorts) -> None:
    case_no = petition(ports)
    ports.papers(case_no, "letter", "non_acceptance_notice")
    ports.advance("sup_pz", case_no, "refuse", {"reason": "不属本机关职权", **NOTICE})
    with pytest.raises(IllegalTransition) as refused:
        ports.document("clerk_pz", case_no, "letter")
    assert refused.value.field is None  # the case's state is at fault, not the kind given
    assert "当前为「不予受理 not_accepted」，卷宗已封存" in refused.value.reason
    assert "(the case file is closed to new documents)" in refused.value.reason


def test_a_document_with_a_ref_is_recorded_once(ports: FakePorts) -> None:
    case_no = petition(ports)
    first = ports.document("clerk_pz", case_no, "letter", ref="d1")
    again = ports.document("clerk_pz", case_no, "letter", ref="d1")
    assert again.repeated and again.event == first.event and again.document is None
    assert len(ports.store.documents[case_no]) == 1


def test_a_document_is_not_back_dated_before_the_previous_step(ports: FakePorts) -> None:
    case_no = handling(ports)
    with pytest.raises(InvalidData, match="早于本案上一步（第 4 步") as refused:
        ports.document("clerk_pz", case_no, "letter", at="2020-11-01")
    assert refused.value.field == "at"


def test_a_new_case_read_from_the_fake_is_a_plain_case(ports: FakePorts) -> None:
    case_no = petition(ports)
    case = ports.case(case_no)
    assert isinstance(case, Case) and case.id == 1
    assert ports.case_with_ref("petition", "panzhou", "none") is None
    with pytest.raises(NotFound):
        ports.case("XF-2020-panzhou-00099")


def test_a_registrations_first_event_may_carry_a_key_of_its_own(ports: FakePorts) -> None:
    # an imported row's provenance: the case has no ref, its first event has the row's
    item = Registration("panzhou", "t", event_ref="import:abc:2:1")
    wf = ports.machines.workflow("信访事项")  # a procedure by its label
    done = register(wf, item, ports.actor("clerk_pz"), ports)
    assert done.event is not None and done.event.ref == "import:abc:2:1"
    assert done.case.ref is None
    assert done.case.registered_at == datetime(2020, 12, 1, 2, 0, tzinfo=UTC)
