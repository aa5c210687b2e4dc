"""People's mediation as procedures/mediation.md 2.2-2.9 runs it, through the API: the two
sides and the committee's mediators at acceptance, the agreement (人民调解法 arts. 28-31), its
judicial confirmation (art. 33), court-commissioned cases (法释〔2016〕14号), the file, archive."""

from __future__ import annotations

from typing import Any

import pytest

from casework.api import Casework
from casework.errors import GuardFailed, IllegalTransition, InvalidData
from tests import mediations as M
from tests.helpers import VALID_ID, VALID_ID_2, FrozenClock
from workflows.mediation import WORKFLOW
from workflows.spec import Cascade, FieldSpec

CASE_NO_OK = "（2020）粤0981民特123号"


def _refused(call: Any, rule: str) -> GuardFailed:
    with pytest.raises(GuardFailed) as refused:
        call()
    assert refused.value.rule == rule, refused.value.reason
    return refused.value


def _agreed(cw: Casework, values: dict[str, str] | None = None, at: str = "2020-03-02") -> str:
    """Accepted on 03-02 and agreed in writing that day unless ``values`` say otherwise."""
    case_no = M.accepted(cw, "2020-03-02")
    M.agree(
        cw, case_no, at, {"performance": "lump_sum", "perform_by": "2020-03-20", **(values or {})}
    )
    return case_no


def _triggers(cw: Casework, case_no: str) -> list[str]:
    return [e["trigger"] for e in cw.acting("admin").history(case_no)]


# -- 2.2-2.3 acceptance ---------------------------------------------------------------------------


def test_accept_is_refused_with_one_party_or_one_person_on_both_sides(cw: Casework) -> None:
    one = M.register(cw, "2020-03-02", parties=["applicant:甲某"])
    med = cw.acting(M.MED)
    refused = _refused(lambda: med.advance(one, "accept", {"mediator": M.MED}), "two_sides")
    assert "申请人 1 人、被申请人 0 人" in refused.reason
    same_id = [f"applicant:甲某:{VALID_ID}", f"respondent:甲某某:{VALID_ID}"]
    both = M.register(cw, "2020-03-02", parties=same_id)
    _refused(lambda: med.advance(both, "accept", {"mediator": M.MED}), "two_sides")
    # without an ID number the same name is the same person
    named = M.register(cw, "2020-03-02", parties=["applicant:甲某", "respondent:甲某"])
    _refused(lambda: med.advance(named, "accept", {"mediator": M.MED}), "two_sides")
    # same name, different ID numbers: two people
    two = [f"applicant:甲某:{VALID_ID}", f"respondent:甲某:{VALID_ID_2}"]
    fine = M.register(cw, "2020-03-02", parties=two)
    assert med.advance(fine, "accept", {"mediator": M.MED})["state"] == "mediating"


def test_accept_names_mediators_of_the_cases_committee_that_day(cw: Casework) -> None:
    case_no = M.register(cw, "2020-03-02")
    sup = cw.acting(M.SUP)
    # med_sm mediates for shanmei's committee, not panzhou's
    refused = _refused(
        lambda: sup.advance(case_no, "accept", {"mediator": "med_sm"}), "mediator_in_committee"
    )
    assert "med_sm" in refused.reason and "panzhou-tj" in refused.reason
    co = {"mediator": M.MED, "co_mediators": "med2_pz,med_sm"}
    _refused(lambda: sup.advance(case_no, "accept", co), "mediator_in_committee")
    done = sup.advance(case_no, "accept", {"mediator": M.MED, "co_mediators": "med2_pz"})
    assert done["state"] == "mediating"
    assert cw.show(case_no)["data"]["co_mediators"] == "med2_pz"


def test_a_party_who_refused_is_not_mediated(cw: Casework) -> None:
    case_no = M.register(cw, "2020-03-02")
    med = cw.acting(M.MED)
    given = {"mediator": M.MED, "refused": "yes"}
    _refused(lambda: med.advance(case_no, "accept", given), "no_party_refused")
    done = med.advance(case_no, "decline", {"reason": "party_refused"})
    assert done["state"] == "declined"


