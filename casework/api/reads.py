"""Reading cases, listings, the procedures, the directory and the history's audit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date
from typing import TYPE_CHECKING

from casework.api.base import Base
from casework.api.reveals import recorded

if TYPE_CHECKING:
    from casework.domain.model import Actor
    from casework.read.anchor import AnchorJSON
    from casework.read.config import SettingJSON
    from casework.read.shapes import (
        BackupJSON,
        CalendarCoverage,
        CaseJSON,
        CaseRow,
        DueRow,
        EventJSON,
        OfficeJSON,
        UserJSON,
        VerifyJSON,
        WorkflowJSON,
    )
    from casework.time.calendar import Calendar


class Reads(Base):
    """What casework shows: cases, what is due, procedures, the directory."""

    def show(self, case_no: str, reveal: bool = False, as_of: str | date | None = None) -> CaseJSON:
        """The whole case as the contract's ``case show`` JSON; ``due`` as of a day (today)."""
        from casework.read.views import show_case

        day = self.day(as_of)
        with self.read() as (conn, actor):
            case = show_case(conn, self.machines, case_no, actor, reveal, day)
        if reveal:
            recorded(self, "case show", case_no)
        return case

    def history(self, case_no: str) -> list[EventJSON]:
        """The case's events in order."""
        from casework.read.views import case_history

        with self.read() as (conn, actor):
            return case_history(conn, self.machines, case_no, actor)

    def allowed(self, case_no: str) -> list[str]:
        """Trigger names the acting user may fire on the case now."""
        return list(self.show(case_no)["triggers"])

    def cases(
        self,
        kind: str | None = None,
        state: str | None = None,
        office: str | None = None,
        limit: int | None = None,
        overdue: bool = False,
        as_of: str | date | None = None,
    ) -> list[CaseRow]:
        """Cases, newest first; with ``overdue``, only those past a deadline on ``as_of``.
        ``kind`` and ``state`` may be given by name or by Chinese label (``调解中``)."""
        from casework.read.damage import skipping
        from casework.read.views import list_cases

        # A day given is checked even without ``overdue``: out of range, it is refused, not
        # passed over.
        day = self.day(as_of) if overdue or as_of is not None else None
        with self.read() as (conn, actor):
            found, _ = skipping(
                conn,
                self.machines.registry,
                lambda damage: list_cases(
                    conn,
                    self.machines,
                    actor,
                    kind,
                    state,
                    office,
                    limit,
                    day if overdue else None,
                    damage,
                ),
            )
            return found

    def each_case(
        self,
        kind: str | None = None,
        state: str | None = None,
        office: str | None = None,
        as_of: str | date | None = None,
    ) -> Iterator[CaseRow]:
        """Every case ``cases`` would list, newest first, read a chunk at a time as they are
        asked for (casework.read.listing): memory stays flat however many there are. The
        filters are checked when called; the read stays open until the rows are all read (or
        the iterator is closed)."""
        from casework.read.views import each_case

        if as_of is not None:
            self.day(as_of)
        stack = ExitStack()
        conn, actor = stack.enter_context(self.read())
        try:
            rows = each_case(conn, self.machines, actor, kind, state, office)
        except BaseException:
            stack.close()
            raise

        def streamed() -> Iterator[CaseRow]:
            with stack:
                yield from rows

        return streamed()

    def due(
        self,
        within: int = 7,
        office: str | None = None,
        kind: str | None = None,
        as_of: str | date | None = None,
    ) -> list[DueRow]:
        """What falls due within ``within`` days and what is late on ``as_of``, most urgent
        first: ``[{case_no, kind, office, state, date, rule, overdue, days_left, ...}]``."""
        from casework.read.damage import skipping
        from casework.read.lapses import due_with_steps

        day = self.day(as_of)
        with self.read() as (conn, actor):
            found, _ = skipping(
                conn,
                self.machines.registry,
                lambda damage: due_with_steps(
                    conn, self.machines, actor, day, within, office, kind, damage
                ),
            )
            return found

    # -- the calendar, the directory ------------------------------------------------------

    def calendar(self) -> Calendar:
        """The working-day calendar this database uses."""
        from casework.storage.calendars import load_calendar

        with self.read() as (conn, _):
            return load_calendar(conn)

    def calendar_show(self) -> CalendarCoverage:
        """The years covered, by the package or by added holiday files."""
        from casework.read import directory

        with self.read() as (conn, _):
            return directory.calendar_coverage(conn)

    def offices(self) -> list[OfficeJSON]:
        """All offices, city-level first, each with its parent today."""
        from casework.read import directory
        from casework.storage.world import StoredWorld

        with self.read() as (conn, _):
            return directory.list_offices(
                conn, StoredWorld(conn, self.machines.registry), self.today()
            )

    def config(self, key: str | None = None, on: str | date | None = None) -> list[SettingJSON]:
        """The dated settings ([cfg]): each one's value on a day (today), default and history."""
        from casework.read import config

        day = self.day(on, "on")
        with self.read() as (conn, _):
            return config.show(conn, self.machines.registry, day, key)

    def users(self) -> list[UserJSON]:
        """All users by office."""
        from casework.read import directory

        with self.read() as (conn, _):
            return directory.list_users(conn)

    def whoami(self) -> Actor | None:
        """The acting user, or None when none is set."""
        with self.read() as (_, actor):
            return actor

    # -- trust ----------------------------------------------------------------------------

    def verify(
        self,
        anchor: str | None = None,
        since_anchor: bool = False,
        progress: Callable[[int, int], object] | None = None,
    ) -> VerifyJSON:
        """Walk every case's hash chain, replay its history and check every column it
        derives; with ``anchor`` (a file of ``audit anchor``), what changed since it too; with
        ``since_anchor`` as well, walk only the cases changed since the anchor
        (casework.read.audit_since). ``progress(cases done, cases to check)`` after each
        chunk of cases."""
        from casework.errors import InvalidData
        from casework.read.admin_audit import with_admin_log
        from casework.read.anchor import read_anchor
        from casework.read.anchor_check import Anchored
        from casework.read.audit import verify_json
        from casework.storage.adminlog import hash_at

        if since_anchor and anchor is None:
            raise InvalidData(
                "只核查锚点之后变动的案件，需要给出该锚点文件 "
                "(verifying only the cases changed since an anchor needs that anchor's file)",
                field="anchor",
            )
        against = None
        if anchor is not None:
            against = Anchored(read_anchor(anchor), self._audit_key(), hash_at)
        registry = self.machines.registry
        with self.read() as (conn, _):
            found = verify_json(conn, registry, against, since_anchor, progress)
            return with_admin_log(conn, found)

    def anchor(self, out: str | None = None) -> AnchorJSON:
        """An anchor of the history as it stands (casework.read.anchor), signed with the
        personal-data key's audit subkey; with ``out``, also written to that new file."""
        from casework.read.admin_audit import admin_head
        from casework.read.anchor import make_anchor, write_anchor

        with self.read() as (conn, actor):
            doc = make_anchor(
                conn,
                admin_head(conn),
                self.clock(),
                actor.username if actor else None,
                self._audit_key(),
            )
        if out is not None:
            write_anchor(doc, out)
        return doc

    def _audit_key(self) -> bytes | None:
        from casework.storage.personal import key_on

        key = key_on(self.engine.dialect)
        return key.audit_key if key is not None and key.audit_key else None

    def backup(
        self, target: str, progress: Callable[[int, int, int], object] | None = None
    ) -> BackupJSON:
        """A checked, consistent copy of a SQLite database (PostgreSQL: use pg_dump), with
        the audit of the copy; it takes the target's name only once checked and audited.
        ``progress(status, pages_left, pages)`` is called after each batch of pages."""
        from casework.api.documents import files_dir
        from casework.read.admin_audit import with_admin_log
        from casework.read.audit import verify_json
        from casework.read.shapes import BackupJSON
        from casework.storage.backup import (
            FILES,
            backup_sqlite,
            copy_documents,
            discard,
            finish,
            self_contained,
        )
        from casework.storage.db import open_engine, reading
        from casework.storage.personal import attach, key_on

        copied = backup_sqlite(self.engine, target, progress)
        partial = str(copied["partial"])
        copy = open_engine(partial)
        # The copy is read with the database's own key, wherever its key file is kept.
        attach(copy, key_on(self.engine.dialect))
        folder = str(copied["backup"]) + FILES
        try:
            with reading(copy) as conn:
                audit = with_admin_log(conn, verify_json(conn, self.machines.registry))
                files = copy_documents(conn, files_dir(self.engine.url.database), partial + FILES)
        except BaseException:
            discard(partial)
            raise
        finally:
            copy.dispose()
        self_contained(partial)
        finish(partial, str(copied["backup"]))
        result = BackupJSON(
            backup=str(copied["backup"]),
            bytes=int(copied["bytes"]),
            integrity=str(copied["integrity"]),
            cases=audit["cases"],
            events=audit["events"],
            audit_ok=audit["ok"],
            documents=files[0],
            documents_folder=folder if files[0] else None,
            documents_missing=files[1],
        )
        if not audit["ok"]:
            result["audit"] = audit
        return result

    # -- procedures -----------------------------------------------------------------------

    def workflows(self) -> list[WorkflowJSON]:
        """Every procedure, described."""
        from casework.read import diagrams

        return [diagrams.describe(wf) for wf in self.machines.registry]

    def workflow(self, kind: str) -> WorkflowJSON:
        """One procedure, described (by name or Chinese label)."""
        from casework.read import diagrams

        return diagrams.describe(self.machines.workflow(kind))

    def mermaid(self, kind: str) -> str:
        """One procedure as a Mermaid state diagram."""
        from casework.read import diagrams

        return diagrams.mermaid(self.machines.workflow(kind))
