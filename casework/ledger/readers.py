"""Reading a ledger file row by row, without loading it whole: text (CSV, TSV; UTF-8, UTF-16
or GB18030, as Excel saves them in China) and spreadsheets (XLSX, XLS, ODS: the first sheet).
Which one a file is comes from its content where that tells (a zip or an OLE file), else from
its name; every file is held to the limits of casework.ledger.limits."""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from casework.errors import InvalidData
from casework.ledger import limits
from casework.ledger.limits import cell_too_long, check_row, check_size, shown
from casework.ledger.sheets import Row, calamine_rows, xlsx_rows
from casework.ledger.text import SAMPLE, detect_delimiter, detect_encoding
from casework.ledger.zipped import zip_kind

__all__ = ["FORMATS", "Row", "check_ledger_path", "file_digest", "open_ledger"]

FORMATS = ("csv", "tsv", "xlsx", "xls", "ods")
SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "tsv",
    ".xlsx": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .xls
ZIP = b"PK\x03\x04"  # XLSX and ODS


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


def check_ledger_path(path: str, fmt: str | None = None) -> str:
    """The format of a readable ledger file (one of FORMATS), or a refusal naming the problem.
    ``fmt`` is the caller's word for it (standard input has no name); else the file's first
    bytes tell a spreadsheet (an .xlsx saved as .xls is still read), its name the rest."""
    suffix = os.path.splitext(path)[1].lower()
    if fmt is not None and fmt not in FORMATS:
        raise InvalidData(
            f"台账格式 {fmt[:20]!r} 应为 (the format is one of) {'、'.join(FORMATS)}",
            field="format",
            value=fmt[:20],
        )
    if fmt is None and suffix not in SUFFIXES:
        raise InvalidData(
            f"{path[:200]!r}：台账须为 .csv、.tsv、.txt、.xlsx、.xls 或 .ods 文件 (a ledger is "
            "CSV, TSV, XLSX, XLS or ODS)",
            field="file",
        )
    if not os.path.isfile(path):
        raise InvalidData(f"{path[:200]!r} 不存在或不可读 (not a readable file)", field="file")
    check_size(path, os.path.getsize(path))
    if fmt is not None:
        return fmt
    with open(path, "rb") as fh:
        magic = fh.read(len(OLE))
    if magic.startswith(ZIP):
        return zip_kind(path)
    if magic == OLE:
        return "xls"
    named = SUFFIXES[suffix]
    # Many systems export tab-separated text as .xls: read as what it is. A text .xlsx or
    # .ods is refused as a broken zip.
    return "csv" if named == "xls" else named


@contextmanager
def open_ledger(path: str, fmt: str | None = None) -> Iterator[tuple[list[str], Iterator[Row]]]:
    """The header and a lazy iterator of the data rows (blank rows skipped)."""
    kind = check_ledger_path(path, fmt)
    if kind == "xlsx":
        with xlsx_rows(path) as rows:
            yield _split_header(path, rows)
    elif kind in ("xls", "ods"):
        with calamine_rows(path, kind) as rows:
            yield _split_header(path, rows)
    else:
        with _text_rows(path, kind) as rows:
            yield _split_header(path, rows)


def _split_header(path: str, rows: Iterator[Row]) -> tuple[list[str], Iterator[Row]]:
    for _, cells in rows:
        header = [c.strip().lstrip("\ufeff") for c in cells]
        if any(header):
            return header, rows
    raise InvalidData(f"{shown(path)} 没有表头行 (has no header row)", field="file")


@contextmanager
def _text_rows(path: str, kind: str) -> Iterator[Iterator[Row]]:
    with open(path, "rb") as raw:
        sample = raw.read(SAMPLE)
    encoding = detect_encoding(path, sample)
    delimiter = detect_delimiter(sample.decode(encoding, errors="ignore"), kind)
    # The csv module's limit is the process's: raised to the CSV cell limit, never lowered.
    csv.field_size_limit(max(csv.field_size_limit(), limits.MAX_TEXT_CELL))
    with open(path, encoding=encoding, newline="") as fh:
        yield _csv_iter(path, encoding, csv.reader(_lines(path, fh), delimiter=delimiter))


def _lines(path: str, fh: TextIO) -> Iterator[str]:
    """The file's lines, none longer than a row at its limits can be (a file of one endless
    line would otherwise be read whole)."""
    number = 0
    while line := fh.readline(limits.MAX_LINE + 1):
        number += 1
        if len(line) > limits.MAX_LINE:
            raise InvalidData(
                f"{shown(path)} 第 {number:,} 行 line {number:,} 超过 {limits.MAX_LINE:,} 个字符 "
                f"(a line over {limits.MAX_LINE:,} characters)",
                field="file",
            )
        yield line


def _csv_iter(path: str, encoding: str, reader: Any) -> Iterator[Row]:
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise InvalidData(
                f"{shown(path)} 第 {number + 1} 行 row {number + 1}：不是有效的 {encoding} 文本 "
                f"(not valid {encoding} text)",
                field="file",
            ) from None
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise cell_too_long(path, number + 1, None, None, limits.MAX_TEXT_CELL) from None
            raise InvalidData(
                f"{shown(path)} 第 {number + 1} 行 row {number + 1}："
                f"CSV 格式损坏 (broken CSV: {exc})",
                field="file",
            ) from None
        number += 1
        # check_row's own first test, inline: it is every row's cost.
        if (
            number > limits.MAX_ROWS
            or len(cells) > limits.MAX_COLUMNS
            or sum(map(len, cells)) > limits.MAX_TEXT_CELL
        ):
            check_row(path, number, cells, limits.MAX_TEXT_CELL)
        if any(c.strip() for c in cells):
            yield number, cells
