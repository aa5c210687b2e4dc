"""A confidential (保密) caller is hidden from the handler (hotline_reconsideration.md 7): the
users of the office a 12345 order is dispatched to get the caller's role only, never the name,
ID number or phone, in ``case show``, search, the desk and the export, revealed or not; the
centre that owns the order sees the caller as usual (masked unless revealed)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from casework.api import Casework
from casework.errors import InvalidData
from tests.helpers import VALID_ID_2, Cli, FrozenClock
from tests.hotline import ORDER, add_hotline_staff

NAME, PHONE = "李秘密", "13800138000"
CALLER = f"caller:{NAME}:{VALID_ID_2}:{PHONE}"


def _order(cw: Casework, confidential: str | None) -> str:
    """An order from the caller, dispatched to panzhou."""
    data = {**ORDER, **({"confidential": confidential} if confidential else {})}
    op = cw.acting("op1")
    made = op.register("hotline", "city-hotline", "路灯", [CALLER], data, at="2020-11-02T09:00")
    case_no = str(made["case_no"])
    op.advance(case_no, "dispatch", {"to_office": "panzhou"}, at="2020-11-02T09:30")
    return case_no


@pytest.fixture
def hot(cw: Casework, clock: FrozenClock) -> Casework:
    add_hotline_staff(cw)
    clock.set("2020-11-03T09:00")
    return cw


def _leaks(found: object) -> bool:
    text = json.dumps(found, ensure_ascii=False)
    return NAME in text or PHONE[-4:] in text or VALID_ID_2[-4:] in text


def test_the_handler_gets_the_callers_role_only_even_revealed(hot: Casework) -> None:
    case_no = _order(hot, "yes")
    hidden = {"role": "caller", "role_label": "诉求人", "name": "（保密）"}
    for user, reveal in (("clerk_pz", False), ("sup_pz", False), ("sup_pz", True)):
        shown = hot.acting(user).show(case_no, reveal=reveal)
        assert shown["parties"] == [{**hidden, "id_number": None, "phone": None}]
        assert not _leaks(shown), user
    centre = hot.acting("sup_hot")
    assert centre.show(case_no)["parties"][0]["name"] == NAME
    assert centre.show(case_no)["parties"][0]["phone"] == "138****8000"
    assert centre.show(case_no, reveal=True)["parties"][0]["phone"] == PHONE


def test_a_caller_not_confidential_is_shown_to_the_handler_as_usual(hot: Casework) -> None:
    case_no = _order(hot, None)  # the default: not confidential
    party = hot.acting("clerk_pz").show(case_no)["parties"][0]
    assert (party["name"], party["phone"]) == (NAME, "138****8000")
    assert hot.acting("sup_pz").show(case_no, reveal=True)["parties"][0]["phone"] == PHONE


def test_search_neither_shows_nor_finds_the_confidential_caller(hot: Casework) -> None:
    case_no = _order(hot, "yes")
    clerk, centre = hot.acting("clerk_pz"), hot.acting("sup_hot")
    rows = clerk.search(clerk.search_filter())["rows"]
    assert [(r["case_no"], r["parties"]) for r in rows] == [(case_no, ["（保密）"])]
    assert not _leaks(rows)
    for criteria in ({"party": NAME}, {"phone": PHONE}, {"id_number": VALID_ID_2}):
        assert clerk.search(clerk.search_filter(**criteria))["total"] == 0, criteria
        assert centre.search(centre.search_filter(**criteria))["total"] == 1, criteria
    assert centre.search(centre.search_filter())["rows"][0]["parties"] == [NAME]


def test_the_desk_does_not_show_the_confidential_caller(hot: Casework) -> None:
    case_no = _order(hot, "yes")
    desk = hot.acting("sup_pz").desk(within=30)
    assert case_no in {r["case_no"] for q in desk["queues"] for r in q["rows"]}
    assert not _leaks(desk)


def test_the_export_keeps_the_confidential_caller_from_the_handler(
    hot: Casework, tmp_path: Path
) -> None:
    case_no = _order(hot, "yes")
    columns = "case_no,parties,id_numbers,phones"

    def exported(user: str) -> list[list[str]]:
        out = tmp_path / f"{user}.csv"
        hot.acting(user).export_cases(str(out), columns=columns, reveal=True)
        with out.open(encoding="utf-8-sig") as fh:
            return list(csv.reader(fh))[1:]

    assert exported("sup_pz") == [[case_no, "诉求人:（保密）", "", ""]]
    # Revealed, the ID number and phone marked as text for a spreadsheet (csv_cells).
    assert exported("sup_hot") == [[case_no, f"诉求人:{NAME}", f"'{VALID_ID_2}", f"'{PHONE}"]]
    download = tmp_path / "search.csv"
    clerk = hot.acting("clerk_pz")
    clerk.search_export(clerk.search_filter(), str(download), "case_no,parties")
    text = download.read_text("utf-8-sig")
    assert case_no in text and "（保密）" in text and NAME not in text


def test_a_bad_confidential_value_is_refused(hot: Casework) -> None:
    with pytest.raises(InvalidData) as refused:
        _order(hot, "maybe")
    assert refused.value.field == "value.confidential"


def test_a_correction_of_the_confidential_caller_is_kept_from_the_handler(
    hot: Casework,
) -> None:
    case_no = _order(hot, "yes")
    changes = [("party", "1.name", "李秘书"), ("party", "1.phone", "13900139000")]
    hot.acting("sup_hot").correct(case_no, changes, "录错", at="2020-11-02T10:00")
    shown = hot.acting("sup_pz").show(case_no, reveal=True)
    assert not _leaks(shown) and "李秘书" not in json.dumps(shown, ensure_ascii=False)
    correction = shown["history"][-1]["data"]["changes"]
    assert {(c["from"], c["to"]) for c in correction} == {("（保密）", "（保密）")}
    assert not _leaks(hot.acting("clerk_pz").history(case_no))
    centre = hot.acting("sup_hot").show(case_no, reveal=True)["history"][-1]["data"]["changes"]
    assert ("李秘密", "李秘书") in {(c["from"], c["to"]) for c in centre}


def test_case_show_reveal_on_the_cli_keeps_the_caller_from_the_handler(
    hot: Casework, cli: Cli
) -> None:
    case_no = _order(hot, "yes")
    handler = cli("case", "show", case_no, "--reveal", "--json", user="sup_pz")
    assert handler.exit_code == 0, handler.stderr
    assert not _leaks(handler.stdout) and "（保密）" in handler.stdout
    centre = cli("case", "show", case_no, "--reveal", "--json", user="sup_hot")
    assert NAME in centre.stdout and PHONE in centre.stdout
