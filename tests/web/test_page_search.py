"""案件查询 /search (web.md, Pages): by case number, party name, ID number, phone, title words,
kind, state, office and dates; paged by 20, sortable, downloadable as CSV and XLSX with the same
filter; a town user never finds another town's case; bad input is a message at its field;
``GET /api/v1/search`` answers the API's own result."""

from __future__ import annotations

import csv
import io
import re

import pytest

from casework.api import Casework
from casework.read import search as search_module
from tests.helpers import VALID_ID_2, FrozenClock, dump
from tests.petitions import accept, register
from tests.web.pages import Pages
from tests.web.test_json_api import API, as_cli

OTHER = f"respondent:林某某:{VALID_ID_2}:02088886666"


def found_cases(html: str) -> list[str]:
    return re.findall(r'<tr data-case="([^"]+)">', html)


def total(html: str) -> int:
    found = re.search(r'id="search-total">(\d+)<', html)
    assert found, html[-2000:]
    return int(found.group(1))


def some_cases(cw: Casework) -> dict[str, str]:
    return {
        "wages": register(cw, "2020-11-02 09:00", title="工地 拖欠工资"),
        "land": register(
            cw, "2020-11-20 09:00", title="宅基地边界纠纷", parties=("petitioner:黄某:", OTHER)
        ),
        "other_town": register(
            cw, "2020-11-10 09:00", office="shanmei", user="clerk_sm", title="山美拖欠工资"
        ),
    }


def test_each_criterion_finds_its_case_and_only_in_the_users_office(
    pages: Pages, cw: Casework, db_url: str, clock: FrozenClock
) -> None:
    made = some_cases(cw)
    pages.login_form("clerk_pz")
    asks = {
        "party=陈": [made["wages"]],
        "party=某某": [made["land"]],  # a substring of the respondent's name
        "id_number=440981198512120010": [made["land"]],
        "id_number=110101199003074514": [made["wages"]],  # the other town's case is not found
        "phone=020-88886666": [made["land"]],  # the same number, normalised
        "phone=02088886667": [],  # exact match only
        "phone=02088886666": [made["land"]],
        "title=拖欠 工地": [made["wages"]],
        "title=拖欠": [made["wages"]],
        "case_no=00002": [made["land"]],
        "from=2020-11-10&to=2020-11-30": [made["land"]],
        "kind=信访事项&state=已登记": [made["land"], made["wages"]],
        "": [made["land"], made["wages"]],  # newest first
    }
    for query, expected in asks.items():
        page = pages.get(f"/search?{query}")
        assert page.status_code == 200, (query, page.text[-500:])
        assert found_cases(page.text) == expected, query
        assert total(page.text) == len(expected)
    with Pages(cw, db_url, clock) as city:
        city.login_form("sup_justice")
        assert set(found_cases(city.get("/search?title=拖欠").text)) == {
            made["wages"],
            made["other_town"],
        }


def test_another_towns_office_is_refused_at_the_office_field(pages: Pages, cw: Casework) -> None:
    some_cases(cw)
    pages.login_form("clerk_pz")
    page = pages.get("/search?office=shanmei")
    assert page.status_code == 403 and 'data-field="office"' in page.text
    assert "山美拖欠工资" not in page.text and "Traceback" not in page.text


def test_pages_of_twenty_sorted_by_number_date_or_state(pages: Pages, cw: Casework) -> None:
    made = [register(cw, f"2020-11-{day:02d} 09:00", title=f"第{day}件") for day in range(1, 26)]
    pages.login_form("clerk_pz")
    first = pages.get("/search")
    assert total(first.text) == 25 and found_cases(first.text) == made[::-1][:20]
    assert "第 1 / 2 页" in first.text
    second = pages.get("/search?page=2")
    assert found_cases(second.text) == made[::-1][20:]
    by_number = pages.get("/search?sort=case_no&desc=0")
    assert found_cases(by_number.text) == sorted(made)[:20]
    assert 'href="/search?sort=case_no&amp;desc=1"' in by_number.text  # the header turns it
    oldest = pages.get("/search?sort=registered&desc=0&page=2")
    assert found_cases(oldest.text) == made[20:]
    accept(cw, made[0], "2020-11-26 09:00")
    by_state = found_cases(pages.get("/search?sort=state&desc=0").text)
    states = [cw.acting("sup_pz").show(n)["state"] for n in by_state]
    assert states == sorted(states)


