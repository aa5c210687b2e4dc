"""The tables. Events are append-only; a case row holds the current state and a version."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import Table as SATable
from sqlmodel import Field, SQLModel

from casework.storage.handling import handling_office
from casework.storage.personal import BlindIndex, EventData, Sealed
from casework.storage.types import UTCDateTime, json_type


class Table(SQLModel):
    """Base of the tables: casework reads and writes them through SQLAlchemy Core and never
    validates a model instance, so pydantic builds no validator for them (cheaper start-up)."""

    model_config = {**SQLModel.model_config, "from_attributes": True, "defer_build": True}


class Office(Table, table=True):
    """A judicial office (司法所) or a city-level body."""

    __tablename__ = "offices"
    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    level: str = Field(max_length=10)  # town | city
    kind: str | None = Field(default=None, max_length=20)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class User(Table, table=True):
    """A person who acts in casework: one role, one office (none for a city-wide admin)."""

    __tablename__ = "users"
    username: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    role: str = Field(max_length=20)
    office_code: str | None = Field(default=None, foreign_key="offices.code", max_length=40)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Accounts (web.md): an argon2id hash only, never the password; none until an admin sets one.
    password_hash: str | None = Field(default=None, max_length=200)
    password_set_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    must_change: bool = Field(default=False)  # set by an admin's reset, cleared by the user
    failed_logins: int = Field(default=0)  # wrong passwords since the last success or lock
    locked_until: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    # Declared attributes (workflows.policy.USER_ATTRIBUTES), name to text; NULL: none.
    attributes: dict[str, str] | None = Field(
        default=None, sa_column=Column(json_type(), nullable=True)
    )


class AuthSession(Table, table=True):
    """A login session or an API token: only the SHA-256 of its secret is kept."""

    __tablename__ = "auth_sessions"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    username: str = Field(foreign_key="users.username", max_length=64, index=True)
    kind: str = Field(max_length=10)  # session | token
    scope: str = Field(max_length=10)  # read | write
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_seen_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    address: str | None = Field(default=None, max_length=100)
    agent: str | None = Field(default=None, max_length=500)
    name: str | None = Field(default=None, max_length=200)  # a token's name, given by its owner


class LoginLog(Table, table=True):
    """Every login, failure, lockout, logout and password change; rows are only ever added.
    The username is as typed (no FK): failures for unknown names are recorded too."""

    __tablename__ = "login_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    username: str = Field(max_length=64, index=True)
    outcome: str = Field(max_length=20)
    address: str | None = Field(default=None, max_length=100)
    agent: str | None = Field(default=None, max_length=500)
    detail: str | None = Field(default=None, max_length=500)


class AdminLog(Table, table=True):
    """An admin's act: on a user (added, password set, deactivation, role or office change, a
    session revoked), or any other change of reference data (offices, the holiday calendar, the
    subsidy scale, settings), written in the same transaction as the act. Entries are only
    ever appended (migration 0016's triggers), numbered 1..n and hash-chained in that order
    (casework.domain.hashing.admin_digest); ``before`` and ``after`` are the old and new value,
    from which casework.read.admin_audit replays the reference data."""

    __tablename__ = "admin_log"
    __table_args__ = (UniqueConstraint("seq", name="uq_admin_log_seq"),)
    id: int | None = Field(default=None, primary_key=True)
    seq: int
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    actor: str = Field(max_length=64)
    action: str = Field(max_length=40)
    target: str = Field(max_length=200)
    data: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_type(), nullable=False)
    )
    channel: str = Field(max_length=10)  # cli | api | web | init | migration | demo | tests
    os_user: str | None = Field(default=None, max_length=64)
    before: Any = Field(default=None, sa_column=Column("before", json_type(), nullable=True))
    after: Any = Field(default=None, sa_column=Column("after", json_type(), nullable=True))
    hash: str = Field(max_length=64)


class RevealLog(Table, table=True):
    """Every unmasked view (``--reveal``): who, when, which case, through what; rows are only
    ever added, each in its own write right after the read it records succeeded."""

    __tablename__ = "reveal_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    username: str = Field(max_length=64, index=True)
    case_no: str | None = Field(default=None, max_length=80)  # None: an export of many cases
    what: str = Field(max_length=40)  # case show | export
    detail: str | None = Field(default=None, max_length=500)
    channel: str = Field(max_length=10)  # cli | api | web
    os_user: str | None = Field(default=None, max_length=64)


class Case(Table, table=True):
    """A case: its number, procedure, office, current state and version."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_kind_state", "kind", "state"),
        Index("ix_cases_office_registered", "office_code", "registered_on"),
        Index("ix_cases_registered_on", "registered_on", "kind"),
        Index("ix_cases_kind_registered", "kind", "registered_on"),  # statistics
        # The last change of any case bounds the days the open-limits index answers for
        # (casework.storage.open_limits.answers_on); changed cases since an anchor.
        Index("ix_cases_updated_at", "updated_at"),
        Index("ix_cases_registered_at", "registered_at", "id"),  # listings, newest first
        # A town's listing, newest first: its own cases, then those assigned to it (below).
        Index("ix_cases_office_registered_at", "office_code", "registered_at", "id"),
        UniqueConstraint("kind", "office_code", "ref", name="uq_cases_ref"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_no: str = Field(max_length=80, unique=True)
    kind: str = Field(max_length=40)
    office_code: str = Field(foreign_key="offices.code", max_length=40)
    year: int
    seq: int
    title: str = Field(max_length=500)
    state: str = Field(max_length=40)
    version: int = Field(default=1)
    data: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_type(), nullable=False)
    )
    registered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    registered_on: date
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: str = Field(max_length=64)
    head_hash: str | None = Field(default=None, max_length=64)  # the last event's hash
    # A caller's idempotency key: registering again with the same ref returns this case.
    ref: str | None = Field(default=None, max_length=200)
    # The screening entry (矛盾纠纷排查) that found the dispute, copied from the case's data at
    # registration so the entry's cases are one indexed query (no FK: entries are never deleted).
    screening_id: int | None = Field(default=None, index=True)


