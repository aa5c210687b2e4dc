"""Restoring a SQLite backup over the database: checked first, the replaced database kept."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.api.base import Base
from casework.api.documents import files_dir
from casework.errors import CaseworkError, InvalidData, NotInitialised

if TYPE_CHECKING:
    from casework.read.shapes import RestoreJSON, VerifyJSON
    from casework.storage.backup import Progress
    from workflows import Registry

# Told what the checked backup holds before anything is replaced; False stops the restore.
Confirm = Callable[["Checked"], bool]


class Checked(NamedTuple):
    """A staged backup that passed every check."""

    backup: str
    integrity: str
    audit: VerifyJSON
    digests: list[str]  # the documents' files it records


def pg_restore_advice(url: str) -> str:
    return (
        "恢复只针对 SQLite 数据库 (restore is for SQLite databases)；PostgreSQL 请用 "
        f"`pg_restore -c -d '{url}' casework.dump` 恢复，然后运行 casework audit "
        "verify，密码放在 PGPASSWORD 中"
    )


def audited(conn: Connection, registry: Registry, anchor: str | None) -> VerifyJSON:
    """The backup's whole audit, as ``audit verify`` makes it (the admin log included), and
    with ``anchor`` against that anchor: a backup older than the anchor lacks what came after
    it and is refused, which is what a restore should say before it puts a database back."""
    from casework.read.admin_audit import with_admin_log
    from casework.read.anchor import read_anchor
    from casework.read.anchor_check import Anchored
    from casework.read.audit import verify_json
    from casework.storage.adminlog import hash_at
    from casework.storage.personal import key_on

    against = None
    if anchor is not None:
        key = key_on(conn.dialect)
        signing = key.audit_key if key is not None and key.audit_key else None
        against = Anchored(read_anchor(anchor), signing, hash_at)
    return with_admin_log(conn, verify_json(conn, registry, against))


def not_restorable(exc: NotInitialised) -> str:
    """Why a staged backup is not a database this casework can put back, and what to do:
    its advice to initialise is the live database's, not the backup's."""
    why = exc.reason.split("；")[0]
    if "schema revision" in why:
        why += (
            "；请用制作它的 casework 恢复，或先用 casework init 升级备份的一份副本再恢复副本 "
            "(restore with the casework that made it, or upgrade a copy of an older backup first)"
        )
    return f"备份 backup：{why}；未作任何更改"


def first_problem(audit: VerifyJSON) -> str:
    first = audit["findings"][0]
    return (
        f"备份未通过审计 (the backup fails the audit)，共 {len(audit['findings'])} 处，第一处 "
        f"first: {first['case_no']} seq {first['seq']}: {first['problem']}；未作任何更改"
    )


class Restores(Base):
    """``casework restore``: a checked backup put back over a SQLite database."""

    def restore(
        self,
        backup: str,
        anchor: str | None = None,
        progress: Progress | None = None,
        confirm: Confirm | None = None,
    ) -> RestoreJSON:
        """Put a SQLite backup back over this database. Nothing is replaced unless the
        backup is a SQLite file that passes ``PRAGMA integrity_check``, is at this casework's
        schema revision, opens with this database's personal-data key, has its schema and
        passes the audit (against ``anchor``, when given); then ``confirm`` (if given) is
        asked. The database replaced is kept beside it (``<db>.replaced-<time>``); the
        backup's documents (``BACKUP.files``) are added to the database's documents folder,
        nothing there is deleted. ``progress(status, pages_left, pages)`` covers the
        backup's staging copy and then the swap."""
        from casework.read.shapes import RestoreJSON
        from casework.storage import restore as steps
        from casework.storage.backup import FILES, discard
        from casework.storage.db import sqlite_path
        from casework.time.local import CST

        live = sqlite_path(str(self.engine.url))
        if live is None:
            url = self.engine.url.set(drivername="postgresql", password=None)
            raise CaseworkError(
                pg_restore_advice(url.render_as_string(hide_password=True)), field="database"
            )
        source = steps.check_backup_file(backup)
        if os.path.exists(live) and os.path.samefile(source, live):
            raise InvalidData("备份文件就是数据库本身 (the backup is the database)", field="backup")
        staged, integrity = steps.stage(source, live, doubled(progress, first=True))
        try:
            checked = self.checked(source, staged, integrity, anchor)
            if confirm is not None and not confirm(checked):
                raise CaseworkError("未恢复，未作任何更改 (not restored; nothing changed)")
            self.engine.dispose()  # this process's own pooled connections let go of the file
            with steps.exclusive(live) as conn:
                replaced = steps.keep_replaced(conn, live, self.clock().astimezone(CST))
                steps.replace_pages(staged, conn, doubled(progress, first=False))
            size = os.path.getsize(staged)
        finally:
            discard(staged)
        folder = files_dir(live)
        files = steps.restore_files(checked.digests, source + FILES, folder)
        return RestoreJSON(
            restored=live,
            backup=source,
            bytes=size,
            integrity=integrity,
            cases=checked.audit["cases"],
            events=checked.audit["events"],
            audit_ok=checked.audit["ok"],
            anchor=anchor,
            replaced=replaced,
            documents=files[0],
            documents_folder=folder,
            documents_kept=files[1],
            documents_missing=files[2],
        )

    def checked(self, source: str, staged: str, integrity: str, anchor: str | None) -> Checked:
        """The staged backup's checks, each refusing in one line; what they read of it."""
        from casework.storage import restore as steps
        from casework.storage import schema
        from casework.storage.db import open_engine, reading, sqlite_path
        from casework.storage.personal import attach, key_on
        from casework.storage.tables import documents

        if integrity != "ok":
            raise InvalidData(
                f"备份未通过 SQLite 完整性检查 (the backup fails the integrity check)："
                f"{integrity[:200]}；未作任何更改",
                field="backup",
            )
        copy = open_engine(staged)
        # The backup is read with this database's key: a backup sealed under another key
        # would restore a database whose ID numbers and phones nobody here can read.
        attach(copy, key_on(self.engine.dialect))
        try:
            schema.require_current(copy)
            with reading(copy) as conn:
                audit = audited(conn, self.machines.registry, anchor)
                digests = conn.execute(
                    select(documents.c.sha256).where(documents.c.sha256.is_not(None)).distinct()
                ).scalars()
                recorded = sorted(str(d) for d in digests)
        except NotInitialised as exc:  # not casework's, of another revision, another key
            raise InvalidData(not_restorable(exc), field="backup") from None
        except CaseworkError as exc:
            raise type(exc)(
                f"备份 backup：{exc.reason}", field="anchor" if exc.field == "anchor" else "backup"
            ) from None
        except Exception as exc:  # the file is untrusted input: whatever it holds, one line
            raise InvalidData(
                f"备份无法审计 (the backup cannot be audited)：{type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:200] if str(exc) else ''}；未作任何更改",
                field="backup",
            ) from None
        finally:
            copy.dispose()
        if not audit["ok"]:
            raise InvalidData(first_problem(audit), field="backup")
        live = str(sqlite_path(str(self.engine.url)))
        if os.path.exists(live):
            steps.check_same_schema(staged, live)
        return Checked(source, integrity, audit, recorded)


def doubled(progress: Progress | None, first: bool) -> Progress | None:
    """One progress over both copies of the pages: the staging copy, then the swap."""
    if progress is None:
        return None

    def report(status: int, left: int, pages: int) -> object:
        return progress(status, left + pages if first else left, 2 * pages)

    return report
