"""``FieldSpec.required_when``: a value required because another value of the step holds one
of some codes (a mediation case found by a screening names the entry, mediation.md 2.2)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from casework.domain.checks import checked_values
from casework.domain.model import Data
from casework.errors import InvalidData
from workflows.spec import FieldSpec

FIELDS = (
    FieldSpec("source", "来源", "choice", choices={"screening": "排查", "visit": "来访"}),
    FieldSpec("entry", "排查编号", "int", required=False, required_when=("source", ("screening",))),
)


class Directory:
    def user_role(self, username: str) -> str | None:
        return None

    def resolve(self, source: str, value: str, data: Data) -> Mapping[str, object]:
        return {}

    def office_exists(self, code: str) -> bool:
        return False


def values(**raw: str) -> dict[str, object]:
    return checked_values(FIELDS, raw, None, "登记", {}, Directory())


def test_required_only_when_the_other_value_holds_a_code() -> None:
    assert values(source="visit") == {"source": "visit"}
    assert values(source="screening", entry="3") == {"source": "screening", "entry": 3}
    assert values(source="排查", entry="3")["source"] == "screening"  # by its label too
    with pytest.raises(InvalidData) as info:
        values(source="排查")
    assert info.value.field == "value.entry"
    assert "排查编号 entry" in info.value.reason and "screening" in info.value.reason
