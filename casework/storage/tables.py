"""The tables. Events are append-only; a case row holds the current state and a version.

They are SQLAlchemy Core tables: casework reads and writes them through Core and never makes a
model instance, and declaring them as SQLModel classes cost every command that opens the
database about 45 ms at import (pydantic's field collection and SQLAlchemy's ORM mapping of 25
classes, plus importing ``sqlalchemy.orm`` and pydantic at all; issue 18). The columns, types,
nullability, Python-side defaults, keys, indexes and constraint names are those the SQLModel
classes made (the schema itself is built by the migrations; these describe it to queries).
A column is NOT NULL unless it says ``nullable=True``, as a field not typed ``X | None`` was.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeEngine

from casework.storage.handling import handling_office
from casework.storage.personal import BlindIndex, EventData, Sealed
from casework.storage.types import UTCDateTime, json_type

metadata = MetaData()


def serial() -> Column[Any]:
    """An integer key the database numbers."""
    return Column("id", Integer, primary_key=True)


def string(
    name: str, length: int, *fk: ForeignKey, nullable: bool = False, **kw: Any
) -> Column[Any]:
    return Column(name, String(length), *fk, nullable=nullable, **kw)


def integer(name: str, *fk: ForeignKey, nullable: bool = False, **kw: Any) -> Column[Any]:
    return Column(name, Integer, *fk, nullable=nullable, **kw)


def day(name: str, nullable: bool = False, **kw: Any) -> Column[Any]:
    return Column(name, Date, nullable=nullable, **kw)


def flag(name: str, default: bool) -> Column[Any]:
    return Column(name, Boolean, nullable=False, default=default)


def instant(name: str, nullable: bool = False, **kw: Any) -> Column[Any]:
    return Column(name, UTCDateTime(), nullable=nullable, **kw)


def typed(name: str, kind: TypeEngine[Any], nullable: bool = False, **kw: Any) -> Column[Any]:
    """A column of one of casework's own types (JSON, sealed values, long text)."""
    return Column(name, kind, nullable=nullable, **kw)


# A judicial office (司法所) or a city-level body.
offices = Table(
    "offices",
    metadata,
    string("code", 40, primary_key=True),
    string("name", 200),
    string("level", 10),  # town | city
    string("kind", 20, nullable=True),
    instant("created_at"),
)

# A person who acts in casework: one role, one office (none for a city-wide admin).
users = Table(
    "users",
    metadata,
    string("username", 64, primary_key=True),
    string("name", 200),
    string("role", 20),
    string("office_code", 40, ForeignKey("offices.code"), nullable=True),
    flag("active", True),
    instant("created_at"),
    # Accounts (web.md): an argon2id hash only, never the password; none until an admin sets one.
    string("password_hash", 200, nullable=True),
    instant("password_set_at", nullable=True),
    flag("must_change", False),  # set by an admin's reset, cleared by the user
    integer("failed_logins", default=0),  # wrong passwords since the last success or lock
    instant("locked_until", nullable=True),
    # Declared attributes (workflows.policy.USER_ATTRIBUTES), name to text; NULL: none.
    typed("attributes", json_type(), nullable=True),
)

# A login session or an API token: only the SHA-256 of its secret is kept.
auth_sessions = Table(
    "auth_sessions",
    metadata,
    serial(),
    string("token_hash", 64, unique=True),
    string("username", 64, ForeignKey("users.username"), index=True),
    string("kind", 10),  # session | token
    string("scope", 10),  # read | write
    instant("created_at"),
    instant("last_seen_at"),
    instant("expires_at"),
    instant("revoked_at", nullable=True),
    string("address", 100, nullable=True),
    string("agent", 500, nullable=True),
    string("name", 200, nullable=True),  # a token's name, given by its owner
)

# Every login, failure, lockout, logout and password change; rows are only ever added.
# The username is as typed (no FK): failures for unknown names are recorded too.
login_log = Table(
    "login_log",
    metadata,
    serial(),
    instant("at", index=True),
    string("username", 64, index=True),
    string("outcome", 20),
    string("address", 100, nullable=True),
    string("agent", 500, nullable=True),
    string("detail", 500, nullable=True),
)

