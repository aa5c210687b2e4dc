"""Reading a ledger file row by row, without loading it whole: CSV (UTF-8 or GB18030, as Excel
saves it in China) and XLSX (the first sheet, read-only)."""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any

from casework.errors import InvalidData

Row = tuple[int, list[str]]  # (row number as a spreadsheet shows it, cells)
# The longest CSV cell read: an export's 办理经过 of a long case passes Python's default of
# 131,072 characters, and `casework export` sends it to CSV when it is too long for XLSX.
CSV_CELL_LIMIT = 16 * 1024 * 1024


def file_digest(path: str) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise InvalidData(
            f"{path[:200]!r} 无法读取 (cannot be read)：{exc.strerror}", field="file"
        ) from None
    return digest.hexdigest()


def check_ledger_path(path: str) -> str:
    """The lower-case suffix of a readable ledger file, or a refusal naming the problem."""
    lower = path.lower()
    if not (lower.endswith(".csv") or lower.endswith(".xlsx")):
        raise InvalidData(
            f"{path[:200]!r}：台账须为 .csv 或 .xlsx 文件 (a ledger is CSV or XLSX)", field="file"
        )
    if not os.path.isfile(path):
        raise InvalidData(f"{path[:200]!r} 不存在或不可读 (not a readable file)", field="file")
    return ".xlsx" if lower.endswith(".xlsx") else ".csv"


@contextmanager
def open_ledger(path: str) -> Iterator[tuple[list[str], Iterator[Row]]]:
    """The header and a lazy iterator of the data rows (blank rows skipped)."""
    if check_ledger_path(path) == ".xlsx":
        with _xlsx_rows(path) as rows:
            yield _split_header(path, rows)
    else:
        with _csv_rows(path) as rows:
            yield _split_header(path, rows)


def _split_header(path: str, rows: Iterator[Row]) -> tuple[list[str], Iterator[Row]]:
    for _, cells in rows:
        header = [c.strip().lstrip("\ufeff") for c in cells]
        if any(header):
            return header, rows
    raise InvalidData(
        f"{os.path.basename(path)[:200]!r} 没有表头行 (has no header row)", field="file"
    )


def _encoding(path: str) -> str:
    with open(path, "rb") as fh:
        sample = fh.read(1 << 16)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A sample cut through a multi-byte character is still UTF-8.
        if exc.start < len(sample) - 3:
            return "gb18030"
    return "utf-8"


@contextmanager
def _csv_rows(path: str) -> Iterator[Iterator[Row]]:
    encoding = _encoding(path)
    # The csv module's limit is the process's: raised, never lowered below another's.
    csv.field_size_limit(max(csv.field_size_limit(), CSV_CELL_LIMIT))
    with open(path, encoding=encoding, newline="") as fh:
        yield _csv_iter(path, encoding, csv.reader(fh))


def _csv_iter(path: str, encoding: str, reader: Any) -> Iterator[Row]:
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise InvalidData(
                f"{os.path.basename(path)[:200]!r} 第 {number + 1} 行 row {number + 1}："
                f"不是有效的 {encoding} 文本",
                field="file",
            ) from None
        except csv.Error as exc:
            raise InvalidData(
                f"{os.path.basename(path)[:200]!r} 第 {number + 1} 行 row {number + 1}："
                f"CSV 格式损坏 (broken CSV: {exc})",
                field="file",
            ) from None
        number += 1
        if any(c.strip() for c in cells):
            yield number, cells


@contextmanager
def _xlsx_rows(path: str) -> Iterator[Iterator[Row]]:
    from openpyxl import load_workbook  # only imports need it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise InvalidData(
            f"{os.path.basename(path)[:200]!r} 不是可读的 XLSX 文件 (not a readable XLSX file: "
            f"{type(exc).__name__})",
            field="file",
        ) from None
    try:
        sheet = book.worksheets[0]
        yield (
            (number, cells)
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
            if any(cells := [_cell_text(v) for v in values])
        )
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
