"""Cases through the API: personal data masked unless revealed, repeat petitioners and links
between cases, and town users confined to their own office."""

from __future__ import annotations

from casework.api import Casework
from tests.helpers import VALID_ID


def test_parties_are_masked_unless_a_supervisor_reveals(cw: Casework) -> None:
    case_no = cw.acting("clerk_pz").register(
        "petition", "panzhou", "t", [f"petitioner:陈某:{VALID_ID}:13800138000"]
    )["case_no"]
    masked = cw.acting("clerk_pz").show(case_no)["parties"][0]
    assert masked["id_number"] == "110101********4514" and masked["phone"] == "138****8000"
    assert cw.show(case_no)["parties"][0]["id_number"] == "110101********4514"
    revealed = cw.acting("sup_pz").show(case_no, reveal=True)["parties"][0]
    assert revealed["id_number"] == VALID_ID and revealed["phone"] == "13800138000"
    listing = cw.acting("sup_pz").cases()
    assert VALID_ID not in repr(listing)


def test_repeat_petitioner_is_shown_and_escalation_links_both_ways(cw: Casework) -> None:
    clerk = cw.acting("clerk_pz")
    first = clerk.register("petition", "panzhou", "一", [f"petitioner:陈某:{VALID_ID}"])
    second = clerk.register("petition", "panzhou", "二", [f"petitioner:陈某:{VALID_ID}"])
    assert [r["case_no"] for r in second["related"]] == [first["case_no"]]
    major = cw.acting("sup_pz").register(
        "major_dispute", "panzhou", "群体讨薪", link=second["case_no"]
    )
    shown = cw.show(major["case_no"])
    assert shown["links"] == [
        {
            "kind": "origin",
            "case_no": second["case_no"],
            "case_kind": "petition",
            "state": "registered",
        }
    ]
    assert shown["data"]["origin_case"] == second["case_no"]
    back = cw.show(second["case_no"])["links"]
    assert back[0]["kind"] == "successor" and back[0]["case_no"] == major["case_no"]


def test_town_users_see_only_their_office(cw: Casework) -> None:
    cw.acting("clerk_pz").register("petition", "panzhou", "pz")
    cw.acting("clerk_sm").register("petition", "shanmei", "sm")
    assert {c["office"] for c in cw.acting("clerk_sm").cases()} == {"shanmei"}
    assert {c["office"] for c in cw.acting("sup_city").cases()} == {"panzhou", "shanmei"}
    panzhou_case = cw.cases(office="panzhou")[0]["case_no"]
    # city-level users see every office's cases and only they may supervise (督办), but a
    # town's intake is decided by the town's own supervisor (petition.md 1.5, role S)
    assert cw.acting("sup_city").show(panzhou_case)["triggers"] == ["supervise"]
    # (answer_supervision is a record-only step its guard refuses until a 督办 is on file)
    assert cw.acting("sup_pz").show(panzhou_case)["triggers"] == [
        "accept",
        "refuse",
        "forward",
        "answer_supervision",
    ]
    assert cw.acting("sup_sm").cases(office="panzhou") == []