# An admin's act: on a user (added, password set, deactivation, role or office change, a
# session revoked), or any other change of reference data (offices, the holiday calendar, the
# subsidy scale, settings), written in the same transaction as the act. Entries are only ever
# appended (migration 0016's triggers), numbered 1..n and hash-chained in that order
# (casework.domain.hashing.admin_digest); ``before`` and ``after`` are the old and new value,
# from which casework.read.admin_audit replays the reference data.
admin_log = Table(
    "admin_log",
    metadata,
    serial(),
    integer("seq"),
    instant("at", index=True),
    string("actor", 64),
    string("action", 40),
    string("target", 200),
    typed("data", json_type()),
    string("channel", 10),  # cli | api | web | init | migration | demo | tests
    string("os_user", 64, nullable=True),
    typed("before", json_type(), nullable=True),
    typed("after", json_type(), nullable=True),
    string("hash", 64),
    UniqueConstraint("seq", name="uq_admin_log_seq"),
)

# Every unmasked view (``--reveal``): who, when, which case, through what; rows are only ever
# added, each in its own write right after the read it records succeeded.
reveal_log = Table(
    "reveal_log",
    metadata,
    serial(),
    instant("at", index=True),
    string("username", 64, index=True),
    string("case_no", 80, nullable=True),  # None: an export of many cases
    string("what", 40),  # case show | export
    string("detail", 500, nullable=True),
    string("channel", 10),  # cli | api | web
    string("os_user", 64, nullable=True),
)

# A case: its number, procedure, office, current state and version.
cases = Table(
    "cases",
    metadata,
    serial(),
    string("case_no", 80, unique=True),
    string("kind", 40),
    string("office_code", 40, ForeignKey("offices.code")),
    integer("year"),
    integer("seq"),
    string("title", 500),
    string("state", 40),
    integer("version", default=1),
    typed("data", json_type()),
    instant("registered_at"),
    day("registered_on"),
    instant("recorded_at"),
    instant("updated_at"),
    string("created_by", 64),
    string("head_hash", 64, nullable=True),  # the last event's hash
    # A caller's idempotency key: registering again with the same ref returns this case.
    string("ref", 200, nullable=True),
    # The screening entry (矛盾纠纷排查) that found the dispute, copied from the case's data at
    # registration so the entry's cases are one indexed query (no FK: entries are never deleted).
    integer("screening_id", nullable=True, index=True),
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
# The cases assigned to an office (派单), newest first: a town's listing seeks them here.
Index(
    "ix_cases_handling_registered_at",
    handling_office(cases.c.data),
    cases.c.registered_at,
    cases.c.id,
)

# One step of a case's history, written once and never changed.
events = Table(
    "events",
    metadata,
    serial(),
    integer("case_id", ForeignKey("cases.id")),
    integer("seq"),
    string("trigger", 40),
    string("from_state", 40, nullable=True),
    string("to_state", 40),
    string("actor", 64),
    string("actor_role", 20),
    instant("occurred_at"),
    day("occurred_on"),
    instant("recorded_at"),
    typed("note", Text(), nullable=True),
    # A correction's old and new ID numbers and phones sealed (casework.storage.personal).
    typed("data", EventData()),
    string("hash", 64),  # see casework.domain.hashing
    string("ref", 200, nullable=True),  # idempotency key within the case
    # Where the step came from (web | api | cli | import) and, for the direct CLI, the OS
    # account; NULL on events older than migration 0012. Outside the hash (domain.hashing).
    string("channel", 10, nullable=True),
    string("os_user", 64, nullable=True),
    UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),
    UniqueConstraint("case_id", "ref", name="uq_events_case_ref"),
    Index("ix_events_trigger_on", "trigger", "occurred_on", "case_id"),
    Index("ix_events_to_state_on", "to_state", "occurred_on", "case_id"),  # statistics
    Index("ix_events_case_trigger", "case_id", "trigger", "seq"),  # duties met (may_run)
)

# A party to a case; ID number and phone are personal data, masked on output, sealed at rest
# and found by their blind index (casework.storage.personal, migration 0013).
parties = Table(
    "parties",
    metadata,
    serial(),
    integer("case_id", ForeignKey("cases.id"), index=True),
    integer("ord"),
    string("role", 20),
    string("name", 200),
    typed("id_number", Sealed("id_number"), nullable=True),
    typed("phone", Sealed("phone"), nullable=True),
    # Written and compared as the clear value, stored as its keyed hash.
    typed("id_number_index", BlindIndex("id_number"), nullable=True, index=True),
    typed("phone_index", BlindIndex("phone"), nullable=True),
    # Repeat detection finds a person by name and phone where an ID number is missing.
    Index("ix_parties_name_phone_index", "name", "phone_index"),
    Index("ix_parties_name_case", "name", "case_id"),  # a search by name: its cases
)

