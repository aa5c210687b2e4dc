"""XLSX and ODS files are zips: what their members inflate to is checked from the zip's own
directory before any is read, since a small file can inflate to gigabytes (a zip bomb) or hold
millions of shared strings, which openpyxl reads whole before the first row. Python's zipfile
never inflates a member past the size the directory declares, so the check holds."""

from __future__ import annotations

import zipfile

from casework.errors import InvalidData
from casework.ledger.limits import (
    MAX_RATIO,
    MAX_SHARED_STRINGS,
    MAX_UNZIPPED,
    RATIO_FROM,
    mib,
    shown,
)

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def check_zip(path: str, kind: str) -> None:
    """Refuse, in one line, a zip that is broken or inflates past the limits."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InvalidData(
            f"{shown(path)} 不是可读的 {kind} 文件 (not a readable {kind} file: BadZipFile)",
            field="file",
        ) from None
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED:
        raise too_big(path, kind, f"解压后共 {mib(total)} (inflates to)", mib(MAX_UNZIPPED))
    for member in members:
        if member.file_size >= RATIO_FROM and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            ratio = member.file_size // max(member.compress_size, 1)
            raise too_big(
                path,
                kind,
                f"{member.filename[:60]!r} 压缩比 {ratio:,}:1 (inflates {ratio:,}-fold)",
                f"{MAX_RATIO}:1",
            )
        if member.filename.lower().endswith("sharedstrings.xml") and (
            member.file_size > MAX_SHARED_STRINGS
        ):
            raise too_big(
                path,
                kind,
                f"共享字符串 {mib(member.file_size)} (shared strings)",
                mib(MAX_SHARED_STRINGS),
            )


def too_big(path: str, kind: str, what: str, limit: str) -> InvalidData:
    return InvalidData(
        f"{shown(path)}：{what}，超过 {kind} 上限 {limit} (over the limit)", field="file"
    )


def zip_kind(path: str) -> str:
    """'ods' for an OpenDocument spreadsheet (its ``mimetype`` member says so), else 'xlsx'."""
    try:
        with zipfile.ZipFile(path) as zf:
            if "mimetype" in zf.namelist():
                with zf.open("mimetype") as fh:
                    if fh.read(len(ODS_MIMETYPE)) == ODS_MIMETYPE:
                        return "ods"
    except (zipfile.BadZipFile, OSError, ValueError):
        pass
    return "xlsx"
