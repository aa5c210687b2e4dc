"""Who is acting, and what their role and office let them do."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from casework.errors import NotAllowed, NotFound
from casework.storage.tables import offices, users
from workflows.spec import ROLES, TriggerSpec


@dataclass(frozen=True)
class Actor:
    username: str
    name: str
    role: str
    office_code: str | None
    office_level: str  # "city" for city-level offices and for an admin without an office

    @property
    def city_wide(self) -> bool:
        """City-level users and admins see and act on every office's cases."""
        return self.role == "admin" or self.office_level == "city"

    @property
    def roles(self) -> frozenset[str]:
        """The roles this user acts in: an admin may do whatever a supervisor may."""
        return frozenset({self.role, "supervisor"} if self.role == "admin" else {self.role})

    def describe(self) -> str:
        where = self.office_code or "city-wide"
        return f"{self.username} ({self.role} {ROLES.get(self.role, '')}, {where})"


# Built once: every command that changes data starts by loading its actor.
_LOAD_ACTOR = (
    select(
        users.c.username,
        users.c.name,
        users.c.role,
        users.c.office_code,
        users.c.active,
        offices.c.level,
    )
    .select_from(users.outerjoin(offices, users.c.office_code == offices.c.code))
    .where(users.c.username == bindparam("username"))
)


def load_actor(conn: Connection, username: str | None) -> Actor:
    """The acting user, or a refusal when none was named or it is unknown or inactive."""
    if not username:
        raise NotAllowed("this command changes data: name the acting user with --as USERNAME")
    row = conn.execute(_LOAD_ACTOR, {"username": username}).first()
    if row is None:
        raise NotFound(f"unknown user {username!r}")
    if not row.active:
        raise NotAllowed(f"user {username!r} is deactivated")
    return Actor(row.username, row.name, row.role, row.office_code, row.level or "city")


def check_office(actor: Actor, office_code: str, what: str) -> None:
    """A town-level user acts only on their own office's cases."""
    if not actor.city_wide and actor.office_code != office_code:
        raise NotAllowed(
            f"{what} belongs to office {office_code}; user {actor.username} "
            f"({actor.office_code}) may act only on {actor.office_code}'s cases"
        )


def office_scope(
    conn: Connection, actor: Actor | None, office: str | None, what: str
) -> str | None:
    """The one office a listing covers: the office asked for (which must exist and be the
    actor's to see), else a town user's own office, else None for every office."""
    if office is not None:
        if conn.execute(select(offices.c.code).where(offices.c.code == office)).first() is None:
            raise NotFound(f"unknown office {office[:40]!r}")
        if actor is not None and not actor.city_wide and actor.office_code != office:
            raise NotAllowed(
                f"{what} belong to office {office}; user {actor.username} "
                f"({actor.office_code}) sees only {actor.office_code}'s"
            )
        return office
    if actor is not None and not actor.city_wide:
        return actor.office_code
    return None


def may_fire(actor: Actor, trig: TriggerSpec, case_office: str) -> str | None:
    """Why this user may not fire the trigger on a case of this office, or None when they may.

    The general rule that town users act only on their own office is checked separately.
    """
    if not actor.roles & set(trig.roles):
        need = " or ".join(trig.roles)
        return f"needs role {need}; user {actor.username} is {actor.role}"
    if actor.role == "admin":
        return None
    if trig.city_only and not actor.city_wide:
        return f"needs a city-level office; user {actor.username} is at {actor.office_code}"
    if trig.own_office_only and actor.office_code != case_office:
        return (
            f"is for the case's own office {case_office}; user {actor.username} is at "
            f"{actor.office_code}"
        )
    if trig.offices and actor.office_code not in trig.offices:
        return (
            f"is for {' or '.join(trig.offices)}; user {actor.username} is at {actor.office_code}"
        )
    return None


def require_admin(actor: Actor, what: str) -> None:
    if actor.role != "admin":
        raise NotAllowed(f"{what} is for admins; user {actor.username} is {actor.role}")
