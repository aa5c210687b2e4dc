"""A ledger's import leaves no WAL behind on SQLite (issue 18 point 5).

The rows an import writes sit in the WAL until a checkpoint copies them into the file; left
there, every later command reads through them. The import checkpoints once it has committed.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casework.api import Casework
from casework.storage.tables import cases
from tests.helpers import FrozenClock

ROWS = 2000  # enough that the WAL left without a checkpoint is well over a megabyte


def test_an_import_leaves_the_wal_empty(
    cw: Casework, db_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    if "://" in db_url:
        pytest.skip("a WAL is SQLite's")
    clock.set("2020-12-01T10:00")
    ledger = tmp_path / "大台账.csv"
    with open(ledger, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["登记日期", "案件标题", "当事人"])
        out.writerows(
            [f"2020-04-{1 + i % 28:02d}", f"纠纷{i}", f"甲{i}、乙{i}"] for i in range(ROWS)
        )
    result = cw.acting("sup_pz").import_ledger("mediation", str(ledger))
    assert result["imported"] == ROWS
    wal = db_url + "-wal"
    assert not os.path.exists(wal) or os.path.getsize(wal) == 0
    with cw.engine.connect() as conn:  # the rows are in the file, none lost with the WAL
        assert conn.execute(select(func.count()).select_from(cases)).scalar_one() == ROWS
