"""The rules of 领导包案 beside its declaration: who approves, the named leader, the term and
its extensions, what verification rests on (major_dispute.md).

Two people put a dispute in a leader's charge: one proposes it (报批), an approver of the
offices ``major_dispute.approvers`` lists approves it (审批), never the proposer. Only the leader
the case names plans and resolves it. The term runs from the approval, or from a reopening
with its own term; it is extended by an approver before it lapses, a capped number of times.
Every number is a dated setting, read as it stood on the step's day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workflows.major_dispute.terms import (
    APPROVERS,
    DOCUMENT_EVENT,
    DOCUMENTS,
    DUE_DAYS_DEFAULT,
    DUE_DAYS_MAX,
    EXTENSION_DAYS_MAX,
    OUTCOMES,
    REOPEN_DAYS_DEFAULT,
    UNDERTAKING_REQUIRED,
)
from workflows.policy import role_label
from workflows.settings import SettingValue
from workflows.spec import (
    EventView,
    Guard,
    GuardContext,
    LinkedCase,
    LinkRule,
    TimeLimit,
    last_event,
)

PETITION = "petition"
# The cases a major dispute may come from (major_dispute.md: a linked petition or mediation
# case, or a screening).
SOURCE_KINDS: Mapping[str, str] = {PETITION: "信访事项", "mediation": "人民调解"}


def _sets_a_term(ev: EventView) -> bool:
    """A reopening restarts the term only when it set one: the reopenings recorded before
    this revision (rules ``ba1``) ran on against the assignment's deadline."""
    return ev.trigger != "reopen" or ev.data.get("due_days") is not None


# The term approved with the proposal (``due_days``), from the approval; a reopening starts a
# new one with its own ``due_days``; each extension adds its days.
RESOLVE = TimeLimit(
    "resolve_limit",
    "化解期限",
    start="assign",
    days=90,
    days_field="due_days",
    restarts=("reopen",),
    start_if=_sets_a_term,
    extended_by=("extend",),
)


