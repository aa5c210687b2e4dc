"""The dispute screening ledger (矛盾纠纷排查台账, procedures/mediation.md 5): logging,
refusals, campaigns, zero reports, measures, the cases an entry found, gaps and the figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from casework.api import Casework
from casework.errors import CaseworkError, InvalidData
from tests.databases import Templates, shared_database
from tests.helpers import Cli, FrozenClock, dump

FIELDS = {"id", "office", "date", "kind", "found", "prevented"}
SIDES = ["applicant:甲某", "respondent:乙某"]


def entry(**given: str) -> list[str]:
    """The arguments of a valid routine screening of panzhou, with some replaced."""
    values = {"office": "panzhou", "date": "2020-11-02", "kind": "routine", "found": "1"}
    values = {**values, "prevented": "0", **given}
    return [f"--{key}={value}" for key, value in values.items()]


def log(cli: Cli, user: str, *args: str) -> Any:
    return cli("screening", "log", *args, "--json", user=user)


def listed(cli: Cli, *args: str, user: str | None = None) -> list[dict[str, Any]]:
    result = cli("screening", "list", *args, "--json", user=user)
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def campaigns(cw: Casework) -> None:
    """The 2020 pandemic campaign and a spring one, opened by the city."""
    city = cw.acting("sup_city")
    city.add_screening_campaign("2020-yq", "疫情防控专项排查", "2020-01-24", "2020-11-30", True)
    city.add_screening_campaign("2020-cg", "春耕专项排查", "2020-03-01", "2020-04-30")


def mediation(cw: Casework, at: str, **values: str) -> str:
    done = cw.acting("clerk_pz").register("mediation", "panzhou", "邻里纠纷", SIDES, values, at=at)
    return str(done["case_no"])


def refused(work: Any, field: str, *words: str) -> CaseworkError:
    with pytest.raises(CaseworkError) as info:
        work()
    assert info.value.field == field, (info.value.field, info.value.reason)
    for word in words:
        assert word in info.value.reason, info.value.reason
    return info.value


def test_log_prints_the_entry(cw: Casework, cli: Cli) -> None:
    campaigns(cw)
    args = entry(kind="special", campaign="2020-yq", found="3", prevented="2")
    result = log(cli, "clerk_pz", *args)
    assert result.exit_code == 0, result.stderr
    logged = json.loads(result.stdout)
    assert set(logged) >= FIELDS | {"committee", "measures", "zero_report"}
    assert {k: logged[k] for k in FIELDS - {"id"}} == {
        "office": "panzhou",
        "date": "2020-11-02",
        "kind": "special",
        "found": 3,
        "prevented": 2,
    }
    assert logged["campaign"] == "2020-yq" and logged["recorded_by"] == "clerk_pz"
    assert logged["zero_report"] is False and logged["measures"] == []
    assert [r["id"] for r in cw.screenings()] == [logged["id"]]


def test_a_zero_report_is_accepted_and_counted(cw: Casework, cli: Cli) -> None:
    result = log(cli, "clerk_sm", *entry(office="shanmei", date="2020-11-30", found="0"))
    assert result.exit_code == 0, result.stderr
    logged = json.loads(result.stdout)
    assert (logged["found"], logged["prevented"], logged["kind"]) == (0, 0, "routine")
    assert logged["zero_report"] is True
    # Found nothing but took a measure, or prevented one: not a zero report.
    measured = cw.acting("clerk_sm").log_screening(
        "shanmei", "2020-11-29", "routine", 0, 0, measures=["suicide:1:1"]
    )
    prevented = cw.acting("clerk_sm").log_screening("shanmei", "2020-11-28", "routine", 0, 1)
    assert not measured["zero_report"] and not prevented["zero_report"]
    assert [(r["id"], r["zero_report"]) for r in listed(cli)] == [
        (logged["id"], True),
        (measured["id"], False),
        (prevented["id"], False),
    ]
    figures = cw.stats("2020-11-01", "2020-11-30")["metrics"]
    assert figures["screening.sessions"] == 3 and figures["screening.zero_reports"] == 1
    explained = cw.explain("screening.zero_reports", "2020-11-01", "2020-11-30")
    assert [i["screening_id"] for i in explained["items"]] == [logged["id"]]
    assert "零报告" in cli("screening", "list").stdout


# (name, user, arguments, a word the error line must contain)
REFUSALS = [
    ("negative_found", "clerk_pz", entry(found="-1"), "--found"),
    ("negative_prevented", "clerk_pz", entry(prevented="-2"), "--prevented"),
    ("found_not_a_number", "clerk_pz", entry(found="three"), "--found"),
    ("prevented_fraction", "clerk_pz", entry(prevented="1.5"), "--prevented"),
    ("future_date", "clerk_pz", entry(date="2020-12-02"), "future"),
    ("bad_date", "clerk_pz", entry(date="2020-13-01"), "--date"),
    ("special_without_campaign", "clerk_pz", entry(kind="special"), "--campaign"),
    ("unknown_campaign", "clerk_pz", entry(kind="special", campaign="2019-x"), "2019-x"),
    ("outside_campaign", "clerk_pz", entry(kind="special", campaign="2020-cg"), "2020-cg"),
    ("routine_with_campaign", "clerk_pz", entry(campaign="2020-yq"), "--campaign"),
    ("unknown_kind", "clerk_pz", entry(kind="weekly"), "weekly"),
    ("unknown_office", "sup_city", entry(office="atlantis"), "atlantis"),
    ("other_town", "clerk_pz", entry(office="shanmei"), "shanmei"),
    ("viewer", "viewer1", entry(), "viewer"),
    ("measure_kind", "clerk_pz", [*entry(), "--measure", "arson:1:2"], "arson"),
    ("measure_cases", "clerk_pz", [*entry(), "--measure", "criminal:x:2"], "--measure"),
    ("measure_people", "clerk_pz", [*entry(), "--measure", "criminal:1:1.5"], "--measure"),
    ("measure_zero", "clerk_pz", [*entry(), "--measure", "criminal:0:2"], "--measure"),
    ("measure_shape", "clerk_pz", [*entry(), "--measure", "criminal:1"], "KIND:件:人"),
    (
        "measure_twice",
        "clerk_pz",
        [*entry(), "--measure", "criminal:1:2", "--measure", "防止民转刑:1:3"],
        "criminal",
    ),
    ("unknown_committee", "clerk_pz", entry(committee="nowhere-tj"), "--committee"),
    ("other_committee", "clerk_pz", entry(committee="shanmei-tj"), "shanmei-tj"),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def campaigned(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, templates: Templates
) -> Iterator[tuple[Casework, Cli]]:
    """The campaigns and an entry, once per backend, for the refusals: each checks that the
    database is as it was (a database of its own for each was most of their time)."""
    with shared_database(request.param, tmp_path_factory, templates) as (url, clock):
        cw = Casework(url, clock=clock)
        try:
            campaigns(cw)
            cw.acting("clerk_pz").log_screening("panzhou", "2020-10-01", "routine", 1, 1)
            yield cw, Cli(url, clock)
        finally:
            cw.close()


@pytest.mark.parametrize(("name", "user", "args", "word"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_leave_the_database_unchanged(
    campaigned: tuple[Casework, Cli], name: str, user: str, args: list[str], word: str
) -> None:
    cw, cli = campaigned
    before = dump(cw.engine)
    result = log(cli, user, *args)
    assert result.exit_code == 1, (name, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert word in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    assert dump(cw.engine) == before


def test_measures_and_committee_are_kept(cw: Casework) -> None:
    logged = cw.acting("clerk_pz").log_screening(
        "panzhou",
        "2020-06-03",
        "routine",
        4,
        2,
        committee="panzhou-tj",
        measures=["criminal:2:7", "防止群体性上访:1:30"],
    )
    assert logged["committee"] == "panzhou-tj"
    assert [(m["kind"], m["label"], m["cases"], m["people"]) for m in logged["measures"]] == [
        ("criminal", "防止民转刑", 2, 7),
        ("group_petition", "防止群体性上访", 1, 30),
    ]
    assert cw.screening(logged["id"])["measures"] == logged["measures"]


def test_the_campaigns_dates_hold_its_entries(cw: Casework) -> None:
    campaigns(cw)
    clerk = cw.acting("clerk_pz")
    first = clerk.log_screening("panzhou", "2020-03-01", "special", 1, 0, campaign="2020-cg")
    last = clerk.log_screening("panzhou", "2020-04-30", "special", 1, 0, campaign="2020-cg")
    assert (first["campaign"], last["campaign"]) == ("2020-cg", "2020-cg")
    for day in ("2020-02-29", "2020-05-01"):
        refused(
            lambda day=day: clerk.log_screening(
                "panzhou", day, "special", 1, 0, campaign="2020-cg"
            ),
            "campaign",
            "2020-03-01..2020-04-30",
        )
    listed_campaigns = cw.screening_campaigns()
    assert [(c["code"], c["pandemic"], c["entries"]) for c in listed_campaigns] == [
        ("2020-cg", False, 2),
        ("2020-yq", True, 0),
    ]


def test_campaign_refusals(cw: Casework) -> None:
    campaigns(cw)
    city = cw.acting("sup_city")
    before = dump(cw.engine)
    refused(
        lambda: city.add_screening_campaign("2020-yq", "又一个", "2020-01-01", "2020-02-01"), "code"
    )
    refused(lambda: city.add_screening_campaign("疫情", "疫情", "2020-01-01", "2020-02-01"), "code")
    refused(lambda: city.add_screening_campaign("x1", "x", "2020-03-01", "2020-02-01"), "to")
    refused(lambda: city.add_screening_campaign("x1", " ", "2020-01-01", "2020-02-01"), "name")
    clerk = cw.acting("clerk_pz")
    refused(lambda: clerk.add_screening_campaign("x1", "x", "2020-01-01", "2020-02-01"), "user")
    assert dump(cw.engine) == before


def test_cases_name_the_entry_that_found_them(cw: Casework) -> None:
    found = cw.acting("clerk_pz").log_screening("panzhou", "2020-05-10", "routine", 2, 0)
    number = str(found["id"])
    first = mediation(cw, "2020-05-11", source="screening", screening=number)
    second = cw.acting("sup_pz").register(
        "major_dispute", "panzhou", "征地纠纷", [], {"screening": number}, at="2020-05-12"
    )["case_no"]
    shown = cw.screening(found["id"])
    assert [c["case_no"] for c in shown["cases"]] == [first, second]
    assert shown["linked"] == 2 and cw.show(first)["data"]["screening"] == found["id"]
    # No more cases than the entry found; the refusal names the field.
    before = dump(cw.engine)
    error = refused(
        lambda: mediation(cw, "2020-05-13", source="screening", screening=number),
        "value.screening",
        "found",
    )
    assert isinstance(error, InvalidData)
    assert dump(cw.engine) == before


def test_a_case_found_by_a_screening_must_name_it(cw: Casework) -> None:
    before = dump(cw.engine)
    refused(lambda: mediation(cw, "2020-05-11", source="screening"), "value.screening", "screening")
    refused(lambda: mediation(cw, "2020-05-11", screening="404"), "value.screening", "404")
    assert dump(cw.engine) == before
    assert mediation(cw, "2020-05-11", source="application")  # others need none


def test_a_zero_report_finds_no_case(cw: Casework) -> None:
    zero = cw.acting("clerk_pz").log_screening("panzhou", "2020-05-10", "routine", 0, 0)
    refused(
        lambda: mediation(cw, "2020-05-11", source="screening", screening=str(zero["id"])),
        "value.screening",
        "found",
    )


def test_a_batch_counts_the_cases_it_has_not_written_yet(cw: Casework) -> None:
    """Two registrations in one unit of work cannot both take an entry's last case."""
    from casework.domain.steps import Registration

    found = cw.acting("clerk_pz").log_screening("panzhou", "2020-05-10", "routine", 1, 0)
    values = {"source": "screening", "screening": str(found["id"])}
    before = dump(cw.engine)

    def two(batch: Any) -> None:
        for n in range(2):
            item = Registration("panzhou", f"纠纷{n}", tuple(SIDES), values, "2020-05-11")
            batch.register("clerk_pz", "mediation", item)

    with pytest.raises(InvalidData) as info:
        cw.batch(two)
    assert info.value.field == "value.screening"
    assert dump(cw.engine) == before


