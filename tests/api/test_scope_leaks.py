"""Issue 14 point 4, the leaks named there: a town user's subsidy reads (sheet, figures, check,
claim lists) cover their own office only, and ``related`` shows another office's case by its
number, office and state only. City users and admins see every office; a read with no acting
user still does too (a later step of issue 14 will require one)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from casework.api import Casework
from casework.errors import CaseworkError, NotAllowed, NotFound
from tests import petitions as P
from tests.api.test_subsidy import mediate
from tests.helpers import VALID_ID

# Shanmei's users of tests/helpers.py STAFF and a viewer added by ``two_towns_approved``: one
# of each role a town office has.
SHANMEI_USERS = ("clerk_sm", "sup_sm", "med_sm", "viewer_sm")
CITY_USERS = ("sup_justice", "viewer1", "admin")
# What of panzhou's claims would show in a shanmei user's read if it leaked.
PANZHOU_MARKS = ("panzhou", "med_pz", "潘州")


@dataclass(frozen=True)
class TwoTowns:
    """A mediation case of each of panzhou and shanmei, their 2020Q3 claims approved: panzhou's
    priced 300 yuan (ordinary), shanmei's 500 (complex), so an amount tells whose it is."""

    panzhou_case: str
    shanmei_case: str
    panzhou_claim: str
    shanmei_claim: str


def two_towns_approved(cw: Casework) -> TwoTowns:
    """Both towns' claims drafted, checked by each town and approved by the justice bureau."""
    cw.acting("admin").add_user("viewer_sm", "山美统计员", "viewer", "shanmei")
    pz = mediate(cw)
    sm = mediate(cw, office="shanmei", mediator="med_sm")
    # Not the shipped example scale, so the figures carry an amount.
    cw.acting("admin").subsidy.set_scale("2020-08-01", {"ordinary": "300", "complex": "500"})
    drafted = cw.acting("sup_city").subsidy.draft("2020Q3")["drafted"]
    claims = {cw.show(c)["office"]: c for c in drafted}
    assert sorted(claims) == ["panzhou", "shanmei"], drafted
    cw.acting("sup_pz").subsidy.advance_quarter("2020Q3", "check")
    cw.acting("sup_sm").subsidy.advance_quarter("2020Q3", "check")
    justice = cw.acting("sup_justice")
    justice.subsidy.advance(claims["panzhou"], "approve", {"tier": "ordinary"})
    complex_tier = {"tier": "complex", "tier_reason": "涉及多户"}
    justice.subsidy.advance(claims["shanmei"], "approve", complex_tier)
    return TwoTowns(pz, sm, claims["panzhou"], claims["shanmei"])


def leaked(value: object) -> list[str]:
    """Which marks of panzhou's claims appear in a read."""
    text = json.dumps(value, ensure_ascii=False)
    return [mark for mark in PANZHOU_MARKS if mark in text]


@pytest.fixture
def towns(cw: Casework) -> TwoTowns:
    return two_towns_approved(cw)


@pytest.mark.parametrize("user", SHANMEI_USERS)
def test_a_town_users_sheet_and_figures_cover_their_own_office(
    cw: Casework, towns: TwoTowns, user: str
) -> None:
    sheet = cw.acting(user).subsidy.sheet("2020Q3")
    assert [r["claim"] for r in sheet["claims"]] == [towns.shanmei_claim]
    assert [o["office"] for o in sheet["by_office"]] == ["shanmei"]
    assert [m["mediator"] for m in sheet["by_mediator"]] == ["med_sm"]
    assert (sheet["total_cases"], sheet["total_amount"]) == (1, 500)
    assert leaked(sheet) == []
    figures = cw.acting(user).subsidy.figures("2020-01-01", "2020-12-31")
    assert (figures["subsidy.cases"], figures["subsidy.amount"]) == (1, 500)
    assert [i["case_no"] for i in figures["items"]] == [towns.shanmei_claim]
    assert leaked(figures) == []
    # asking for their own office by name is the same read
    assert cw.acting(user).subsidy.sheet("2020Q3", "shanmei") == sheet
    assert cw.acting(user).subsidy.figures("2020-01-01", "2020-12-31", "shanmei") == figures


@pytest.mark.parametrize("user", [*CITY_USERS, None])
def test_city_users_admins_and_reads_without_a_user_see_every_office(
    cw: Casework, towns: TwoTowns, user: str | None
) -> None:
    api = cw.acting(user) if user else cw
    sheet = api.subsidy.sheet("2020Q3")
    assert [o["office"] for o in sheet["by_office"]] == ["panzhou", "shanmei"]
    assert [m["mediator"] for m in sheet["by_mediator"]] == ["med_pz", "med_sm"]
    assert sheet["total_amount"] == 800
    figures = api.subsidy.figures("2020-01-01", "2020-12-31")
    assert (figures["subsidy.cases"], figures["subsidy.amount"]) == (2, 800)
    assert api.subsidy.sheet("2020Q3", "panzhou")["total_amount"] == 300
    assert api.subsidy.figures("2020-07-01", "2020-09-30", "panzhou")["subsidy.amount"] == 300
    assert api.subsidy.check(towns.panzhou_case, "2020Q3")["case_no"] == towns.panzhou_case


