"""The JSON API (web.md, "The contract scripts rely on") through FastAPI's TestClient over
``create_app`` on the ``cw`` fixture's database, both backends, the clock frozen: accounts,
a petition registered and advanced, office scope as 404, hostile input refused with nothing
written, tokens, statistics, and the headers on every answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from casework.api import Casework
from casework.web.app import create_app
from tests.helpers import FrozenClock, dump
from tests.petitions import PETITIONER, doc

PW = "Panzhou#2020"
API = "/api/v1"


class Web(TestClient):
    """The application's test client; a user's password is set when they first log in (an
    argon2 hash is slow on purpose: only the users a test logs in pay for it)."""

    def __init__(self, cw: Casework, db_url: str, clock: FrozenClock) -> None:
        super().__init__(create_app(db_url, clock), raise_server_exceptions=False)
        self.cw, self.ready = cw, set[str]()

    def with_password(self, username: str) -> None:
        if username not in self.ready:
            self.cw.acting("admin").set_password(username, PW)
            self.ready.add(username)

    def login(self, username: str) -> dict[str, str]:
        self.with_password(username)
        done = self.post(f"{API}/login", json={"username": username, "password": PW})
        assert done.status_code == 200, done.text
        return {"Authorization": f"Bearer {done.json()['token']}"}


@pytest.fixture
def web(cw: Casework, db_url: str, clock: FrozenClock) -> Iterator[Web]:
    with Web(cw, db_url, clock) as client:
        yield client
    client.app.state.casework.close()  # type: ignore[attr-defined]


def as_cli(value: Any) -> Any:
    """A result as the CLI's --json prints it (dates as text)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def refused(answer: Any, status: int) -> dict[str, Any]:
    """A refusal: the status, one Chinese reason, a field (or null), no traceback."""
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert set(body) >= {"error", "field"} and "Traceback" not in answer.text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]), body
    return body


PETITION = {
    "kind": "petition",
    "office": "panzhou",
    "title": "拖欠工资",
    "parties": [PETITIONER],
    "data": {"channel": "letter"},
    "at": "2020-11-30 09:00",
}


def registered(web: Web, headers: dict[str, str], **changes: Any) -> str:
    done = web.post(f"{API}/cases", json={**PETITION, **changes}, headers=headers)
    assert done.status_code == 201, done.text
    case_no: str = done.json()["case_no"]
    return case_no


def test_login_gives_a_token_and_its_user(web: Web) -> None:
    web.with_password("clerk_pz")
    done = web.post(f"{API}/login", json={"username": "clerk_pz", "password": PW})
    assert done.status_code == 200
    body = done.json()
    assert body["token"] and body["expires_at"].startswith("2020-12-0")
    assert body["user"] == {"username": "clerk_pz", "role": "clerk", "office": "panzhou"}


def test_a_wrong_password_is_401_and_the_fifth_locks_the_account(web: Web) -> None:
    web.with_password("clerk_pz")
    wrong = {"username": "clerk_pz", "password": "Wrong#2020"}
    for _ in range(4):
        assert "用户名或密码错误" in refused(web.post(f"{API}/login", json=wrong), 401)["error"]
    assert "锁定" in refused(web.post(f"{API}/login", json=wrong), 423)["error"]
    right = {"username": "clerk_pz", "password": PW}
    refused(web.post(f"{API}/login", json=right), 423)


def test_a_clerk_registers_and_a_supervisor_advances(web: Web, cw: Casework) -> None:
    case_no = registered(web, web.login("clerk_pz"))
    for kind in ("letter", "acceptance_notice"):
        doc(cw, "clerk_pz", case_no, kind, "2020-11-30 10:00")
    step = {"trigger": "accept", "data": {"notice_method": "post"}, "at": "2020-11-30 11:00"}
    sup = web.login("sup_pz")
    done = web.post(f"{API}/cases/{case_no}/steps", json=step, headers=sup)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == cw.acting("sup_pz").show(case_no)["state"] == "handling"
    shown = web.get(f"{API}/cases/{case_no}", headers=sup)
    assert shown.json() == as_cli(cw.acting("sup_pz").show(case_no))
    listed = web.get(f"{API}/cases", params={"kind": "petition", "q": "工资"}, headers=sup)
    assert listed.json() == as_cli(cw.acting("sup_pz").cases("petition"))


