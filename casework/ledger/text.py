"""What a text ledger is written in: its encoding (UTF-8 with or without a BOM, UTF-16 as
Excel's "Unicode text" saves it, GB18030 as Chinese Excel saves CSV) and its delimiter (comma,
tab or semicolon)."""

from __future__ import annotations

import codecs
import csv

from casework.errors import InvalidData
from casework.ledger.limits import shown

SAMPLE = 1 << 16
DELIMITERS = ",\t;"
TRIED = "UTF-8、UTF-16、GB18030"


def _decodes(sample: bytes, encoding: str, cut: int) -> bool:
    """Whether the sample is text in the encoding; a sample cut through a character at its
    end (up to ``cut`` bytes) still is."""
    try:
        sample.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - cut and len(sample) == SAMPLE
    return True


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 without a BOM: CJK and ASCII text puts a NUL in every other byte of ASCII."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0 : pairs * 2 : 2].count(0)
    odd = sample[1 : pairs * 2 : 2].count(0)
    if odd > pairs // 4 and even == 0:
        return "utf-16-le"
    if even > pairs // 4 and odd == 0:
        return "utf-16-be"
    return None


def detect_encoding(path: str, sample: bytes) -> str:
    """The encoding of a text ledger from its first bytes, or a refusal naming what was tried."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the BOM and drops it
    utf16 = _utf16_without_bom(sample)
    if utf16 is not None and _decodes(sample, utf16, 2):
        return utf16
    if b"\x00" not in sample:
        if _decodes(sample, "utf-8", 3):
            return "utf-8"
        if _decodes(sample, "gb18030", 3):
            return "gb18030"
    raise InvalidData(
        f"{shown(path)} 不是可识别编码的文本 (not text in any encoding tried: {TRIED})；"
        "请另存为 UTF-8 CSV 或 XLSX",
        field="file",
    )


def detect_delimiter(text: str, suffix: str) -> str:
    """A .tsv is tab-separated; otherwise the first line with a comma, tab or semicolon (a
    title row of one cell has none) decides: the one it holds most, or csv.Sniffer's pick when
    it has quotes."""
    if suffix == "tsv":
        return "\t"
    first = next((ln for ln in text.splitlines()[:20] if any(d in ln for d in DELIMITERS)), "")
    if not first:
        return ","
    if '"' in first:  # quoted cells may hold the other delimiters: the Sniffer reads quotes
        try:
            return csv.Sniffer().sniff(first, delimiters=DELIMITERS).delimiter
        except csv.Error:
            pass
    return max(DELIMITERS, key=first.count)  # ties go to the comma, then the tab
