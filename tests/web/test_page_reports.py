"""报表 /reports (web.md, Pages): the annual report's section and table, the monthly table and
the Ministry's mediation form, shown as the API makes them and downloaded as XLSX, Markdown,
text or JSON (``casework report``'s files); bad input is a message at its field."""

from __future__ import annotations

import html
import io
import re

from casework.api import Casework
from tests.petitions import register
from tests.web.pages import Pages
from tests.web.test_json_api import as_cli


def table_rows(page: str) -> list[list[str]]:
    body = page.split('id="report-rows"', 1)[1].split("</table>", 1)[0]
    return [
        [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        if "<td" in row
    ]


def test_the_monthly_table_is_the_apis_and_downloads_as_xlsx(pages: Pages, cw: Casework) -> None:
    register(cw, "2020-11-03 09:00")
    register(cw, "2020-11-04 09:00", office="shanmei", user="clerk_sm")
    pages.login_form("viewer1")
    page = pages.get("/reports?report=monthly&month=2020-11")
    assert page.status_code == 200
    report = cw.acting("viewer1").report_monthly("2020-11")
    assert table_rows(page.text) == [[str(c) for c in row] for row in report["rows"]]
    assert report["title"] in page.text
    book = pages.get("/reports/download?report=monthly&month=2020-11&format=xlsx")
    assert book.status_code == 200 and "attachment" in book.headers["content-disposition"]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet["A1"].value == report["title"]
    values = [list(r) for r in sheet.iter_rows(min_row=4, values_only=True)]
    assert values == report["rows"]
    md = pages.get("/reports/download?report=monthly&month=2020-11&format=md")
    assert md.text.startswith(f"# {report['title']}")


def test_the_annual_report_shows_its_paragraph(pages: Pages, cw: Casework) -> None:
    register(cw, "2020-11-03 09:00")
    pages.login_form("viewer1")
    page = pages.get("/reports?report=annual&year=2020")
    assert page.status_code == 200
    report = cw.acting("viewer1").report_annual(2020)
    assert html.escape(report["paragraph"], quote=False) in page.text
    text = pages.get("/reports/download?report=annual&year=2020&format=text")
    # The text file wraps its sentences at 100 columns: the words are whole, the lines shorter.
    flat = "".join(text.text.split())
    assert text.text.startswith(report["title"]) and "".join(report["paragraph"].split()) in flat
    # the procedures' sentences of other sections (一(七)3: the 12345 orders) follow it
    hotline = report["sections"][0]
    assert hotline["section"] == "一(七)3" and "受理工单0宗" in hotline["text"]
    assert html.escape(hotline["text"], quote=False) in page.text
    assert "".join(hotline["text"].split()) in flat


def test_the_mediation_form_downloads_as_the_api_makes_it(pages: Pages, cw: Casework) -> None:
    pages.login_form("viewer1")
    query = "report=form&from=2020-01-01&to=2020-11-30"
    page = pages.get(f"/reports?{query}")
    assert page.status_code == 200 and 'id="report-ties"' in page.text
    made = cw.acting("viewer1").mediation_form("2020-01-01", "2020-11-30")
    assert made["title"] in page.text
    got = pages.get(f"/reports/download?{query}&format=json")
    assert got.json() == as_cli(made)


def test_a_town_users_report_is_their_offices(pages: Pages, cw: Casework) -> None:
    register(cw, "2020-11-03 09:00")
    pages.login_form("clerk_sm")
    page = pages.get("/reports?report=monthly&month=2020-11")
    assert page.status_code == 200
    total = next(r for r in table_rows(page.text) if r[0] == "合计")
    assert set(total[1:]) == {"0"}  # the other town's petition is not counted
    refused = pages.get("/reports?report=form&from=2020-01-01&to=2020-11-30&office=panzhou")
    assert refused.status_code == 403 and 'data-field="office"' in refused.text


def test_bad_input_is_a_message_at_its_field(pages: Pages, cw: Casework) -> None:
    pages.login_form("viewer1")
    for query, name in (
        ("report=monthly&month=2020-13", "month"),
        ("report=monthly&month=2021-01", "month"),
        ("report=monthly", "month"),
        ("report=annual&year=20x0", "year"),
        ("report=annual&year=2020&date=2020-02-30", "date"),
        ("report=form&from=2020-01-01", "to"),
        ("report=form&from=2020-11-01&to=2020-10-01", "to"),
        ("report=weekly", "report"),
    ):
        page = pages.get(f"/reports?{query}")
        assert page.status_code == 422, (query, page.status_code)
        assert "Traceback" not in page.text, query
        assert f'data-field="{name}"' in page.text or name == "report", query
    bad = pages.get("/reports/download?report=monthly&month=2020-11&format=docx")
    assert bad.status_code == 422 and "Traceback" not in bad.text
