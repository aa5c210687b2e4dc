"""Logging in, in a real Chromium (web.md, "Tests in a real browser"): login, a wrong password,
the lockout after 5 failures and its expiry 30 minutes later, the forced password change, a
form posted without its CSRF token, the idle timeout."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.browser.conftest import PW, TEMPORARY, Live

WRONG = "Wrong#2020pw"


def test_login_lands_on_the_desk_with_the_user_shown(live: Live, page: Page) -> None:
    live.login(page, "clerk_pz")
    expect(page).to_have_url(f"{live.url}/desk")
    expect(page.locator("body")).to_contain_text("clerk_pz")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert (
        cookies["casework_session"]["httpOnly"] and cookies["casework_session"]["sameSite"] == "Lax"
    )


def test_a_wrong_password_stays_on_the_login_page_with_a_chinese_message(
    live: Live, page: Page
) -> None:
    live.with_own_password("clerk_sm")
    live.login(page, "clerk_sm", WRONG, ready=False)
    expect(page.locator("#login-error")).to_contain_text("密码")
    assert "casework_session" not in {c["name"] for c in page.context.cookies()}


def test_five_failures_lock_the_account_until_thirty_minutes_pass(live: Live, page: Page) -> None:
    live.with_own_password("med_sm")
    for _ in range(5):
        live.login(page, "med_sm", WRONG, ready=False)
    live.login(page, "med_sm", PW, ready=False)  # the right password, while locked
    expect(page.locator("#login-error")).to_contain_text("锁定")
    assert "/desk" not in page.url
    live.clock.advance(minutes=31)
    live.login(page, "med_sm", PW, ready=False)
    expect(page).to_have_url(f"{live.url}/desk")


def test_a_password_set_by_an_admin_must_be_changed_before_any_page(live: Live, page: Page) -> None:
    live.cw.acting("admin").set_password("med2_pz", TEMPORARY)
    live.login(page, "med2_pz", TEMPORARY, ready=False)
    expect(page).to_have_url(f"{live.url}/password")
    page.goto(f"{live.url}/desk")
    expect(page).to_have_url(f"{live.url}/password")  # nothing else until it is changed
    page.fill("#f-old", TEMPORARY)
    page.fill("#f-new", "short")
    page.fill("#f-again", "short")
    page.click("form[action='/password'] button[type=submit]")
    expect(page.locator(".field-error").first).to_be_visible()
    page.fill("#f-old", TEMPORARY)
    page.fill("#f-new", PW)
    page.fill("#f-again", PW)
    page.click("form[action='/password'] button[type=submit]")
    expect(page).to_have_url(f"{live.url}/desk")


def test_a_form_posted_without_its_csrf_token_is_refused(live: Live, page: Page) -> None:
    live.login(page, "sup_sm")
    expect(page).to_have_url(f"{live.url}/desk")
    # A page of another site would post the form without the token: take it out, then post.
    page.evaluate(
        "() => { const f = document.createElement('form'); f.method = 'post';"
        " f.action = '/logout'; document.body.appendChild(f); f.submit(); }"
    )
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("CSRF")
    page.goto(f"{live.url}/desk")
    expect(page).to_have_url(f"{live.url}/desk")  # still logged in: the post did nothing


def test_an_idle_session_ends_after_thirty_minutes(live: Live, page: Page) -> None:
    live.login(page, "viewer1")
    expect(page).to_have_url(f"{live.url}/desk")
    live.clock.advance(minutes=29)
    page.goto(f"{live.url}/desk")
    expect(page).to_have_url(f"{live.url}/desk")  # used within the limit: still open
    live.clock.advance(minutes=31)
    page.goto(f"{live.url}/desk")
    expect(page).to_have_url(f"{live.url}/login?next=%2Fdesk&expired=1")
    expect(page.locator("#login-error")).to_contain_text("会话已超时")
