"""The reveal log (issue 14 point 6): every unmasked view recorded, who, when, which case,
listed for admins only; a masked view or a refused reveal records nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from casework.api import Casework
from casework.errors import NotAllowed, NotFound
from tests.helpers import VALID_ID, FrozenClock, dump


def _case(cw: Casework) -> str:
    return cw.acting("clerk_pz").register(
        "petition", "panzhou", "拖欠工资", [f"petitioner:陈某:{VALID_ID}:13800138000"]
    )["case_no"]


def log(cw: Casework, **kw: str) -> list[dict[str, object]]:
    return cw.acting("admin").reveal_log(**kw)


def test_a_supervisors_reveal_records_who_when_and_which_case(
    cw: Casework, clock: FrozenClock
) -> None:
    case_no = _case(cw)
    clock.set("2020-12-02T15:30:00")
    shown = cw.acting("sup_pz").show(case_no, reveal=True)
    assert shown["parties"][0]["id_number"] == VALID_ID
    [row] = log(cw)
    assert row["username"] == "sup_pz" and row["case_no"] == case_no
    assert row["at"] == "2020-12-02T15:30:00+08:00"  # the Casework clock, local time
    assert (row["what"], row["channel"], row["detail"]) == ("case show", "api", None)


def test_a_masked_show_records_nothing(cw: Casework) -> None:
    case_no = _case(cw)
    cw.acting("sup_pz").show(case_no)
    cw.acting("admin").show(case_no)
    assert log(cw) == []


@pytest.mark.parametrize("who", ["clerk_pz", "viewer1", None])
def test_a_refused_reveal_records_nothing(cw: Casework, who: str | None) -> None:
    case_no = _case(cw)
    before = dump(cw.engine)
    with pytest.raises(NotAllowed) as refused:
        cw.acting(who).show(case_no, reveal=True)
    assert refused.value.field == "reveal"
    assert dump(cw.engine) == before


def test_a_reveal_of_a_case_out_of_reach_records_nothing(cw: Casework) -> None:
    case_no = _case(cw)
    with pytest.raises(NotFound) as refused:
        cw.acting("sup_sm").show(case_no, reveal=True)  # another town's case
    assert refused.value.field == "case_no"
    with pytest.raises(NotFound):
        cw.acting("sup_pz").show("XF-2020-panzhou-09999", reveal=True)
    assert log(cw) == []


def test_an_export_with_reveal_records_its_filter(cw: Casework, tmp_path: Path) -> None:
    _case(cw)
    out = tmp_path / "cases.csv"
    cw.acting("sup_city").export_cases(str(out), kind="petition", start="2020-01-01")
    assert log(cw) == []  # masked
    done = cw.acting("sup_city").export_cases(
        str(out), kind="petition", start="2020-01-01", office="panzhou", reveal=True, force=True
    )
    assert done["rows"] == 1 and done["revealed"] is True
    [row] = log(cw)
    assert (row["username"], row["what"], row["case_no"]) == ("sup_city", "export", None)
    assert row["detail"] == f"kind=petition from=2020-01-01 office=panzhou out={out}"


def test_a_refused_export_reveal_records_nothing(cw: Casework, tmp_path: Path) -> None:
    _case(cw)
    with pytest.raises(NotAllowed):
        cw.acting("clerk_pz").export_cases(str(tmp_path / "x.csv"), reveal=True)
    assert log(cw) == []


def test_only_admins_list_it_by_day_and_by_user(cw: Casework, clock: FrozenClock) -> None:
    case_no = _case(cw)
    clock.set("2020-12-01T10:00:00")
    cw.acting("sup_pz").show(case_no, reveal=True)
    clock.set("2020-12-03T09:00:00")
    cw.acting("admin").show(case_no, reveal=True)
    cw.acting("sup_pz").show(case_no, reveal=True)
    assert [r["username"] for r in log(cw)] == ["sup_pz", "admin", "sup_pz"]
    assert [r["username"] for r in log(cw, since="2020-12-02")] == ["admin", "sup_pz"]
    assert [r["at"] for r in log(cw, username="sup_pz")] == [
        "2020-12-01T10:00:00+08:00",
        "2020-12-03T09:00:00+08:00",
    ]
    for who in ("sup_pz", "sup_city", "viewer1", None):
        with pytest.raises(NotAllowed):
            cw.acting(who).reveal_log()
