"""The limits of a ledger file (docs/import.md): what casework reads before it refuses, so a
crafted or mistaken file is refused in one line instead of filling memory."""

from __future__ import annotations

import os

from casework.errors import InvalidData

MIB = 1 << 20
# The file on disk: ten times the largest ledger seen (a 1,000,000-row CSV is about 120 MiB).
MAX_FILE_BYTES = 200 * MIB
# Rows as a spreadsheet numbers them, blank ones included: about twice Excel's 1,048,576.
MAX_ROWS = 2_000_000
# Cells of a row up to its last filled one; a ledger has some 20-40 columns.
MAX_COLUMNS = 200
# The longest cell XLSX itself can hold: the limit of a spreadsheet ledger's cells.
MAX_CELL = 32_767
# The longest CSV cell: `casework export` writes a case whose 办理经过 is too long for an XLSX
# cell to CSV instead (its refusal says so), and that file must re-import whole.
MAX_TEXT_CELL = 4 * MIB
# A CSV line as read before it is split: every column at the longest spreadsheet cell, or one
# long text cell.
MAX_LINE = max(MAX_COLUMNS * MAX_CELL, MAX_TEXT_CELL)
# The members of an XLSX or ODS (a zip) once inflated: in all, the shared strings (read whole
# before the first row), and how far one member inflates (a zip bomb inflates 1,000-fold; an
# ordinary sheet 5- to 30-fold).
MAX_UNZIPPED = 1024 * MIB
MAX_SHARED_STRINGS = 64 * MIB
MAX_RATIO = 100
RATIO_FROM = MIB  # members smaller than this are not held to the ratio


def shown(path: str) -> str:
    """A file as refusals name it."""
    return repr(os.path.basename(path)[:200])


def mib(size: int) -> str:
    return f"{size / MIB:,.1f} MiB"


def check_size(path: str, size: int) -> None:
    limit = MAX_FILE_BYTES
    if size > limit:
        raise InvalidData(
            f"{shown(path)} 有 {mib(size)}，超过台账文件上限 {mib(limit)} "
            f"(over the ledger file limit)",
            field="file",
        )


def check_row(path: str, number: int, cells: list[str], cell_limit: int = MAX_CELL) -> None:
    """A row within the limits of rows, columns and cell length, or a one-line refusal."""
    if number <= MAX_ROWS and len(cells) <= MAX_COLUMNS and sum(map(len, cells)) <= cell_limit:
        return  # every row of an ordinary ledger: no cell can be over the limit
    if number > MAX_ROWS:
        raise InvalidData(
            f"{shown(path)} 超过 {MAX_ROWS:,} 行 (has more than {MAX_ROWS:,} rows)，"
            f"第 {number:,} 行 row {number:,}",
            field="file",
        )
    width = len(cells)
    while width and not cells[width - 1]:
        width -= 1
    if width > MAX_COLUMNS:
        raise InvalidData(
            f"{shown(path)} 第 {number:,} 行 row {number:,} 有 {width:,} 列，超过上限 "
            f"{MAX_COLUMNS} 列 (over {MAX_COLUMNS} columns)",
            field="file",
        )
    for column, cell in enumerate(cells[:width], start=1):
        if len(cell) > cell_limit:
            raise cell_too_long(path, number, column, len(cell), cell_limit)


def cell_too_long(
    path: str, number: int, column: int | None, length: int | None, limit: int = MAX_CELL
) -> InvalidData:
    where = f"第 {column} 列 column {column} " if column else ""
    has = f"有 {length:,} 个字符，" if length else ""
    return InvalidData(
        f"{shown(path)} 第 {number:,} 行 row {number:,} {where}{has}超过单元格上限 "
        f"{limit:,} 个字符 (a cell over {limit:,} characters)",
        field="file",
    )
