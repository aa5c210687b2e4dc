"""Putting a SQLite backup back over the live database: the backup is staged and checked
first, the database it replaces is kept, and the swap is one transaction.

The restore writes the backup's pages *into* the live database with SQLite's own backup API,
through a connection that holds the database exclusively. The file keeps its name, its owner
and its mode; the new content lands in the ``-wal`` file and is committed at the end as one
transaction, so a restore killed on the way leaves the old database as it was (SQLite rolls
back the uncommitted frames), and no connection ever sees half of it. Copying a file over
the live one, or renaming one into its place, would do neither: a connection still open on
the old file (and its ``-wal``, which holds the latest steps) would go on writing to it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import quote

from casework.errors import CaseworkError, DatabaseBusy, InvalidData
from casework.storage.backup import PAGES_A_STEP, Progress, alive, discard, file_digest

# The first 16 bytes of every SQLite 3 database file.
MAGIC = b"SQLite format 3\x00"
# How long the restore waits for the database to be free of other connections, in seconds.
EXCLUSIVE_WAIT = 5.0
STAGED = "restoring"


def check_backup_file(path: str) -> str:
    """The backup's absolute path, once it is seen to be a regular file holding a SQLite
    database; a refusal in one line otherwise, before anything is opened or written."""
    full = os.path.abspath(os.path.expanduser(path))
    try:
        info = os.stat(full)
    except OSError as exc:
        raise InvalidData(
            f"备份文件 {path[:200]} 无法读取 (cannot read the backup)：{exc.strerror}",
            field="backup",
        ) from None
    if not os.path.isfile(full):  # a directory, a FIFO, a device: never opened
        raise InvalidData(
            f"{path[:200]} 不是普通文件 (not a regular file)", field="backup", value=path
        )
    try:
        with open(full, "rb") as fh:
            head = fh.read(len(MAGIC))
    except OSError as exc:
        raise InvalidData(
            f"备份文件 {path[:200]} 无法读取 (cannot read the backup)：{exc.strerror}",
            field="backup",
        ) from None
    if head != MAGIC or info.st_size < 512:
        raise InvalidData(
            f"{path[:200]} 不是 SQLite 数据库文件 (not a SQLite database)", field="backup"
        )
    return full


def staged_name(live: str, pid: int | None = None) -> str:
    """Where the backup is copied to be checked: a hidden name beside the live database (on
    its disk, so that the swap reads a local file), with the restoring process's id."""
    folder, name = os.path.split(live)
    return os.path.join(folder, f".{name}.{STAGED}-{os.getpid() if pid is None else pid}")


def clear_staged(live: str) -> None:
    """Remove what a killed restore of ``live`` left (its process gone)."""
    folder, name = os.path.split(live)
    prefix = f".{name}.{STAGED}-"
    for entry in os.listdir(folder or "."):
        pid = entry[len(prefix) :].split("-", 1)[0]
        if entry.startswith(prefix) and pid.isdigit() and not alive(int(pid)):
            discard(os.path.join(folder, entry))


def stage(backup: str, live: str, progress: Progress | None) -> tuple[str, str]:
    """Copy the backup, read-only, into the staging file, and check its integrity: the
    checks and the restore then read this one copy, which nobody else changes meanwhile, and
    the backup itself is never written (opening it as casework does would turn it to WAL).
    The staging file's path and ``PRAGMA integrity_check``'s first line."""
    clear_staged(live)
    staged = staged_name(live)
    try:
        # Without a -wal beside it, the backup is read as immutable: even a WAL-mode file then
        # gets no -shm or -wal made beside it (read-only WAL connections make both).
        how = "mode=ro" if os.path.exists(backup + "-wal") else "immutable=1"
        src = sqlite3.connect(f"file:{quote(backup)}?{how}", uri=True, isolation_level=None)
        try:
            dst = sqlite3.connect(staged)
            try:
                src.backup(dst, pages=PAGES_A_STEP, progress=progress)
                dst.execute("PRAGMA journal_mode=DELETE")
                check = str(dst.execute("PRAGMA integrity_check").fetchone()[0])
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        discard(staged)
        raise InvalidData(
            f"备份文件无法作为 SQLite 数据库读取或复制 (the backup cannot be read as a SQLite "
            f"database, or staged beside the database)：{str(exc)[:200]}",
            field="backup",
        ) from None
    except BaseException:
        discard(staged)
        raise
    return staged, check


@contextlib.contextmanager
def exclusive(live: str) -> Iterator[sqlite3.Connection]:
    """A connection holding the live database alone: SQLite's exclusive locking mode, taken
    with a write, so that no other connection reads or writes until the restore is done. A
    database another process keeps open (``casework serve``, a clerk's command) is refused:
    its connections would otherwise see the swap under their feet or wait on it."""
    conn = sqlite3.connect(live, timeout=EXCLUSIVE_WAIT, isolation_level=None)
    try:
        try:
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("COMMIT")
        except sqlite3.OperationalError:
            raise DatabaseBusy(
                "数据库正被其他进程使用 (the database is in use by another process)：请先停止"
                " casework serve 和其他命令，再恢复；未作任何更改",
                field="database",
            ) from None
        yield conn
        conn.execute("PRAGMA locking_mode=NORMAL")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # gives the lock up
    finally:
        conn.close()


