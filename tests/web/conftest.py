"""The web tests' fixtures: ``pages``, a cookie session on the pages (tests/web/pages.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from casework.api import Casework
from tests.helpers import FrozenClock
from tests.web.pages import Pages


@pytest.fixture
def pages(cw: Casework, db_url: str, clock: FrozenClock) -> Iterator[Pages]:
    with Pages(cw, db_url, clock) as client:
        yield client
    client.app.state.casework.close()  # type: ignore[attr-defined]
