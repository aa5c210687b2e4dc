"""Ledgers in the other formats clerks keep (issue 17 point 4): .xls and .ods (LibreOffice
and old Excel), UTF-16 and tab-separated text, imported as their XLSX and CSV twins are."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from casework.api import Casework
from casework.storage.tables import cases
from tests.api.test_import import MEDIATION_HEADER, MEDIATION_ROWS
from tests.helpers import FrozenClock

DATA = Path(__file__).parent.parent / "data"
STATES = {
    "ledger:2020:TJ19-001": "applied",
    "ledger:2020:TJ19-002": "mediating",
    "ledger:2020:TJ19-003": "archived",
    "ledger:2020:TJ19-004": "failed",
}


def _states(cw: Casework) -> dict[str, str]:
    with cw.engine.connect() as conn:
        return {r.ref: r.state for r in conn.execute(select(cases.c.ref, cases.c.state))}


@pytest.mark.parametrize("name", ["mediation.xls", "mediation.ods"])
def test_xls_and_ods_ledgers_are_imported(cw: Casework, clock: FrozenClock, name: str) -> None:
    clock.set("2020-12-01T10:00")
    result = cw.acting("sup_pz").import_ledger("mediation", str(DATA / name))
    assert (result["rows"], result["imported"], result["bad"]) == (4, 4, 0), result
    assert _states(cw) == STATES
    # Row numbers are the sheet's own: the title row is row 1, the header row 2.
    archived = next(c for c in cw.acting("sup_pz").cases() if c["title"] == "拖欠货款纠纷")
    shown = cw.acting("sup_pz").show(archived["case_no"])
    assert shown["history"][0]["occurred_at"] == "2020-03-07T09:30:00+08:00"  # a date cell
    assert shown["history"][0]["ref"].endswith(":5:1")


def _text(delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(MEDIATION_HEADER)
    writer.writerows(MEDIATION_ROWS)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # Excel's "Unicode text": UTF-16 with a BOM, tab-separated.
        ("调解台账.txt", codecs.BOM_UTF16_LE + _text("\t").encode("utf-16-le")),
        ("调解台账.tsv", _text("\t").encode("gb18030")),
        ("调解台账.csv", _text("\t").encode("utf-8")),
    ],
)
def test_utf16_and_tab_separated_ledgers_are_imported(
    cw: Casework, clock: FrozenClock, tmp_path: Path, name: str, data: bytes
) -> None:
    clock.set("2020-12-01T10:00")
    (tmp_path / name).write_bytes(data)
    result = cw.acting("sup_pz").import_ledger("mediation", str(tmp_path / name))
    assert (result["rows"], result["imported"], result["bad"]) == (4, 4, 0), result
    assert _states(cw) == STATES