class Event(Table, table=True):
    """One step of a case's history, written once and never changed."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),
        UniqueConstraint("case_id", "ref", name="uq_events_case_ref"),
        Index("ix_events_trigger_on", "trigger", "occurred_on", "case_id"),
        Index("ix_events_to_state_on", "to_state", "occurred_on", "case_id"),  # statistics
        Index("ix_events_case_trigger", "case_id", "trigger", "seq"),  # duties met (may_run)
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    seq: int
    trigger: str = Field(max_length=40)
    from_state: str | None = Field(default=None, max_length=40)
    to_state: str = Field(max_length=40)
    actor: str = Field(max_length=64)
    actor_role: str = Field(max_length=20)
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    occurred_on: date
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    # A correction's old and new ID numbers and phones sealed (casework.storage.personal).
    data: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(EventData(), nullable=False)
    )
    hash: str = Field(max_length=64)  # see casework.domain.hashing
    ref: str | None = Field(default=None, max_length=200)  # idempotency key within the case
    # Where the step came from (web | api | cli | import) and, for the direct CLI, the OS
    # account; NULL on events older than migration 0012. Outside the hash (domain.hashing).
    channel: str | None = Field(default=None, max_length=10)
    os_user: str | None = Field(default=None, max_length=64)


class Party(Table, table=True):
    """A party to a case; ID number and phone are personal data, masked on output, sealed at
    rest and found by their blind index (casework.storage.personal, migration 0013)."""

    __tablename__ = "parties"
    # Repeat detection finds a person by name and phone where an ID number is missing.
    __table_args__ = (
        Index("ix_parties_name_phone_index", "name", "phone_index"),
        Index("ix_parties_name_case", "name", "case_id"),  # a search by name: its cases
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    ord: int
    role: str = Field(max_length=20)
    name: str = Field(max_length=200)
    id_number: str | None = Field(
        default=None, sa_column=Column(Sealed("id_number"), nullable=True)
    )
    phone: str | None = Field(default=None, sa_column=Column(Sealed("phone"), nullable=True))
    # Written and compared as the clear value, stored as its keyed hash.
    id_number_index: str | None = Field(
        default=None, sa_column=Column(BlindIndex("id_number"), nullable=True, index=True)
    )
    phone_index: str | None = Field(
        default=None, sa_column=Column(BlindIndex("phone"), nullable=True)
    )


class CaseLink(Table, table=True):
    """A directed link between two cases (escalated_to, escalated_from, same_matter)."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("case_id", "other_case_id", "kind", name="uq_case_links"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    other_case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str = Field(max_length=30)


