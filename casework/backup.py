"""Consistent copies of a live SQLite database, checked before they are trusted."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import Any

from sqlalchemy.engine import Engine

from casework.errors import CaseworkError, InvalidData
from casework.storage.db import sqlite_path


def pg_dump_advice(engine: Engine) -> str:
    """How to back up a PostgreSQL database, since casework does not copy one itself."""
    url = engine.url.set(drivername="postgresql", password=None)
    target = url.render_as_string(hide_password=True)
    return (
        "casework backup copies SQLite databases; for PostgreSQL run "
        f"`pg_dump --format=custom --file casework.dump '{target}'` (restore with "
        "`pg_restore --clean --dbname URL casework.dump`), with the password in PGPASSWORD"
    )


def backup_sqlite(engine: Engine, target: str) -> dict[str, Any]:
    """Copy the live database with SQLite's online backup API, then check the copy.

    The copy is a consistent snapshot even while clerks keep writing. It is refused, and
    removed, unless ``PRAGMA integrity_check`` passes on it.
    """
    source_path = sqlite_path(str(engine.url))
    if source_path is None:
        raise CaseworkError(pg_dump_advice(engine))
    target = os.path.abspath(os.path.expanduser(target))
    if os.path.exists(target):
        raise InvalidData(f"{target} exists already; choose a new file name for the backup")
    if os.path.abspath(source_path) == target:
        raise InvalidData("the backup must go to another file than the database")
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise InvalidData(f"folder {directory} does not exist")
    src = sqlite3.connect(source_path, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=4096)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    except sqlite3.Error as exc:
        _remove(target)
        raise CaseworkError(f"backup failed: {exc}") from None
    finally:
        src.close()
    if check != "ok":
        _remove(target)
        raise CaseworkError(f"the copy failed SQLite's integrity check ({check}); removed it")
    return {"backup": target, "bytes": os.path.getsize(target), "integrity": check}


def _remove(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path + suffix)