def test_show_refusals(cw: Casework) -> None:
    found = cw.acting("clerk_pz").log_screening("panzhou", "2020-05-10", "routine", 1, 0)
    refused(lambda: cw.screening(found["id"] + 100), "id", str(found["id"] + 100))
    refused(lambda: cw.screening("one"), "id", "one")
    refused(lambda: cw.acting("clerk_sm").screening(found["id"]), "id", "panzhou")
    assert cw.acting("sup_city").screening(found["id"])["id"] == found["id"]


def test_gaps_are_the_office_months_without_a_routine_entry(cw: Casework) -> None:
    campaigns(cw)
    clerk = cw.acting("clerk_pz")
    clerk.log_screening("panzhou", "2020-03-31", "routine", 1, 0)
    clerk.log_screening("panzhou", "2020-04-15", "special", 1, 0, campaign="2020-cg")
    cw.acting("clerk_sm").log_screening("shanmei", "2020-04-01", "routine", 0, 0)
    found = cw.screening_gaps("2020-03-15", "2020-04-30")
    assert (found["months"], found["offices"]) == (2, 28)
    gaps = {(g["office"], g["month"]) for g in found["gaps"]}
    assert ("panzhou", "2020-03") not in gaps and ("panzhou", "2020-04") in gaps  # special only
    assert ("shanmei", "2020-03") in gaps and ("shanmei", "2020-04") not in gaps
    assert len(gaps) == 2 * 28 - 2
    assert all(g["required"] == 1 for g in found["gaps"])
    # A town user sees their own office's; a month may ask for more (a dated setting).
    own = cw.acting("clerk_pz").screening_gaps("2020-03-01", "2020-04-30")
    assert [(g["month"], g["routine"]) for g in own["gaps"]] == [("2020-04", 0)]
    cw.acting("admin").config_set("screening.routine_per_month", "2", "2020-04-01")
    again = cw.acting("clerk_sm").screening_gaps("2020-03-01", "2020-04-30")
    assert [(g["month"], g["routine"], g["required"]) for g in again["gaps"]] == [
        ("2020-03", 0, 1),
        ("2020-04", 1, 2),
    ]
    refused(lambda: cw.screening_gaps("2020-05-01", "2020-04-01"), "to")