# A directed link between two cases (escalated_to, escalated_from, same_matter).
case_links = Table(
    "case_links",
    metadata,
    serial(),
    integer("case_id", ForeignKey("cases.id"), index=True),
    integer("other_case_id", ForeignKey("cases.id"), index=True),
    string("kind", 30),
    UniqueConstraint("case_id", "other_case_id", "kind", name="uq_case_links"),
)

# A document of a case file (卷宗), with the event that recorded it.
documents = Table(
    "documents",
    metadata,
    serial(),
    integer("case_id", ForeignKey("cases.id"), index=True),
    integer("event_seq"),
    string("kind", 30),
    string("file_name", 255, nullable=True),
    string("sha256", 64, nullable=True),
    string("actor", 64),
    instant("occurred_at"),
    instant("recorded_at"),
)

# The last case number handed out per prefix, office and year; numbers are never reused.
case_counters = Table(
    "case_counters",
    metadata,
    string("prefix", 8, primary_key=True),
    string("office_code", 40, primary_key=True),
    integer("year", primary_key=True),
    integer("last_seq"),
)

# A year whose holiday arrangement comes from a holiday file an admin added.
calendar_years = Table(
    "calendar_years",
    metadata,
    integer("year", primary_key=True),
    string("source", 255),
    string("sha256", 64),
    string("added_by", 64),
    instant("added_at"),
)

# A statutory rest day or make-up working day from an added holiday file.
calendar_days = Table(
    "calendar_days",
    metadata,
    day("day", primary_key=True),
    string("kind", 10),  # holiday | workday
    string("name", 100, default=""),
)

# One tier's amount in the 以案定补 scale, in force from a date until a later entry.
subsidy_scale = Table(
    "subsidy_scale",
    metadata,
    serial(),
    day("effective_from"),
    string("tier", 30),
    string("label", 50),
    integer("amount"),  # yuan
    flag("example", False),
    string("set_by", 64),
    instant("set_at"),
    UniqueConstraint("effective_from", "tier", name="uq_subsidy_scale"),
)

# A dated setting of local practice, such as when oral agreements began to count.
settings = Table(
    "settings",
    metadata,
    string("key", 80, primary_key=True),
    string("value", 200),
    string("set_by", 64),
    instant("set_at"),
)

# One value of a dated setting ([cfg] in the spec), in force from a day until a later entry;
# entries are never changed or removed, so the history of a setting stays.
config_values = Table(
    "config_values",
    metadata,
    serial(),
    string("key", 200),
    day("effective_from"),
    string("value", 2000),
    string("set_by", 64),
    instant("set_at"),
    string("note", 500, nullable=True),
    Index("ix_config_values_key", "key", "effective_from"),
)

# A dispute screening (矛盾纠纷排查): a ledger entry, not a workflow.
screenings = Table(
    "screenings",
    metadata,
    serial(),
    string("office_code", 40, ForeignKey("offices.code")),
    day("day"),
    string("kind", 10),  # routine | special
    string("campaign", 200, nullable=True),
    integer("found"),
    integer("prevented"),
    typed("note", Text(), nullable=True),
    string("recorded_by", 64),
    instant("recorded_at"),
    string("ref", 200, nullable=True, unique=True),
    string("committee", 40, nullable=True),  # the committee that screened
    Index("ix_screenings_day_office", "day", "office_code"),
)

# A prevention measure (防激化, 人民调解法 art. 25) an entry records: 件 and 人 of one kind.
screening_measures = Table(
    "screening_measures",
    metadata,
    serial(),
    integer("screening_id", ForeignKey("screenings.id"), index=True),
    string("kind", 20),  # criminal | group_petition | group_fight | suicide
    integer("cases"),
    integer("people"),
)

# A special screening campaign (专项排查), whose dates hold its entries.
screening_campaigns = Table(
    "screening_campaigns",
    metadata,
    string("code", 200, primary_key=True),
    string("name", 200),
    day("from_day"),
    day("to_day"),
    flag("pandemic", False),  # a pandemic campaign (疫情专项排查)
    string("created_by", 64),
    instant("created_at"),
)

