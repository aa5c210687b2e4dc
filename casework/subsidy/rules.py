"""Eligibility for 以案定补: each condition of procedures.md section 3 is a named rule.

A refusal says which rule failed and why, in Chinese and English. A rule that changed over time
(oral agreements count from a date) carries its effective date, kept as a dated setting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.engine import Connection, Engine

from casework.actors import load_actor, require_admin
from casework.clock import Clock
from casework.errors import InvalidData, NotFound
from casework.time.periods import Quarter
from casework.legacy_services import Context
from casework.storage.db import run_write
from casework.storage.tables import case_links, cases, events, settings, users
from workflows import Registry
from workflows.spec import EventView

ORAL_FROM_KEY = "subsidy.oral_agreements_from"
# Guangdong counted oral agreements (口头协议) for the per-case subsidy from 2024.
ORAL_FROM_DEFAULT = date(2024, 1, 1)
CLAIM_KIND = "subsidy_claim"


@dataclass(frozen=True)
class Outcome:
    rule: str
    label: str
    passed: bool
    message: str  # Chinese
    message_en: str
    effective_from: date | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "label": self.label,
            "passed": self.passed,
            "message": f"{self.message} — {self.message_en}",
            "message_zh": self.message,
            "message_en": self.message_en,
        }
        if self.effective_from is not None:
            out["effective_from"] = self.effective_from.isoformat()
        return out


@dataclass
class Facts:
    """What the rules look at for one mediation case."""

    case_no: str
    case_id: int
    state: str
    data: dict[str, Any]
    events: list[EventView]
    missing_documents: list[str]
    mediator_ok: bool
    own_claims: list[tuple[str, str]]  # (claim case_no, state), rejected ones left out
    linked_claims: list[tuple[str, str, str]]  # (mediation case_no, claim case_no, state)

    def first(self, trigger: str) -> EventView | None:
        return next((e for e in self.events if e.trigger == trigger), None)

    def last(self, trigger: str) -> EventView | None:
        return next((e for e in reversed(self.events) if e.trigger == trigger), None)


def oral_agreements_from(conn: Connection) -> date:
    """The date from which oral agreements count for the subsidy."""
    row = conn.execute(select(settings.c.value).where(settings.c.key == ORAL_FROM_KEY)).first()
    return date.fromisoformat(row.value) if row else ORAL_FROM_DEFAULT


def set_oral_agreements_from(db: Engine, clock: Clock, username: str | None, day: date) -> date:
    """Change the date from which oral agreements count (admin only)."""

    def work(conn: Connection) -> date:
        actor = load_actor(conn, username)
        require_admin(actor, "changing a subsidy rule")
        conn.execute(settings.delete().where(settings.c.key == ORAL_FROM_KEY))
        conn.execute(
            settings.insert().values(
                key=ORAL_FROM_KEY, value=day.isoformat(), set_by=actor.username, set_at=clock()
            )
        )
        return day

    return run_write(db, work)


def claims_of(conn: Connection, case_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Claims (not rejected) linked to each of these mediation cases."""
    claim = cases.alias("claim")
    rows = conn.execute(
        select(case_links.c.case_id, claim.c.case_no, claim.c.state)
        .join(claim, claim.c.id == case_links.c.other_case_id)
        .where(
            case_links.c.case_id.in_(case_ids),
            claim.c.kind == CLAIM_KIND,
            claim.c.state != "rejected",
        )
        .order_by(claim.c.case_no)
    )
    out: dict[int, list[tuple[str, str]]] = {}
    for r in rows:
        out.setdefault(r.case_id, []).append((r.case_no, r.state))
    return out


def linked_mediation_cases(conn: Connection, case_id: int) -> list[tuple[int, str]]:
    """Mediation cases linked to this one either way: the same dispute."""
    other = cases.alias("other")
    rows = conn.execute(
        select(other.c.id, other.c.case_no)
        .select_from(case_links.join(other, other.c.id == case_links.c.other_case_id))
        .where(case_links.c.case_id == case_id, other.c.kind == "mediation")
        .distinct()
    )
    return [(r.id, r.case_no) for r in rows]


