"""A batch reads the users its steps name at once (``Batch.prepare(..., users=...)``): the demo's
day names hundreds, each read once before, one query each. The steps then ask no more, and a
user the batch does not know is refused as before."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event

from casework.api import Casework
from casework.api.cases import Batch
from casework.errors import CaseworkError


def test_a_batch_reads_its_users_at_once(cw: Casework) -> None:
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    def user_reads() -> int:
        return sum("FROM users" in s for s in statements)

    days = (date(2020, 2, 1), date(2020, 3, 1))

    def work(b: Batch) -> tuple[int, int, int]:
        start = user_reads()
        b.prepare([], (), ["admin", "clerk_pz", "nobody"])
        read = user_reads()
        b.add_screening_campaign("admin", "t-1", "测试排查一", days, False)
        b.add_screening_campaign("admin", "t-2", "测试排查二", days, False)
        after = user_reads()
        with pytest.raises(CaseworkError) as refused:
            b.add_screening_campaign("nobody", "t-3", "测试排查三", days, False)
        assert "nobody" in str(refused.value)
        return start, read, after

    event.listen(cw.engine, "before_cursor_execute", seen)
    try:
        start, read, after = cw.batch(work)
    finally:
        event.remove(cw.engine, "before_cursor_execute", seen)
    assert read == start + 1  # three users, one query
    assert after == read  # the steps asked none
    assert {c["code"] for c in cw.screening_campaigns()} >= {"t-1", "t-2"}