def test_registration_takes_the_new_fields_and_the_old_labels(cw: Casework) -> None:
    values = {"dispute_type": "土地山林", "source": "other_referral", "channel": "网上"}
    values |= {"amount": "8000", "pandemic": "yes"}
    case_no = M.register(cw, "2020-03-02", values=values)
    data = cw.show(case_no)["data"]
    assert (data["dispute_type"], data["source"], data["channel"]) == (
        "land",
        "other_referral",
        "online",
    )
    assert data["amount_claimed"] == 8000 and "amount" not in data and data["pandemic"] == "yes"
    assert WORKFLOW.field("dispute_type").choices["land"] == "山林土地"  # type: ignore[union-attr]
    with pytest.raises(InvalidData) as bad:
        M.register(cw, "2020-03-02", values={"dispute_type": "土地"})
    assert bad.value.field == "value.dispute_type"


def test_a_choice_accepts_its_aliases_and_a_field_its_former_name() -> None:
    spec = FieldSpec(
        "kind", "类型", "choice", choices={"land": "山林土地"}, aliases={"土地山林": "land"}
    )
    assert spec.coerce("土地山林") == "land" and spec.coerce("山林土地") == "land"
    assert "土地山林" not in spec.describe_zh()  # an alias is accepted, never offered
    with pytest.raises(InvalidData):
        spec.coerce("土地")


# -- 2.4 the agreement ----------------------------------------------------------------------------


