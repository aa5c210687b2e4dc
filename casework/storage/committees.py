"""People's mediation committees (人民调解委员会) and their members, dated.

A committee is guided by a judicial office (PML art. 5); a mediator belongs to one committee at
a time, and a move closes the old membership and opens a new one, both kept (PML art. 8 counts
members; a case keeps the committee that accepted it). Both tables are small (a few hundred
committees, a few thousand members), so a unit of work or a read loads them once, when first
asked, and a 10k-case simulation asks no query per step.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from casework.domain.committees import SEEDED_SINCE, MemberJSON, tj_code
from casework.storage.tables import committee_members, committees, offices, users

# The day casework's memberships and committees start when nobody recorded one (as in 0008).
EPOCH = SEEDED_SINCE


@dataclass(frozen=True)
class Committee:
    """A committee as stored (``workflows.spec.CommitteeView``)."""

    code: str
    name: str
    type: str
    subtype: str | None
    office: str
    town: str | None
    village: str | None
    mediator: str | None
    active_from: date
    active_to: date | None
    term_end: date

    def active_on(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


@dataclass(frozen=True)
class Membership:
    """A mediator's membership of a committee from a day, to a day (None: still)."""

    id: int
    username: str
    committee: str
    from_day: date
    to_day: date | None
    full_time: bool

    def on(self, day: date) -> bool:
        return self.from_day <= day and (self.to_day is None or day <= self.to_day)


# The committee's columns in the order of its fields: a row builds one by position, twice as fast
# as by name (each unit of work that asks reads the whole table, a few hundred rows, again).
COMMITTEE_COLUMNS = tuple(committees.c[f.name] for f in fields(Committee))
# The same for a membership (a unit of work of the demo reads every membership once).
MEMBER_COLUMNS = tuple(committee_members.c[f.name] for f in fields(Membership))


def tj_name(office_name: str) -> str:
    """``潘州街道司法所`` -> ``潘州街道人民调解委员会``."""
    return office_name.removesuffix("司法所") + "人民调解委员会"


def tj_type(office_name: str) -> str:
    """A subdistrict's (街道) committee is ``subdistrict``, a town's ``town``."""
    return "subdistrict" if "街道" in office_name else "town"


def term_end(active_from: date) -> date:
    """Three years on (PML art. 9: members serve three-year terms); 29 Feb -> 28 Feb."""
    try:
        return active_from.replace(year=active_from.year + 3)
    except ValueError:
        return active_from.replace(year=active_from.year + 3, day=28)


def town_committee_row(office: str, office_name: str, since: date = EPOCH) -> dict[str, Any]:
    """The row of a town office's own committee, as the migration and ``init`` seed it."""
    town = office_name.removesuffix("司法所")
    return {
        "code": tj_code(office),
        "name": tj_name(office_name),
        "type": tj_type(office_name),
        "subtype": None,
        "office": office,
        "town": town,
        "village": None,
        "mediator": None,
        "active_from": since,
        "active_to": None,
        "term_end": term_end(since),
    }


