"""Consistent copies of a live SQLite database, checked before they are trusted."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from casework.errors import CaseworkError, InvalidData
from casework.storage.db import sqlite_path
from casework.storage.tables import documents

# The uploaded documents' files go beside the copy, where a database there looks for them.
FILES = ".files"


def pg_dump_advice(engine: Engine) -> str:
    """How to back up a PostgreSQL database, since casework does not copy one itself."""
    url = engine.url.set(drivername="postgresql", password=None)
    target = url.render_as_string(hide_password=True)
    return (
        "备份只复制 SQLite 数据库 (backup copies SQLite databases)；PostgreSQL 请用 "
        f"`pg_dump -Fc -f casework.dump '{target}'` 备份，用 `pg_restore -c -d URL "
        "casework.dump` 恢复，密码放在 PGPASSWORD 中"
    )


def backup_sqlite(engine: Engine, target: str) -> dict[str, Any]:
    """Copy the live database with SQLite's online backup API, then check the copy.

    The copy is a consistent snapshot even while clerks keep writing. It is refused, and
    removed, unless ``PRAGMA integrity_check`` passes on it.
    """
    source_path = sqlite_path(str(engine.url))
    if source_path is None:
        raise CaseworkError(pg_dump_advice(engine), field="database")
    target = os.path.abspath(os.path.expanduser(target))
    if os.path.exists(target):
        raise InvalidData(
            f"{target} 已存在 (exists already)；请为备份另取文件名", field="file", value=target
        )
    if os.path.exists(target + FILES):
        raise InvalidData(
            f"{target + FILES} 已存在 (exists already)；请为备份另取文件名",
            field="file",
            value=target,
        )
    if os.path.abspath(source_path) == target:
        raise InvalidData("备份须写入数据库以外的另一个文件", field="file", value=target)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise InvalidData(f"文件夹 {directory} 不存在 (does not exist)", field="file")
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
        raise CaseworkError(f"备份失败 (backup failed)：{exc}", field="file") from None
    finally:
        src.close()
    if check != "ok":
        _remove(target)
        raise CaseworkError(
            f"副本未通过 SQLite 完整性检查（{check}），已删除 (failed the integrity check)",
            field="file",
        )
    return {"backup": target, "bytes": os.path.getsize(target), "integrity": check}


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