class Document(Table, table=True):
    """A document of a case file (卷宗), with the event that recorded it."""

    __tablename__ = "documents"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    event_seq: int
    kind: str = Field(max_length=30)
    file_name: str | None = Field(default=None, max_length=255)
    sha256: str | None = Field(default=None, max_length=64)
    actor: str = Field(max_length=64)
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CaseCounter(Table, table=True):
    """The last case number handed out per prefix, office and year; numbers are never reused."""

    __tablename__ = "case_counters"
    prefix: str = Field(primary_key=True, max_length=8)
    office_code: str = Field(primary_key=True, max_length=40)
    year: int = Field(primary_key=True)
    last_seq: int


class CalendarYear(Table, table=True):
    """A year whose holiday arrangement comes from a holiday file an admin added."""

    __tablename__ = "calendar_years"
    year: int = Field(primary_key=True)
    source: str = Field(max_length=255)
    sha256: str = Field(max_length=64)
    added_by: str = Field(max_length=64)
    added_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CalendarDay(Table, table=True):
    """A statutory rest day or make-up working day from an added holiday file."""

    __tablename__ = "calendar_days"
    day: date = Field(primary_key=True)
    kind: str = Field(max_length=10)  # holiday | workday
    name: str = Field(default="", max_length=100)


class SubsidyScale(Table, table=True):
    """One tier's amount in the 以案定补 scale, in force from a date until a later entry."""

    __tablename__ = "subsidy_scale"
    __table_args__ = (UniqueConstraint("effective_from", "tier", name="uq_subsidy_scale"),)
    id: int | None = Field(default=None, primary_key=True)
    effective_from: date
    tier: str = Field(max_length=30)
    label: str = Field(max_length=50)
    amount: int  # yuan
    example: bool = Field(default=False)
    set_by: str = Field(max_length=64)
    set_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Setting(Table, table=True):
    """A dated setting of local practice, such as when oral agreements began to count."""

    __tablename__ = "settings"
    key: str = Field(primary_key=True, max_length=80)
    value: str = Field(max_length=200)
    set_by: str = Field(max_length=64)
    set_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ConfigValue(Table, table=True):
    """One value of a dated setting ([cfg] in the spec), in force from a day until a later
    entry; entries are never changed or removed, so the history of a setting stays."""

    __tablename__ = "config_values"
    __table_args__ = (Index("ix_config_values_key", "key", "effective_from"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    effective_from: date
    value: str = Field(max_length=2000)
    set_by: str = Field(max_length=64)
    set_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    note: str | None = Field(default=None, max_length=500)


class Screening(Table, table=True):
    """A dispute screening (矛盾纠纷排查): a ledger entry, not a workflow."""

    __tablename__ = "screenings"
    __table_args__ = (Index("ix_screenings_day_office", "day", "office_code"),)
    id: int | None = Field(default=None, primary_key=True)
    office_code: str = Field(foreign_key="offices.code", max_length=40)
    day: date
    kind: str = Field(max_length=10)  # routine | special
    campaign: str | None = Field(default=None, max_length=200)
    found: int
    prevented: int
    note: str | None = Field(default=None, sa_column=Column(Text(), nullable=True))
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ref: str | None = Field(default=None, max_length=200, unique=True)
    committee: str | None = Field(default=None, max_length=40)  # the committee that screened


class ScreeningMeasure(Table, table=True):
    """A prevention measure (防激化, 人民调解法 art. 25) an entry records: 件 and 人 of one kind."""

    __tablename__ = "screening_measures"
    id: int | None = Field(default=None, primary_key=True)
    screening_id: int = Field(foreign_key="screenings.id", index=True)
    kind: str = Field(max_length=20)  # criminal | group_petition | group_fight | suicide
    cases: int
    people: int


class ScreeningCampaign(Table, table=True):
    """A special screening campaign (专项排查), whose dates hold its entries."""

    __tablename__ = "screening_campaigns"
    code: str = Field(primary_key=True, max_length=200)
    name: str = Field(max_length=200)
    from_day: date
    to_day: date
    pandemic: bool = Field(default=False)  # a pandemic campaign (疫情专项排查)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Committee(Table, table=True):
    """A people's mediation committee (人民调解委员会, PML art. 8), guided by a judicial office
    (PML art. 5); its members serve three-year terms (PML art. 9)."""

    __tablename__ = "committees"
    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    type: str = Field(max_length=20)
    subtype: str | None = Field(default=None, max_length=20)
    office: str = Field(foreign_key="offices.code", max_length=40)  # the guiding office
    town: str | None = Field(default=None, max_length=200)
    village: str | None = Field(default=None, max_length=200)
    mediator: str | None = Field(default=None, max_length=64)  # a studio's named mediator
    active_from: date
    active_to: date | None = Field(default=None)
    term_end: date


class CommitteeMember(Table, table=True):
    """A mediator's membership of a committee, from a day to a day (moves are kept)."""

    __tablename__ = "committee_members"
    __table_args__ = (Index("ix_committee_members_user", "username", "from_day"),)
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(foreign_key="users.username", max_length=64)
    committee: str = Field(foreign_key="committees.code", max_length=40)
    from_day: date
    to_day: date | None = Field(default=None)
    full_time: bool = Field(default=False)


class PublishedFigures(Table, table=True):
    """One version of a period's published figures (公布数, issue 17 point 8): frozen as they
    were computed, with who published them, when, under which procedures and over which inputs.
    Rows are only ever added (migration 0019's triggers): a revision is a new version that
    ``supersedes`` the one before, which stays readable."""

    __tablename__ = "published_figures"
    __table_args__ = (
        UniqueConstraint("period", "by", "version", name="uq_published_figures_version"),
    )
    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(max_length=10)  # 2020-11 | 2020Q4 | 2020
    by: str = Field(default="", max_length=20)  # the grouping; "" for none
    version: int
    published_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    published_by: str = Field(max_length=64)
    reason: str | None = Field(default=None, max_length=20)  # None for version 1
    procedure_versions: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_type(), nullable=False)
    )
    inputs_hash: str = Field(max_length=64)
    figures: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_type(), nullable=False)
    )
    supersedes: int | None = Field(default=None)  # the id of the version it revises


