"""Consistent copies of a live SQLite database, checked before they are trusted."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from casework.errors import CaseworkError, InvalidData
from casework.storage.db import sqlite_path
from casework.storage.tables import documents

# The uploaded documents' files go beside the copy, where a database there looks for them.
FILES = ".files"
# Pages copied a step: 4096 pages of 4 KB, 16 MB, between two reports of progress.
PAGES_A_STEP = 4096
# A report of progress: the status, the pages left and the pages in all (sqlite3's callback).
Progress = Callable[[int, int, int], object]


def pg_dump_advice(engine: Engine) -> str:
    """How to back up a PostgreSQL database, since casework does not copy one itself."""
    url = engine.url.set(drivername="postgresql", password=None)
    target = url.render_as_string(hide_password=True)
    return (
        "备份只复制 SQLite 数据库 (backup copies SQLite databases)；PostgreSQL 请用 "
        f"`pg_dump -Fc -f casework.dump '{target}'` 备份，用 `pg_restore -c -d URL "
        "casework.dump` 恢复，密码放在 PGPASSWORD 中"
    )


def partial_name(target: str, pid: int | None = None) -> str:
    """Where a copy is written until it has been checked: a hidden name beside the target,
    with the writing process's id, so that a killed run's leftovers are known as such."""
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name}.partial-{os.getpid() if pid is None else pid}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_leftovers(target: str) -> None:
    """Remove what a killed backup to ``target`` left (its process gone): never the target."""
    folder, name = os.path.split(target)
    prefix = f".{name}.partial-"
    for entry in os.listdir(folder):
        pid = entry[len(prefix) :].split(".", 1)[0]
        if entry.startswith(prefix) and pid.isdigit() and not alive(int(pid)):
            path = os.path.join(folder, entry)
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                _remove(path)


def check_target(target: str, source_path: str) -> None:
    for taken in (target, target + FILES):
        if os.path.exists(taken):
            raise InvalidData(
                f"{taken} 已存在 (exists already)；请为备份另取文件名", field="file", value=target
            )
    if os.path.abspath(source_path) == target:
        raise InvalidData("备份须写入数据库以外的另一个文件", field="file", value=target)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise InvalidData(f"文件夹 {directory} 不存在 (does not exist)", field="file")


def snapshot_copy(source_path: str, partial: str, progress: Progress | None) -> str:
    """Copy the database as it stood when the copy began, page batch by page batch, into
    ``partial``; the copy's integrity check. A read transaction is held on the source for
    the whole copy: in WAL mode writers go on meanwhile (their steps land in the ``-wal`` file,
    after the snapshot), and the backup never restarts. Without it every commit of another
    connection restarted the copy, which under a steady writer never finished."""
    src = sqlite3.connect(source_path, timeout=30, isolation_level=None)
    try:
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst, pages=PAGES_A_STEP, progress=progress)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            return str(dst.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            dst.close()
    finally:
        src.close()


def backup_sqlite(engine: Engine, target: str, progress: Progress | None = None) -> dict[str, Any]:
    """Copy the live database with SQLite's online backup API into a partial file beside
    ``target``, then check the copy; ``finish`` gives it the target's name.

    The copy is a consistent snapshot even while clerks keep writing. It is refused, and
    removed, unless ``PRAGMA integrity_check`` passes on it; a run stopped or killed on the
    way leaves no file at the target's name, and the next run clears what it left.
    """
    source_path = sqlite_path(str(engine.url))
    if source_path is None:
        raise CaseworkError(pg_dump_advice(engine), field="database")
    target = os.path.abspath(os.path.expanduser(target))
    check_target(target, source_path)
    clear_leftovers(target)
    partial = partial_name(target)
    try:
        check = snapshot_copy(source_path, partial, progress)
    except sqlite3.Error as exc:
        _remove(partial)
        raise CaseworkError(f"备份失败 (backup failed)：{exc}", field="file") from None
    except BaseException:
        _remove(partial)
        raise
    if check != "ok":
        _remove(partial)
        raise CaseworkError(
            f"副本未通过 SQLite 完整性检查（{check}），已删除 (failed the integrity check)",
            field="file",
        )
    return {
        "backup": target,
        "partial": partial,
        "bytes": os.path.getsize(partial),
        "integrity": check,
    }


def self_contained(partial: str) -> None:
    """Put the checked copy back in rollback-journal mode (opening it to audit it made it a
    WAL database): one file, which a copy, a restore or a read-only open takes as it is,
    with no ``-wal`` or ``-shm`` made beside it."""
    conn = sqlite3.connect(partial)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def finish(partial: str, target: str) -> None:
    """Give a checked copy (and its documents' folder, if any) the target's name; a file that
    appeared at that name meanwhile is never replaced."""
    try:
        os.link(partial, target)
    except FileExistsError:
        discard(partial)
        raise InvalidData(
            f"{target} 已存在 (exists already)；请为备份另取文件名", field="file", value=target
        ) from None
    os.remove(partial)
    if os.path.isdir(partial + FILES):
        os.rename(partial + FILES, target + FILES)


def discard(partial: str) -> None:
    """Remove a copy that will not be finished, with its documents' folder."""
    _remove(partial)
    shutil.rmtree(partial + FILES, ignore_errors=True)


def _remove(path: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path + suffix)


def copy_documents(conn: Connection, source: str, target: str) -> tuple[int, list[str]]:
    """Copy the kept files of every document the copied database records (by SHA-256, from
    the folder ``source`` into ``target``, laid out alike), each checked after the copy.
    The count copied, and the digests not found in ``source`` (nothing to copy)."""
    digests = conn.execute(
        select(documents.c.sha256).where(documents.c.sha256.is_not(None)).distinct()
    ).scalars()
    copied, missing = 0, []
    for digest in sorted(str(d) for d in digests):
        kept = os.path.join(source, digest[:2], digest)
        if not os.path.isfile(kept):
            missing.append(digest)
            continue
        into = os.path.join(target, digest[:2], digest)
        os.makedirs(os.path.dirname(into), exist_ok=True)
        shutil.copy2(kept, into)
        if file_digest(into) != digest:
            raise CaseworkError(
                f"文件 {digest[:12]}… 复制后与登记的 SHA-256 不符 (a kept document differs "
                "from its record: see casework audit verify)",
                field="file",
            )
        copied += 1
    return copied, missing


def file_digest(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