def test_another_office_asked_for_by_a_town_user_is_refused(cw: Casework, towns: TwoTowns) -> None:
    clerk = cw.acting("clerk_sm").subsidy
    for read in (
        lambda: clerk.sheet("2020Q3", "panzhou"),
        lambda: clerk.figures("2020-01-01", "2020-12-31", "panzhou"),
    ):
        with pytest.raises(NotAllowed) as refused:
            read()
        assert refused.value.field == "office" and refused.value.value == "panzhou"
        assert "clerk_sm" in refused.value.reason and "shanmei" in refused.value.reason
        assert "med_pz" not in refused.value.reason and "300" not in refused.value.reason
    # as stats refuses it, and an office that does not exist is not found for anyone
    with pytest.raises(NotAllowed):
        cw.acting("clerk_sm").stats("2020-01-01", "2020-12-31", office="panzhou")
    with pytest.raises(NotFound):
        cw.acting("sup_justice").subsidy.sheet("2020Q3", "nowhere")


def refusal(read: Callable[[], object]) -> CaseworkError:
    """The refusal a read ends in."""
    with pytest.raises(CaseworkError) as refused:
        read()
    return refused.value


@pytest.mark.parametrize("user", SHANMEI_USERS)
def test_a_town_users_check_of_another_offices_case_is_case_shows_refusal(
    cw: Casework, towns: TwoTowns, user: str
) -> None:
    api = cw.acting(user)
    checked = refusal(lambda: api.subsidy.check(towns.panzhou_case, "2020Q3"))
    shown = refusal(lambda: api.show(towns.panzhou_case))
    assert (type(checked), checked.reason, checked.field) == (
        type(shown),
        shown.reason,
        shown.field,
    )
    assert towns.panzhou_case in checked.reason
    # nothing of the case's rules, mediator or payee is said
    assert "med_pz" not in checked.reason and "archived" not in checked.reason
    assert api.subsidy.check(towns.shanmei_case, "2020Q3")["eligible"] is False  # claimed
    unknown = refusal(lambda: api.subsidy.check("TJ-2020-panzhou-09999"))
    assert isinstance(unknown, NotFound) and "TJ-2020-panzhou-09999" in unknown.reason


def test_a_town_users_claim_list_covers_their_own_office(cw: Casework, towns: TwoTowns) -> None:
    mine = cw.acting("sup_sm").subsidy.claims("2020Q3", ("approved",))
    assert [(c["case_no"], c["office"]) for c in mine] == [(towns.shanmei_claim, "shanmei")]
    with pytest.raises(NotAllowed):
        cw.acting("sup_sm").subsidy.claims("2020Q3", ("approved",), "panzhou")
    every = cw.acting("sup_justice").subsidy.claims("2020Q3", ("approved",))
    assert sorted(c["office"] for c in every) == ["panzhou", "shanmei"]


# -- related cases at registration and in case show -----------------------------------------


def test_related_of_another_office_is_number_office_and_state_only(cw: Casework) -> None:
    person = f"petitioner:陈某:{VALID_ID}"
    theirs = P.register(
        cw, "2020-03-01", "shanmei", "clerk_sm", title="山美拖欠工资", parties=(person,)
    )
    ours = P.register(cw, "2020-03-02", title="邻里噪音", parties=(person,))
    # the same title as shanmei's: a similarity shown would confirm it (1.0)
    found = cw.acting("clerk_pz").register(
        "petition", "panzhou", "山美拖欠工资", [person], {"channel": "letter"}, at="2020-03-03"
    )
    rows = {r["case_no"]: r for r in found["related"]}
    assert [r["case_no"] for r in found["related"]] == [ours, theirs]  # theirs last: no score
    other = rows[theirs]
    assert (other["office"], other["state"], other["title"], other["similarity"]) == (
        "shanmei",
        "registered",
        None,
        None,
    )
    assert other["matched"] == ["id_number"]  # how the clerk's own party was recognised
    assert set(other) == {"case_no", "office", "state", "state_label", "title"} | {
        "matched",
        "similarity",
    }
    assert rows[ours]["title"] == "邻里噪音" and rows[ours]["similarity"] == 0.0
    assert "山美" not in json.dumps(other, ensure_ascii=False)
    shown = cw.acting("clerk_pz").show(found["case_no"])["related"]
    assert {r["case_no"]: (r["title"], r["similarity"]) for r in shown}[theirs] == (None, None)
    # a city user sees every office's title and how alike it reads
    city = cw.acting(P.CITY_CLERK).show(found["case_no"])["related"]
    assert {r["case_no"]: (r["title"], r["similarity"]) for r in city}[theirs] == (
        "山美拖欠工资",
        1.0,
    )
