"""The mediation ledger (人民调解台账) of a demo year: each stored case with its steps, read back
for the realism checks (``realism.py``), either from what ``casework export`` writes or straight
from the stored cases and events (one query for each, only the columns the checks read)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.engine import Connection

from casework.api import Casework
from casework.storage.tables import cases, events

OUTCOMES = ("agree", "fail", "terminate")
ENDED = ("archived", "declined")
SESSIONS = ("agree", "follow_up")
# The steps whose values the checks read (the agreement, the confirmation, the tier approved).
READ_VALUES = ("agree", "apply_confirmation", "confirm", "approve")


@dataclass(frozen=True)
class Step:
    trigger: str
    on: date  # the local day
    values: Mapping[str, Any]


def day_of(text: object) -> date | None:
    return date.fromisoformat(str(text)[:10]) if text else None


@dataclass
class MediationRow:
    """One case of the export: its data and the local days of its steps."""

    case_no: str
    office: str
    state: str
    registered_on: date
    data: Mapping[str, Any]
    steps: Sequence[Step]
    triggers: frozenset[str] = field(default=frozenset())

    def __post_init__(self) -> None:
        self.triggers = frozenset(s.trigger for s in self.steps)

    def first(self, *triggers: str) -> Step | None:
        return next((s for s in self.steps if s.trigger in triggers), None)

    def has(self, trigger: str) -> bool:
        return trigger in self.triggers

    @cached_property  # the checks ask each case hundreds of thousands of times in all
    def accept(self) -> date | None:
        step = self.first("accept")
        return step.on if step else None

    @cached_property
    def outcome(self) -> date | None:
        """The day of its first outcome (agreement, failure, termination)."""
        step = self.first(*OUTCOMES)
        return step.on if step else None

    @property
    def days(self) -> int | None:
        accept, outcome = self.accept, self.outcome
        return (outcome - accept).days if accept and outcome else None

    @property
    def agreement(self) -> Mapping[str, Any] | None:
        """The values of its last agreement (a remediation's supersedes, PML art. 33)."""
        agreed = [s for s in self.steps if s.trigger == "agree"]
        return agreed[-1].values if agreed else None

    @property
    def amount(self) -> int:
        return int((self.agreement or {}).get("amount") or 0)

    @property
    def form(self) -> str | None:
        return str((self.agreement or {}).get("form") or "") or None

    @property
    def kind(self) -> str | None:
        found = self.data.get("dispute_type")
        return str(found) if found else None

    @property
    def applied(self) -> date | None:
        step = self.first("apply_confirmation")
        return day_of(step.values.get("applied_on")) or step.on if step else None

    @property
    def ruling(self) -> str | None:
        ruled = [s for s in self.steps if s.trigger == "confirm"]
        return str(ruled[-1].values.get("ruling")) if ruled else None

    @property
    def ruled_after(self) -> int | None:
        """Days from the application to the ruling."""
        step, applied = self.first("confirm"), self.applied
        if step is None or applied is None:
            return None
        ruled = day_of(step.values.get("ruled_on")) or step.on
        return (ruled - applied).days

    @property
    def open(self) -> bool:
        return self.state not in ENDED

    @property
    def last(self) -> date:
        return self.steps[-1].on if self.steps else self.registered_on

    def due_after(self, year: int) -> bool:
        """Its agreement is to be performed after the year."""
        by = day_of((self.agreement or {}).get("perform_by"))
        return by is not None and by.year > year


def steps_of(history: object) -> list[Step]:
    """The steps of an exported case's history (办理经过)."""
    listed = json.loads(history) if isinstance(history, str) and history else history or []
    assert isinstance(listed, list)
    return [
        Step(h["trigger"], date.fromisoformat(h["at"][:10]), h.get("values") or {}) for h in listed
    ]


def stored(cw: Casework, kind: str) -> Iterator[tuple[Any, list[Step]]]:
    """Every stored case of a kind (its row: case_no, office, state, registered_on, data), oldest
    registration first as an export lists them, with its steps after registration as the
    export's history gives them: the local day (``occurred_on``) and the values of those whose
    values the checks read (``READ_VALUES``). Two queries, not the export's reads and JSON."""
    with cw.read() as (conn, _):
        steps = _steps_by_case(conn, kind)
        query = (
            select(
                cases.c.id,
                cases.c.case_no,
                cases.c.office_code.label("office"),
                cases.c.state,
                cases.c.registered_on,
                cases.c.data,
            )
            .where(cases.c.kind == kind)
            .order_by(cases.c.registered_at, cases.c.id)
        )
        found = [(r, steps.get(r.id, [])) for r in conn.execute(query)]
    return iter(found)


def _steps_by_case(conn: Connection, kind: str) -> dict[int, list[Step]]:
    # Only the values the checks read are decoded (most of the time of reading 100k events).
    values = case((events.c.trigger.in_(READ_VALUES), events.c.data), else_=None)
    query = (
        select(events.c.case_id, events.c.trigger, events.c.occurred_on, values.label("data"))
        .join(cases, cases.c.id == events.c.case_id)
        .where(cases.c.kind == kind, events.c.seq > 1)
        .order_by(events.c.case_id, events.c.seq)
    )
    by_case: dict[int, list[Step]] = {}
    for r in conn.execute(query):
        by_case.setdefault(r.case_id, []).append(Step(r.trigger, r.occurred_on, r.data or {}))
    return by_case


def per_day(days: Sequence[date], start: date, end: date) -> float:
    return sum(start <= d <= end for d in days) / ((end - start).days + 1)


class Ledger:
    """The exported cases."""

    def __init__(self, rows: list[MediationRow]) -> None:
        self.rows = rows

    @classmethod
    def of(cls, exported: list[dict[str, Any]]) -> Ledger:
        rows = []
        for r in exported:
            data = r["data"]
            if isinstance(data, str):
                data = json.loads(data) if data else {}
            steps = steps_of(r["history"])
            row = MediationRow(
                r["case_no"], r["office"], r["state"], day_of(r["registered_on"]) or date.min,
                data, steps,
            )  # fmt: skip
            rows.append(row)
        return cls(rows)

    @classmethod
    def read(cls, cw: Casework) -> Ledger:
        """The stored mediation cases."""
        return cls(
            [
                MediationRow(r.case_no, r.office, r.state, r.registered_on, r.data or {}, steps)
                for r, steps in stored(cw, "mediation")
            ]
        )

    def accept_days(self) -> list[date]:
        return [d for r in self.rows if (d := r.accept) is not None]

    def accepted(self, start: date, end: date) -> list[MediationRow]:
        return [r for r in self.rows if (d := r.accept) is not None and start <= d <= end]

    def sessions(self) -> list[date]:
        """The days of agreements and follow-up visits (the sessions people attend)."""
        return [s.on for r in self.rows for s in r.steps if s.trigger in SESSIONS]


class Claims:
    """The exported subsidy claims (以案定补), each with its steps."""

    def __init__(self, claims: list[list[Step]]) -> None:
        self.claims = claims

    @classmethod
    def of(cls, exported: list[dict[str, Any]]) -> Claims:
        return cls([steps_of(r["history"]) for r in exported])

    @classmethod
    def read(cls, cw: Casework) -> Claims:
        """The stored subsidy claims."""
        return cls([steps for _, steps in stored(cw, "subsidy_claim")])

    def returned_then_approved(self) -> float:
        """Of the claims sent back, the share resubmitted and then approved."""
        sent = [c for c in self.claims if any(s.trigger == "send_back" for s in c)]
        done = [c for c in sent if any(s.trigger == "approve" for s in c)]
        return round(100 * len(done) / len(sent), 2) if sent else 0.0

    def approvals(self) -> list[Mapping[str, Any]]:
        return [s.values for c in self.claims for s in c if s.trigger == "approve"]

    def tiers_changed(self) -> float:
        """Of the approvals, the share at another tier than the one proposed (with a reason)."""
        approved = self.approvals()
        changed = [a for a in approved if a.get("tier_reason")]
        return round(100 * len(changed) / len(approved), 2) if approved else 0.0

    def changed_without_reason(self) -> float:
        """Approvals whose tier differs from the one proposed and give no reason."""
        return float(
            sum(
                bool(a.get("proposed_tier"))
                and a.get("tier") != a.get("proposed_tier")
                and not a.get("tier_reason")
                for a in self.approvals()
            )
        )
