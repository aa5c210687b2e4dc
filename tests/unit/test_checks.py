"""The checks every step makes (casework.domain.checks): its time, its values, who takes it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from casework.domain.checks import (
    FUTURE_TOLERANCE,
    checked_values,
    may_take,
    not_before,
    occurred,
)
from casework.domain.model import Case, CaseFile, Lazy
from casework.errors import InvalidData, NotAllowed, NotFound
from casework.time.local import CST
from tests.fakes import DAY, FakePorts
from workflows import default_registry
from workflows.spec import FieldSpec, TriggerSpec

NOW = DAY  # 2020-12-01 10:00 in China
PETITION = default_registry().get("petition")
assert PETITION is not None


def case(state: str = "handling", last_at: datetime = NOW, office: str = "panzhou") -> Case:
    file = CaseFile(Lazy(None, ()), Lazy(None, ()))
    return Case(
        1,
        "XF-2020-panzhou-00001",
        "petition",
        office,
        "t",
        state,
        2,
        {},
        "0" * 64,
        last_at,
        last_at,
        None,
        (),
        file,
    )


def trigger(name: str) -> TriggerSpec:
    found = PETITION.trigger(name) if PETITION else None
    assert found is not None
    return found


class Subject:
    def __str__(self) -> str:
        return "测试步骤"


# -- occurred / not_before ------------------------------------------------------------------


def test_no_time_given_is_now() -> None:
    assert occurred(None, NOW, None) == NOW
    assert occurred(None, NOW, NOW - timedelta(days=1)) == NOW


def test_no_time_given_after_a_step_from_a_clock_ahead_is_that_steps_time() -> None:
    ahead = NOW + timedelta(minutes=2)
    assert occurred(None, NOW, ahead) == ahead


def test_a_time_given_as_text_is_local_unless_it_has_an_offset() -> None:
    assert occurred("2020-11-02", NOW, None) == datetime(2020, 11, 2, tzinfo=CST)
    assert occurred("2020-11-02T08:00+00:00", NOW, None) == datetime(2020, 11, 2, 16, tzinfo=CST)


def test_the_future_is_refused_beyond_the_tolerance() -> None:
    edge = NOW + FUTURE_TOLERANCE
    assert occurred(edge, NOW, None) == edge
    with pytest.raises(InvalidData) as refused:
        occurred(edge + timedelta(seconds=1), NOW, None)
    assert (refused.value.field, refused.value.value) == ("at", "2020-12-01T10:05:01+08:00")
    assert "在将来（现在 2020-12-01T10:00:00+08:00）(is in the future)" in refused.value.reason


def test_a_time_without_a_timezone_is_refused() -> None:
    with pytest.raises(InvalidData, match=r"\(a datetime needs a timezone\)") as refused:
        occurred(datetime(2020, 11, 1), NOW, None)
    assert refused.value.field == "at"


@pytest.mark.parametrize("text", ["", "yesterday", "2020-13-01", "二〇二〇年", "2020-11-02T25:00"])
def test_a_time_that_is_no_time_is_refused(text: str) -> None:
    with pytest.raises(InvalidData, match="不是 ISO 8601 日期或时间") as refused:
        occurred(text, NOW, None)
    assert refused.value.field == "at"


def test_not_before_the_previous_step() -> None:
    last = datetime(2020, 11, 3, tzinfo=CST)
    not_before(case(last_at=last), last)  # the same instant is not before
    with pytest.raises(InvalidData) as refused:
        not_before(case(last_at=last), last - timedelta(seconds=1))
    assert refused.value.field == "at"
    assert refused.value.reason == (
        "案件 XF-2020-panzhou-00001：时间 2020-11-02T23:59:59+08:00 早于本案上一步（第 2 步，"
        "2020-11-03T00:00:00+08:00）(is before the case's previous event)"
    )


# -- may_take -------------------------------------------------------------------------------


def test_may_take_names_the_state_the_trigger_and_the_user() -> None:
    ports = FakePorts()
    assert PETITION is not None
    may_take(ports.actor("sup_pz"), trigger("reply"), case(), PETITION)
    with pytest.raises(NotAllowed) as refused:
        may_take(ports.actor("clerk_pz"), trigger("reply"), case(), PETITION)
    assert refused.value.field == "user"
    assert refused.value.reason == (
        "案件 XF-2020-panzhou-00001 当前为「办理中 handling」，「出具处理意见 reply」需由 "
        "负责人 supervisor 进行；用户 clerk_pz（登记员 clerk，panzhou） 不可"
    )


def test_may_take_keeps_town_users_to_their_office() -> None:
    ports = FakePorts()
    assert PETITION is not None
    anyone = TriggerSpec("note", "记录", ("handling",), None, ("supervisor",))
    with pytest.raises(NotFound) as refused:  # another town's case: as if there were none
        may_take(ports.actor("sup_sm"), anyone, case(), PETITION)
    assert refused.value.field == "case_no"
    may_take(ports.actor("sup_city"), anyone, case(), PETITION)


def test_may_take_keeps_the_case_offices_decisions_to_it() -> None:
    """The opinion is the case office's own (《信访工作条例》第三十二条): neither another town's
    supervisor nor a city one may give it, whatever their city-wide power."""
    ports = FakePorts()
    assert PETITION is not None
    for other in ("sup_sm", "sup_city"):
        with pytest.raises(NotAllowed) as refused:
            may_take(ports.actor(other), trigger("reply"), case(), PETITION)
        assert refused.value.field == "user"
        assert "需由案件所属单位 panzhou 进行" in refused.value.reason
    may_take(ports.actor("sup_pz"), trigger("reply"), case(), PETITION)


# -- checked_values -------------------------------------------------------------------------

FIELDS = (
    FieldSpec("kind", "类别", "choice", choices={"a": "甲", "b": "乙"}),
    FieldSpec("count", "数量", "int", minimum=1, maximum=9, required=False, default=1),
    FieldSpec("who", "经办人", "user", role="mediator", required=False),
    FieldSpec("note", "说明", required=False),
    FieldSpec("tier", "档次", "lookup", source="subsidy_tier", required=False),
)


def values(raw: dict[str, str], note: str | None = None) -> dict[str, object]:
    return checked_values(FIELDS, raw, note, Subject(), {}, FakePorts())


def test_values_are_coerced_with_defaults() -> None:
    assert values({"kind": "乙"}) == {"kind": "b", "count": 1}
    assert values({"kind": "a", "count": " 7 "}) == {"kind": "a", "count": 7}


def test_a_number_from_a_script_is_taken_and_other_types_refused_in_one_line() -> None:
    # the API is also driven by scripts and the demo, which pass numbers, not typed text
    assert values({"kind": "a", "count": 7}) == {"kind": "a", "count": 7}
    for odd in (["7"], {"n": 7}, 7.5, True):
        with pytest.raises(InvalidData, match="应为文字") as got:
            values({"kind": "a", "count": odd})  # type: ignore[dict-item]
        assert got.value.field == "value.count"


def test_a_note_fills_a_note_value_not_given() -> None:
    assert values({"kind": "a"}, note="见附件") == {"kind": "a", "count": 1, "note": "见附件"}
    given = values({"kind": "a", "note": "值"}, note="见附件")
    assert given["note"] == "值"


def test_a_lookup_value_records_what_its_source_resolves() -> None:
    assert values({"kind": "a", "tier": "complex"}) == {
        "kind": "a",
        "count": 1,
        "tier": "complex",
        "amount": 500,
        "scale_from": "2011-01-01",
    }


def test_the_subject_names_what_took_the_values() -> None:
    with pytest.raises(InvalidData) as missing:
        values({})
    assert missing.value.field == "value.kind"
    assert missing.value.reason == "测试步骤需要填写「类别 kind」：以下之一：甲 a、乙 b"
    with pytest.raises(InvalidData) as unknown:
        values({"kind": "a", "colour": "red"})
    assert (unknown.value.field, unknown.value.value) == ("value.colour", "red")
    assert unknown.value.reason.startswith("测试步骤不接受值 'colour'（可填：类别 kind、数量 count")


def test_a_trigger_without_values_takes_none() -> None:
    with pytest.raises(InvalidData, match=r"不接受值 'x'（可填：无 \(none\)）"):
        checked_values((), {"x": "1"}, None, Subject(), {}, FakePorts())
    assert checked_values((), {}, None, Subject(), {}, FakePorts()) == {}


def test_unknown_keys_are_cut_short_in_the_refusal() -> None:
    with pytest.raises(InvalidData) as refused:
        values({"k" * 100: "v" * 100})
    assert refused.value.field == "value." + "k" * 40 and refused.value.value == "v" * 40


def test_a_user_value_names_a_user_of_the_role() -> None:
    ports = FakePorts()

    def user(name: str) -> dict[str, object]:
        return checked_values(FIELDS, {"kind": "a", "who": name}, None, Subject(), {}, ports)

    assert user("med_pz")["who"] == "med_pz"
    with pytest.raises(InvalidData, match="'sup_pz' 是 负责人 supervisor，不是 调解员 mediator"):
        user("sup_pz")
    with pytest.raises(InvalidData, match="'ghost' 不是已登记的用户") as unknown:
        user("ghost")
    assert (unknown.value.field, unknown.value.value) == ("value.who", "ghost")
    ports.inactive.add("med_pz")
    with pytest.raises(InvalidData, match="不是已登记的用户"):
        user("med_pz")