@pytest.fixture
def ledger(cw: Casework) -> dict[str, int]:
    """Six entries: four in panzhou, two in shanmei, logged by their own staff and the city."""
    campaigns(cw)
    entries = [
        ("p1", "clerk_pz", "panzhou", "2020-01-15", "routine", None),
        ("p2", "sup_pz", "panzhou", "2020-02-10", "special", "2020-yq"),
        ("p3", "sup_city", "panzhou", "2020-03-20", "routine", None),
        ("p4", "clerk_pz", "panzhou", "2020-03-31", "special", "2020-cg"),
        ("s1", "clerk_sm", "shanmei", "2020-02-01", "routine", None),
        ("s2", "admin", "shanmei", "2020-03-05", "special", "2020-yq"),
    ]
    ids = {}
    for key, user, office, day, kind, campaign in entries:
        row = cw.acting(user).log_screening(office, day, kind, 2, 1, campaign=campaign)
        ids[key] = row["id"]
    return ids


def test_list_filters(ledger: dict[str, int], cli: Cli) -> None:
    def ids(*args: str, user: str | None = None) -> list[int]:
        return [r["id"] for r in listed(cli, *args, user=user)]

    p1, p2, p3, p4, s1, s2 = (ledger[k] for k in ("p1", "p2", "p3", "p4", "s1", "s2"))
    assert ids() == [p4, p3, s2, p2, s1, p1]  # newest first
    assert ids("--office", "panzhou") == [p4, p3, p2, p1]
    assert ids("--office", "shanmei") == [s2, s1]
    assert ids("--kind", "special") == [p4, s2, p2]
    assert ids("--kind", "routine", "--office", "panzhou") == [p3, p1]
    assert ids("--from", "2020-02-01", "--to", "2020-03-05") == [s2, p2, s1]  # both ends count
    assert ids("--from", "2020-03-06") == [p4, p3]
    assert ids("--to", "2020-01-31") == [p1]
    spring = ["--from", "2020-02-01", "--to", "2020-03-31"]
    assert ids(*spring, "--kind", "special", "--office", "panzhou") == [p4, p2]
    rows = listed(cli, "--office", "shanmei")
    assert all(set(r) >= FIELDS for r in rows)
    assert rows[0]["campaign"] == "2020-yq" and rows[0]["recorded_by"] == "admin"
    result = cli("screening", "list", "--kind", "weekly", "--json")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_a_town_user_sees_only_their_office(ledger: dict[str, int], cli: Cli) -> None:
    assert [r["id"] for r in listed(cli, user="clerk_sm")] == [ledger["s2"], ledger["s1"]]
    assert {r["office"] for r in listed(cli, user="sup_pz")} == {"panzhou"}
    result = cli("screening", "list", "--office", "panzhou", "--json", user="clerk_sm")
    assert result.exit_code == 1 or json.loads(result.stdout) == []
    # city-level users, viewers included, see every office
    assert len(listed(cli, user="viewer1")) == len(listed(cli, user="sup_city")) == 6