class OpenLimit(Table, table=True):
    """A limit running for a case from its last step on (issue 18 point 1): derived from the
    case's events by the transaction that writes them (casework.storage.open_limits), so that
    what falls due on a day is one indexed query; ``audit verify`` checks it against a replay.
    ``shown`` holds what a listing prints of the limit and does not change with the day."""

    __tablename__ = "open_limits"
    __table_args__ = (Index("ix_open_limits_binds_day", "binds", "last_day", "case_id"),)
    # No foreign key: derived rows never hold a case's row in place (an insider's deletion of
    # a case is found by ``audit verify``; listings join the case and ignore a stray row).
    case_id: int = Field(primary_key=True)
    ord: int = Field(primary_key=True)
    state: str = Field(max_length=40)
    binds: str = Field(max_length=20)
    bound_office: str = Field(max_length=200)
    # None while a pause is open, or when the last day waits for a holiday arrangement.
    last_day: date | None = Field(default=None)
    shown: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(json_type(), nullable=False)
    )


class DerivedBuild(Table, table=True):
    """When a derived table (``open_limits``) was last built in full from the events: a
    database upgraded from before it is read from the events until ``casework init`` builds it."""

    __tablename__ = "derived_builds"
    name: str = Field(primary_key=True, max_length=40)
    built_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