def gather(conn: Connection, registry: Registry, case_no: str) -> Facts:
    """Load what the rules need for one mediation case."""
    row = conn.execute(
        select(
            cases.c.id,
            cases.c.case_no,
            cases.c.kind,
            cases.c.state,
            cases.c.data,
            cases.c.updated_at,
        ).where(cases.c.case_no == case_no)
    ).first()
    if row is None:
        raise NotFound(f"unknown case {case_no[:80]!r}")
    if row.kind != "mediation":
        raise InvalidData(f"case {case_no} is a {row.kind}; only mediation cases are subsidised")
    wf = registry.get("mediation")
    assert wf is not None and wf.case_file is not None
    ctx = Context(conn, row.id, row.case_no, row.state, row.data or {}, {}, row.updated_at)
    mediator = (row.data or {}).get("mediator")
    mediator_ok = (
        bool(mediator)
        and conn.execute(
            select(users.c.username).where(
                and_(
                    users.c.username == str(mediator),
                    users.c.role == "mediator",
                    users.c.active.is_(True),
                )
            )
        ).first()
        is not None
    )
    linked = linked_mediation_cases(conn, row.id)
    claims = claims_of(conn, [row.id, *(i for i, _ in linked)])
    numbers = dict(linked)
    return Facts(
        case_no=row.case_no,
        case_id=row.id,
        state=row.state,
        data=dict(row.data or {}),
        events=list(ctx.events),
        missing_documents=wf.case_file(ctx),
        mediator_ok=mediator_ok,
        own_claims=claims.get(row.id, []),
        linked_claims=[
            (numbers[i], claim_no, state)
            for i, _ in linked
            for claim_no, state in claims.get(i, [])
        ],
    )


