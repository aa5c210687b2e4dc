"""The statistics page in a real Chromium (web.md): its ECharts chart renders from the vendored
script (a canvas drawn, no script error), and a figure's drill-down lists the same cases as
``stats explain`` for the same metric and period. A screenshot of the page is kept."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import VALID_ID, VALID_ID_2
from tests.web.browser.conftest import Live, shot

PERIOD = "from=2020-01-01&to=2020-11-30"


@pytest.fixture(scope="module")
def petitions(live: Live) -> list[str]:
    """Three petitions of two towns registered this year."""
    made = []
    for user, office, pid, at in (
        ("clerk_pz", "panzhou", VALID_ID, "2020-03-02 09:00"),
        ("clerk_pz", "panzhou", VALID_ID_2, "2020-06-10 10:00"),
        ("clerk_sm", "shanmei", VALID_ID, "2020-09-15 15:00"),
    ):
        done = live.cw.acting(user).register(
            "petition",
            office,
            f"{office} 拖欠工资 {at[:10]}",
            [f"petitioner:陈某:{pid}:13800138000"],
            {"channel": "letter"},
            at=at,
        )
        made.append(done["case_no"])
    return made


def test_a_chart_renders_and_its_drill_down_lists_what_stats_explain_lists(
    live: Live, page: Page, backend: str, petitions: list[str]
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    live.login(page, "sup_justice")
    page.goto(f"{live.url}/stats?{PERIOD}&by=quarter")
    expect(page.locator("#stats-chart canvas").first).to_be_visible()
    assert errors == []
    shot(page, "stats", backend)
    # The first non-zero figure of a petition metric: its cases, in the browser and by the API.
    figure = page.locator("tr[data-metric^='petition.'] a.figure").filter(has_not_text="—")
    figure = figure.filter(has_not_text="0").first
    href = figure.get_attribute("href")
    assert href is not None
    figure.click()
    expect(page.locator("#explain-items")).to_be_visible()
    shown = page.locator("#explain-items a[data-case]").evaluate_all(
        "links => links.map(a => a.dataset.case)"
    )
    asked = urlparse(href)
    query = {k: v[0] for k, v in parse_qs(asked.query).items()}
    metric = asked.path.rsplit("/", 1)[1]
    found = live.cw.acting("sup_justice").explain(
        metric, query.get("from"), query.get("to"), office=query.get("office") or None
    )
    expected = [item["case_no"] for item in found["items"] if item.get("case_no")]
    assert shown and sorted(shown) == sorted(expected)
    assert set(shown) <= set(petitions)
