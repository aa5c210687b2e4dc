"""工作台 /desk (web.md, Pages): the queues of what waits for the viewer — steps their role may
take, deadlines within 7 days, overdue ones, returned cases — counted and listed, scoped to
their office; ``GET /api/v1/desk`` answers the same queues."""

from __future__ import annotations

import re

from casework.api import Casework
from tests.helpers import FrozenClock
from tests.petitions import accept, register, reply
from tests.web.pages import Pages
from tests.web.test_json_api import API


def queue_cases(html: str, name: str) -> list[str]:
    found = re.search(rf'id="queue-{name}">(.*?)</section>', html, re.S)
    assert found, html[-1500:]
    return re.findall(r'<tr data-case="([^"]+)">', found.group(1))


def count(html: str, name: str) -> int:
    found = re.search(rf'id="count-{name}">(\d+)<', html)
    assert found
    return int(found.group(1))


def test_a_supervisor_sees_what_waits_for_them_in_their_own_office_only(
    pages: Pages, cw: Casework, clock: FrozenClock
) -> None:
    fresh = register(cw, "2020-11-30 09:00", title="<script>alert(1)</script>")
    late = register(cw, "2020-09-01 09:00", title="超期的信访")
    accept(cw, late, "2020-09-02 09:00")
    other = register(cw, "2020-11-30 09:00", office="shanmei", user="clerk_sm")
    pages.login_form("sup_pz")
    page = pages.get("/desk")
    assert page.status_code == 200
    assert fresh in queue_cases(page.text, "mine")  # 受理 is the supervisor's next step
    assert late in queue_cases(page.text, "overdue")
    assert other not in page.text
    assert count(page.text, "mine") == len(queue_cases(page.text, "mine"))
    assert count(page.text, "overdue") >= 1
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert f'href="/cases/{fresh}"' in page.text


def test_a_clerk_has_no_acceptance_waiting_and_the_api_gives_the_same_queues(
    pages: Pages, cw: Casework
) -> None:
    fresh = register(cw, "2020-11-30 09:00")
    headers = pages.login("clerk_pz")
    body = pages.get(f"{API}/desk", headers=headers).json()
    queues = {q["name"]: q for q in body["queues"]}
    assert list(queues) == ["mine", "due_soon", "overdue", "returned"]
    mine = [r for r in queues["mine"]["rows"] if r["case_no"] == fresh]
    # The clerk may take some step on it (a document-free step such as forwarding), never 受理.
    assert all("accept" not in r.get("triggers", []) for r in mine)
    sup = pages.login("sup_pz")
    rows = {r["case_no"]: r for q in pages.get(f"{API}/desk", headers=sup).json()["queues"]
            for r in q["rows"] if q["name"] == "mine"}  # fmt: skip
    assert "accept" in rows[fresh]["triggers"]
    other = pages.login("sup_sm")
    shown = pages.get(f"{API}/desk", headers=other).json()
    assert all(r["case_no"] != fresh for q in shown["queues"] for r in q["rows"])


def test_bearer_reads_the_desk_page_and_no_session_goes_to_login(
    pages: Pages, cw: Casework
) -> None:
    register(cw, "2020-11-30 09:00")
    headers = pages.login("sup_pz")
    assert pages.get("/desk", headers=headers).status_code == 200
    pages.cookies.clear()
    anonymous = pages.get("/desk", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def test_the_returned_queue_is_counted_when_empty(pages: Pages, cw: Casework) -> None:
    pages.login_form("clerk_pz")
    page = pages.get("/desk")
    assert count(page.text, "returned") == len(queue_cases(page.text, "returned")) == 0


def test_a_step_taken_after_the_desk_was_read_shows_at_the_next_reading(
    pages: Pages, cw: Casework
) -> None:
    late = register(cw, "2020-09-01 09:00", title="超期的信访")
    accept(cw, late, "2020-09-02 09:00")
    sup = cw.acting("sup_pz")
    overdue = {q["name"]: q for q in sup.desk("2020-11-30")["queues"]}["overdue"]
    assert late in [r["case_no"] for r in overdue["rows"]]
    reply(cw, late, "2020-11-30 10:00")
    again = {q["name"]: q for q in sup.desk("2020-11-30")["queues"]}["overdue"]
    assert late not in [r["case_no"] for r in again["rows"]]