def _archived(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    ok = f.state == "archived"
    return Outcome(
        "archived",
        "已归档",
        ok,
        "已归档" if ok else f"未归档（当前状态 {f.state}）",
        "archived" if ok else f"not archived (the case is '{f.state}')",
    )


def _performed(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    agreed, performed = f.first("agree"), f.first("perform")
    if agreed and performed:
        return Outcome(
            "agreement_performed",
            "达成协议并履行",
            True,
            "已达成协议并履行",
            "agreement reached and performed",
        )
    if not agreed:
        return Outcome(
            "agreement_performed",
            "达成协议并履行",
            False,
            "未达成调解协议",
            "no agreement was reached",
        )
    return Outcome(
        "agreement_performed",
        "达成协议并履行",
        False,
        "调解协议未履行",
        "the agreement was not performed",
    )


def _oral(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    agreed = f.first("agree")
    label = "口头协议计入日期"
    if agreed is None or agreed.data.get("form") != "oral":
        return Outcome(
            "oral_agreement", label, True, "非口头协议", "not an oral agreement", oral_from
        )
    if agreed.occurred_on >= oral_from:
        return Outcome(
            "oral_agreement",
            label,
            True,
            f"口头协议（{agreed.occurred_on}）在{oral_from}之后，计入",
            f"oral agreement of {agreed.occurred_on} counts from {oral_from}",
            oral_from,
        )
    return Outcome(
        "oral_agreement",
        label,
        False,
        f"口头协议（{agreed.occurred_on}）早于{oral_from}，不计入",
        f"oral agreement of {agreed.occurred_on} is before {oral_from}, when oral "
        "agreements began to count",
        oral_from,
    )


def _file(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    if not f.missing_documents:
        return Outcome("case_file_complete", "卷宗齐全", True, "卷宗齐全", "case file complete")
    missing = ", ".join(f.missing_documents)
    return Outcome(
        "case_file_complete",
        "卷宗齐全",
        False,
        f"卷宗不全，缺少：{missing}",
        f"case file incomplete, missing: {missing}",
    )


def _mediator(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    name = f.data.get("mediator")
    if f.mediator_ok:
        return Outcome(
            "mediator_registered",
            "调解员已登记",
            True,
            f"调解员 {name} 已登记",
            f"mediator {name} is a registered mediator",
        )
    return Outcome(
        "mediator_registered",
        "调解员已登记",
        False,
        f"调解员 {name or '（未记录）'} 不是已登记的调解员",
        f"mediator {name or '(none recorded)'} is not a registered mediator",
    )


def _not_before(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    if not f.own_claims:
        return Outcome(
            "not_subsidised_before", "未曾申报", True, "未曾申报补贴", "not claimed before"
        )
    claim_no, state = f.own_claims[0]
    return Outcome(
        "not_subsidised_before",
        "未曾申报",
        False,
        f"已申报过补贴：{claim_no}（{state}）",
        f"already claimed in {claim_no} ({state})",
    )


def _dispute_once(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    if not f.linked_claims:
        return Outcome(
            "dispute_not_subsidised",
            "同一纠纷只补一次",
            True,
            "同一纠纷的关联案件未申报",
            "no linked case of the same dispute was claimed",
        )
    other, claim_no, state = f.linked_claims[0]
    return Outcome(
        "dispute_not_subsidised",
        "同一纠纷只补一次",
        False,
        f"同一纠纷的关联案件 {other} 已申报：{claim_no}（{state}）",
        f"linked case {other} of the same dispute was claimed in {claim_no} ({state})",
    )


def _in_quarter(f: Facts, q: Quarter | None, oral_from: date) -> Outcome:
    archived = f.last("archive")
    if archived is None:  # the rule "archived" refuses such a case; this one does not apply
        return Outcome(
            "archived_in_quarter",
            "归档在申报季度内",
            True,
            "未归档，不适用",
            "not archived, so no archive date to judge",
        )
    quarter = q or Quarter.of(archived.occurred_on)
    if archived.occurred_on in quarter:
        return Outcome(
            "archived_in_quarter",
            "归档在申报季度内",
            True,
            f"归档日期 {archived.occurred_on} 在 {quarter} 内",
            f"archived on {archived.occurred_on}, inside {quarter}",
        )
    return Outcome(
        "archived_in_quarter",
        "归档在申报季度内",
        False,
        f"归档日期 {archived.occurred_on} 不在 {quarter} 内",
        f"archived on {archived.occurred_on}, outside {quarter} "
        f"({quarter.first_day}..{quarter.last_day})",
    )


RULES: tuple[Callable[[Facts, Quarter | None, date], Outcome], ...] = (
    _archived,
    _performed,
    _oral,
    _file,
    _mediator,
    _not_before,
    _dispute_once,
    _in_quarter,
)


def evaluate(facts: Facts, quarter: Quarter | None, oral_from: date) -> list[Outcome]:
    """Every rule's outcome for one case, in the order of the spec."""
    return [rule(facts, quarter, oral_from) for rule in RULES]


def check(
    conn: Connection, registry: Registry, case_no: str, quarter: Quarter | None = None
) -> dict[str, Any]:
    """``subsidy check``: which rules pass and which fail, and why."""
    facts = gather(conn, registry, case_no)
    outcomes = evaluate(facts, quarter, oral_agreements_from(conn))
    archived = facts.last("archive")
    shown = quarter or (Quarter.of(archived.occurred_on) if archived else None)
    return {
        "case_no": facts.case_no,
        "quarter": str(shown) if shown else None,
        "eligible": all(o.passed for o in outcomes),
        "rules": [o.as_dict() for o in outcomes],
        "failed": [o.rule for o in outcomes if not o.passed],
    }


def archived_in(
    conn: Connection, quarter: Quarter, office: str | None, town_only: str | None
) -> list[str]:
    """Mediation cases with an ``archive`` event inside the quarter, by case number."""
    query = (
        select(cases.c.case_no)
        .join(events, events.c.case_id == cases.c.id)
        .where(
            cases.c.kind == "mediation",
            events.c.trigger == "archive",
            events.c.occurred_on.between(quarter.first_day, quarter.last_day),
        )
    )
    for code in (office, town_only):
        if code is not None:
            query = query.where(cases.c.office_code == code)
    return sorted({r.case_no for r in conn.execute(query)})