# A people's mediation committee (人民调解委员会, PML art. 8), guided by a judicial office
# (PML art. 5); its members serve three-year terms (PML art. 9).
committees = Table(
    "committees",
    metadata,
    string("code", 40, primary_key=True),
    string("name", 200),
    string("type", 20),
    string("subtype", 20, nullable=True),
    string("office", 40, ForeignKey("offices.code")),  # the guiding office
    string("town", 200, nullable=True),
    string("village", 200, nullable=True),
    string("mediator", 64, nullable=True),  # a studio's named mediator
    day("active_from"),
    day("active_to", nullable=True),
    day("term_end"),
)

# A mediator's membership of a committee, from a day to a day (moves are kept).
committee_members = Table(
    "committee_members",
    metadata,
    serial(),
    string("username", 64, ForeignKey("users.username")),
    string("committee", 40, ForeignKey("committees.code")),
    day("from_day"),
    day("to_day", nullable=True),
    flag("full_time", False),
    Index("ix_committee_members_user", "username", "from_day"),
)

# One version of a period's published figures (公布数, issue 17 point 8): frozen as they were
# computed, with who published them, when, under which procedures and over which inputs. Rows
# are only ever added (migration 0019's triggers): a revision is a new version that
# ``supersedes`` the one before, which stays readable.
published_figures = Table(
    "published_figures",
    metadata,
    serial(),
    string("period", 10),  # 2020-11 | 2020Q4 | 2020
    string("by", 20, default=""),  # the grouping; "" for none
    integer("version"),
    instant("published_at"),
    string("published_by", 64),
    string("reason", 20, nullable=True),  # None for version 1
    typed("procedure_versions", json_type()),
    string("inputs_hash", 64),
    typed("figures", json_type()),
    integer("supersedes", nullable=True),  # the id of the version it revises
    UniqueConstraint("period", "by", "version", name="uq_published_figures_version"),
)

# A limit running for a case from its last step on (issue 18 point 1): derived from the case's
# events by the transaction that writes them (casework.storage.open_limits), so that what falls
# due on a day is one indexed query; ``audit verify`` checks it against a replay. ``shown``
# holds what a listing prints of the limit and does not change with the day.
open_limits = Table(
    "open_limits",
    metadata,
    # No foreign key: derived rows never hold a case's row in place (an insider's deletion of
    # a case is found by ``audit verify``; listings join the case and ignore a stray row).
    integer("case_id", primary_key=True),
    integer("ord", primary_key=True),
    string("state", 40),
    string("binds", 20),
    string("bound_office", 200),
    # None while a pause is open, or when the last day waits for a holiday arrangement.
    day("last_day", nullable=True),
    typed("shown", json_type()),
    Index("ix_open_limits_binds_day", "binds", "last_day", "case_id"),
)

# When a derived table (``open_limits``) was last built in full from the events: a database
# upgraded from before it is read from the events until ``casework init`` builds it.
derived_builds = Table(
    "derived_builds",
    metadata,
    string("name", 40, primary_key=True),
    instant("built_at"),
)

# The statistics roll-ups (issue 18 point 4, casework.storage.rollups): each case's items of
# the figures whose items do not depend on the period asked for, or say for which periods they
# count. No foreign key, as for ``open_limits``.
stat_items = Table(
    "stat_items",
    metadata,
    serial(),
    integer("case_id"),
    string("source", 120),
    string("part", 120),
    day("day"),
    string("office", 40),
    string("kind", 40),
    integer("value"),
    # A cohort's part: the periods whose last day falls from ``valid_from`` to before
    # ``valid_to`` (casework.read.cohort_rollups); None for the other sources' items.
    day("valid_from", nullable=True),
    day("valid_to", nullable=True),
    # A lapse (casework.read.lapsed): only the periods beginning after the case's lapse before.
    day("prior", nullable=True),
    Index(
        "ix_stat_items_source_day",
        *("source", "part", "day", "office", "value", "valid_from", "valid_to", "prior"),
    ),
    Index("ix_stat_items_case", "case_id"),
)
# The cases changed since their items were last computed: a step marks its case in its own
# transaction, the next statistics computes its items again and takes the mark away.
stat_dirty = Table(
    "stat_dirty",
    metadata,
    serial(),
    integer("case_id"),
)

# What the limits read of an event (workflows.spec.EventView), in this order: the deadline
# listings and the open-limits index read no more of the history (actor, note and hash are
# neither read nor converted).
EVENT_VIEW_COLUMNS = (
    events.c.seq,
    events.c.trigger,
    events.c.from_state,
    events.c.to_state,
    events.c.occurred_at,
    events.c.occurred_on,
    events.c.data,
)
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
