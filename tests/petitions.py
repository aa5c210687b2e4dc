"""Petitions taken through their procedure as the law runs it (petition.md), for tests.

Under 信访工作条例 and 信访条例 a routing decision needs the letter (or the intake record) and
its written notice on file, an opinion is delivered before the petitioner's window runs, and a
review is decided by the case office's parent (``city-justice`` for a town). These helpers take
those steps through the API so that tests about something else can get a petition where they
need it in one line; tests about the procedure itself take the steps one by one.
"""

from __future__ import annotations

from collections.abc import Mapping

from casework.api import Casework

# The town's and the justice bureau's users of tests/helpers.py STAFF.
TOWN_CLERK, TOWN_SUP, REVIEWER = "clerk_pz", "sup_pz", "sup_justice"
NOTICE = {"notice_method": "post"}


def doc(cw: Casework, user: str, case_no: str, kind: str, at: str | None) -> None:
    cw.acting(user).add_document(case_no, kind, at=at)


def intake(cw: Casework, case_no: str, at: str | None = None, user: str = TOWN_CLERK) -> None:
    """The letter on file (信访件), as a routing decision needs (G art. 19 para 1)."""
    doc(cw, user, case_no, "letter", at)


def accept(
    cw: Casework,
    case_no: str,
    at: str | None = None,
    user: str = TOWN_SUP,
    clerk: str = TOWN_CLERK,
) -> None:
    """Letter and acceptance notice on file, then 受理 with the notice's method."""
    intake(cw, case_no, at, clerk)
    doc(cw, clerk, case_no, "acceptance_notice", at)
    cw.acting(user).advance(case_no, "accept", NOTICE, at=at)


def reply(
    cw: Casework,
    case_no: str,
    at: str | None = None,
    outcome: str = "explain",
    user: str = TOWN_SUP,
    clerk: str = TOWN_CLERK,
) -> None:
    """The opinion on file (信访处理意见书), then 出具处理意见."""
    doc(cw, clerk, case_no, "reply", at)
    cw.acting(user).advance(case_no, "reply", {"outcome": outcome}, at=at)


def deliver(cw: Casework, case_no: str, at: str | None = None, user: str = TOWN_CLERK) -> None:
    """The proof of delivery on file, then 送达 (the petitioner's window starts that day)."""
    doc(cw, user, case_no, "delivery_proof", at)
    cw.acting(user).advance(case_no, "deliver", {"method": "in_person"}, at=at)


def evaluate(
    cw: Casework,
    case_no: str,
    at: str | None = None,
    rating: str = "satisfied",
    user: str = TOWN_CLERK,
) -> None:
    cw.acting(user).advance(case_no, "evaluate", {"rating": rating, "method": "phone"}, at=at)


def replied(
    cw: Casework,
    case_no: str,
    accepted_at: str | None = None,
    replied_at: str | None = None,
    delivered_at: str | None = None,
) -> None:
    """Accepted, replied to and (with ``delivered_at``) delivered."""
    accept(cw, case_no, accepted_at)
    reply(cw, case_no, replied_at or accepted_at)
    if delivered_at is not None:
        deliver(cw, case_no, delivered_at)


def closed(
    cw: Casework,
    case_no: str,
    accepted_at: str | None = None,
    replied_at: str | None = None,
    closed_at: str | None = None,
) -> None:
    """Accepted, replied, delivered and rated satisfied the day of the reply, then 办结 (a
    satisfied evaluation lets the case close before the review window lapses)."""
    replied(cw, case_no, accepted_at, replied_at, replied_at or accepted_at)
    evaluate(cw, case_no, replied_at or accepted_at)
    cw.acting(TOWN_CLERK).advance(case_no, "close", at=closed_at or replied_at or accepted_at)


def request_review(
    cw: Casework, case_no: str, at: str | None = None, user: str = TOWN_CLERK
) -> None:
    doc(cw, user, case_no, "review_request", at)
    cw.acting(user).advance(case_no, "request_review", at=at)


def review(
    cw: Casework,
    case_no: str,
    at: str | None = None,
    user: str = REVIEWER,
    outcome: str = "explain",
) -> None:
    """The review opinion on file, then 复查 by the parent office's supervisor."""
    doc(cw, user, case_no, "review_opinion", at)
    values = {"outcome": outcome, "on_original": "uphold"}
    cw.acting(user).advance(case_no, "review", values, at=at)