def test_the_download_holds_exactly_the_cases_of_the_search(pages: Pages, cw: Casework) -> None:
    made = some_cases(cw)
    pages.login_form("clerk_pz")
    got = pages.get("/search/export?title=拖欠&format=csv")
    assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert [r["案件编号"] for r in rows] == [made["wages"]]
    assert rows[0]["身份证号"] == "110101********4514"  # masked
    book = pages.get("/search/export?kind=petition&format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(book.content)).active
    numbers = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [made["land"], made["wages"]]
    assert pages.get("/search/export?format=pdf").status_code == 422


def test_a_search_past_its_count_cap_says_so(
    pages: Pages, cw: Casework, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [register(cw, f"2020-11-{day:02d} 09:00", title=f"第{day}件") for day in range(1, 26)]
    monkeypatch.setattr(search_module, "COUNT_CAP", 21)
    pages.login_form("clerk_pz")
    first = pages.get("/search")
    assert total(first.text) == 21 and "超过 <b" in first.text
    assert found_cases(first.text) == made[::-1][:20]
    assert found_cases(pages.get("/search?page=2").text) == made[::-1][20:21]  # up to the cap
    assert found_cases(pages.get("/search?page=3").text) == []


def test_bad_input_is_a_message_at_its_field_and_writes_nothing(pages: Pages, cw: Casework) -> None:
    some_cases(cw)
    pages.login_form("clerk_pz")
    before = dump(cw.engine)
    for query, name in (
        ("from=2020-13-01", "from"),
        ("from=2020-11-30&to=2020-11-01", "to"),
        ("id_number=110101199003074515", "id_number"),
        ("phone=12", "phone"),
        ("kind=nosuch", "kind"),
        ("kind=petition&state=nosuch", "state"),
        ("sort=title", "sort"),
    ):
        page = pages.get(f"/search?{query}")
        assert page.status_code == 422, (query, page.status_code)
        assert f'data-field="{name}"' in page.text and "Traceback" not in page.text, query
    huge = pages.get("/search?title=" + "字" * 5000)
    assert huge.status_code == 422 and "Traceback" not in huge.text
    assert pages.get("/search?page=0").status_code == 422
    control = pages.get("/search?party=%00%1b<script>")
    assert control.status_code == 422 and 'data-field="party"' in control.text
    assert pages.get("/search?title=%3Cscript%3E%25_").status_code == 200
    assert dump(cw.engine) == before


def test_a_hostile_title_is_text(pages: Pages, cw: Casework) -> None:
    register(cw, "2020-11-02 09:00", title="<script>alert(1)</script>")
    pages.login_form("clerk_pz")
    page = pages.get("/search?title=script")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text


def test_the_json_api_answers_the_search_of_the_tokens_user(pages: Pages, cw: Casework) -> None:
    made = some_cases(cw)
    headers = pages.login("clerk_pz")
    got = pages.get(f"{API}/search", params={"title": "拖欠", "size": 5}, headers=headers)
    assert got.status_code == 200
    mine = cw.acting("clerk_pz")
    assert got.json() == as_cli(mine.search(mine.search_filter(title="拖欠"), 1, 5))
    assert [r["case_no"] for r in got.json()["rows"]] == [made["wages"]]
    bad = pages.get(f"{API}/search", params={"from": "tomorrow"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["field"] == "from"
    assert pages.get(f"{API}/search").status_code == 401
