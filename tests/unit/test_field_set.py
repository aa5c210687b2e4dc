"""What checking a step's values works out once per field and per trigger (workflows.spec:
``FieldSet``, a choice's typed forms, the fields left out when not given): the same values and
refusals as working them out on every step."""

from __future__ import annotations

import pytest

from casework.domain.checks import checked_values
from casework.errors import InvalidData
from tests.fakes import FakePorts
from workflows import default_registry
from workflows.spec import FieldSet, FieldSpec

# A code that is another code's label, a label two codes share, an alias that is a label.
TANGLED = FieldSpec(
    "kind",
    "类别",
    "choice",
    choices={"a": "b", "b": "乙", "c": "甲", "d": "甲"},
    aliases={"甲": "a", "旧": "d"},
)
FIELDS = (
    TANGLED,
    FieldSpec("amount", "金额", "int", required=False, former=("money",)),
    FieldSpec("tier", "档次", required=False, default_from="proposed_tier"),
    FieldSpec("note", "说明", required=False),
    FieldSpec("parent", "上级案件", required=False, internal=True),
    FieldSpec("days", "天数", "int", required=False, default=15),
    FieldSpec("court", "法院", required=False),
)


def test_a_choice_takes_its_code_then_a_label_then_an_alias() -> None:
    assert [TANGLED.coerce(t) for t in ("a", "b", "乙", "甲", "旧", " c ")] == [
        "a",
        "b",  # a code, though it is also the label of a
        "b",
        "c",  # the first code of a label two share, though it is also an alias
        "d",
        "c",
    ]
    with pytest.raises(InvalidData, match="不是 '丙'"):
        TANGLED.coerce("丙")


def test_only_fields_with_nothing_to_fill_in_are_left_out_when_absent() -> None:
    left_out = [f.name for f in FIELDS if f.left_out_when_absent]
    assert left_out == ["parent", "court"]


def test_a_field_set_names_what_users_and_the_engine_may_give() -> None:
    fields = FieldSet(FIELDS)
    assert "parent" not in fields.typed_names and "parent" in fields.all_names
    assert {"money", "amount"} <= fields.typed_names
    mediation = default_registry().get("mediation")
    assert mediation is not None
    assert [f.name for f in mediation.register_set.conditional] == ["screening"]
    accept = mediation.trigger("accept")
    assert accept is not None and accept.field_set.fields == accept.fields
    assert accept.field_set is accept.field_set  # worked out once


@pytest.mark.parametrize(
    ("raw", "note", "engine"),
    [
        ({"kind": "甲", "money": "30"}, None, False),
        ({"kind": "乙", "amount": "5", "money": "30"}, "见附件", False),
        ({"kind": "a", "parent": "TJ-1"}, None, True),
        ({"kind": "旧", "days": "3", "court": "高州法院"}, None, False),
    ],
)
def test_a_field_set_checks_as_its_fields_do(
    raw: dict[str, str], note: str | None, engine: bool
) -> None:
    data = {"proposed_tier": "complex"}
    plain = checked_values(FIELDS, raw, note, "步骤", data, FakePorts(), engine)
    assert checked_values(FieldSet(FIELDS), raw, note, "步骤", data, FakePorts(), engine) == plain
    assert plain["tier"] == "complex" and plain["days"] == int(raw.get("days", 15))


def test_a_field_set_refuses_as_its_fields_do() -> None:
    for fields in (FIELDS, FieldSet(FIELDS)):
        with pytest.raises(InvalidData) as internal:
            checked_values(fields, {"kind": "a", "parent": "x"}, None, "步骤", {}, FakePorts())
        assert internal.value.field == "value.parent"
        with pytest.raises(InvalidData) as missing:
            checked_values(fields, {"amount": "1"}, None, "步骤", {}, FakePorts())
        assert missing.value.field == "value.kind"