offices = Office.__table__  # type: ignore[attr-defined]
# The cases assigned to an office (派单), newest first: a town's listing seeks them here.
Index(
    "ix_cases_handling_registered_at",
    handling_office(Case.__table__.c.data),  # type: ignore[attr-defined]
    Case.__table__.c.registered_at,  # type: ignore[attr-defined]
    Case.__table__.c.id,  # type: ignore[attr-defined]
)
users = User.__table__  # type: ignore[attr-defined]
cases = Case.__table__  # type: ignore[attr-defined]
events = Event.__table__  # type: ignore[attr-defined]
parties = Party.__table__  # type: ignore[attr-defined]
case_links = CaseLink.__table__  # type: ignore[attr-defined]
documents = Document.__table__  # type: ignore[attr-defined]
case_counters = CaseCounter.__table__  # type: ignore[attr-defined]
calendar_years = CalendarYear.__table__  # type: ignore[attr-defined]
calendar_days = CalendarDay.__table__  # type: ignore[attr-defined]
subsidy_scale = SubsidyScale.__table__  # type: ignore[attr-defined]
settings = Setting.__table__  # type: ignore[attr-defined]
screenings = Screening.__table__  # type: ignore[attr-defined]
screening_measures = ScreeningMeasure.__table__  # type: ignore[attr-defined]
screening_campaigns = ScreeningCampaign.__table__  # type: ignore[attr-defined]
config_values = ConfigValue.__table__  # type: ignore[attr-defined]
committees = Committee.__table__  # type: ignore[attr-defined]
committee_members = CommitteeMember.__table__  # type: ignore[attr-defined]
auth_sessions = AuthSession.__table__  # type: ignore[attr-defined]
login_log = LoginLog.__table__  # type: ignore[attr-defined]
admin_log = AdminLog.__table__  # type: ignore[attr-defined]
reveal_log = RevealLog.__table__  # type: ignore[attr-defined]
published_figures = PublishedFigures.__table__  # type: ignore[attr-defined]
metadata = SQLModel.metadata

# What a case's history is read as, in this order: the columns a step's hash covers and the
# ones beside them (the ref a keyed step was taken under). Storage reads them back into the
# model's events, the audit into its stream.
EVENT_HISTORY_COLUMNS = (
    events.c.seq,
    events.c.trigger,
    events.c.from_state,
    events.c.to_state,
    events.c.actor,
    events.c.actor_role,
    events.c.occurred_at,
    events.c.occurred_on,
    events.c.recorded_at,
    events.c.note,
    events.c.data,
    events.c.hash,
    events.c.ref,
)
open_limits = OpenLimit.__table__  # type: ignore[attr-defined]
derived_builds = DerivedBuild.__table__  # type: ignore[attr-defined]

# The statistics roll-ups (issue 18 point 4, casework.storage.rollups): plain Core tables, as
# they hold derived rows no model reads. No foreign key, as for ``open_limits``.
stat_items = SATable(
    "stat_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, nullable=False),
    Column("source", String(120), nullable=False),
    Column("part", String(120), nullable=False),
    Column("day", Date, nullable=False),
    Column("office", String(40), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("value", Integer, nullable=False),
    # A cohort's part: the periods whose last day falls from ``valid_from`` to before
    # ``valid_to`` (casework.read.cohort_rollups); None for the other sources' items.
    Column("valid_from", Date, nullable=True),
    Column("valid_to", Date, nullable=True),
    # A lapse (casework.read.lapsed): only the periods beginning after the case's lapse before.
    Column("prior", Date, nullable=True),
    Index(
        "ix_stat_items_source_day",
        *("source", "part", "day", "office", "value", "valid_from", "valid_to", "prior"),
    ),
    Index("ix_stat_items_case", "case_id"),
)
# The cases changed since their items were last computed: a step marks its case in its own
# transaction, the next statistics computes its items again and takes the mark away.
stat_dirty = SATable(
    "stat_dirty",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, nullable=False),
)