def test_screening_figures(ledger: dict[str, int], cw: Casework) -> None:
    q1 = cw.stats("2020-01-01", "2020-03-31")["metrics"]
    assert (q1["screening.sessions"], q1["screening.special"], q1["screening.prevented"]) == (
        6,
        3,
        6,
    )
    # 疫情专项: the entries of the campaign flagged pandemic, not every special one.
    assert (q1["screening.pandemic"], q1["screening.found"]) == (2, 12)
    feb = cw.stats("2020-02-01", "2020-02-29", office="panzhou")["metrics"]
    assert (feb["screening.sessions"], feb["screening.special"], feb["screening.pandemic"]) == (
        1,
        1,
        1,
    )
    pandemic = cw.explain("screening.pandemic", "2020-01-01", "2020-03-31")
    assert [i["screening_id"] for i in pandemic["items"]] == [ledger["p2"], ledger["s2"]]


def test_registered_counts_the_cases_of_the_periods_entries(
    cw: Casework, clock: FrozenClock
) -> None:
    clerk = cw.acting("clerk_pz")
    may = clerk.log_screening("panzhou", "2020-05-30", "routine", 3, 0, measures=["criminal:1:4"])
    june = clerk.log_screening("panzhou", "2020-06-02", "routine", 1, 0, measures=["criminal:2:3"])
    a = mediation(cw, "2020-05-31", source="screening", screening=str(may["id"]))
    b = mediation(cw, "2020-06-01", source="screening", screening=str(may["id"]))
    c = mediation(cw, "2020-06-03", source="screening", screening=str(june["id"]))
    in_may = cw.stats("2020-05-01", "2020-05-31")["metrics"]
    in_june = cw.stats("2020-06-01", "2020-06-30")["metrics"]
    assert (in_may["screening.registered"], in_may["screening.found"]) == (2, 3)
    assert (in_june["screening.registered"], in_june["screening.found"]) == (1, 1)
    explained = cw.explain("screening.registered", "2020-05-01", "2020-05-31")
    assert [i["case_no"] for i in explained["items"]] == [a, b] and explained["value"] == 2
    assert [
        i["case_no"]
        for i in cw.explain("screening.registered", "2020-06-01", "2020-06-30")["items"]
    ] == [c]
    found = cw.explain("screening.found", "2020-05-01", "2020-06-30")
    assert [(i["screening_id"], i["value"]) for i in found["items"]] == [
        (may["id"], 3),
        (june["id"], 1),
    ]
    # As the database stood before the entries and cases were recorded (1 December): none.
    assert clock.now.date() == date(2020, 12, 1)
    before = cw.stats("2020-05-01", "2020-05-31", as_of="2020-11-30")["metrics"]
    assert (before["screening.registered"], before["screening.found"]) == (0, 0)
    on_the_day = cw.stats("2020-05-01", "2020-05-31", as_of="2020-12-01")["metrics"]
    assert on_the_day["screening.registered"] == 2


