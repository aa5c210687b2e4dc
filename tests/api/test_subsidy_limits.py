"""A returned claim's resubmission advice: 10 working days, a dated setting (mediation.md 3)."""

from __future__ import annotations

from casework.api import Casework
from tests import mediations as M


def test_a_returned_claim_is_due_for_resubmission_in_ten_working_days(cw: Casework) -> None:
    M.archived(cw, "2020-07-01", "2020-07-10", "2020-08-20")
    (claim,) = cw.acting("clerk_pz").subsidy.draft("2020Q3")["drafted"]
    fix = {"reason": "缺签名", "to_fix": "补签名"}
    cw.acting("sup_pz").subsidy.advance(claim, "send_back", fix)  # on 2020-12-01, a Tuesday
    due = cw.show(claim)["due"]
    assert due is not None and due["date"] == "2020-12-15" and not due["overdue"]
    assert due["rule_en"] == "10 working days after send_back"
    cw.acting("admin").config_set("subsidy.resubmit_days", "5", "2020-01-01")
    assert cw.show(claim)["due"]["date"] == "2020-12-08"
