"""The vendored front-end assets: each file is the npm package's, unchanged (its SHA-256 as
recorded in VENDORED.md), with its licence, and served from the package with the security
headers, so no page needs a CDN."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from casework.api import Casework
from casework.web.app import STATIC, create_app
from tests.helpers import FrozenClock

VENDOR = STATIC / "vendor"
ROW = re.compile(r"^\| (\S+) \| .+ \| (\S+) \| .+ \| ([0-9a-f]{64}) \|$")


def recorded() -> dict[str, tuple[str, str]]:
    """file -> (version, sha256), from VENDORED.md's table."""
    rows = (ROW.match(line) for line in (VENDOR / "VENDORED.md").read_text("utf-8").splitlines())
    return {m[1]: (m[2], m[3]) for m in rows if m}


def test_each_vendored_file_is_the_packages_with_its_licence() -> None:
    files = recorded()
    assert set(files) == {"htmx/htmx.min.js", "echarts/echarts.min.js"}
    for name, (version, digest) in files.items():
        path = VENDOR / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, name
        assert (path.parent / "LICENSE").stat().st_size > 500, name
        assert version.count(".") == 2, name
    assert "Apache" in (VENDOR / "echarts" / "LICENSE").read_text("utf-8")


@pytest.fixture
def client(cw: Casework, db_url: str, clock: FrozenClock) -> Iterator[TestClient]:
    with TestClient(create_app(db_url, clock), raise_server_exceptions=False) as made:
        yield made
    made.app.state.casework.close()  # type: ignore[attr-defined]


def test_the_assets_are_served_from_the_package(client: TestClient) -> None:
    for name in recorded():
        answer = client.get(f"/static/vendor/{name}")
        assert answer.status_code == 200, name
        assert "javascript" in answer.headers["content-type"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.content == (VENDOR / name).read_bytes()
    for outside in ("/static/../app.py", "/static/vendor/%2e%2e/%2e%2e/app.py", "/static/none.js"):
        assert client.get(outside).status_code == 404, outside
