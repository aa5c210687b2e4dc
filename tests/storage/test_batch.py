"""The fast path for many steps in one transaction (``advance_many``, casework.batch).

It must return, and store, exactly what firing the same steps one at a time returns and stores:
every check, every event, every hash and seq, across several steps on one case, guards reading
history made earlier in the same batch, and refs repeated within the batch and from before it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import casework.batch
from casework.api import Casework
from casework.errors import CaseworkError, GuardFailed, InvalidData, NotAllowed, NotFound
from casework.services import Step
from tests.conftest import PG_ENV, _pg_url_with_schema
from tests.helpers import FrozenClock, add_staff, dump


@pytest.fixture
def twin(db_url: str, clock: FrozenClock, tmp_path: os.PathLike[str]) -> Iterator[Casework]:
    """A second database like ``cw``'s (same kind, same offices and staff, same clock)."""
    if "://" not in db_url:
        api = Casework.initialise(
            os.path.join(str(tmp_path), "twin.db"), offices="gaozhou", clock=clock
        )
        add_staff(api)
        yield api
        api.close()
        return
    base = os.environ[PG_ENV]
    schema = "cw_" + uuid.uuid4().hex[:12]
    admin = create_engine(make_url(base).set(drivername="postgresql+psycopg"))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        api = Casework.initialise(_pg_url_with_schema(base, schema), offices="gaozhou", clock=clock)
        add_staff(api)
        yield api
        api.close()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _setup(cw: Casework) -> tuple[list[str], str]:
    """Three petitions, and a mediation case whose file lacks only the follow-up record."""
    clerk = cw.acting("clerk_pz")
    petitions = [
        clerk.register("petition", "panzhou", f"来信 {i}", at="2020-03-01")["case_no"]
        for i in range(3)
    ]
    mediation = clerk.register("mediation", "panzhou", "邻里纠纷", at="2020-03-01")["case_no"]
    for kind in ("application", "record", "agreement", "follow_up"):
        clerk.add_document(mediation, kind, at="2020-03-01")
    # A ref used before the batch, to be repeated inside it.
    cw.acting("sup_pz").advance(petitions[2], "accept", at="2020-03-02", ref="c-accept")
    return petitions, mediation


def _batches(petitions: list[str], mediation: str) -> list[tuple[str, list[Step]]]:
    a, b, c = petitions
    return [
        (
            "med_pz",
            [
                Step(mediation, "accept", {"mediator": "med_pz"}, at="2020-03-02"),
                Step(mediation, "agree", {"form": "written"}, at="2020-03-03"),
                Step(mediation, "perform", at="2020-03-04", ref="m-perform"),
                Step(mediation, "follow_up", {"satisfaction": "satisfied"}, at="2020-03-05"),
                Step(mediation, "perform", at="2020-03-04", ref="m-perform"),
            ],
        ),
        (
            "sup_pz",
            [
                Step(a, "accept", at="2020-03-02", ref="a-accept"),
                Step(b, "accept", note=" 受理 ", at="2020-03-02"),
                Step(a, "extend", {"days": "10", "reason": "需调查"}, at="2020-03-03"),
                Step(a, "reply", {"outcome": "explain"}, at="2020-03-05"),
                Step(a, "accept", at="2020-03-02", ref="a-accept"),  # repeated within the batch
                Step(c, "accept", at="2020-03-02", ref="c-accept"),  # repeated from before
                Step(b, "extend", {"days": "5", "reason": "补充材料"}, at="2020-03-04"),
                # Its guard reads the reply recorded three steps earlier in this batch.
                Step(a, "request_review", at="2020-03-10"),
                Step(a, "review", {"outcome": "support"}),
                # Its guards read the follow-up of the other batch and the case file.
                Step(mediation, "archive", at="2020-03-06"),
            ],
        ),
        (
            "sup_city",
            [Step(no, "supervise", {"note": f"督办 {i}"}) for i, no in enumerate(petitions * 3)],
        ),
    ]


