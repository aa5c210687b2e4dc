"""A browser without a browser: TestClient sessions that log in through the login form and
post forms with the page's CSRF token, for the pages' tests (tests/web/test_page_*.py).

>>> web = Pages(cw, db_url, clock); web.login_form("clerk_pz")   # doctest: +SKIP
>>> web.post_form("/logout", {})                                 # doctest: +SKIP
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.web.test_json_api import PW, Web

TEMPORARY = "Temp#2020set"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)"')
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page carries (its meta tag, else its form's hidden field)."""
    found = CSRF_META.search(html) or CSRF_INPUT.search(html)
    assert found and found.group(1), "no CSRF token on the page"
    return found.group(1)


class Pages(Web):
    """A cookie session on the pages, as a person in a browser has."""

    csrf = ""

    def with_own_password(self, username: str) -> None:
        """The user's password ``PW``, chosen by themselves (not to be changed at login)."""
        if username not in self.ready:
            self.cw.acting("admin").set_password(username, TEMPORARY)
            self.cw.acting(username).change_password(TEMPORARY, PW)
            self.ready.add(username)

    def login_form(
        self, username: str, password: str = PW, *, ready: bool = True
    ) -> httpx.Response:
        """Log in through the form (the user's own password set first unless ``ready`` is
        false); the CSRF token of the session is then ``self.csrf``."""
        if ready:
            self.with_own_password(username)
        form = self.get("/login")
        done = self.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": csrf_of(form.text)},
            follow_redirects=False,
        )
        if done.status_code == 303:
            page = self.get(done.headers["location"])
            if 'name="csrf-token" content="' in page.text:
                self.csrf = csrf_of(page.text)
        return done

    def post_form(self, path: str, data: dict[str, Any], **kwargs: Any) -> httpx.Response:
        """A form posted with this session's CSRF token."""
        return self.post(path, data={"csrf_token": self.csrf, **data}, **kwargs)
