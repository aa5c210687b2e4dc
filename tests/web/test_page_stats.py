"""统计 /stats (web.md, Pages): the catalogue for a period as a table by office, month, quarter
or kind with the chart's data in a non-executed JSON block; every figure links to
``/stats/explain/{metric}``, which lists exactly the cases of ``stats explain``; a town user's
figures are their own office's; bad input is a message at its field."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

from casework.api import Casework
from casework.web.pages.stats import chart_data
from tests.petitions import register
from tests.web.pages import Pages

CHART = re.compile(r'<script type="application/json" id="stats-data">(.*?)</script>', re.S)


def cases_listed(page: str) -> list[str]:
    return re.findall(r'data-case="([^"]+)"', page)


def chart_of(page: str) -> dict[str, object]:
    found = CHART.search(page)
    assert found, page[-1500:]
    data: dict[str, object] = json.loads(found.group(1))
    return data


def petitions(cw: Casework) -> list[str]:
    return [
        register(cw, "2020-10-12 09:00"),
        register(cw, "2020-11-03 09:00"),
        register(cw, "2020-11-05 09:00"),
        register(cw, "2020-11-06 09:00", office="shanmei", user="clerk_sm"),
    ]


def test_a_months_figure_links_to_the_same_cases_as_stats_explain(
    pages: Pages, cw: Casework
) -> None:
    made = petitions(cw)
    pages.login_form("sup_justice")
    page = pages.get("/stats?from=2020-10-01&to=2020-11-30&by=month")
    assert page.status_code == 200
    data = chart_of(page.text)
    assert data["by"] == "month" and data["groups"] == ["2020-10", "2020-11"]
    series = {s["metric"]: s for s in data["series"]}  # type: ignore[attr-defined]
    registered = series["petition.registered"]
    assert registered["values"] == [1, 3]
    link = registered["links"][1]
    assert html.escape(link) in page.text  # the table's figure links there too
    assert parse_qs(urlsplit(link).query) == {"from": ["2020-11-01"], "to": ["2020-11-30"]}
    listed = pages.get(link)
    assert listed.status_code == 200
    city = cw.acting("sup_justice").explain("petition.registered", "2020-11-01", "2020-11-30")
    assert sorted(cases_listed(listed.text)) == sorted(i["case_no"] for i in city["items"])
    assert sorted(cases_listed(listed.text)) == sorted(made[1:])


def test_an_offices_figure_drills_down_to_that_office(pages: Pages, cw: Casework) -> None:
    made = petitions(cw)
    pages.login_form("sup_justice")
    data = chart_of(pages.get("/stats?from=2020-10-01&to=2020-11-30&by=office").text)
    groups: list[str] = data["groups"]  # type: ignore[assignment]
    series = {s["metric"]: s for s in data["series"]}  # type: ignore[attr-defined]
    at = groups.index("shanmei")
    assert series["petition.registered"]["values"][at] == 1
    link = series["petition.registered"]["links"][at]
    assert cases_listed(pages.get(link).text) == [made[3]]


def test_a_town_user_sees_their_own_offices_figures_only(pages: Pages, cw: Casework) -> None:
    made = petitions(cw)
    pages.login_form("clerk_sm")
    page = pages.get("/stats?from=2020-10-01&to=2020-11-30")
    series = {s["metric"]: s for s in chart_of(page.text)["series"]}  # type: ignore[attr-defined]
    assert series["petition.registered"]["values"] == [1]
    listed = pages.get("/stats/explain/petition.registered?from=2020-10-01&to=2020-11-30")
    assert cases_listed(listed.text) == [made[3]]
    refused = pages.get("/stats?from=2020-10-01&to=2020-11-30&office=panzhou")
    assert refused.status_code == 403 and 'data-field="office"' in refused.text
    other = pages.get("/stats/explain/petition.registered?from=2020-10-01&office=panzhou")
    assert other.status_code == 403 and made[0] not in other.text


def test_bad_input_is_a_message_at_its_field(pages: Pages, cw: Casework) -> None:
    pages.login_form("viewer1")
    for query, name in (
        ("from=2020-02-30", "from"),
        ("from=2020-11-01&to=2020-10-01", "to"),
        ("as_of=yesterday", "as_of"),
        ("by=committee", "by"),
        ("office=nowhere", "office"),
    ):
        page = pages.get(f"/stats?{query}")
        assert page.status_code in (404, 422), (query, page.status_code)
        assert f'data-field="{name}"' in page.text and "Traceback" not in page.text, query
    unknown = pages.get("/stats/explain/no.such?from=2020-01-01")
    assert unknown.status_code in (404, 422) and "Traceback" not in unknown.text
    assert pages.get("/stats/explain/petition.registered?from=bad").status_code == 422


def test_the_page_runs_no_inline_script(pages: Pages, cw: Casework) -> None:
    petitions(cw)
    pages.login_form("viewer1")
    page = pages.get("/stats?from=2020-10-01&to=2020-11-30&by=quarter").text
    tags = re.findall(r"<script([^>]*)>", page)
    assert tags and all("src=" in t or 'type="application/json"' in t for t in tags)
    assert '<script src="/static/stats.js" defer>' in page
    assert pages.get("/static/stats.js").status_code == 200
    hostile = chart_data(
        {"groups": ["</script><script>x"], "rows": [{"metric": "m", "label": "l", "cells": []}]},
        "office",
    )
    assert "</" not in hostile and json.loads(hostile)["groups"] == ["</script><script>x"]


def test_a_control_character_is_refused_not_sent_to_the_database(
    pages: Pages, cw: Casework
) -> None:
    pages.login_form("viewer1")
    for path in (
        "/stats?office=%00pz",
        "/stats/explain/petition.registered?office=%00",
        "/reports?report=monthly&month=2020-11%00",
    ):
        page = pages.get(path)
        assert page.status_code == 422 and "Traceback" not in page.text, path
