"""User attributes (hotline_reconsideration.md 9.11): declared facts about a user, set and
changed by an admin through the admin log, refused in one line naming ``attr.KEY``."""

from __future__ import annotations

import pytest

from casework.api import Casework
from casework.errors import InvalidData, NotAllowed
from tests.helpers import dump

QUALIFIED = {"legal_qualification": "yes", "reviewer_since": "2024-03-01"}


def _listed(cw: Casework, username: str) -> dict[str, str]:
    return next(u["attributes"] for u in cw.acting("admin").users() if u["username"] == username)


def test_attributes_are_set_with_the_user_listed_and_logged(cw: Casework) -> None:
    admin = cw.acting("admin")
    added = admin.add_user("rev4", "王五", "reviewer", "city-justice", QUALIFIED)
    assert added["attributes"] == QUALIFIED
    assert _listed(cw, "rev4") == QUALIFIED
    assert _listed(cw, "clerk_pz") == {}  # a user given none has none
    entry = admin.admin_log()[-1]
    assert (entry["action"], entry["target"]) == ("user.add", "rev4")
    assert entry["after"]["attributes"] == QUALIFIED
    assert cw.verify()["ok"]


def test_a_change_merges_removes_and_is_logged_with_the_old_value(cw: Casework) -> None:
    admin = cw.acting("admin")
    admin.add_user("rev4", "王五", "reviewer", "city-justice", {"legal_qualification": "no"})
    changed = admin.change_user(
        "rev4", attributes={"legal_qualification": "yes", "reviewer_since": " 2023-06-01 "}
    )
    assert changed["attributes"] == {"legal_qualification": "yes", "reviewer_since": "2023-06-01"}
    assert changed["role"] == "reviewer"  # the rest stays
    entry = admin.admin_log()[-1]
    assert entry["action"] == "user.change"
    assert entry["before"] == {"attributes": {"legal_qualification": "no"}}
    assert entry["after"]["attributes"] == changed["attributes"]
    removed = admin.change_user("rev4", attributes={"reviewer_since": ""})
    assert removed["attributes"] == {"legal_qualification": "yes"}
    assert _listed(cw, "rev4") == {"legal_qualification": "yes"}
    assert cw.verify()["ok"]  # the log replays to the table's attributes


@pytest.mark.parametrize(
    "given,field",
    [
        ({"qualification": "yes"}, "attr.qualification"),
        ({"legal_qualification": "maybe"}, "attr.legal_qualification"),
        ({"reviewer_since": "2024-13-01"}, "attr.reviewer_since"),
    ],
)
def test_a_bad_key_or_value_is_refused_naming_it_and_nothing_is_written(
    cw: Casework, given: dict[str, str], field: str
) -> None:
    admin = cw.acting("admin")
    before = dump(cw.engine)
    with pytest.raises(InvalidData) as added:
        admin.add_user("rev4", "王五", "reviewer", "city-justice", given)
    assert added.value.field == field and "\n" not in added.value.reason
    with pytest.raises(InvalidData) as changed:
        admin.change_user("clerk_pz", role="supervisor", attributes=given)
    assert changed.value.field == field
    assert dump(cw.engine) == before


def test_only_an_admin_sets_attributes_and_a_change_must_change_something(
    cw: Casework,
) -> None:
    with pytest.raises(NotAllowed):
        cw.acting("sup_pz").change_user("clerk_pz", attributes={"legal_qualification": "yes"})
    admin = cw.acting("admin")
    admin.change_user("clerk_pz", attributes={"legal_qualification": "yes"})
    with pytest.raises(InvalidData, match="nothing changes") as same:
        admin.change_user("clerk_pz", attributes={"legal_qualification": "yes"})
    assert same.value.field == "attr.legal_qualification"