def test_advance_many_equals_one_at_a_time(
    cw: Casework, twin: Casework, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(casework.batch, "CHUNK", 2)  # several queries per batch, even here
    petitions, mediation = _setup(cw)
    assert _setup(twin) == (petitions, mediation)
    assert dump(cw.engine) == dump(twin.engine)
    repeated = []
    for user, steps in _batches(petitions, mediation):
        seen: list[int] = []
        batched = cw._cases.advance_many(user, steps, seen.append)
        single = [
            twin._cases.advance(user, s.case_no, s.trigger, s.values, s.note, s.at, s.ref)
            for s in steps
        ]
        assert batched == single
        assert seen == list(range(1, len(steps) + 1))
        repeated.append([i for i, r in enumerate(batched, start=1) if r["repeated"]])
    assert repeated == [[5], [5, 6], []]
    assert dump(cw.engine) == dump(twin.engine)
    assert cw.show(mediation)["state"] == "archived"
    assert cw.verify()["findings"] == []


def test_a_refused_step_writes_nothing_and_is_named(cw: Casework) -> None:
    petitions, _ = _setup(cw)
    a, b, _c = petitions
    sup = cw._cases
    before = dump(cw.engine)
    steps = [
        Step(a, "accept", at="2020-03-02", ref="a-accept"),
        Step(b, "accept", at="2020-03-02"),
        Step(a, "extend", {"days": "10", "reason": "需调查"}, at="2020-03-03"),
        # Extending twice is refused only by seeing the extension two steps back.
        Step(a, "extend", {"days": "3", "reason": "再延"}, at="2020-03-04"),
        Step(b, "reply", {"outcome": "explain"}, at="2020-03-05"),
    ]
    with pytest.raises(GuardFailed, match=r"^step 4 of 5: case .* refused by rule extend_once"):
        sup.advance_many("sup_pz", steps)
    assert dump(cw.engine) == before

    cases: list[tuple[list[Step], type[CaseworkError], str]] = [
        ([steps[0], Step("XF-2020-nowhere-00001", "accept")], NotFound, "step 2 of 2: unknown"),
        ([steps[1], Step(b, "accept", at="2020-03-02")], CaseworkError, "step 2 of 2: case"),
        (
            [steps[0], Step(a, "reply", {"outcome": "explain"}, ref="a-accept")],
            InvalidData,
            "step 2 of 2: case .*--ref 'a-accept' was used for 'accept'",
        ),
        ([steps[0], Step(a, "reply", {"outcome": "maybe"})], InvalidData, "step 2 of 2:"),
        (
            [steps[1], Step(b, "reply", {"outcome": "support"}, at="2020-03-01")],
            InvalidData,
            "step 2 of 2: case .* is before the case's previous event",
        ),
    ]
    for batch, error, message in cases:
        with pytest.raises(error, match=f"^{message}"):
            sup.advance_many("sup_pz", batch)
        assert dump(cw.engine) == before
    with pytest.raises(NotAllowed, match=r"^step 3 of 3: case .* needs a city-level office"):
        sup.advance_many("sup_pz", [*steps[:2], Step(a, "supervise", {"note": "x"})])
    assert dump(cw.engine) == before
    # A lone step's refusal reads as it always did.
    with pytest.raises(CaseworkError, match=r"^case .* 'extend' is allowed only from"):
        sup.advance_many("sup_pz", steps[2:3])
    with pytest.raises(CaseworkError, match=r"^case .* 'extend' is allowed only from"):
        sup.advance("sup_pz", a, "extend", {"days": "10", "reason": "需调查"})
    assert dump(cw.engine) == before


def test_back_dating_inside_a_batch(cw: Casework) -> None:
    petitions, _ = _setup(cw)
    steps = [
        Step(petitions[0], "accept", at="2020-03-05"),
        Step(petitions[0], "extend", {"days": "10", "reason": "需调查"}, at="2020-03-04"),
    ]
    with pytest.raises(InvalidData, match=r"^step 2 of 2: .* before the case's previous event"):
        cw._cases.advance_many("sup_pz", steps)


def test_many_steps_over_many_cases(cw: Casework) -> None:
    from casework.services import Registration

    items = [Registration("panzhou", f"来信 {i}", at="2020-06-01") for i in range(40)]
    nos = [r["case_no"] for r in cw._cases.register_many("clerk_pz", "petition", items)]
    steps = [Step(nos[i % len(nos)], "supervise", {"note": f"督办 {i}"}) for i in range(400)]
    results: list[dict[str, Any]] = cw._cases.advance_many("sup_city", steps)
    assert [r["event"]["seq"] for r in results[:80]] == [2] * 40 + [3] * 40
    assert results[-1]["event"]["seq"] == 11
    for no in nos[:3]:
        history = cw.show(no)["history"]
        assert [e["seq"] for e in history] == list(range(1, 12))
    assert cw.verify()["findings"] == []
