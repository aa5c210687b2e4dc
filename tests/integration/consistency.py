"""Consistency checks shared by the concurrency and crash tests."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from casework.api import Casework
from casework.storage.tables import case_counters, cases


def assert_consistent(cw: Casework) -> None:
    """Every history replays to its case's state, chains are whole, numbers have no gaps."""
    audit = cw.verify()
    assert audit["ok"], audit["findings"][:5]
    with cw.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        numbers: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        for row in conn.execute(
            select(cases.c.case_no, cases.c.office_code, cases.c.year, cases.c.seq)
        ):
            prefix = row.case_no.split("-")[0]
            numbers[(prefix, row.office_code, row.year)].append(row.seq)
        counters = {
            (r.prefix, r.office_code, r.year): r.last_seq
            for r in conn.execute(select(case_counters))
        }
    for key, seqs in numbers.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), key
        assert counters[key] == len(seqs), key