def _whole(value: SettingValue | object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _who(ctx: GuardContext) -> str:
    actor = ctx.actor
    if actor is None:
        return "未指定用户 (no user)"
    return f"用户 {actor.username}（{role_label(actor.role)}，{actor.office or '全市 city-wide'}）"


# -- who acts ------------------------------------------------------------------------------------


def _approver(ctx: GuardContext) -> str | None:
    """An approver is a supervisor the dated setting names, by username or by office (every
    supervisor of a listed office); an admin's city-wide supervisor power does not make one
    (the spec names the person)."""
    listed = ctx.setting(APPROVERS)
    named = sorted(listed) if isinstance(listed, frozenset) else []
    actor = ctx.actor
    if (
        actor is not None
        and actor.role == "supervisor"
        and {actor.office, actor.username} & set(named)
    ):
        return None
    return (
        f"需由包案审批人 {'、'.join(named) or '（未设定）'}（{APPROVERS}：审批单位的负责人"
        f" supervisor 或列明的用户）进行；{_who(ctx)} 不是审批人 (not an approver)"
    )


def _not_proposer(ctx: GuardContext) -> str | None:
    proposal = last_event(ctx, "propose")
    by = proposal.data.get("proposed_by") if proposal is not None else None
    if by and ctx.actor is not None and ctx.actor.username == by:
        return f"本次包案由 {by} 报批，审批须由另一名审批人进行 (the proposer may not approve)"
    return None


def _proposed_first(ctx: GuardContext) -> str | None:
    """Under ``ba1`` a case was assigned straight from the ledger; that transition is kept for
    the histories recorded then, while a new assignment is proposed first."""
    if ctx.state == "proposed":
        return None
    return (
        "包案须先报批 propose（附包案情况表）再审批；修订前直接包案的做法仅保留在已记录的历史中"
        " (propose first)"
    )


def assigned_leader(what: str) -> Guard:
    """Only the leader the case names (its ``leader``) plans and resolves it."""

    def check(ctx: GuardContext) -> str | None:
        leader = ctx.data.get("leader")
        if leader and ctx.actor is not None and ctx.actor.username == leader:
            return None
        return (
            f"本案包案领导为 {leader or '（未指定）'}，只有该领导可以{what}；{_who(ctx)} 不可"
            " (only the named leader)"
        )

    return Guard("assigned_leader", "仅由包案领导本人进行", check)


def _new_leader(ctx: GuardContext) -> str | None:
    if ctx.values.get("leader") == ctx.data.get("leader"):
        return f"{ctx.values.get('leader')} 已是本案包案领导 (the same leader)"
    return None


APPROVER = Guard("approver", "由包案审批人进行", _approver)
NOT_PROPOSER = Guard("not_proposer", "报批人不能审批", _not_proposer)
PROPOSED_FIRST = Guard("proposed_first", "先报批后审批", _proposed_first)
NEW_LEADER = Guard("new_leader", "调整为另一名领导", _new_leader)


def _petition_or_mediation(origin: LinkedCase) -> str | None:
    if origin.kind in SOURCE_KINDS:
        return None
    listed = "、".join(f"{label} {kind}" for kind, label in SOURCE_KINDS.items())
    return (
        f"重大矛盾纠纷只能由{listed}案件或矛盾纠纷排查 screening 转来；{origin.case_no} 是"
        f" {origin.kind} 案件 (the source must be a petition or a mediation case)"
    )


SOURCE_KIND = LinkRule("source_kind", "来源为信访事项或人民调解案件", _petition_or_mediation)


# -- the term and its extensions -----------------------------------------------------------------


def _term_within_max(ctx: GuardContext) -> str | None:
    most = _whole(ctx.setting(DUE_DAYS_MAX))
    days = _whole(ctx.values.get("due_days"))
    if most is not None and days is not None and days > most:
        return f"化解期限 due_days {days} 日超过上限 {most} 日（{DUE_DAYS_MAX}）"
    return None


def _extension_within_max(ctx: GuardContext) -> str | None:
    most = _whole(ctx.setting(EXTENSION_DAYS_MAX))
    days = _whole(ctx.values.get("days"))
    if most is not None and days is not None and days > most:
        return f"延长天数 days {days} 日超过上限 {most} 日（{EXTENSION_DAYS_MAX}）"
    return None


DUE_DAYS_WITHIN = Guard("due_days_max", "化解期限不超过上限", _term_within_max)
EXTENSION_WITHIN = Guard("extension_days_max", "延长天数不超过上限", _extension_within_max)


def _term(ctx: GuardContext, setting: str) -> dict[str, Any]:
    if ctx.values.get("due_days") is not None:
        return {}
    default = _whole(ctx.setting(setting))
    return {} if default is None else {"due_days": default}


def derive_proposal(ctx: GuardContext) -> dict[str, Any]:
    """Who proposed (an approver other than them decides) and the term, the default of the
    day when none was given."""
    out = _term(ctx, DUE_DAYS_DEFAULT)
    if ctx.actor is not None:
        out["proposed_by"] = ctx.actor.username
    return out


def derive_approval(ctx: GuardContext) -> dict[str, Any]:
    """The approval records the term it approves (the proposal's), from which the limit runs."""
    proposal = last_event(ctx, "propose")
    days = proposal.data.get("due_days") if proposal is not None else None
    if days is None:
        days = ctx.data.get("due_days")
    return _term(ctx, DUE_DAYS_DEFAULT) if days is None else {"due_days": days}


def derive_reopening(ctx: GuardContext) -> dict[str, Any]:
    """A reopening sets a new term from its day, the default of the day when none was given."""
    return _term(ctx, REOPEN_DAYS_DEFAULT)


# -- verification (验收销号) ---------------------------------------------------------------------


def _since_last(ctx: GuardContext, trigger: str) -> Sequence[EventView]:
    """The events after the last ``trigger`` event (all of them when there is none)."""
    events = ctx.events
    for i in range(len(events) - 1, -1, -1):
        if events[i].trigger == trigger:
            return events[i + 1 :]
    return events


def _filed(events: Sequence[EventView], kind: str) -> bool:
    return any(ev.trigger == DOCUMENT_EVENT and ev.data.get("kind") == kind for ev in events)


def _acceptance_after_resolve(ctx: GuardContext) -> str | None:
    """The acceptance check verifies the last resolution: its material is filed after it."""
    if _filed(_since_last(ctx, "resolve"), "acceptance"):
        return None
    resolved = last_event(ctx, "resolve")
    when = f"（{resolved.occurred_on}）" if resolved is not None else ""
    return (
        f"卷宗中尚无最近一次化解 resolve{when}之后记录的「{DOCUMENTS['acceptance']} acceptance」"
        " (no acceptance material since the last resolve)"
    )


def outcome_of(ctx: GuardContext) -> str | None:
    """The last resolution's outcome as a code; a text recorded under ``ba1`` (息诉罢访) is read
    by its label."""
    resolved = last_event(ctx, "resolve")
    raw = resolved.data.get("outcome") if resolved is not None else ctx.data.get("outcome")
    if raw is None:
        return None
    by_label = {label: code for code, label in OUTCOMES.items()}
    return str(raw) if raw in OUTCOMES else by_label.get(str(raw).strip())


def linked_petitions(ctx: GuardContext) -> list[str]:
    """The petitions linked to the case: the one it came from, and those a person found the
    same matter or related (the last finding on each holds)."""
    found: dict[str, str] = {}
    for link in ctx.links:
        if link.case_kind == PETITION:
            found[link.case_no] = link.kind
    return sorted(no for no, kind in found.items() if kind != "not_same")


def has_petitioner(ctx: GuardContext) -> bool:
    """A petitioner is linked (major_dispute.md): the case came from a petition, or a person
    found a petition the same matter or related."""
    return bool(linked_petitions(ctx))


def _undertaking_if_settled(ctx: GuardContext) -> str | None:
    """A dispute settled as 息诉罢访 with a petitioner is verified on the petitioner's written
    undertaking, given since the case was last reopened (a reopening means the earlier one
    did not hold)."""
    if not ctx.setting(UNDERTAKING_REQUIRED) or outcome_of(ctx) != "settled":
        return None
    if not has_petitioner(ctx) or _filed(_since_last(ctx, "reopen"), "undertaking"):
        return None
    return (
        f"化解结果为「{OUTCOMES['settled']} settled」且本案关联信访事项 petition"
        f"（{'、'.join(linked_petitions(ctx))}），"
        f"验收销号前须在卷宗中记录「{DOCUMENTS['undertaking']} undertaking」"
        " (no undertaking on file)"
    )


ACCEPTANCE = Guard("acceptance_after_resolve", "化解后记录验收材料", _acceptance_after_resolve)
UNDERTAKING = Guard("undertaking_if_settled", "息诉罢访须有承诺书", _undertaking_if_settled)
