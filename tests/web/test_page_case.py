"""案件 /cases/{case_no} (web.md, Pages): the panel, masked parties revealed on request (and
recorded), deadlines with their rule, the timeline, documents uploaded with their SHA-256 and
downloaded, the steps the viewer may take as forms of their fields; another office's case is a
404; a refusal lands at its field; a form without its CSRF token writes nothing."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import text

from casework.api import Casework
from tests.helpers import FrozenClock, dump
from tests.petitions import accept, doc, register
from tests.web.pages import Pages


def test_the_case_page_shows_the_panel_masked_parties_and_the_timeline(
    pages: Pages, cw: Casework
) -> None:
    case_no = register(cw, "2020-11-30 09:00", title="<script>x</script>")
    pages.login_form("sup_pz")
    page = pages.get(f"/cases/{case_no}")
    assert page.status_code == 200
    assert "已登记" in page.text and "registered" in page.text
    assert "110101********4514" in page.text and "110101199003074514" not in page.text
    assert "&lt;script&gt;x&lt;/script&gt;" in page.text and "<script>x" not in page.text
    assert 'data-dialog="step-accept"' in page.text  # 受理, the supervisor's step
    assert 'name="d_notice_method"' in page.text  # its field, from the procedure
    assert 'href="/static/print.css" media="print"' in page.text
    assert re.search(r'<li data-seq="1">', page.text)


def test_another_towns_case_is_a_404_and_its_step_writes_nothing(
    pages: Pages, cw: Casework, db_url: str
) -> None:
    other = register(cw, "2020-11-30 09:00", office="shanmei", user="clerk_sm")
    pages.login_form("sup_pz")
    assert pages.get(f"/cases/{other}").status_code == 404
    before = dump(cw.engine)
    posted = pages.post_form(f"/cases/{other}/steps", {"trigger": "accept"})
    assert posted.status_code == 404 and "Traceback" not in posted.text
    assert dump(cw.engine) == before


def test_revealing_shows_the_full_numbers_and_is_recorded(pages: Pages, cw: Casework) -> None:
    case_no = register(cw, "2020-11-30 09:00")
    pages.login_form("sup_pz")
    shown = pages.post_form(f"/cases/{case_no}/reveal", {})
    assert shown.status_code == 200 and "110101199003074514" in shown.text
    log = cw.acting("admin").reveal_log()
    assert any(r["case_no"] == case_no and r["username"] == "sup_pz" for r in log)


def test_a_refused_step_shows_its_message_at_the_field_and_a_good_one_moves_the_case(
    pages: Pages, cw: Casework
) -> None:
    case_no = register(cw, "2020-11-30 09:00")
    doc(cw, "clerk_pz", case_no, "letter", None)
    doc(cw, "clerk_pz", case_no, "acceptance_notice", None)
    pages.login_form("sup_pz")
    bad = pages.post_form(
        f"/cases/{case_no}/steps", {"trigger": "accept", "d_notice_method": "pigeon"}
    )
    assert bad.status_code == 422, bad.text[-800:]
    assert re.search(r'data-field="notice_method">[^<]*pigeon', bad.text), re.findall(
        r'(?:role="alert")[^<]*', bad.text
    )
    assert cw.show(case_no)["state"] == "registered"
    good = pages.post_form(
        f"/cases/{case_no}/steps",
        {"trigger": "accept", "d_notice_method": "post"},
        follow_redirects=False,
    )
    assert good.status_code == 303, good.text[-800:]
    assert cw.show(case_no)["state"] == "handling"


def test_a_step_without_its_csrf_token_is_refused_and_writes_nothing(
    pages: Pages, cw: Casework
) -> None:
    case_no = register(cw, "2020-11-30 09:00")
    pages.login_form("sup_pz")
    before = dump(cw.engine)
    forged = pages.post(f"/cases/{case_no}/steps", data={"trigger": "accept"})
    assert forged.status_code == 403
    assert dump(cw.engine) == before


def test_an_uploaded_document_shows_its_sha256_and_downloads_the_same_bytes(
    pages: Pages, cw: Casework, tmp_path: object, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("CASEWORK_FILES", str(tmp_path))
    case_no = register(cw, "2020-11-30 09:00")
    pages.login_form("clerk_pz")
    content = "来信原件\n".encode() * 120_000  # 1.5 MB: above the 1 MB cap of other bodies
    done = pages.post(
        f"/cases/{case_no}/documents",
        data={"csrf_token": pages.csrf, "kind": "letter"},
        files={"file": ("来信.pdf", content, "application/pdf")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[-800:]
    digest = hashlib.sha256(content).hexdigest()
    page = pages.get(f"/cases/{case_no}")
    assert digest in page.text
    link = re.search(rf'href="(/cases/{case_no}/documents/\d+)">来信.pdf<', page.text)
    assert link, page.text[-2000:]
    got = pages.get(link.group(1))
    assert got.status_code == 200 and got.content == content


def test_bearer_reads_the_case_page_and_a_bad_step_value_is_refused_by_the_api(
    pages: Pages, cw: Casework, clock: FrozenClock
) -> None:
    case_no = register(cw, "2020-11-30 09:00")
    accept(cw, case_no, "2020-11-30 10:00")
    headers = pages.login("sup_pz")
    page = pages.get(f"/cases/{case_no}", headers=headers)
    assert page.status_code == 200 and "办理中" in page.text
    assert "受理后60日" in page.text  # the reply limit with its rule
    huge = pages.post(
        f"/cases/{case_no}/steps",
        data={"trigger": "extend", "d_reason": "x" * 5000},
        headers=headers,
    )
    assert huge.status_code == 422 and "过长" in huge.text


def test_a_damaged_case_is_an_error_page_saying_what_is_damaged(pages: Pages, cw: Casework) -> None:
    case_no = register(cw, "2020-11-30 09:00")
    with cw.engine.begin() as conn:
        conn.execute(text("UPDATE cases SET data = '[1]' WHERE case_no = :n"), {"n": case_no})
    pages.login_form("sup_pz")
    page = pages.get(f"/cases/{case_no}")
    assert page.status_code == 409 and "Traceback" not in page.text
    assert "cases.data" in page.text and "已损坏" in page.text
