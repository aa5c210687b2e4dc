"""The pages' frame (web.md, "Accounts and security"): the login form and its CSRF cookie, the
session cookie's flags, a wrong password, the forced password change, logout, a page without a
session, a form posted without its CSRF token, Bearer access, and the security headers."""

from __future__ import annotations

import re

from casework.api import Casework
from tests.helpers import FrozenClock
from tests.web.pages import PW, TEMPORARY, Pages, csrf_of


def test_login_sets_an_http_only_session_cookie_and_lands_on_the_desk(pages: Pages) -> None:
    done = pages.login_form("clerk_pz")
    assert done.status_code == 303 and done.headers["location"] == "/desk"
    cookie = done.headers["set-cookie"]
    assert "casework_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_a_wrong_password_is_401_with_a_chinese_message_and_no_cookie(pages: Pages) -> None:
    pages.with_own_password("clerk_pz")
    done = pages.login_form("clerk_pz", "wrong-Password1", ready=False)
    assert done.status_code == 401 and "casework_session" not in done.headers.get("set-cookie", "")
    assert 'id="login-error"' in done.text and "Traceback" not in done.text


def test_login_without_the_form_token_is_refused(pages: Pages) -> None:
    pages.with_own_password("clerk_pz")
    done = pages.post("/login", data={"username": "clerk_pz", "password": PW, "csrf_token": "x"})
    assert done.status_code == 403 and "casework_session" not in done.headers.get("set-cookie", "")


def test_a_password_set_by_an_admin_must_be_changed_first(pages: Pages, cw: Casework) -> None:
    cw.acting("admin").set_password("clerk_pz", TEMPORARY)
    done = pages.login_form("clerk_pz", TEMPORARY, ready=False)
    assert done.headers["location"] == "/password"
    form = pages.get("/password")
    token = csrf_of(form.text)
    differ = pages.post(
        "/password", data={"old": TEMPORARY, "new": PW, "again": PW + "1", "csrf_token": token}
    )
    assert differ.status_code == 422 and 'data-field="again"' in differ.text
    weak = pages.post(
        "/password", data={"old": TEMPORARY, "new": "short", "again": "short", "csrf_token": token}
    )
    assert weak.status_code == 422 and "field-error" in weak.text
    changed = pages.post(
        "/password",
        data={"old": TEMPORARY, "new": PW, "again": PW, "csrf_token": token},
        follow_redirects=False,
    )
    assert changed.status_code == 303 and changed.headers["location"] == "/desk"
    assert pages.get("/password").status_code == 200  # no longer forced, still reachable


def test_a_page_without_a_session_goes_to_login_and_a_post_writes_nothing(pages: Pages) -> None:
    away = pages.get("/password", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"].startswith("/login?next=")
    assert pages.post("/logout", data={}).status_code == 401


def test_logout_needs_the_csrf_token_and_ends_the_session(pages: Pages) -> None:
    pages.login_form("clerk_pz")
    forged = pages.post("/logout", data={"csrf_token": "forged"})
    assert forged.status_code == 403 and "Traceback" not in forged.text
    assert pages.get("/password").status_code == 200
    done = pages.post_form("/logout", {}, follow_redirects=False)
    assert done.status_code == 303
    assert pages.get("/password", follow_redirects=False).status_code == 303


def test_an_ended_session_cookie_says_so_at_the_login_page(
    pages: Pages, cw: Casework, clock: FrozenClock
) -> None:
    pages.login_form("clerk_pz")
    clock.advance(minutes=31)  # past the idle timeout of 30 minutes
    away = pages.get("/password", follow_redirects=False)
    assert away.status_code == 303 and "expired=1" in away.headers["location"]
    assert "会话已超时" in pages.get(away.headers["location"]).text


def test_a_bearer_token_opens_pages_without_a_cookie(pages: Pages) -> None:
    headers = pages.login("clerk_pz")
    assert pages.get("/password", headers=headers).status_code == 200


def test_pages_carry_the_security_headers(pages: Pages) -> None:
    answer = pages.get("/login")
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert answer.headers["x-frame-options"] == "DENY"
    assert pages.get("/static/casework.css").status_code == 200


def test_every_form_of_a_page_carries_the_session_token(pages: Pages) -> None:
    """The forms' hidden field (the macros' ``csrf_input``) holds the same token as the page's
    meta tag: a macro imported without the page's context would post an empty one."""
    pages.login_form("clerk_pz")
    html = pages.get("/password").text
    tokens = set(re.findall(r'name="csrf_token" value="([^"]*)"', html))
    assert tokens == {csrf_of(html)} and "" not in tokens