class Committees:
    """Committees and memberships over one connection, each table read once."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._committees: dict[str, Committee] | None = None
        self._members: dict[str, list[Membership]] | None = None
        self._names: dict[str, str] | None = None

    def forget(self) -> None:
        """Read the tables again (one was changed)."""
        self._committees = None
        self._members = None
        self._names = None

    def all(self) -> dict[str, Committee]:
        if self._committees is None:
            rows = self._conn.execute(select(*COMMITTEE_COLUMNS).order_by(committees.c.code))
            self._committees = {r.code: Committee(*r) for r in rows}
        return self._committees

    def get(self, code: str) -> Committee | None:
        return self.all().get(code)

    def memberships(self) -> dict[str, list[Membership]]:
        """Every membership by user, oldest first."""
        if self._members is None:
            query = select(*MEMBER_COLUMNS).order_by(
                committee_members.c.username, committee_members.c.from_day
            )
            known: dict[str, list[Membership]] = {}
            for r in self._conn.execute(query):
                known.setdefault(r.username, []).append(Membership(*r))
            self._members = known
        return self._members

    def of_user(self, username: str) -> list[Membership]:
        return self.memberships().get(username, [])

    def committee_of(self, username: str, day: date) -> str | None:
        found = next((m for m in self.of_user(username) if m.on(day)), None)
        return None if found is None else found.committee

    def members(self, code: str, day: date | None = None) -> list[Membership]:
        """A committee's memberships (on a day: those in force then)."""
        return [
            m
            for held in self.memberships().values()
            for m in held
            if m.committee == code and (day is None or m.on(day))
        ]

    def office_level(self, office: str) -> str | None:
        """An office's level (town, city), None for an unknown office."""
        row = self._conn.execute(select(offices.c.level).where(offices.c.code == office)).first()
        return None if row is None else str(row.level)

    def town_of(self, office: str) -> str | None:
        """The town a town office serves (``潘州街道`` of 潘州街道司法所), None for a city body."""
        query = select(offices.c.name, offices.c.level).where(offices.c.code == office)
        row = self._conn.execute(query).first()
        return None if row is None or row.level != "town" else row.name.removesuffix("司法所")

    def user_name(self, username: str) -> str | None:
        if self._names is None:
            rows = self._conn.execute(select(users.c.username, users.c.name))
            self._names = {r.username: r.name for r in rows}
        return self._names.get(username)

    # -- writes -----------------------------------------------------------------------------

    def add(self, row: dict[str, Any]) -> None:
        self.add_many([row])

    def add_many(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self._conn.execute(insert(committees), rows)
        if self._committees is None:
            return
        # the committees read stay read, the new ones read (an import adds one at a time)
        codes = [r["code"] for r in rows]
        query = select(*COMMITTEE_COLUMNS).where(committees.c.code.in_(codes))
        self._committees.update({r.code: Committee(*r) for r in self._conn.execute(query)})

    def join(self, username: str, committee: str, since: date, full_time: bool = False) -> None:
        row = {"username": username, "committee": committee, "from_day": since}
        done = self._conn.execute(insert(committee_members).values(**row, full_time=full_time))
        # The memberships read stay read, the new one added (many mediators added in one unit
        # of work would otherwise read every membership again each time).
        if self._members is not None:
            inserted = done.inserted_primary_key
            assert inserted is not None
            key = int(inserted[0])
            joined = Membership(key, username, committee, since, None, full_time)
            held = self._members.setdefault(username, [])
            held.append(joined)
            held.sort(key=lambda m: m.from_day)
        if self._names is not None and username not in self._names:  # a user added since
            query = select(users.c.name).where(users.c.username == username)
            self._names[username] = self._conn.execute(query).scalar_one()

    def seed_town(self, office: str, name: str, level: str) -> None:
        """A town office's own committee (``<office>-tj``), as migration 0008 seeds them."""
        if level == "town" and self.get(tj_code(office)) is None:
            self.add(town_committee_row(office, name))

    def join_own(self, username: str, office: str | None) -> None:
        """A mediator added as a user belongs to their office's own committee from the start,
        as migration 0008 made every mediator already in casework a member of it."""
        if office is not None and self.get(tj_code(office)) is not None:
            self.join(username, tj_code(office), EPOCH)

    def close(self, membership: Membership, last_day: date) -> None:
        """End a membership on its last day (a move opens the next one the day after)."""
        query = update(committee_members).where(committee_members.c.id == membership.id)
        self._conn.execute(query.values(to_day=last_day))
        self.forget()


def member_row(found: Committees, m: Membership) -> MemberJSON:
    """A membership as lists show it: the mediator's and the committee's names beside."""
    c = found.get(m.committee)
    return MemberJSON(
        username=m.username,
        name=found.user_name(m.username),
        committee=m.committee,
        committee_name=c.name if c else None,
        from_day=m.from_day.isoformat(),
        to_day=m.to_day.isoformat() if m.to_day else None,
        full_time=m.full_time,
    )


def day_before(day: date) -> date:
    return day - timedelta(days=1)
