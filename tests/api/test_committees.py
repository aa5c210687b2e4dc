"""People's mediation committees and their mediators (mediation.md 2.1), through the API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from casework.api import Casework
from casework.errors import CaseworkError, InvalidData, NotAllowed, NotFound
from casework.storage.db import reading
from casework.storage.world import StoredWorld
from tests.helpers import dump

MEDICAL = "高州市医疗纠纷人民调解委员会"


def medical(cw: Casework, since: str = "2019-01-01") -> None:
    cw.acting("admin").add_committee(
        "gz-yl", MEDICAL, "industry", "city-justice", subtype="medical", since=since
    )


def refused(cw: Casework, call: object, *args: object, **kw: object) -> CaseworkError:
    """The error a call raises; the database is as it was."""
    before = dump(cw.engine)
    with pytest.raises(CaseworkError) as caught:
        call(*args, **kw)  # type: ignore[operator]
    assert dump(cw.engine) == before
    return caught.value


def test_each_town_office_has_its_own_committee_and_its_mediators(cw: Casework) -> None:
    rows = {c["code"]: c for c in cw.committees(on="2020-12-01")}
    assert len(rows) == 28 and all(code.endswith("-tj") for code in rows)
    pz = rows["panzhou-tj"]
    assert (pz["name"], pz["type"], pz["type_label"]) == (
        "潘州街道人民调解委员会",
        "subdistrict",
        "街道调委会",
    )
    assert (pz["office"], pz["town"], pz["active_from"]) == ("panzhou", "潘州街道", "1990-01-01")
    # seeded: it was there before casework's records, so its term is unrecorded, not passed
    assert pz["term_end"] is None and not any("任期" in p for p in pz["problems"])
    # a town (镇), not a subdistrict (街道), by its name in the shipped list
    town = next(c for c in rows.values() if "街道" not in c["name"])
    assert town["type"] == "town" and town["name"].endswith("镇人民调解委员会")
    shown = cw.committee("panzhou-tj")
    assert [m["username"] for m in shown["memberships"]] == ["med2_pz", "med_pz"]
    assert shown["members"] == 2
    assert cw.committee("shanmei-tj")["members"] == 1


def test_a_committee_is_added_with_its_term_and_problems(cw: Casework) -> None:
    medical(cw)
    c = cw.committee("gz-yl", on="2021-06-30")
    assert (c["type_label"], c["subtype"], c["subtype_label"]) == (
        "行业性专业性调委会",
        "medical",
        "医疗",
    )
    assert c["term_end"] == "2022-01-01"  # PML art. 9: three years
    assert c["problems"] == ["委员 0 人，不在 3–9 人之间 (members outside 3-9, PML art. 8)"]
    later = cw.committee("gz-yl", on="2022-01-02")["problems"]
    assert later[1] == "任期已于 2022-01-01 届满 (term passed, PML art. 9)"
    admin = cw.acting("admin")
    for n in range(3):
        admin.add_mediator(f"yl{n}", f"医调员{n}", "gz-yl", full_time=n == 0, since="2019-02-01")
    assert cw.committee("gz-yl", on="2021-06-30")["problems"] == []
    assert "gz-yl" not in {c["code"] for c in cw.committees(problems=True, on="2021-06-30")}
    assert "gz-yl" in {c["code"] for c in cw.committees(problems=True, on="2022-06-30")}
    # not yet active before it starts
    assert "gz-yl" not in {c["code"] for c in cw.committees(on="2018-12-31")}
    assert [c["code"] for c in cw.committees(type="industry")] == ["gz-yl"]
    assert {c["office"] for c in cw.committees(office="panzhou")} == {"panzhou"}


@pytest.mark.parametrize(
    ("args", "kw", "field"),
    [
        (("x-1", "某调委会", "guild", "panzhou"), {}, "type"),
        (("x-1", "某调委会", "industry", "city-justice"), {}, "subtype"),
        (("x-1", "某调委会", "industry", "city-justice"), {"subtype": "tax"}, "subtype"),
        (("x-1", "某调委会", "village", "panzhou"), {"subtype": "medical"}, "subtype"),
        (("x-1", "某工作室", "studio", "panzhou"), {}, "mediator"),
        (("x-1", "某工作室", "studio", "panzhou"), {"mediator": "clerk_pz"}, "mediator"),
        (("x-1", "某调委会", "village", "panzhou"), {"mediator": "med_pz"}, "mediator"),
        (("x-1", "某调委会", "village", "nowhere"), {}, "office"),
        (("x-1", "某调委会", "village", "city-petition"), {}, "office"),
        (("panzhou-tj", "某调委会", "village", "panzhou"), {}, "code"),
        (("X 1", "某调委会", "village", "panzhou"), {}, "code"),
        (("x-1", "某调委会", "village", "panzhou"), {"since": "2020-02-30"}, "from"),
    ],
)
def test_a_bad_committee_is_refused_naming_its_field(
    cw: Casework, args: tuple[str, ...], kw: dict[str, str], field: str
) -> None:
    error = refused(cw, cw.acting("admin").add_committee, *args, **kw)
    assert error.field == field


def test_a_studio_names_its_mediator_and_a_village_committee_its_village(cw: Casework) -> None:
    admin = cw.acting("admin")
    studio = admin.add_committee("pz-lao", "老李调解工作室", "studio", "panzhou", mediator="med_pz")
    assert studio["mediator"] == "med_pz" and studio["town"] == "潘州街道"
    village = admin.add_committee(
        "pz-xc", "新村村人民调解委员会", "village", "panzhou", village="新村"
    )
    assert village["village"] == "新村"


def test_only_admins_and_the_guiding_offices_supervisors_add_committees(cw: Casework) -> None:
    args = ("pz-xc", "新村村人民调解委员会", "village", "panzhou")
    assert isinstance(refused(cw, cw.acting("clerk_pz").add_committee, *args), NotAllowed)
    assert isinstance(refused(cw, cw.acting("sup_sm").add_committee, *args), NotAllowed)
    assert cw.acting("sup_pz").add_committee(*args)["code"] == "pz-xc"


def test_a_mediator_moves_with_dates_kept(cw: Casework) -> None:
    medical(cw)
    admin = cw.acting("admin")
    rows = admin.move_mediator("med_pz", "gz-yl", "2020-06-01")
    assert [(m["committee"], m["from_day"], m["to_day"]) for m in rows] == [
        ("panzhou-tj", "1990-01-01", "2020-05-31"),
        ("gz-yl", "2020-06-01", None),
    ]
    on = {
        d: {m["username"] for m in cw.mediators("panzhou-tj", on=d)}
        for d in ("2020-05-31", "2020-06-01")
    }
    assert on == {"2020-05-31": {"med_pz", "med2_pz"}, "2020-06-01": {"med2_pz"}}
    with reading(cw.engine) as conn:
        world = StoredWorld(conn, cw.machines.registry)
        assert world.committee_of("med_pz", date(2020, 5, 31)) == "panzhou-tj"
        assert world.committee_of("med_pz", date(2020, 6, 1)) == "gz-yl"
        assert world.committee_of("clerk_pz", date(2020, 6, 1)) is None
        info = world.committee_info("gz-yl")
        assert info is not None and (info.office, info.subtype) == ("city-justice", "medical")
    # a move to where one is, or to a day not after the membership began, is refused
    assert refused(cw, admin.move_mediator, "med_pz", "gz-yl", "2020-07-01").field == "committee"
    assert refused(cw, admin.move_mediator, "med2_pz", "shanmei-tj", "1990-01-01").field == "from"
    assert refused(cw, admin.move_mediator, "med2_pz", "nowhere", "2020-07-01").field == "committee"
    assert refused(cw, admin.move_mediator, "clerk_pz", "gz-yl", "2020-07-01").field == "username"


def test_a_mediator_is_added_new_or_joins_without_a_committee(cw: Casework) -> None:
    admin = cw.acting("admin")
    m = admin.add_mediator("li_ming", "李明", "shanmei-tj", full_time=True, since="2020-03-01")
    assert (m["committee"], m["from_day"], m["full_time"]) == ("shanmei-tj", "2020-03-01", True)
    assert {u["username"]: u["role"] for u in cw.users()}["li_ming"] == "mediator"
    # one committee at a time: an existing member moves instead
    assert refused(cw, admin.add_mediator, "med_pz", "x", "shanmei-tj").field == "username"
    assert refused(cw, admin.add_mediator, "clerk_pz", "x", "shanmei-tj").field == "username"
    assert isinstance(refused(cw, admin.add_mediator, "new1", "新人", "nowhere"), NotFound)
    assert isinstance(
        refused(cw, cw.acting("sup_pz").add_mediator, "n2", "某", "shanmei-tj"), NotAllowed
    )


def test_an_import_adds_every_row_or_none(cw: Casework, tmp_path: Path) -> None:
    good = (
        "code,name,type,subtype,office,town,village,mediator,from\n"
        "pz-xc,新村村人民调解委员会,village,,panzhou,,新村,,2018-03-01\n"
        "gz-jt,高州市道路交通事故人民调解委员会,industry,traffic,city-justice,,,,2019-01-01\n"
    )
    bad = good + "gz-fy,法院诉调室,stationed,,city-justice,,,,2019-01-01\n"
    path = tmp_path / "committees.csv"
    path.write_text(bad, "utf-8")
    error = refused(cw, cw.acting("admin").import_committees, path)
    assert isinstance(error, InvalidData) and error.field == "row 4.subtype"
    assert error.reason.startswith("第 4 行「subtype」列 (row 4, column subtype)：")
    path.write_text(good, "utf-8")
    added = cw.acting("admin").import_committees(path)
    assert [(c["code"], c["active_from"], c["term_end"]) for c in added] == [
        ("pz-xc", "2018-03-01", "2021-03-01"),
        ("gz-jt", "2019-01-01", "2022-01-01"),
    ]
    path.write_text("code,name\nx,y\n", "utf-8")
    assert refused(cw, cw.acting("admin").import_committees, path).field == "file"


def test_registering_with_a_committee_sets_the_office(cw: Casework) -> None:
    medical(cw)
    clerk = cw.acting("clerk_justice")
    case = clerk.register("mediation", "", "医疗纠纷", data={"committee": "gz-yl"}, at="2020-07-01")
    assert case["case_no"].startswith("TJ-2020-city-justice-")
    assert cw.show(case["case_no"])["data"]["committee"] == "gz-yl"
    # without a committee, the office's own is recorded
    own = cw.acting("clerk_pz").register("mediation", "panzhou", "邻里纠纷", at="2020-07-01")
    assert cw.show(own["case_no"])["data"]["committee"] == "panzhou-tj"
    given = {"committee": "panzhou-tj"}
    assert refused(cw, clerk.register, "mediation", "shanmei", "某", data=given).field == "office"
    unknown = {"committee": "nowhere"}
    assert (
        refused(cw, clerk.register, "mediation", "", "某", data=unknown).field == "value.committee"
    )
    early = dict(data={"committee": "gz-yl"}, at="2018-12-31")
    assert refused(cw, clerk.register, "mediation", "", "某", **early).field == "value.committee"
    assert refused(cw, clerk.register, "mediation", "", "某").field == "office"
    assert cw.verify()["ok"]
