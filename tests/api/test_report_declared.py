"""The sentences the procedures declare for the annual report (workflows.wording): the 12345
orders' sentence of section 一(七)3 (statistics.md: 受理工单, 办结率 with ``closed_by`` = the
report's date, 满意度) and reconsideration's counts in the 一(八) paragraph, each figure from
the statistics code, each rate after the two figures it divides."""

from __future__ import annotations

import json

import pytest

from casework.api import Casework
from tests import reconsiderations as R
from tests.helpers import Cli, FrozenClock
from tests.hotline import add_hotline_staff, dispatched, register

HOTLINE = (
    "1月1日至12月24日12345政务服务便民热线平台共受理工单3宗，其中已办结2宗，办结率为66.67%；"
    "群众对工单处理作出评价2宗，其中满意和基本满意1宗，满意度为50.00%。"
)


@pytest.fixture
def orders(cw: Casework, clock: FrozenClock) -> dict[str, str]:
    """Three orders received in 2020 (one more merged into one of them): two answered on the
    call, rated satisfied and unsatisfied, one dispatched and still open on 12-24; and one
    application for reconsideration."""
    add_hotline_staff(cw)
    op = cw.acting("op1")
    made = {name: register(cw, "2020-11-02T09:00") for name in ("good", "bad")}
    for name, rating in (("good", "satisfied"), ("bad", "unsatisfied")):
        answer = {"answer": "knowledge_base", "rating": rating}
        op.advance(made[name], "answer_directly", answer, at="2020-11-02T10:00")
    made["open"] = dispatched(cw, "2020-11-03T09:00")
    made["merged"] = register(cw, "2020-11-04T09:00")
    op.advance(made["merged"], "merge", {"into": made["open"]}, at="2020-11-04T10:00")
    R.register(cw, "2020-11-05")
    clock.set("2020-12-24T12:00")
    return made


def test_the_hotline_sentence_is_the_statistics_of_the_report_period(
    cw: Casework, orders: dict[str, str]
) -> None:
    report = cw.acting("sup_hot").report_annual(2020)
    assert report["sections"] == [
        {"section": "一(七)3", "heading": "12345政务服务便民热线", "text": HOTLINE}
    ]
    names = ["hotline.received", "hotline.closure_rate", "hotline.satisfaction_rate"]
    f = cw.stats("2020-01-01", "2020-12-24", as_of="2020-12-24", metrics=names,
                 closed_by="2020-12-24")["metrics"]  # fmt: skip
    assert (f["hotline.received"], f["hotline.closure_rate"]) == (3, 66.67)
    assert f["hotline.satisfaction_rate"] == 50.0
    assert "12345" not in report["paragraph"]


def test_reconsideration_says_only_what_is_computed_in_the_paragraph(
    cw: Casework, orders: dict[str, str]
) -> None:
    paragraph = cw.report_annual(2020)["paragraph"]
    assert paragraph.endswith("1月1日至12月24日收到行政复议申请1件，受理0件，审结0件。")


def test_a_report_dated_before_the_orders_counts_none(cw: Casework, orders: dict[str, str]) -> None:
    text = cw.report_annual(2020, "2020-10-31")["sections"][0]["text"]
    words = "1-10月12345政务服务便民热线平台共受理工单0宗，其中已办结0宗；"
    assert text == words + "群众对工单处理作出评价0宗，其中满意和基本满意0宗。"


def test_the_cli_prints_the_hotline_sentence(cli: Cli, orders: dict[str, str]) -> None:
    text = cli("report", "annual", "--year", "2020")
    assert text.exit_code == 0, text.stderr
    # The text wraps its sentences at 80 columns here: the words are whole, the lines shorter.
    assert "一(七)3 12345政务服务便民热线\n" in text.stdout
    assert HOTLINE in "".join(text.stdout.split("一(七)3 12345政务服务便民热线\n")[1].split("\n"))
    md = cli("report", "annual", "--year", "2020", "--format", "md")
    assert f"## 一(七)3 12345政务服务便民热线\n\n{HOTLINE}\n" in md.stdout
    data = json.loads(cli("report", "annual", "--year", "2020", "--format", "json").stdout)
    assert data["sections"][0]["text"] == HOTLINE
