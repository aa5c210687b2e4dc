"""The guards of people's mediation (procedures/mediation.md 2.2-2.5, 2.9), beside its
declaration: who is on the case, the two sides, the agreement, its confirmation, the file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from workflows.mediation.terms import (
    CASE_NO_PATTERN,
    CONFIRMED,
    COURT_LIST,
    COURTS,
    NOT_CONFIRMED,
    ON_THE_SPOT,
    ORAL_MONEY,
    OVERDUE,
    WITHDRAWN,
)
from workflows.spec import EventView, Guard, GuardContext, PartyView, Refusal, last_event

COURT_CASE = "court_referral"
OUTCOMES = ("agree", "fail", "terminate")


def day_value(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return None


def names(text: object) -> list[str]:
    """The usernames of a list typed as ``a,b`` (co-mediators)."""
    if not isinstance(text, str):
        return []
    return [n for n in re.split(r"[,，、\s]+", text) if n]


def committee_of_case(ctx: GuardContext) -> str:
    """The committee that accepted the case (cases from before committees: the office's)."""
    return str(ctx.data.get("committee") or f"{ctx.office}-tj")


def on_case(ctx: GuardContext) -> list[str]:
    """The case's lead mediator and its named co-mediators (人民调解法 art. 19)."""
    lead = ctx.data.get("mediator")
    return ([str(lead)] if lead else []) + names(ctx.data.get("co_mediators"))


def court_case(data: Any) -> bool:
    return bool(data.get("source") == COURT_CASE)


# -- accept ---------------------------------------------------------------------------------------


def _person(p: PartyView) -> str:
    """A person as the two sides are compared: by ID number, else by name."""
    return f"id:{p.id_number}" if p.id_number else f"name:{p.name}"


def _two_sides(ctx: GuardContext) -> str | None:
    """A dispute has two sides (人民调解法 art. 2): at least one applicant and one respondent,
    and no one on both (the same ID number, or the same name where no ID is known)."""
    applicants = [p for p in ctx.parties if p.role == "applicant"]
    respondents = [p for p in ctx.parties if p.role == "respondent"]
    if not applicants or not respondents:
        return (
            f"受理调解须有申请人和被申请人各至少一人，本案申请人 {len(applicants)} 人、"
            f"被申请人 {len(respondents)} 人 (needs an applicant and a respondent)"
        )
    both = {_person(p) for p in applicants} & {_person(p) for p in respondents}
    if both:
        who = "、".join(sorted(b.split(":", 1)[1] for b in both))
        return f"当事人 {who} 同时列为申请人和被申请人 (a person on both sides)"
    return None


def _mediators_in_committee(ctx: GuardContext) -> str | None:
    """The mediator and co-mediators are members of the case's committee that day (人民调解法
    arts. 13, 19: the committee assigns its own mediators)."""
    committee = committee_of_case(ctx)
    named = [str(ctx.values.get("mediator") or ""), *names(ctx.values.get("co_mediators"))]
    outside = [u for u in named if u and ctx.committee_of(u, ctx.on) != committee]
    if outside:
        return Refusal(
            f"调解员 {'、'.join(outside)} 在 {ctx.on} 不是本案调委会 {committee} 的调解员"
            " (not a mediator of the committee that day)",
            field="value.mediator",
        )
    return None


def _no_party_refused(ctx: GuardContext) -> str | None:
    """A party's clear refusal ends it (人民调解法 art. 17): decline instead."""
    if ctx.values.get("refused") == "yes":
        return Refusal(
            "当事人一方明确拒绝调解的，不得调解，应不予受理 decline (a party refused)",
            field="value.refused",
        )
    return None


TWO_SIDES = Guard("two_sides", "申请人与被申请人各至少一人且无人同列两方", _two_sides)
MEDIATORS_IN_COMMITTEE = Guard(
    "mediator_in_committee", "调解员当日为本案调委会成员", _mediators_in_committee
)
NO_PARTY_REFUSED = Guard("no_party_refused", "当事人未明确拒绝调解", _no_party_refused)


# -- agree ----------------------------------------------------------------------------------------


def derive_agreement(ctx: GuardContext) -> dict[str, Any]:
    """Who reached it (default the actor: 谁调解、补助谁) and its effective day (default the
    event's day: an oral agreement takes effect when reached, art. 30)."""
    out: dict[str, Any] = {}
    if not ctx.values.get("agreed_by") and ctx.actor is not None:
        out["agreed_by"] = ctx.actor.username
    if not ctx.values.get("effective_on"):
        out["effective_on"] = ctx.on.isoformat()
    return out


def _agreed_by_on_case(ctx: GuardContext) -> str | None:
    who = str(ctx.values.get("agreed_by") or "")
    team = on_case(ctx)
    if who in team:
        return None
    return Refusal(
        f"调解员 {who or '（未指定）'} 不在本案（本案调解员：{'、'.join(team) or '无'}）"
        " (agreed_by is not the lead or a co-mediator)",
        field="value.agreed_by",
    )


def _accepted_on(ctx: GuardContext) -> date | None:
    ev = last_event(ctx, "accept")
    return ev.occurred_on if ev is not None else None


def _effective_on(ctx: GuardContext) -> str | None:
    """Written: the day it was signed and sealed (art. 29 para 2), not before acceptance nor
    after the step's day; oral: the day it was reached (art. 30)."""
    day = day_value(ctx.values.get("effective_on"))
    if day is None:
        return None
    field = "value.effective_on"
    if ctx.values.get("form") == "oral" and day != ctx.on:
        return Refusal(
            f"口头协议自达成之日 {ctx.on} 起生效，不是 {day} (oral: the event's day)", field
        )
    accepted = _accepted_on(ctx)
    if accepted is not None and day < accepted:
        return Refusal(f"协议生效日 {day} 早于受理日 {accepted} (before acceptance)", field)
    if day > ctx.on:
        return Refusal(f"协议生效日 {day} 晚于登记日 {ctx.on} (in the future)", field)
    return None


def _perform_by(ctx: GuardContext) -> str | None:
    """A term to perform by, unless performed on the spot (art. 31), not before it took effect."""
    performance = ctx.values.get("performance")
    by = day_value(ctx.values.get("perform_by"))
    field = "value.perform_by"
    if performance == ON_THE_SPOT:
        if by is not None:
            return Refusal("当场履行的协议不设履行期限 perform_by (on the spot)", field)
        return None
    if performance and by is None:
        return Refusal("需要填写「履行期限 perform_by」（当场履行 on_the_spot 除外）", field)
    effective = day_value(ctx.values.get("effective_on")) or ctx.on
    if by is not None and by < effective:
        return Refusal(f"履行期限 {by} 早于协议生效日 {effective} (before effective_on)", field)
    return None


def _oral_money(ctx: GuardContext, mode: str) -> str | None:
    amount = ctx.values.get("amount")
    if ctx.values.get("form") != "oral" or not isinstance(amount, int) or amount <= 0:
        return None
    if ctx.setting(ORAL_MONEY) != mode:
        return None
    return (
        f"口头协议涉及金额 {amount} 元，宜制作书面调解协议（司法部令第75号第34条；{ORAL_MONEY}"
        f"={mode}）(an oral agreement with money)"
    )


AGREED_BY_ON_CASE = Guard("agreed_by_on_case", "达成协议的调解员在本案", _agreed_by_on_case)
EFFECTIVE_ON = Guard("effective_on_valid", "协议生效日期", _effective_on)
PERFORM_BY = Guard("perform_by_valid", "履行期限", _perform_by)
ORAL_MONEY_REFUSED = Guard(
    "oral_money", "口头协议不涉及金钱给付", lambda ctx: _oral_money(ctx, "refuse")
)
ORAL_MONEY_WARNED = Guard(
    "oral_money", "口头协议涉及金钱给付（提示）", lambda ctx: _oral_money(ctx, "warn")
)


# -- after the agreement ----------------------------------------------------------------------


def _overdue_after_term(ctx: GuardContext) -> str | None:
    if ctx.values.get("reason") != OVERDUE:
        return None
    agreed = last_event(ctx, "agree")
    by = day_value(agreed.data.get("perform_by")) if agreed is not None else None
    if by is None or ctx.on > by:
        return (
            None
            if by is not None
            else Refusal(
                "协议未约定履行期限，不能以逾期 overdue 为由 (no perform_by)", "value.reason"
            )
        )
    return Refusal(f"履行期限 {by} 尚未届满，不能记为逾期未履行 (not yet past)", "value.reason")


def last_ruling(events: Sequence[EventView]) -> str | None:
    """The ruling of the last judicial confirmation since the last agreement."""
    for ev in reversed(events):
        if ev.trigger == "agree":
            return None
        if ev.trigger == "confirm":
            return str(ev.data.get("ruling") or CONFIRMED)
    return None


def _remediable(ctx: GuardContext) -> str | None:
    """Mediated again after a breach, or after the court refused to confirm (art. 33 para 3)."""
    if ctx.state == "breached" or last_ruling(ctx.events) == NOT_CONFIRMED:
        return None
    return "仅未履行或司法确认被驳回 not_confirmed 的协议可以重新调解 (breached or not confirmed)"


def _routes_told(ctx: GuardContext) -> str | None:
    """Termination tells the parties their other routes (art. 26), unless they withdrew."""
    if ctx.values.get("reason") == WITHDRAWN or ctx.values.get("routes_told") == "yes":
        return None
    return Refusal(
        "终止调解须告知当事人其他救济途径 routes_told=yes（撤回申请 withdrawn 除外）",
        "value.routes_told",
    )


OVERDUE_AFTER_TERM = Guard(
    "overdue_after_perform_by", "逾期须在履行期限届满后", _overdue_after_term
)
REMEDIABLE = Guard("remediable", "未履行或司法确认被驳回", _remediable)
ROUTES_TOLD = Guard("routes_told_unless_withdrawn", "已告知其他救济途径", _routes_told)


# -- judicial confirmation (art. 33; 法释〔2011〕5号) ----------------------------------------------


def open_application(events: Sequence[EventView]) -> EventView | None:
    """The application for confirmation still awaiting its ruling."""
    for ev in reversed(events):
        if ev.trigger == "confirm":
            return None
        if ev.trigger == "apply_confirmation":
            return ev
    return None


def _written_only(ctx: GuardContext) -> str | None:
    agreed = last_event(ctx, "agree")
    if agreed is not None and agreed.data.get("form") == "oral":
        return "口头调解协议不能申请司法确认，须为书面协议 (oral agreements are not confirmed)"
    return None


def _court_listed(ctx: GuardContext) -> str | None:
    listed = ctx.setting(COURT_LIST)
    court = ctx.values.get("court")
    if isinstance(listed, frozenset) and court not in listed:
        shown = "、".join(COURTS[c] for c in sorted(listed) if c in COURTS) or "（无）"
        return Refusal(f"法院 {court} 不在 {COURT_LIST} 中（可选：{shown}）", "value.court")
    return None


def _one_open(ctx: GuardContext) -> str | None:
    pending = open_application(ctx.events)
    if pending is None:
        return None
    return f"已于 {pending.occurred_on} 申请司法确认，尚无结果 (an application is open)"


def _has_open(ctx: GuardContext) -> str | None:
    if open_application(ctx.events) is not None:
        return None
    return "尚未申请司法确认 apply_confirmation，或已记录结果 (no open application)"


def _ruled_after(ctx: GuardContext) -> str | None:
    pending = open_application(ctx.events)
    applied = day_value(pending.data.get("applied_on")) if pending is not None else None
    ruled = day_value(ctx.values.get("ruled_on")) or ctx.on
    if applied is not None and ruled < applied:
        return Refusal(f"裁定日 {ruled} 早于申请日 {applied} (before applied_on)", "value.ruled_on")
    return None


def _case_no(ctx: GuardContext) -> str | None:
    if ctx.values.get("ruling") not in (CONFIRMED, NOT_CONFIRMED):
        return None
    number = str(ctx.values.get("court_case_no") or "")
    pattern = ctx.setting(CASE_NO_PATTERN)
    field = "value.court_case_no"
    if not number:
        return Refusal("确认有效或驳回申请须填写「司法确认案号 court_case_no」", field)
    if isinstance(pattern, str) and not re.fullmatch(pattern, number):
        return Refusal(f"案号 {number[:40]} 不符合 {CASE_NO_PATTERN}：{pattern}", field)
    return None


WRITTEN_ONLY = Guard("written_only", "仅书面协议可申请司法确认", _written_only)
COURT_LISTED = Guard("court_listed", "法院在可选列表中", _court_listed)
ONE_OPEN = Guard("one_open_application", "同一时间只有一个申请", _one_open)
HAS_OPEN = Guard("open_application", "已申请司法确认", _has_open)
RULED_AFTER = Guard("ruled_after_applied", "裁定不早于申请", _ruled_after)
CASE_NO = Guard("court_case_no_pattern", "司法确认案号格式", _case_no)


def derive_day(name: str) -> Any:
    """A date value the step records, the step's day when not given."""

    def derive(ctx: GuardContext) -> dict[str, Any]:
        return {} if ctx.values.get(name) else {name: ctx.on.isoformat()}

    return derive