def test_the_same_step_again_is_refused_as_the_cli_refuses_it(web: Web) -> None:
    case_no = registered(web, web.login("clerk_pz"))
    step = {"trigger": "accept", "data": {"notice_method": "post"}, "at": "2020-11-30 11:00"}
    # the letter is not on file: a rule of the procedure refuses (422, see docs/web.md)
    body = refused(
        web.post(f"{API}/cases/{case_no}/steps", json=step, headers=web.login("sup_pz")), 422
    )
    assert body["error"]
    # a clerk may not accept at all: 403
    refused(web.post(f"{API}/cases/{case_no}/steps", json=step, headers=web.login("clerk_pz")), 403)


def test_another_towns_case_is_404_and_absent_from_lists(web: Web, cw: Casework) -> None:
    case_no = registered(web, web.login("clerk_pz"))
    other = web.login("clerk_sm")
    unknown = refused(web.get(f"{API}/cases/XF-2020-panzhou-99999", headers=other), 404)
    hidden = refused(web.get(f"{API}/cases/{case_no}", headers=other), 404)
    assert hidden["error"] == unknown["error"].replace("XF-2020-panzhou-99999", case_no)
    assert hidden["field"] == "case_no"
    before = dump(cw.engine)
    for trigger in ("accept", "no_such_step", "correct"):
        step = {"trigger": trigger, "data": {}, "at": "2020-11-30 11:00"}
        refused(web.post(f"{API}/cases/{case_no}/steps", json=step, headers=other), 404)
    assert dump(cw.engine) == before
    listed = web.get(f"{API}/cases", headers=other).json()
    assert case_no not in [r["case_no"] for r in listed]
    assert case_no not in [r["case_no"] for r in web.get(f"{API}/due", headers=other).json()]


HOSTILE: list[tuple[Any, int]] = [
    ("{not json", 422),
    ({**PETITION, "at": "2020-13-45"}, 422),
    ({**PETITION, "at": "yesterday"}, 422),
    ({**PETITION, "title": "拖欠\x00工资"}, 422),
    ({**PETITION, "title": "长" * 50_000}, 422),
    ({**PETITION, "title": "x" * 1_100_000}, 413),
    ({**PETITION, "parties": ["petitioner:陈某:110101199003074515"]}, 422),
    ({**PETITION, "unknown": 1}, 422),
    ({**PETITION, "data": {"channel": ["letter"]}}, 422),
    ([PETITION], 422),
    ({**PETITION, "office": "shanmei"}, 403),
]


@pytest.mark.parametrize("body,status", HOSTILE)
def test_hostile_input_is_refused_and_writes_nothing(
    web: Web, cw: Casework, body: Any, status: int
) -> None:
    headers = {**web.login("clerk_pz"), "Content-Type": "application/json"}
    raw = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    before = dump(cw.engine)
    refused(web.post(f"{API}/cases", content=raw.encode(), headers=headers), status)
    assert dump(cw.engine) == before


def test_a_script_title_is_stored_and_answered_as_text(web: Web, cw: Casework) -> None:
    clerk = web.login("clerk_pz")
    case_no = registered(web, clerk, title="<script>alert(1)</script>")
    answer = web.get(f"{API}/cases/{case_no}", headers=clerk)
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["title"] == "<script>alert(1)</script>"
    assert cw.acting("clerk_pz").show(case_no)["title"] == "<script>alert(1)</script>"


def test_no_token_a_bad_one_and_a_logged_out_one_are_401(web: Web) -> None:
    refused(web.get(f"{API}/cases"), 401)
    refused(web.get(f"{API}/cases", headers={"Authorization": "Bearer nonsense"}), 401)
    refused(web.get(f"{API}/cases", headers={"Authorization": "Basic abc"}), 401)
    clerk = web.login("clerk_pz")
    assert web.get(f"{API}/cases", headers=clerk).status_code == 200
    assert web.post(f"{API}/logout", headers=clerk).status_code == 200
    assert refused(web.get(f"{API}/cases", headers=clerk), 401)
    refused(web.post(f"{API}/logout", headers=clerk), 401)


def test_an_idle_session_is_401(web: Web, clock: FrozenClock) -> None:
    clerk = web.login("clerk_pz")
    clock.advance(minutes=31)
    refused(web.get(f"{API}/cases", headers=clerk), 401)