def keep_replaced(conn: sqlite3.Connection, live: str, when: datetime) -> str:
    """Copy the database about to be replaced to ``LIVE.replaced-YYYYMMDDTHHMMSS`` beside it,
    through the connection that holds it (so the copy is the very content replaced), in one
    self-contained file, checked; never over an existing file."""
    base = f"{live}.replaced-{when.strftime('%Y%m%dT%H%M%S')}"
    kept, n = base, 1
    while os.path.exists(kept):
        n += 1
        kept = f"{base}-{n}"
    partial = staged_name(live) + "-replaced"
    try:
        dst = sqlite3.connect(partial)
        try:
            conn.backup(dst, pages=PAGES_A_STEP)
            dst.execute("PRAGMA journal_mode=DELETE")
            check = str(dst.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            dst.close()
        if check != "ok":
            raise InvalidData(
                f"现有数据库未通过完整性检查（{check[:200]}），未作任何更改 (the database to be "
                "replaced fails the integrity check; copy it aside yourself first)",
                field="database",
            )
        os.link(partial, kept)
    except (sqlite3.Error, OSError) as exc:  # a full disk, a folder that cannot be written
        raise InvalidData(
            f"无法保存将被替换的数据库 (cannot keep the database to be replaced)："
            f"{str(exc)[:200]}；未作任何更改",
            field="database",
        ) from None
    finally:
        discard(partial)
    return kept


def replace_pages(staged: str, conn: sqlite3.Connection, progress: Progress | None) -> None:
    """Write the staged backup's pages into the live database held by ``conn``, committed as
    one transaction when the last batch is written, then checkpoint the WAL into the file."""
    src = sqlite3.connect(staged)
    try:
        src.backup(conn, pages=PAGES_A_STEP, progress=progress)
    except sqlite3.Error as exc:
        raise InvalidData(
            f"恢复失败，原数据库未更改 (the restore failed; the database is unchanged)："
            f"{str(exc)[:200]}",
            field="backup",
        ) from None
    finally:
        src.close()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def schema_objects(path: str) -> dict[tuple[str, str], str | None]:
    """A database's tables, indexes, triggers and views by type and name, with their SQL."""
    with contextlib.closing(sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True)) as conn:
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
    return {
        (str(t), str(n)): (None if sql is None else " ".join(str(sql).split()))
        for t, n, sql in rows
    }


def page_size(path: str) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True)) as conn:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])


def check_same_schema(staged: str, live: str) -> None:
    """Refuse a backup whose tables, indexes, triggers or views are not the live database's
    (both at the same schema revision): one with a trigger of its own, or without the
    triggers that keep events append-only, would bring that into the restored database.
    The page sizes must agree too: SQLite cannot write pages of another size into a WAL
    database, and would say so only once the replaced database had been copied aside."""
    if page_size(staged) != page_size(live):
        raise InvalidData(
            f"备份的页大小 {page_size(staged)} 与数据库的 {page_size(live)} 不同 (the backup's "
            "page size differs)；未作任何更改",
            field="backup",
        )
    ours, theirs = schema_objects(live), schema_objects(staged)
    odd = sorted(set(ours) ^ set(theirs))
    odd += sorted(
        k
        for k in ours.keys() & theirs.keys()
        if k[0] in ("trigger", "view") and ours[k] != theirs[k]
    )
    if odd:
        kind, name = odd[0]
        raise InvalidData(
            f"备份的数据库结构与现有数据库不同 (the backup's schema differs)：{kind} {name[:80]}"
            "；未作任何更改",
            field="backup",
        )


def restore_files(digests: list[str], source: str, target: str) -> tuple[int, int, list[str]]:
    """Copy the kept files of the documents the restored database records from the backup's
    folder ``source`` into the database's folder ``target``; a file already there is left as
    it is (a file is named by its SHA-256, so it holds the same content), nothing is deleted.
    Each file is copied to a temporary name and checked against its SHA-256 before it takes
    its name. The counts copied and already there, and the digests found in neither place
    (or whose copy in the backup's folder does not match)."""
    copied, present, missing = 0, 0, []
    for digest in digests:
        into = os.path.join(target, digest[:2], digest)
        if os.path.isfile(into):
            present += 1
            continue
        kept = os.path.join(source, digest[:2], digest)
        if not os.path.isfile(kept):
            missing.append(digest)
            continue
        partial = f"{into}.partial-{os.getpid()}"
        try:
            os.makedirs(os.path.dirname(into), exist_ok=True)
            shutil.copy2(kept, partial)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise CaseworkError(
                f"数据库已恢复，但上传文件无法复制到 {target} (restored; the documents' files "
                f"cannot be copied)：{exc.strerror}",
                field="file",
            ) from None
        if file_digest(partial) != digest:
            os.remove(partial)
            missing.append(digest)
            continue
        os.replace(partial, into)
        copied += 1
    return copied, present, missing
