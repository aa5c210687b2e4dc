"""管理 admin pages (web.md, "Pages"; issue 14 point 2): the section is the admins' alone; offices
and users added, a user's role changed, deactivated (their session refused at once), a password
reset (changed at the next login); holiday files, the subsidy scale, the login log and forced
logout; each act through the API, in the admin log with channel ``web``; a form without its
CSRF token writes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from casework.api import Casework
from tests.helpers import FrozenClock
from tests.web.pages import TEMPORARY, Pages


@pytest.fixture
def other(cw: Casework, db_url: str, clock: FrozenClock) -> Iterator[Pages]:
    """A second browser, for the user an admin acts on."""
    with Pages(cw, db_url, clock) as client:
        yield client
    client.app.state.casework.close()  # type: ignore[attr-defined]


def usernames(cw: Casework) -> set[str]:
    return {u["username"] for u in cw.acting("admin").users()}


def last_admin_act(cw: Casework) -> dict[str, object]:
    return cw.acting("admin").admin_log()[-1]


@pytest.mark.parametrize(
    "path", ["/admin", "/admin/users", "/admin/offices", "/admin/logins", "/admin/sessions"]
)
def test_the_admin_pages_are_refused_to_a_supervisor(pages: Pages, path: str) -> None:
    pages.login_form("sup_pz")
    page = pages.get(path)
    assert page.status_code == 403 and "管理员" in page.text and "Traceback" not in page.text
    assert 'href="/admin"' not in page.text  # nor in the menu


def test_a_supervisor_posting_an_admin_form_writes_nothing(pages: Pages, cw: Casework) -> None:
    pages.login_form("sup_pz")
    done = pages.post_form(
        "/admin/users", {"username": "x_new", "name": "新人", "role": "clerk", "office": "panzhou"}
    )
    assert done.status_code == 403 and "x_new" not in usernames(cw)


def test_a_form_without_its_csrf_token_is_refused_and_writes_nothing(
    pages: Pages, cw: Casework
) -> None:
    pages.login_form("admin")
    form = {"username": "x_new", "name": "新人", "role": "clerk", "office": "panzhou"}
    forged = pages.post("/admin/users", data={**form, "csrf_token": "forged"})
    missing = pages.post("/admin/users", data=form)
    assert forged.status_code == missing.status_code == 403
    assert "x_new" not in usernames(cw)
    assert pages.post_form("/admin/users", form, follow_redirects=False).status_code == 303
    assert "x_new" in usernames(cw)


def test_an_admin_adds_a_user_and_an_office_listed_on_their_pages(
    pages: Pages, cw: Casework
) -> None:
    pages.login_form("admin")
    added = pages.post_form(
        "/admin/users",
        {"username": "clerk_new", "name": "新登记员", "role": "clerk", "office": "panzhou"},
    )
    assert added.status_code == 200 and 'id="notice"' in added.text
    listed = pages.get("/admin/users", params={"q": "clerk_new"})
    assert "新登记员" in listed.text and "潘州登记员" not in listed.text
    office = pages.post_form(
        "/admin/offices", {"code": "xinzhen", "name": "新镇司法所", "level": "town"}
    )
    assert office.status_code == 200 and 'id="notice"' in office.text
    assert "新镇司法所" in pages.get("/admin/offices", params={"q": "xinzhen"}).text
    assert "第 1 / 2 页" in pages.get("/admin/offices").text  # 33 offices, 20 a page
    assert "xinzhen" in {o["code"] for o in cw.offices()}


def test_a_refused_form_shows_the_message_at_its_field_and_writes_nothing(
    pages: Pages, cw: Casework
) -> None:
    pages.login_form("admin")
    before = usernames(cw)
    bad = pages.post_form(
        "/admin/users", {"username": "clerk_x", "name": "某", "role": "chief", "office": "panzhou"}
    )
    assert bad.status_code == 422 and 'data-field="role"' in bad.text and "data-open" in bad.text
    assert usernames(cw) == before
    hostile = pages.post_form(
        "/admin/offices", {"code": "bad code", "name": "<script>x</script>", "level": "town"}
    )
    assert hostile.status_code == 422 and "<script>x" not in hostile.text


def test_a_deactivated_users_session_is_refused_at_once(
    pages: Pages, other: Pages, cw: Casework
) -> None:
    other.login_form("clerk_pz")
    assert other.get("/password").status_code == 200
    pages.login_form("admin")
    done = pages.post_form("/admin/users/clerk_pz/deactivate", {}, follow_redirects=False)
    assert done.status_code == 303
    away = other.get("/password", follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"].startswith("/login")
    assert other.post_form("/logout", {}).status_code == 401
    act = last_admin_act(cw)
    assert act["target"] == "clerk_pz" and act["channel"] == "web" and act["actor"] == "admin"
    assert "已停用" in pages.get("/admin/users", params={"q": "clerk_pz"}).text
    # Each remaining row's button opens its own user's dialog, past the deactivated row.
    listed = pages.get("/admin/users", params={"office": "panzhou"}).text
    rows = listed.split('id="users"')[1].split("</table>")[0].split("<tr>")[2:]
    buttons = {}
    for row in rows:
        name = re.search(r'<span class="code">(\w+)</span>', row)
        opener = re.search(r'data-dialog="(user-\d+)"', row)
        assert name and (opener is None) == (name.group(1) == "clerk_pz")
        if opener:
            buttons[opener.group(1)] = name.group(1)
    dialogs = dict(
        re.findall(r'<dialog id="(user-\d+)"[^>]*>\s*<h3>[^<]*<small class="code">(\w+)<', listed)
    )
    assert dialogs == buttons and len(buttons) == 3


def test_a_reset_password_must_be_changed_at_the_next_login(
    pages: Pages, other: Pages, cw: Casework
) -> None:
    pages.login_form("admin")
    reset = pages.post_form(
        "/admin/users/clerk_pz/password", {"password": TEMPORARY}, follow_redirects=False
    )
    assert reset.status_code == 303 and last_admin_act(cw)["channel"] == "web"
    login = other.login_form("clerk_pz", TEMPORARY, ready=False)
    assert login.headers["location"] == "/password"
    assert other.get("/import", follow_redirects=False).headers["location"] == "/password"
    weak = pages.post_form("/admin/users/clerk_pz/password", {"password": "short"})
    assert weak.status_code == 422 and 'data-field="password"' in weak.text


def test_an_admin_changes_a_users_role_and_office(pages: Pages, cw: Casework) -> None:
    pages.login_form("admin")
    done = pages.post_form(
        "/admin/users/clerk_pz/change", {"role": "supervisor", "office": "shanmei"}
    )
    assert done.status_code == 200
    user = next(u for u in cw.acting("admin").users() if u["username"] == "clerk_pz")
    assert (user["role"], user["office"]) == ("supervisor", "shanmei")
    assert last_admin_act(cw)["channel"] == "web"


def test_sessions_are_listed_and_revoked(pages: Pages, other: Pages, cw: Casework) -> None:
    other.login_form("clerk_pz")
    pages.login_form("admin")
    mine = [s for s in cw.acting("admin").sessions() if s["username"] == "clerk_pz"]
    listed = pages.get("/admin/sessions", params={"user": "clerk_pz"})
    assert f"/admin/sessions/{mine[0]['id']}/revoke" in listed.text
    assert "/admin/sessions/" not in listed.text.replace(f"/admin/sessions/{mine[0]['id']}", "")
    pages.post_form(f"/admin/sessions/{mine[0]['id']}/revoke", {})
    assert other.get("/password", follow_redirects=False).status_code == 303
    assert last_admin_act(cw)["channel"] == "web"


def test_the_login_log_is_filtered_by_user_and_date(pages: Pages) -> None:
    pages.login_form("clerk_pz")
    pages.login_form("admin")
    page = pages.get("/admin/logins", params={"user": "clerk_pz", "from": "2020-12-01"})
    assert "clerk_pz" in page.text and '<span class="code">admin</span>' not in page.text
    later = pages.get("/admin/logins", params={"user": "clerk_pz", "from": "2020-12-02"})
    assert "共 0 条" in later.text
    bad = pages.get("/admin/logins", params={"from": "yesterday"})
    assert bad.status_code == 422 and 'data-field="from"' in bad.text


def test_a_holiday_file_and_the_subsidy_scale(pages: Pages, cw: Casework) -> None:
    pages.login_form("admin")
    text = "2027-01-01..2027-01-03 holiday 元旦\n2027-02-14 workday 春节调休\n"
    files = {"holiday_file": ("2027.txt", text.encode(), "text/plain")}
    added = pages.post_form("/admin/calendar", {}, files=files)
    assert added.status_code == 200 and "2027.txt" in added.text
    assert cw.calendar_show()["last"] == 2027
    scale = pages.post_form("/admin/subsidy", {"from": "2020-07-01", "amount.ordinary": "321"})
    assert scale.status_code == 200 and "321" in scale.text
    assert cw.subsidy.scale("2020-07-02")["tiers"]["ordinary"]["amount"] == 321
    none = pages.post_form("/admin/subsidy", {"from": "2020-07-01"})
    assert none.status_code == 422 and 'data-field="amounts"' in none.text