def test_a_read_token_reads_but_may_not_write(web: Web, cw: Casework) -> None:
    token = cw.acting("clerk_pz").create_token("script", "read")["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert web.get(f"{API}/cases", headers=headers).status_code == 200
    before = dump(cw.engine)
    assert (
        refused(web.post(f"{API}/cases", json=PETITION, headers=headers), 403)["field"] == "scope"
    )
    assert dump(cw.engine) == before
    viewer = web.login("viewer1")
    refused(web.post(f"{API}/cases", json=PETITION, headers=viewer), 403)


def test_stats_and_explain_agree_with_the_api(web: Web, cw: Casework) -> None:
    clerk = web.login("clerk_pz")
    registered(web, clerk)
    registered(web, clerk, title="邻里纠纷")
    period = {"from": "2020-01-01", "to": "2020-12-01"}
    stats = web.get(f"{API}/stats", params={**period, "by": "office"}, headers=clerk)
    assert stats.json() == as_cli(cw.acting("clerk_pz").stats(*period.values(), by="office"))
    name = next(n for n in stats.json()["labels"] if n.startswith("petition."))
    explained = web.get(f"{API}/stats/explain/{name}", params=period, headers=clerk)
    assert explained.json() == as_cli(cw.acting("clerk_pz").explain(name, *period.values()))
    refused(web.get(f"{API}/stats", params={"from": "2020-02-30"}, headers=clerk), 422)
    refused(web.get(f"{API}/stats/explain/no.such", params=period, headers=clerk), 422)


SECURITY = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.mark.parametrize("path", [f"{API}/cases", f"{API}/nowhere", "/nowhere"])
def test_security_headers_on_every_answer(web: Web, path: str) -> None:
    answer = web.get(path, headers=web.login("clerk_pz"))
    for name, value in SECURITY.items():
        assert answer.headers[name] == value
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    if answer.status_code >= 400 and path.startswith(API):
        refused(answer, answer.status_code)
    elif answer.status_code >= 400:  # a page: its refusal is a page, in Chinese, no trace
        assert "text/html" in answer.headers["content-type"] and "未找到" in answer.text
        assert "Traceback" not in answer.text


def test_an_unexpected_error_is_a_logged_500_without_a_trace(
    web: Web, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("secret detail of the failure")

    # A route added to the real application, so that its own middleware answers the failure.
    web.app.add_api_route("/api/v1/broken", broken)  # type: ignore[attr-defined]
    answer = web.get("/api/v1/broken")
    assert refused(answer, 500) == {"error": "内部错误 internal error", "field": None}
    assert "secret detail" not in answer.text
    assert answer.headers["x-frame-options"] == "DENY"
    assert "secret detail of the failure" in caplog.text


def test_a_user_changes_their_password(web: Web) -> None:
    clerk = web.login("clerk_pz")
    new = {"old": PW, "new": "Xin-mima-2021"}
    wrong = web.post(f"{API}/password", json={**new, "old": "Wrong#2020"}, headers=clerk)
    refused(wrong, 401)
    refused(web.post(f"{API}/password", json={**new, "new": "short"}, headers=clerk), 422)
    assert web.post(f"{API}/password", json=new, headers=clerk).status_code == 200
    refused(web.post(f"{API}/login", json={"username": "clerk_pz", "password": PW}), 401)
    again = web.post(f"{API}/login", json={"username": "clerk_pz", "password": new["new"]})
    assert again.json()["must_change"] is False


def test_a_chunked_body_over_the_cap_is_413(web: Web, cw: Casework) -> None:
    headers = {**web.login("clerk_pz"), "Content-Type": "application/json"}
    before = dump(cw.engine)
    chunks = iter([b'{"kind": "petition", "title": "', b"x" * 700_000, b"y" * 700_000, b'"}'])
    refused(web.post(f"{API}/cases", content=chunks, headers=headers), 413)
    assert dump(cw.engine) == before


def test_a_step_the_state_does_not_offer_is_409(web: Web) -> None:
    case_no = registered(web, web.login("clerk_pz"))
    step = {"trigger": "deliver", "data": {"method": "post"}, "at": "2020-11-30 11:00"}
    answer = web.post(f"{API}/cases/{case_no}/steps", json=step, headers=web.login("sup_pz"))
    assert "deliver" in refused(answer, 409)["error"]


def test_another_offices_list_shows_none_of_its_cases(web: Web) -> None:
    theirs = registered(web, web.login("clerk_sm"), office="shanmei")
    clerk = web.login("clerk_pz")
    listed = web.get(f"{API}/cases", params={"office": "shanmei", "q": theirs}, headers=clerk)
    assert listed.status_code == 200 and listed.json() == []
    refused(web.get(f"{API}/cases", params={"limit": "0"}, headers=clerk), 422)
