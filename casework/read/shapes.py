"""The shapes the read side returns: the JSON of the command-line contract (docs/cli.md).

They are TypedDicts: the keys are the contract, so the CLI prints them as they are and reads
them by typed key, and the web's JSON API (later) returns the same. Keys such as ``from`` that
are Python keywords use the functional form.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from casework.domain.results import EventJSON, RelatedCase
from casework.time.deadlines import DueJSON

if TYPE_CHECKING:
    from casework.domain.subsidy import OutcomeJSON
    from casework.storage.screenings import ScreeningJSON
    from casework.storage.settings import Tier

# Shapes of other layers passed on here, imported when first asked for: the subsidy's rules,
# the screening ledger and the subsidy scale are no part of most commands (start-up, issue 18).
_ELSEWHERE = {
    "OutcomeJSON": "casework.domain.subsidy",
    "ScreeningJSON": "casework.storage.screenings",
    "Tier": "casework.storage.settings",
}


def __getattr__(name: str) -> object:
    if name not in _ELSEWHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_ELSEWHERE[name]), name)


__all__ = [
    "AdminEntryJSON",
    "BackupJSON",
    "CalendarCoverage",
    "CalendarYear",
    "CaseJSON",
    "CaseRow",
    "CheckJSON",
    "ClaimItem",
    "DataItem",
    "DatedCase",
    "DocumentRow",
    "DueJSON",
    "DueRow",
    "EventJSON",
    "ExplainItem",
    "ExplainJSON",
    "ExportSummary",
    "FieldJSON",
    "Figure",
    "FiguresJSON",
    "FindingJSON",
    "GroupRow",
    "LinkRow",
    "MediatorTotal",
    "OfficeJSON",
    "OfficeTotal",
    "OnTimeJSON",
    "OutcomeJSON",
    "PartyJSON",
    "PrintedDocJSON",
    "Report",
    "RestoreJSON",
    "RuleJSON",
    "ScaleEntry",
    "ScaleJSON",
    "ScreeningJSON",
    "SheetJSON",
    "SheetRow",
    "StateJSON",
    "StatsJSON",
    "Tier",
    "TriggerJSON",
    "UserJSON",
    "VerifyJSON",
    "WorkflowJSON",
]

# A metric's value: a count or a sum, a rate in percent, None for a rate over nothing.
Figure = int | float | None


# -- cases -------------------------------------------------------------------------------------


class PartyJSON(TypedDict):
    role: str
    role_label: str
    name: str
    id_number: str | None
    phone: str | None


class DataItem(TypedDict):
    key: str
    label: str
    value: object
    value_label: str | None


class DocumentRow(TypedDict):
    kind: str
    label: str
    file_name: str | None
    sha256: str | None
    occurred_at: str
    actor: str
    event_seq: int


class LinkRow(TypedDict):
    kind: str
    case_no: str
    case_kind: str
    state: str


class CaseJSON(TypedDict):
    """``case show``."""

    case_no: str
    kind: str
    kind_label: str
    office: str
    office_name: str
    title: str
    state: str
    state_label: str
    terminal: bool
    version: int
    registered_at: str
    data: dict[str, object]
    data_view: list[DataItem]
    parties: list[PartyJSON]
    documents: list[DocumentRow]
    links: list[LinkRow]
    triggers: list[str]
    due: DueJSON | None
    history: list[EventJSON]
    missing_documents: NotRequired[list[str]]
    rules: NotRequired[RulesJSON | None]
    flags: NotRequired[list[FlagJSON]]
    limits: NotRequired[list[DueJSON]]
    related: NotRequired[list[RelatedCase]]
    reviewer: NotRequired[str | None]
    rereviewer: NotRequired[str | None]
    warnings: NotRequired[list[str]]  # damaged related cases left out (casework.read.damage)


class RulesJSON(TypedDict):
    """The rule version a case pins (``xf2005``), its label and its law."""

    name: str
    label: str
    law: str


class FlagJSON(TypedDict):
    """A mark on a case: ``value`` true, or the side of a two-sided mark that holds
    (``first_or_repeat``: ``first`` or ``repeat``)."""

    name: str
    label: str
    value: bool | str


class CaseRow(TypedDict):
    """A row of ``case list``; of the overdue listing, with its ``due``."""

    case_no: str
    kind: str
    office: str
    state: str
    state_label: str
    title: str
    registered_at: str
    registered_on: str
    due: NotRequired[DueJSON]


class DueRow(DueJSON):
    """A row of ``due``: the case, the state it stood in that day, its limit and status."""

    case_no: str
    kind: str
    office: str
    state: str
    state_label: str
    title: str
    status: str  # overdue | due_soon | warning | calendar_missing | step_due
    # A limit whose lapse needs a person's step (视为放弃, 终止): the trigger and its label.
    step: NotRequired[str]
    step_label: NotRequired[str]


class LapseRow(TypedDict):
    """A limit lapsed on a case and what follows: ``by`` ``engine`` (fired by ``sweep``) or
    ``person`` (listed as due); ``on`` the day the fired event is dated (``dated_on``)."""

    case_no: str
    kind: str
    office: str
    state: str
    limit: str
    label: str
    last_day: str
    trigger: str
    trigger_label: str
    by: str
    dated_on: str


class SweepJSON(TypedDict):
    """``casework sweep``: the default transitions fired, and the steps that need a person."""

    as_of: str
    fired: list[LapseRow]
    needs_person: list[LapseRow]


# -- statistics ---------------------------------------------------------------------------------


class DatedCase(TypedDict):
    case_no: str
    date: str


OnTimeJSON = TypedDict(
    "OnTimeJSON",
    {
        "metric": str,
        "from": str,
        "to": str,
        "value": int,
        "replied": int,
        "items": list[DatedCase],
        "late": list[DatedCase],
    },
)


class GroupRow(TypedDict):
    key: str
    metrics: dict[str, Figure]


StatsJSON = TypedDict(
    "StatsJSON",
    {
        "from": str,
        "to": str,
        "as_of": NotRequired[str],
        "closed_by": NotRequired[str],
        "metrics": NotRequired[dict[str, Figure]],  # without a grouping
        "by": NotRequired[str],
        "rows": NotRequired[list[GroupRow]],  # with one
        "labels": NotRequired[dict[str, str]],  # always given, last
        "warnings": NotRequired[list[str]],  # damaged cases left out (casework.read.damage)
    },
)


class ExplainItem(TypedDict):
    """One case (``case_no``) or screening entry (``screening_id``) behind a figure."""

    case_no: NotRequired[str]
    screening_id: NotRequired[int]
    committee: NotRequired[str]  # an org.committees figure's committee code
    mediator: NotRequired[str]  # an org.mediators figure's username
    date: str
    office: str
    value: NotRequired[int]  # for a sum


ExplainJSON = TypedDict(
    "ExplainJSON",
    {
        "metric": str,
        "label": str,
        "from": str,
        "to": str,
        "value": Figure,
        "items": list[ExplainItem],
        "denominator": NotRequired[Figure],  # for a rate
    },
)


class ReportSection(TypedDict):
    """A sentence of another section of the annual report (一(七)3), printed apart."""

    section: str
    heading: str
    text: str


class Report(TypedDict):
    """``report annual`` and ``report monthly``: the paragraph and the table by office."""

    title: str
    paragraph: str
    table_title: str
    header: list[str]
    rows: list[list[str | int]]
    year: NotRequired[int]
    month: NotRequired[str]
    as_of: NotRequired[str]  # the annual report's date: every figure as the database stood then
    notes: NotRequired[list[str]]  # what was left out and why (printed on stderr)
    sections: NotRequired[list[ReportSection]]  # the procedures' sentences of other sections
    published: NotRequired[str]  # the published figures it uses: 据 2020-11 公布数 (第 2 版 ...)


# -- exports, audit, backup --------------------------------------------------------------------


class ExportSummary(TypedDict):
    out: str
    rows: int
    columns: list[str]
    revealed: bool


class FindingJSON(TypedDict):
    case_no: str
    seq: int | None
    problem: str


class AdminEntryJSON(TypedDict):
    """An entry of the admin log (``audit log``): the act, and the old and new value of the
    reference data it changed (None when there was none, or for a password or a session)."""

    seq: int
    at: str  # local time
    actor: str
    action: str
    target: str
    before: Any
    after: Any
    data: dict[str, Any]
    channel: str
    os_user: str | None
    hash: str


class VerifyJSON(TypedDict):
    ok: bool
    # ``full``: every case; ``since_anchor``: the cases changed since the anchor given
    # (casework.read.audit_since), the others held to the anchor's heads only.
    mode: str
    cases: int  # the cases checked
    events: int
    findings_total: int  # every finding counted; ``findings`` keeps the first ones
    # The admin log's entries checked (issue 15 point 2, casework.read.admin_audit.with_admin_log).
    admin_entries: NotRequired[int]
    findings: list[FindingJSON]


class BackupJSON(TypedDict):
    backup: str
    bytes: int
    integrity: str
    cases: int
    events: int
    audit_ok: bool
    documents: int  # the uploaded documents' files copied beside the backup
    documents_folder: str | None  # where (``<backup>.files``), None when there were none
    documents_missing: list[str]  # the SHA-256 of recorded files not found to copy
    audit: NotRequired[VerifyJSON]  # when the copy fails the audit


class RestoreJSON(TypedDict):
    restored: str  # the database the backup was restored over
    backup: str
    bytes: int
    integrity: str  # ``ok``: a backup that fails the check is refused
    cases: int
    events: int
    audit_ok: bool  # True: a backup with findings is refused
    anchor: str | None  # the anchor file the history was checked against, if any
    replaced: str  # where the database it replaced is kept (``<db>.replaced-<time>``)
    documents: int  # the uploaded documents' files copied into the database's folder
    documents_folder: str  # that folder
    documents_kept: int  # files already there, left as they were
    documents_missing: list[str]  # the SHA-256 of recorded files found in neither folder


# -- procedures ---------------------------------------------------------------------------------


class FieldJSON(TypedDict):
    name: str
    label: str
    kind: str
    required: bool
    choices: dict[str, str] | None
    accepts: str


class StateJSON(TypedDict):
    name: str
    label: str
    terminal: bool


class GuardJSON(TypedDict):
    name: str
    label: str


TriggerJSON = TypedDict(
    "TriggerJSON",
    {
        "name": str,
        "label": str,
        "from": list[str],
        "to": str | None,
        "roles": list[str],
        "role_labels": list[str],
        "city_only": bool,
        "fields": list[FieldJSON],
        "guards": list[GuardJSON],
    },
)


class WorkflowJSON(TypedDict):
    kind: str
    label: str
    prefix: str
    description: str
    initial: str
    register_roles: list[str]
    register_fields: list[FieldJSON]
    party_roles: list[str]
    documents: dict[str, str]
    states: list[StateJSON]
    triggers: list[TriggerJSON]
    printed: list[PrintedDocJSON]
    versions: NotRequired[list[VersionJSON]]


class PrintedDocJSON(TypedDict):
    """A document ``case print`` writes: when it may, and the placeholders it fills."""

    name: str
    title: str
    step: str
    states: list[str]
    placeholders: list[str]


class CitationJSON(TypedDict):
    rule: str
    label: str
    article: str


class LimitJSON(TypedDict):
    name: str
    label: str
    days: int
    unit: str
    binds: str
    duty: bool
    article: str | None


class VersionJSON(TypedDict):
    """A rule version (``workflow show --rules``): its law, from when, what it cites, which
    triggers it offers and the limits it runs."""

    name: str
    label: str
    law: str
    effective_from: str | None
    # The last day it governs new registrations: the day before the next version took effect
    # (None while it is still in force, or for a version no new case takes).
    effective_to: str | None
    citations: list[CitationJSON]
    triggers: list[str]
    limits: list[LimitJSON]


# -- directory ---------------------------------------------------------------------------------


class OfficeJSON(TypedDict):
    code: str
    name: str
    level: str
    level_label: str
    kind: str | None
    parent: NotRequired[str | None]


class UserJSON(TypedDict):
    username: str
    name: str
    role: str
    role_label: str
    office: str | None
    active: bool
    attributes: dict[str, str]


class CalendarYear(TypedDict):
    year: int
    source: str  # chinesecalendar | file
    file: str | None
    sha256: NotRequired[str]
    added_by: NotRequired[str]


class CalendarCoverage(TypedDict):
    years: list[CalendarYear]
    first: int
    last: int


# -- subsidy -----------------------------------------------------------------------------------


class CheckJSON(TypedDict):
    """``subsidy check``."""

    case_no: str
    quarter: str | None
    eligible: bool
    rules: list[OutcomeJSON]
    failed: list[str]


class RuleJSON(TypedDict):
    rule: str
    label: str
    effective_from: str | None


class ScaleEntry(TypedDict):
    effective_from: str
    tier: str
    label: str
    amount: int
    example: bool
    set_by: str


class ScaleJSON(TypedDict):
    on: str
    tiers: dict[str, Tier]
    history: list[ScaleEntry]


class SheetRow(TypedDict):
    office: str
    office_name: str
    mediator: str
    mediator_name: str
    claim: str
    mediation_case: str | None
    tier: str
    tier_label: str
    amount: int
    state: str
    payable: int  # after the cap (mediation.md 3)
    capped: bool
    example: bool  # priced from the shipped example scale


class OfficeTotal(TypedDict):
    office: str
    office_name: str
    cases: int
    amount: int


class MediatorTotal(TypedDict):
    office: str
    mediator: str
    mediator_name: str
    cases: int
    amount: int


class SheetJSON(TypedDict):
    """``subsidy sheet``: the quarter's approved and paid claims, with totals."""

    quarter: str
    claims: list[SheetRow]
    by_office: list[OfficeTotal]
    by_mediator: list[MediatorTotal]
    total_cases: int
    total_amount: int
    example: bool  # some claim priced from the example scale: headed 示例标准，非正式数据
    heading: str


class ClaimItem(TypedDict):
    case_no: str
    mediation_case: str | None
    quarter: str
    date: str
    amount: int


FiguresJSON = TypedDict(
    "FiguresJSON",
    {
        "from": str,
        "to": str,
        "subsidy.cases": int,
        "subsidy.amount": int | None,
        "items": list[ClaimItem],
    },
)
