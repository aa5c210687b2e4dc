"""Browser tests (web.md, "Tests in a real browser"): Debian's Chromium driven by Playwright
against ``casework serve``'s application on 127.0.0.1.

One browser per worker (pytest-playwright's session ``browser``, launched from
``/usr/bin/chromium`` because Playwright's own download cannot reach the internet here); one
live server per test module on a staffed database copied from the session's template, on
SQLite and, when ``CASEWORK_TEST_PG`` is set, PostgreSQL. The server's clock is a FrozenClock
the tests move (the idle timeout, the lockout's expiry); nothing reads the real clock.
Screenshots go to ``CASEWORK_ARTIFACTS`` (default ``build/screenshots/``, gitignored).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page

from casework.api import Casework
from casework.web.app import create_app
from tests.databases import Templates, shared_database
from tests.helpers import FrozenClock

CHROMIUM = Path(os.environ.get("CASEWORK_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).resolve().parents[3]
PW = "Panzhou#2020"
TEMPORARY = "Temp#2020set"

if not CHROMIUM.exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)",
        allow_module_level=True,
    )


def artefacts() -> Path:
    """Where the screenshots go, for a person to look at."""
    folder = Path(os.environ.get("CASEWORK_ARTIFACTS", ROOT / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Debian's Chromium, headless; no sandbox since the tests may run as root in CI.
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # The 信创 desktops' common screen (web.md), Chinese locale, China time.
    return {
        **browser_context_args,
        "viewport": {"width": 1366, "height": 768},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Live:
    """A running server: its address, its database, its clock and an API on the database."""

    url: str
    db: str
    clock: FrozenClock
    cw: Casework
    ready: set[str] = field(default_factory=set)

    def with_own_password(self, username: str) -> None:
        """The user's password ``PW``, chosen by themselves (no forced change at login)."""
        if username not in self.ready:
            self.cw.acting("admin").set_password(username, TEMPORARY)
            self.cw.acting(username).change_password(TEMPORARY, PW)
            self.ready.add(username)

    def login(self, page: Page, username: str, password: str = PW, ready: bool = True) -> None:
        """Log in through the login form, as a person does."""
        if ready:
            self.with_own_password(username)
        page.goto(f"{self.url}/login")
        page.fill("#f-username", username)
        page.fill("#f-password", password)
        with page.expect_navigation():
            page.click("form[action='/login'] button[type=submit]")


def serve(db: str, clock: FrozenClock) -> tuple[uvicorn.Server, threading.Thread, str]:
    port = free_port()
    config = uvicorn.Config(
        create_app(db, clock), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    templates: Templates,
) -> Iterator[Live]:
    """A server on a staffed database of this module's own, its clock frozen."""
    with shared_database(request.param, tmp_path_factory, templates) as (db, clock):
        server, thread, url = serve(db, clock)
        cw = Casework(db, clock=clock)
        try:
            yield Live(url, db, clock, cw)
        finally:
            server.should_exit = True
            thread.join(10)
            cw.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A fresh page in a fresh context (no cookies of another test)."""
    made = context.new_page()
    made.set_default_timeout(10_000)
    yield made
    made.close()


def shot(page: Page, name: str, backend: str) -> Path:
    """Keep a screenshot of the page among the tests' artefacts."""
    path = artefacts() / f"{name}-{backend}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def backend(live: Live) -> str:
    return "postgresql" if live.db.startswith("postgresql") else "sqlite"


__all__ = ["Browser", "Live", "shot"]