def test_the_screening_part_of_prevention(cw: Casework) -> None:
    """``prevention.<kind>.cases`` / ``.people`` add these items to the cases' own measures."""
    from casework.read.scope import Scope
    from casework.read.screening import screening_measures

    clerk = cw.acting("clerk_pz")
    a = clerk.log_screening("panzhou", "2020-05-30", "routine", 3, 0, measures=["criminal:1:4"])
    b = clerk.log_screening(
        "panzhou", "2020-06-02", "routine", 1, 0, measures=["criminal:2:3", "suicide:1:1"]
    )
    c = cw.acting("clerk_sm").log_screening(
        "shanmei", "2020-06-05", "routine", 1, 0, measures=["criminal:1:9"]
    )
    with cw.engine.connect() as conn:
        june = Scope(date(2020, 6, 1), date(2020, 6, 30))
        cases = screening_measures("criminal", "cases")(conn, june)
        people = screening_measures("criminal", "people")(conn, june)
        spring = Scope(date(2020, 5, 1), date(2020, 6, 30), office="panzhou")
        both = screening_measures("criminal", "cases")(conn, spring)
        suicide = screening_measures("suicide", "people")(conn, spring)
    assert [(i.ref, i.value) for i in cases] == [(b["id"], 2), (c["id"], 1)]
    assert sum(i.value for i in people) == 12
    assert [(i.ref, i.value) for i in both] == [(a["id"], 1), (b["id"], 2)]
    assert [(i.ref, i.value) for i in suicide] == [(b["id"], 1)]
    with pytest.raises(ValueError):
        screening_measures("arson", "cases")
