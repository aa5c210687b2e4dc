"""导入 import page (web.md, "Pages"; issue 14 point 2): an uploaded ledger is checked first (every
bad row by row and column, nothing written), then imported by the confirm form; the file's
name and digest are kept, so the same file again adds nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from casework.api import Casework
from casework.storage.tables import cases, events
from casework.web.guard import LARGE_BODIES, SESSION_COOKIE
from casework.web.pages import frame, imports
from tests.helpers import VALID_ID
from tests.web.pages import Pages

HEADER = "台账编号,登记日期,案件标题,当事人,身份证号,联系电话,纠纷类型\n"
GOOD = (
    HEADER + f"TJ20-001,2020-03-02,邻里排水纠纷,张三、李四,{VALID_ID},13800138000,邻里\n"
    "TJ20-002,2020-03-05,土地边界纠纷,王五、赵某,,,土地山林\n"
)
BAD = (
    GOOD
    + "TJ20-003,2020-13-45,拖欠货款纠纷,钱七、孙八,,,合同\nTJ20-004,2020-03-09,,周九、吴十,,,合同\n"
)
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def counts(cw: Casework) -> tuple[int, int]:
    with cw.engine.connect() as conn:
        n_cases = conn.execute(select(func.count()).select_from(cases)).scalar_one()
        n_events = conn.execute(select(func.count()).select_from(events)).scalar_one()
    return n_cases, n_events


def upload(pages: Pages, text: str, name: str = "潘州调解台账.csv") -> httpx.Response:
    files = {"file": (name, text.encode("utf-8"), "text/csv")}
    return pages.post_form("/import", {"kind": "mediation", "office": ""}, files=files)


def test_the_dry_run_lists_every_bad_row_and_writes_nothing(pages: Pages, cw: Casework) -> None:
    pages.login_form("sup_pz")
    before = counts(cw)
    checked = upload(pages, BAD)
    assert checked.status_code == 422, checked.text
    table = checked.text.split('id="bad-rows"')[1]
    assert re.search(r">4</td><td>登记日期</td>", table)  # the spreadsheet's row numbers
    assert re.search(r">5</td><td>案件标题</td>", table)
    assert "TJ20-001" not in table and counts(cw) == before
    assert 'name="token"' not in checked.text


def test_the_dry_run_then_the_import_writes_the_rows_once(pages: Pages, cw: Casework) -> None:
    pages.login_form("sup_pz")
    before = counts(cw)
    checked = upload(pages, GOOD)
    text = checked.text
    assert checked.status_code == 200 and 'id="would-import">2 件' in text
    assert counts(cw) == before  # a dry run writes nothing
    token = TOKEN.search(text)
    assert token is not None
    run = {"token": token.group(1), "kind": "mediation", "office": ""}
    done = pages.post_form("/import/run", run)
    assert done.status_code == 200 and "已导入 2 件案件" in done.text
    assert counts(cw)[0] == before[0] + 2
    assert {c["title"] for c in cw.acting("sup_pz").cases()} >= {"邻里排水纠纷", "土地边界纠纷"}
    again = pages.post_form("/import/run", run)  # the checked file is gone once imported
    assert again.status_code == 404 and counts(cw)[0] == before[0] + 2
    twice = upload(pages, GOOD)
    assert "已导入过</dt><dd>2 件" in twice.text


def test_another_users_token_and_a_forged_form_import_nothing(pages: Pages, cw: Casework) -> None:
    pages.login_form("sup_pz")
    token = TOKEN.search(upload(pages, GOOD).text)
    assert token is not None
    before = counts(cw)
    run = {"token": token.group(1), "kind": "mediation", "office": ""}
    assert pages.post("/import/run", data=run).status_code == 403  # no CSRF token
    pages.login_form("admin")
    assert pages.post_form("/import/run", run).status_code == 404
    assert pages.post_form("/import/run", {**run, "token": "../../etc"}).status_code == 404
    assert counts(cw) == before


def test_a_file_that_is_no_ledger_is_refused_at_its_field(pages: Pages, cw: Casework) -> None:
    pages.login_form("sup_pz")
    before = counts(cw)
    wrong = upload(pages, GOOD, name="ledger.exe")
    assert wrong.status_code == 422 and 'data-field="file"' in wrong.text
    unknown = pages.post_form(
        "/import",
        {"kind": "nothing"},
        files={"file": ("a.csv", GOOD.encode(), "text/csv")},
    )
    assert unknown.status_code in (404, 422) and "field-error" in unknown.text
    assert counts(cw) == before


def test_a_ledger_over_a_megabyte_is_accepted_up_to_the_imports_own_cap(
    pages: Pages, cw: Casework
) -> None:
    pages.login_form("sup_pz")
    padding = "\n" * (1024 * 1024)  # blank rows are skipped: over the 1 MB cap of other bodies
    checked = upload(pages, GOOD + padding)
    assert checked.status_code == 200, checked.text[:300]
    too_big = upload(pages, " " * (LARGE_BODIES["/import"] + 1))
    assert too_big.status_code == 413


def test_uploads_older_than_a_day_are_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "UPLOADS", tmp_path)
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    day = float(imports.STALE_SECONDS)
    os.utime(old, (1000.0, 1000.0))
    os.utime(new, (1000.0 + day, 1000.0 + day))
    imports.prune(1001.0 + day)
    assert not old.exists() and new.exists()


def test_without_a_session_the_import_takes_no_more_than_the_common_cap(
    pages: Pages, cw: Casework
) -> None:
    """The 16 MB of an import are for a logged-in user: an anonymous body over 1 MB is refused
    before it is read whole, and nothing is written."""
    before = counts(cw)
    anonymous = pages.post(
        "/import",
        files={"file": ("a.csv", (GOOD + "\n" * (1024 * 1024)).encode(), "text/csv")},
    )
    assert anonymous.status_code == 413 and "request body too large" in anonymous.text
    assert counts(cw) == before
    assert SESSION_COOKIE.decode() == frame.SESSION_COOKIE


@pytest.mark.parametrize("name", ["mediation.xls", "mediation.ods"])
def test_an_xls_or_ods_ledger_is_checked_like_any_other(
    pages: Pages, cw: Casework, name: str
) -> None:
    """Issue 17 point 4: the page took only .csv and .xlsx."""
    pages.login_form("sup_pz")
    data = (Path(__file__).parent.parent / "data" / name).read_bytes()
    files = {"file": (name, data, "application/octet-stream")}
    checked = pages.post_form("/import", {"kind": "mediation", "office": ""}, files=files)
    assert checked.status_code == 200, checked.text[:300]
    assert 'name="token"' in checked.text