# -- the procedure's other steps (petition.md 1.2-1.8), for tests/api/test_petition_law.py --

CITY_CLERK, CITY_SUP = "clerk_justice", "sup_justice"
BUREAU_CLERK, BUREAU_SUP = "clerk_city", "sup_city"
PETITIONER = "petitioner:陈某:110101199003074514:13800138000"


def register(
    cw: Casework,
    at: str,
    office: str = "panzhou",
    user: str = TOWN_CLERK,
    title: str = "拖欠工资",
    parties: tuple[str, ...] = (PETITIONER,),
    data: Mapping[str, str] | None = None,
    **values: str,
) -> str:
    """A petition registered (by letter unless ``channel`` says otherwise) with the values
    ``data`` and ``values``; its number."""
    given = {"channel": "letter", **(data or {}), **values}
    done = cw.acting(user).register("petition", office, title, list(parties), given, at=at)
    return done["case_no"]


def assigned(
    cw: Casework,
    at: str,
    to: str = "panzhou",
    report_days: str = "30",
    user: str = CITY_SUP,
    clerk: str = CITY_CLERK,
    **values: str,
) -> tuple[str, str]:
    """A petition the justice bureau registered and assigned down (交办) to a town the same
    day, with its letter, forwarding letter and notice on file: (the bureau's, the town's)."""
    sent = register(cw, at, "city-justice", clerk, data=values)
    for kind in ("letter", "forwarding_letter", "forwarding_notice"):
        doc(cw, clerk, sent, kind, at)
    done = cw.acting(user).advance(
        sent, "assign_down", {"to_office": to, "report_days": report_days, **NOTICE}, at=at
    )
    return sent, done["spawned"]


def forwarded(
    cw: Casework, at: str, to: str = "shanmei", user: str = TOWN_CLERK, **values: str
) -> tuple[str, str]:
    """A town petition forwarded (转送) to another office the same day: (its, the other's)."""
    sent = register(cw, at, data=values)
    for kind in ("letter", "forwarding_letter", "forwarding_notice"):
        doc(cw, user, sent, kind, at)
    done = cw.acting(user).advance(sent, "forward", {"to_office": to, **NOTICE}, at=at)
    return sent, done["spawned"]


def reviewing(cw: Casework, at: str, asked_at: str) -> str:
    """A town petition registered, accepted, replied to and delivered on ``at``, its review
    asked for on ``asked_at`` (the justice bureau reviews it)."""
    case_no = register(cw, at)
    replied(cw, case_no, at, at, at)
    request_review(cw, case_no, asked_at)
    return case_no


def reviewed(cw: Casework, at: str, asked_at: str, reviewed_at: str) -> str:
    """As :func:`reviewing`, then reviewed by the justice bureau and the review delivered to
    the petitioner by its clerk the same day."""
    case_no = reviewing(cw, at, asked_at)
    review(cw, case_no, reviewed_at)
    doc(cw, CITY_CLERK, case_no, "delivery_proof", reviewed_at)
    cw.acting(CITY_CLERK).advance(case_no, "deliver", {"method": "post"}, at=reviewed_at)
    return case_no


def rereviewing(cw: Casework, at: str, asked_at: str, reviewed_at: str, rereview_asked: str) -> str:
    """As :func:`reviewed`, then the re-review asked for (Maoming's justice bureau, outside
    casework, re-reviews it)."""
    case_no = reviewed(cw, at, asked_at, reviewed_at)
    doc(cw, TOWN_CLERK, case_no, "rereview_request", rereview_asked)
    cw.acting(TOWN_CLERK).advance(case_no, "request_rereview", at=rereview_asked)
    return case_no


def limit(
    cw: Casework, case_no: str, name: str, as_of: str, user: str = "admin"
) -> dict[str, object]:
    """One limit of ``case show``'s ``limits`` on a day (KeyError when it is not running)."""
    found = {d["limit"]: d for d in cw.acting(user).show(case_no, as_of=as_of)["limits"]}
    return dict(found[name])
