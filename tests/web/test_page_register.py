"""登记 /register (web.md, Pages): a form per procedure generated from the procedure, live
checks of each party's ID number and phone and of possible repeats before saving, a bad ID
number refused at that party's field with nothing written, then a good one saved and the case
page next; a form without its CSRF token writes nothing; control characters are refused."""

from __future__ import annotations

import re

from casework.api import Casework
from tests.helpers import VALID_ID, dump
from tests.petitions import register
from tests.web.pages import Pages

BAD_ID = "110101199003074515"  # the check digit of VALID_ID changed


def petition(**changes: str) -> dict[str, str]:
    form = {
        "kind": "petition",
        "office": "panzhou",
        "title": "工地拖欠工资",
        "d_channel": "visit",
        "d_request": "要求结清2020年工资",
        "parties.0.role": "petitioner",
        "parties.0.name": "陈某",
        "parties.0.id_number": VALID_ID,
        "parties.0.phone": "13800138000",
        "at": "2020-11-30T09:30",
    }
    return {**form, **changes}


def test_the_form_is_generated_from_the_procedure(pages: Pages) -> None:
    pages.login_form("clerk_pz")
    picker = pages.get("/register")
    assert picker.status_code == 200 and 'value="petition"' in picker.text
    assert 'value="subsidy_claim"' not in picker.text  # drafted, never registered by hand
    form = pages.get("/register?kind=petition")
    assert 'name="d_channel"' in form.text and ">来访<" in form.text  # a choice's label
    assert 'name="parties.0.id_number"' in form.text and 'hx-post="/register/check"' in form.text
    assert ">信访人<" in form.text


def test_a_bad_id_number_is_refused_at_its_field_then_a_good_one_is_saved(
    pages: Pages, cw: Casework
) -> None:
    pages.login_form("clerk_pz")
    before = dump(cw.engine)
    bad = pages.post_form("/register", petition(**{"parties.0.id_number": BAD_ID}))
    assert bad.status_code == 422
    assert re.search(r'id="live-parties-0-id_number"[^>]*>[^<]*校验码错误', bad.text)
    assert dump(cw.engine) == before
    good = pages.post_form("/register", petition(), follow_redirects=False)
    assert good.status_code == 303, good.text[-1000:]
    case_no = good.headers["location"].rsplit("/", 1)[1]
    assert cw.show(case_no)["title"] == "工地拖欠工资"
    assert pages.get(good.headers["location"]).status_code == 200


def test_the_live_check_shows_id_and_phone_problems_and_possible_repeats(
    pages: Pages, cw: Casework
) -> None:
    earlier = register(cw, "2020-11-02 09:00", title="工地拖欠工资问题")
    other_town = register(cw, "2020-11-03 09:00", office="shanmei", user="clerk_sm",
                          title="山美的事")  # fmt: skip
    pages.login_form("clerk_pz")
    before = dump(cw.engine)
    check = pages.post_form("/register/check", petition(**{"parties.0.phone": "12345"}))
    assert check.status_code == 200
    assert re.search(r'id="live-parties-0-phone"[^>]*hx-swap-oob="true"[^>]*>[^<]*电话', check.text)
    assert f'data-related="{earlier}"' in check.text and "工地拖欠工资问题" in check.text
    # Another town's case of the same person: its number and state only, never its title.
    assert f'data-related="{other_town}"' in check.text and "山美的事" not in check.text
    bad = pages.post_form("/register/check", petition(**{"parties.0.id_number": BAD_ID}))
    assert re.search(r'id="live-parties-0-id_number"[^>]*>[^<]*校验码错误', bad.text)
    assert dump(cw.engine) == before


def test_without_csrf_nothing_is_written_and_control_characters_are_refused(
    pages: Pages, cw: Casework
) -> None:
    pages.login_form("clerk_pz")
    before = dump(cw.engine)
    forged = pages.post("/register", data=petition())
    assert forged.status_code == 403
    hostile = pages.post_form("/register", petition(title="工资\x00\x07"))
    assert hostile.status_code == 422 and "控制字符" in hostile.text
    huge = pages.post_form("/register", petition(d_request="长" * 5000))
    assert huge.status_code == 422 and "过长" in huge.text
    assert dump(cw.engine) == before


def test_bearer_registers_through_the_page_and_another_office_is_refused(
    pages: Pages, cw: Casework
) -> None:
    headers = pages.login("clerk_pz")
    before = dump(cw.engine)
    elsewhere = pages.post("/register", data=petition(office="shanmei"), headers=headers)
    assert elsewhere.status_code == 403 and "Traceback" not in elsewhere.text
    assert dump(cw.engine) == before
    done = pages.post("/register", data=petition(), headers=headers, follow_redirects=False)
    assert done.status_code == 303
