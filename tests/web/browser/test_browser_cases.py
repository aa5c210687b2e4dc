"""A petition's first days in a real Chromium (web.md, "Tests in a real browser"): a clerk
registers it through the generated form, first with a bad ID number (the message at the field,
nothing written), then a good one; a supervisor files the acceptance notice (its SHA-256 shown)
and accepts it from the desk; a hostile title shows as text; a town user of another office gets
404 for the case and finds it neither on the desk nor in search. Screenshots of the register
form, the desk and the case page are kept."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.helpers import VALID_ID
from tests.web.browser.conftest import Live, shot

BAD_ID = "110101199003074515"  # the check digit is wrong
HOSTILE = "<script>window.hacked=1</script>拖欠工资"


def register_petition(live: Live, page: Page, title: str, id_number: str) -> None:
    page.goto(f"{live.url}/register?kind=petition")
    page.select_option("#f-office", "panzhou")
    page.fill("#f-title", title)
    page.select_option("#d-channel", "visit")
    if page.locator("#d-request").count():
        page.fill("#d-request", "要求结清2020年工资")
    page.fill("input[name='parties.0.name']", "陈某")
    page.fill("input[name='parties.0.id_number']", id_number)
    page.fill("input[name='parties.0.phone']", "13800138000")
    page.click("#register-form button[type=submit]")


def test_a_clerk_registers_through_the_form_a_bad_id_number_refused_at_its_field(
    live: Live, page: Page, backend: str
) -> None:
    before = live.cw.acting("admin").cases()
    live.login(page, "clerk_pz")
    register_petition(live, page, HOSTILE, BAD_ID)
    error = page.locator("[data-field='parties.0.id_number'], #live-parties-0-id_number")
    expect(error.first).to_contain_text("身份证")
    assert live.cw.acting("admin").cases() == before  # nothing written
    shot(page, "register", backend)
    register_petition(live, page, HOSTILE, VALID_ID)
    expect(page).to_have_url(re.compile(r"/cases/XF-2020-panzhou-\d{5}$"))
    # The hostile title is text on the page, never a script that ran.
    expect(page.locator("#case-title")).to_have_text(HOSTILE)
    assert page.evaluate("() => window.hacked === undefined")
    assert "&lt;script&gt;" in page.content()


def the_case(live: Live) -> str:
    cases = [c for c in live.cw.acting("admin").cases() if c["title"] == HOSTILE]
    assert len(cases) == 1, cases
    number: str = cases[0]["case_no"]
    return number


def upload(page: Page, kind: str, path: Path) -> None:
    page.click("button[data-dialog='step-_document']")
    page.select_option("#step-_document select[name=kind]", kind)
    page.set_input_files("#f-file", str(path))
    with page.expect_navigation():
        page.click("#step-_document button[type=submit]")


def test_an_uploaded_document_shows_its_sha256(live: Live, page: Page, tmp_path: Path) -> None:
    case_no = the_case(live)
    live.login(page, "sup_pz")
    page.goto(f"{live.url}/cases/{case_no}")
    for kind, name in (
        ("intake_record", "来访登记表.pdf"),
        ("acceptance_notice", "受理告知书.pdf"),
    ):
        paper = tmp_path / name
        paper.write_bytes(f"%PDF-1.4 {kind} of {case_no}".encode())
        upload(page, kind, paper)
        digest = hashlib.sha256(paper.read_bytes()).hexdigest()
        expect(page.locator("#documents code.sha256", has_text=digest)).to_be_visible()


def test_a_supervisor_accepts_it_from_the_desk(live: Live, page: Page, backend: str) -> None:
    case_no = the_case(live)
    live.login(page, "sup_pz")
    expect(page).to_have_url(f"{live.url}/desk")
    row = page.locator(f"tr[data-case='{case_no}']").first
    expect(row).to_contain_text("accept")
    shot(page, "desk", backend)
    row.locator("a").click()
    expect(page).to_have_url(f"{live.url}/cases/{case_no}")
    page.click("button[data-trigger='accept']")
    dialog = page.locator("#step-accept")
    expect(dialog).to_be_visible()
    dialog.locator("select[name=d_notice_method]").select_option("post")
    with page.expect_navigation():
        dialog.locator("button[type=submit]").click()
    expect(page.locator("#panel")).to_contain_text("办理中")
    assert live.cw.acting("admin").show(case_no)["state"] == "handling"
    shot(page, "case", backend)


def test_another_town_cannot_open_or_find_the_case(live: Live, page: Page) -> None:
    case_no = the_case(live)
    live.login(page, "clerk_sm")
    answer = page.goto(f"{live.url}/cases/{case_no}")
    assert answer is not None and answer.status == 404
    page.goto(f"{live.url}/desk")
    expect(page.locator(f"tr[data-case='{case_no}']")).to_have_count(0)
    for query in (f"case_no={case_no}", "title=拖欠工资", "party=陈某", f"id_number={VALID_ID}"):
        page.goto(f"{live.url}/search?{query}")
        expect(page.locator(f"a[href='/cases/{case_no}']")).to_have_count(0)
    live.login(page, "clerk_pz")  # the case's own town finds it the same way
    page.goto(f"{live.url}/search?title=拖欠工资")
    expect(page.locator(f"a[href='/cases/{case_no}']").first).to_be_visible()