def test_agree_by_a_mediator_not_on_the_case_is_refused(cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    other = cw.acting(M.MED2)
    given = {
        "form": "written",
        "amount": "0",
        "performance": "non_monetary",
        "perform_by": "2020-03-09",
    }
    refused = _refused(
        lambda: other.advance(case_no, "agree", given, at="2020-03-03"), "agreed_by_on_case"
    )
    assert "med2_pz 不在本案" in refused.reason and "med_pz" in refused.reason
    # the lead records it for himself (agreed_by defaults to the actor)
    done = cw.acting(M.MED).advance(case_no, "agree", given, at="2020-03-03")
    assert done["event"]["data"]["agreed_by"] == M.MED


def test_a_co_mediator_may_reach_the_agreement(cw: Casework) -> None:
    case_no = M.register(cw, "2020-03-02")
    cw.acting(M.MED).advance(case_no, "accept", {"mediator": M.MED, "co_mediators": M.MED2})
    given = {"form": "oral", "amount": "0", "performance": "on_the_spot", "agreed_by": M.MED2}
    done = cw.acting(M.MED).advance(case_no, "agree", given)
    assert done["event"]["data"]["agreed_by"] == M.MED2


def test_effective_on_rules(cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-05")
    med = cw.acting(M.MED)
    base = {
        "form": "written",
        "amount": "100",
        "performance": "lump_sum",
        "perform_by": "2020-03-30",
    }

    def agree(**kw: str) -> Any:
        return lambda: med.advance(case_no, "agree", {**base, **kw}, at="2020-03-10")

    _refused(agree(effective_on="2020-03-04"), "effective_on_valid")  # before acceptance
    _refused(agree(effective_on="2020-03-11"), "effective_on_valid")  # after the step's day
    _refused(agree(form="oral", effective_on="2020-03-09"), "effective_on_valid")  # oral: that day
    _refused(agree(perform_by="2020-03-07", effective_on="2020-03-08"), "perform_by_valid")
    no_term = {k: v for k, v in base.items() if k != "perform_by"}
    _refused(lambda: med.advance(case_no, "agree", no_term), "perform_by_valid")
    spot = {"performance": "on_the_spot", "perform_by": "2020-03-30"}
    _refused(agree(**spot), "perform_by_valid")
    done = med.advance(case_no, "agree", {**base, "effective_on": "2020-03-08"}, at="2020-03-10")
    assert done["event"]["data"]["effective_on"] == "2020-03-08"


def test_on_the_spot_records_agree_and_perform_at_one_instant(cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    given = {"form": "written", "amount": "3000", "performance": "on_the_spot"}
    done = cw.acting(M.MED).advance(case_no, "agree", given, at="2020-03-02T15:00")
    assert done["state"] == "performed" and done["event"]["trigger"] == "agree"
    history = cw.acting("admin").history(case_no)
    agree, perform = history[-2], history[-1]
    assert (agree["trigger"], perform["trigger"]) == ("agree", "perform")
    assert agree["occurred_at"] == perform["occurred_at"]
    # a lump sum is performed later, by its own step
    later = M.accepted(cw, "2020-03-02")
    M.agree(cw, later, "2020-03-02", {"performance": "lump_sum", "perform_by": "2020-03-10"})
    assert cw.show(later)["state"] == "agreed"


def test_a_same_case_cascade_follows_only_when_its_value_holds() -> None:
    spot = Cascade("perform", same_case=True, when=("performance", "on_the_spot"))
    assert spot.holds({"performance": "on_the_spot"}) and not spot.holds(
        {"performance": "lump_sum"}
    )
    assert Cascade("close").holds({}) and WORKFLOW.trigger("agree").then == (spot,)  # type: ignore[union-attr]


def test_oral_agreement_with_money_warns_refuses_or_passes_by_setting(cw: Casework) -> None:
    oral = {"form": "oral", "amount": "2000", "performance": "on_the_spot"}
    first = M.accepted(cw, "2020-03-02")
    warned = cw.acting(M.MED).advance(first, "agree", oral, at="2020-03-03")
    assert any("口头协议涉及金额 2000 元" in w for w in warned["warnings"])
    cw.acting("admin").config_set("mediation.oral_money", "refuse", "2020-04-01")
    second = M.accepted(cw, "2020-04-02")
    _refused(lambda: cw.acting(M.MED).advance(second, "agree", oral, at="2020-04-02"), "oral_money")
    nothing = {**oral, "amount": "0"}
    assert "warnings" not in cw.acting(M.MED).advance(second, "agree", nothing, at="2020-04-02")
    cw.acting("admin").config_set("mediation.oral_money", "allow", "2020-05-01")
    third = M.accepted(cw, "2020-05-06")
    assert "warnings" not in cw.acting(M.MED).advance(third, "agree", oral, at="2020-05-06")


# -- 2.5 judicial confirmation --------------------------------------------------------------------


def _apply(cw: Casework, case_no: str, at: str, **kw: str) -> Any:
    values = {"court": "gzfy", "joint": "yes", **kw}
    return cw.acting(M.CLERK).advance(case_no, "apply_confirmation", values, at=at)


def test_confirmation_window_day_30_allowed_day_31_refused(cw: Casework) -> None:
    on_day_30 = _agreed(cw, {"effective_on": "2020-03-02"}, at="2020-03-03")
    on_day_31 = _agreed(cw, {"effective_on": "2020-03-02"}, at="2020-03-03")
    refused = _refused(lambda: _apply(cw, on_day_31, "2020-04-02"), "confirmation_window")
    assert "2020-04-01" in refused.reason
    shown = cw.show(on_day_30, as_of="2020-03-31")["limits"]
    window = next(d for d in shown if d["limit"] == "confirmation_window")
    assert (window["date"], window["binds"]) == ("2020-04-01", "party")
    _apply(cw, on_day_30, "2020-04-01")
    # the window stops showing once applied; the court's own limit is shown instead
    limits = {d["limit"]: d for d in cw.show(on_day_30, as_of="2020-04-01").get("limits", [])}
    assert "confirmation_window" not in limits and limits["court_ruling"]["binds"] == "outside"
    # the ruling may come after the window
    ruling = {"ruling": "confirmed", "court_case_no": CASE_NO_OK, "ruled_on": "2020-04-20"}
    done = cw.acting(M.CLERK).advance(on_day_30, "confirm", ruling, at="2020-04-21")
    assert done["event"]["data"]["ruling"] == "confirmed"
    # an application recorded late counts from the day it was made
    third = _agreed(cw, {"effective_on": "2020-03-02"}, at="2020-03-03")
    assert (
        _apply(cw, third, "2020-04-06", applied_on="2020-04-01")["event"]["data"]["applied_on"]
        == "2020-04-01"
    )


def test_an_oral_agreement_is_not_confirmed(cw: Casework) -> None:
    case_no = _agreed(cw, {"form": "oral"})
    _refused(lambda: _apply(cw, case_no, "2020-03-03"), "written_only")


def test_one_open_application_and_the_ruling_rules(cw: Casework) -> None:
    case_no = _agreed(cw)
    clerk = cw.acting(M.CLERK)
    _refused(lambda: clerk.advance(case_no, "confirm", {"ruling": "withdrawn"}), "open_application")
    _apply(cw, case_no, "2020-03-05")
    _refused(lambda: _apply(cw, case_no, "2020-03-06"), "one_open_application")
    early = {"ruling": "withdrawn", "ruled_on": "2020-03-04"}
    _refused(
        lambda: clerk.advance(case_no, "confirm", early, at="2020-03-08"), "ruled_after_applied"
    )
    no_number = {"ruling": "confirmed"}
    _refused(
        lambda: clerk.advance(case_no, "confirm", no_number, at="2020-03-08"),
        "court_case_no_pattern",
    )
    bad = {"ruling": "not_confirmed", "court_case_no": "高法123"}
    _refused(
        lambda: clerk.advance(case_no, "confirm", bad, at="2020-03-08"), "court_case_no_pattern"
    )
    clerk.advance(case_no, "confirm", {"ruling": "withdrawn"}, at="2020-03-08")
    # withdrawn: a new application may follow, within the window
    assert _apply(cw, case_no, "2020-03-10")["state"] == "agreed"


def test_the_court_list_is_a_setting(cw: Casework) -> None:
    case_no = _agreed(cw)
    cw.acting("admin").config_set("mediation.courts", "gzfy", "2020-03-01")
    _refused(lambda: _apply(cw, case_no, "2020-03-05", court="gzfy-caojiang"), "court_listed")
    assert _apply(cw, case_no, "2020-03-05")["event"]["data"]["court"] == "gzfy"


# -- after the agreement --------------------------------------------------------------------------


def test_remediate_after_a_breach_and_after_not_confirmed(cw: Casework) -> None:
    breached = _agreed(cw)
    clerk, sup = cw.acting(M.CLERK), cw.acting(M.SUP)
    _refused(
        lambda: clerk.advance(breached, "breach", {"reason": "overdue"}, at="2020-03-20"),
        "overdue_after_perform_by",
    )
    clerk.advance(breached, "breach", {"reason": "overdue"}, at="2020-03-21")
    assert (
        sup.advance(breached, "remediate", {"reason": "重新协商"}, at="2020-03-22")["state"]
        == "mediating"
    )
    M.agree(
        cw,
        breached,
        "2020-03-25",
        {"amount": "500", "performance": "lump_sum", "perform_by": "2020-04-10"},
    )
    show = cw.show(breached)
    assert show["state"] == "agreed" and show["data"]["amount"] == 500
    assert _triggers(cw, breached).count("agree") == 2  # the first agreement stays in the history
    ruled = _agreed(cw)
    _refused(lambda: sup.advance(ruled, "remediate", {"reason": "x"}), "remediable")
    _apply(cw, ruled, "2020-03-05")
    not_confirmed = {"ruling": "not_confirmed", "court_case_no": CASE_NO_OK}
    clerk.advance(ruled, "confirm", not_confirmed, at="2020-03-15")
    assert (
        sup.advance(ruled, "remediate", {"reason": "驳回后重新调解"}, at="2020-03-16")["state"]
        == "mediating"
    )


def test_terminate_withdrawn_needs_no_routes_but_other_reasons_do(cw: Casework) -> None:
    withdrawn = M.accepted(cw, "2020-03-02")
    med = cw.acting(M.MED)
    assert med.advance(withdrawn, "terminate", {"reason": "withdrawn"})["state"] == "terminated"
    assert "withdrawal" in cw.show(withdrawn)["missing_documents"]
    absent = M.accepted(cw, "2020-03-02")
    _refused(
        lambda: med.advance(absent, "terminate", {"reason": "party_absent"}),
        "routes_told_unless_withdrawn",
    )
    done = med.advance(absent, "terminate", {"reason": "party_absent", "routes_told": "yes"})
    assert done["state"] == "terminated" and "termination" in cw.show(absent)["missing_documents"]


def test_archive_rests_on_follow_up_file_refer_and_no_open_application(cw: Casework) -> None:
    case_no = _agreed(cw)
    clerk, sup = cw.acting(M.CLERK), cw.acting(M.SUP)
    clerk.advance(case_no, "breach", {"reason": "refused"}, at="2020-03-10")
    _refused(lambda: sup.advance(case_no, "archive", at="2020-03-11"), "followed_up")
    M.follow_up(cw, case_no, "2020-03-11")
    _refused(lambda: sup.advance(case_no, "archive", at="2020-03-11"), "breach_referred")
    clerk.advance(case_no, "refer", {"route": "litigation"}, at="2020-03-11")
    assert sup.advance(case_no, "archive", at="2020-03-11")["state"] == "archived"
    pending = _agreed(cw)
    _apply(cw, pending, "2020-03-04")
    clerk.advance(pending, "perform", at="2020-03-05")
    M.follow_up(cw, pending, "2020-03-06")
    _refused(lambda: sup.advance(pending, "archive", at="2020-03-06"), "no_pending_application")
    clerk.advance(
        pending, "confirm", {"ruling": "confirmed", "court_case_no": CASE_NO_OK}, at="2020-03-10"
    )
    refused = _refused(
        lambda: sup.advance(pending, "archive", at="2020-03-10"), "case_file_complete"
    )
    assert "confirmation" in refused.reason
    M.doc(cw, M.CLERK, pending, "confirmation", "2020-03-10")
    assert sup.advance(pending, "archive", at="2020-03-10")["state"] == "archived"
    # the cover numbers of 2.9, per committee and year: the refused archives took none
    numbers = [cw.show(c)["data"]["file_no"] for c in (case_no, pending)]
    assert numbers == ["（2020）高潘州街道人调字第1号", "（2020）高潘州街道人调字第2号"]


def test_cover_numbers_count_per_committee_and_archive_year(
    cw: Casework, clock: FrozenClock
) -> None:
    clock.set("2021-01-10T09:00")
    first = M.archived(cw, "2020-12-01", "2020-12-02", "2020-12-30T10:00")
    late = M.archived(cw, "2020-12-01", "2020-12-02", "2021-01-04T10:00")  # a 2021 file
    cw.acting("admin").config_set("mediation.file_no.city", "茂", "2021-01-05")
    later = M.archived(cw, "2020-12-01", "2020-12-02", "2021-01-06T10:00")
    got = [cw.show(c)["data"]["file_no"] for c in (first, late, later)]
    assert got == [
        "（2020）高潘州街道人调字第1号",
        "（2021）高潘州街道人调字第1号",
        "（2021）茂潘州街道人调字第2号",
    ]
    shown = cw.show(first)["data_view"]
    assert any(d["key"] == "file_no" and d["label"] == "卷宗号" for d in shown)


def test_an_oral_rights_notice_may_stand_in_when_the_setting_allows(cw: Casework) -> None:
    case_no = M.register(cw, "2020-03-02")
    cw.acting(M.MED).advance(case_no, "accept", {"mediator": M.MED, "rights_told": "oral"})
    assert "rights_notice" in cw.show(case_no)["missing_documents"]
    cw.acting("admin").config_set("mediation.file.oral_rights_notice", "on", "2020-03-01")
    assert "rights_notice" not in cw.show(case_no)["missing_documents"]


def test_performance_reminder_is_listed_by_due_and_never_overdue(cw: Casework) -> None:
    case_no = _agreed(cw, {"perform_by": "2020-03-20"})
    rows = [r for r in cw.due(within=0, as_of="2020-03-25") if r["case_no"] == case_no]
    reminder = next(r for r in rows if r["limit"] == "perform_reminder")
    assert (reminder["label"], reminder["status"], reminder["overdue"]) == (
        "督促履行",
        "reminder",
        False,
    )
    assert reminder["date"] == "2020-03-20"
    cw.acting(M.CLERK).advance(case_no, "perform", at="2020-03-26")
    assert not [
        r for r in cw.due(within=30, as_of="2020-03-27") if r["limit"] == "perform_reminder"
    ]


def test_prevention_measures_are_recorded(cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    med = cw.acting(M.MED)
    measure = {"kind": "criminal", "people": "3", "reported_to": "police"}
    assert med.advance(case_no, "prevent", measure)["event"]["data"]["people"] == 3
    with pytest.raises(InvalidData):
        med.advance(case_no, "prevent", {**measure, "people": "0"})


def test_distinct_dispute_is_a_supervisors_record_in_any_state(cw: Casework) -> None:
    case_no = M.archived(cw, "2020-03-02", "2020-03-03", "2020-03-04T10:00")
    done = cw.acting(M.SUP).advance(case_no, "distinct_dispute", {"reason": "另一宗纠纷"})
    assert done["state"] == "archived"


# -- 2.6 court-commissioned mediation -------------------------------------------------------------

COURT = {
    "source": "court_referral",
    "commission": "post_filing",
    "court": "gzfy",
    "court_ref": "（2020）粤0981民初100号",
    "procedure": "simple",
    "received_on": "2020-03-02",
}


def test_a_court_case_names_its_court_and_runs_the_courts_limit(cw: Casework) -> None:
    with pytest.raises(GuardFailed) as refused:
        M.register(cw, "2020-03-02", values={"source": "court_referral"})
    assert refused.value.rule == "court_fields"
    case_no = M.register(cw, "2020-03-03", values=COURT)
    M.accept(cw, case_no, "2020-03-03")
    limits = {d["limit"]: d for d in cw.show(case_no, as_of="2020-03-05")["limits"]}
    simple = limits["court_limit_simple"]
    assert (simple["start"], simple["date"], simple["binds"]) == (
        "2020-03-02",
        "2020-03-09",
        "office",
    )
    sup = cw.acting(M.SUP)
    sup.advance(case_no, "extend", {"days": "20", "consent": "yes"}, at="2020-03-06")
    _refused(
        lambda: sup.advance(case_no, "extend", {"days": "11", "consent": "yes"}, at="2020-03-07"),
        "extension_cap",
    )
    limits = {d["limit"]: d for d in cw.show(case_no, as_of="2020-03-10")["limits"]}
    assert limits["court_limit_simple"]["date"] == "2020-03-30"


def test_a_court_case_reports_back_before_archive(cw: Casework) -> None:
    case_no = M.register(cw, "2020-03-03", values=COURT)
    M.accept(cw, case_no, "2020-03-03")
    clerk, sup = cw.acting(M.CLERK), cw.acting(M.SUP)
    report = {"result": "agreement_filed"}
    M.agree(cw, case_no, "2020-03-04", {"performance": "on_the_spot"})
    limits = {d["limit"]: d for d in cw.show(case_no, as_of="2020-03-04")["limits"]}
    assert limits["report_back_limit"]["date"] == "2020-03-09"  # 3 working days (Thu -> Mon)
    M.follow_up(cw, case_no, "2020-03-05")
    for kind in ("court_referral", "report_back"):
        M.doc(cw, M.CLERK, case_no, kind, "2020-03-05")
    _refused(lambda: sup.advance(case_no, "archive", at="2020-03-05"), "reported_back")
    clerk.advance(case_no, "report_back", report, at="2020-03-05")
    assert sup.advance(case_no, "archive", at="2020-03-05")["state"] == "archived"


def test_extend_and_report_back_are_for_court_cases_only(cw: Casework) -> None:
    case_no = M.accepted(cw, "2020-03-02")
    sup = cw.acting(M.SUP)
    _refused(lambda: sup.advance(case_no, "extend", {"days": "5", "consent": "yes"}), "court_case")
    court = M.register(cw, "2020-03-03", values=COURT)
    M.accept(cw, court, "2020-03-03")
    with pytest.raises(IllegalTransition):  # no outcome yet
        sup.advance(court, "report_back", {"result": "agreement_filed"})
