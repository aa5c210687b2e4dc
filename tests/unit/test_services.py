"""The services that change cases (casework.services.cases) over an in-memory unit of work,
as cosmicpython tests its service layer over a FakeUnitOfWork: batches named by item, all or
nothing, steps of one batch seeing each other, repeat petitioners found."""

from __future__ import annotations

from typing import cast

import pytest

from casework.domain.steps import DocumentStep, Registration, Step
from casework.errors import CaseworkError, GuardFailed, InvalidData, NotAllowed, NotFound
from casework.services import cases
from casework.storage.uow import UnitOfWork
from tests.fakes import FakeStore, FakeUnitOfWork

VALID_ID = "110101199003074514"
NOTICE = {"notice_method": "post"}  # a routing decision is told in writing (G art. 23)
OUTCOME = {"outcome": "support"}


def real(uow: FakeUnitOfWork) -> UnitOfWork:
    """The fake as the services' parameter type: they use only what it has."""
    return cast(UnitOfWork, uow)


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


def petitions(store: FakeStore, n: int, *kinds: str) -> list[str]:
    """``n`` petitions of panzhou registered on 2020-11-02 with the letter and the acceptance
    notice on file (a routing decision rests on them, 信访工作条例 arts. 19, 23), and the
    documents ``kinds`` too, committed."""
    uow = FakeUnitOfWork(store)
    items = [Registration("panzhou", f"信访{i}", at="2020-11-02") for i in range(n)]
    done = uow.run(lambda u: cases.register_many(real(u), u.actor("clerk_pz"), "petition", items))
    nos = [r["case_no"] for r in done]
    papers = [
        DocumentStep(no, kind, at="2020-11-02")
        for no in nos
        for kind in ("letter", "acceptance_notice", *kinds)
    ]
    clerk = uow.actor("clerk_pz")
    FakeUnitOfWork(store).run(lambda u: [cases.add_document(real(u), clerk, p) for p in papers])
    return nos


def test_nothing_is_stored_before_the_unit_of_work_commits(store: FakeStore) -> None:
    uow = FakeUnitOfWork(store)
    result = cases.register_one(
        real(uow), uow.actor("clerk_pz"), "petition", Registration("panzhou", "t")
    )
    assert result["case_no"] == "XF-2020-panzhou-00001" and store.cases == {}
    uow.commit()
    assert list(store.cases) == ["XF-2020-panzhou-00001"] and uow.committed
    assert store.counters == {("XF", "panzhou", 2020): 1}


def test_a_batch_of_steps_is_recorded_in_order(store: FakeStore) -> None:
    a, b = petitions(store, 2, "reply")
    steps = [
        Step(a, "accept", NOTICE, at="2020-11-03"),
        Step(b, "受理", NOTICE, at="2020-11-03"),
        Step(a, "reply", {"outcome": "支持"}, at="2020-11-04"),
    ]
    uow = FakeUnitOfWork(store)
    seen: list[int] = []
    done = uow.run(lambda u: cases.advance_many(real(u), u.actor("sup_pz"), steps, seen.append))
    assert [(r["case_no"], r["event"]["seq"], r["state"]) for r in done] == [
        (a, 5, "handling"),
        (b, 5, "handling"),
        (a, 6, "replied"),
    ]
    assert (
        done[2]["state_label"] == "已答复" and done[2]["event"]["trigger_label"] == "出具处理意见"
    )
    assert seen == [1, 2, 3]
    assert [e.trigger for e in store.events[a]] == [
        "register",
        "doc",
        "doc",
        "doc",
        "accept",
        "reply",
    ]
    assert store.cases[a].version == 6 and store.cases[a].data["outcome"] == "support"


def test_a_batch_reads_its_cases_at_once(store: FakeStore) -> None:
    a, b = petitions(store, 2, "reply")
    uow = FakeUnitOfWork(store)
    steps = [Step(a, "accept", NOTICE), Step(b, "accept", NOTICE), Step(a, "reply", OUTCOME)]
    uow.run(lambda u: cases.advance_many(real(u), u.actor("sup_pz"), steps))
    assert uow.cases.loaded == [[a, b]]


def test_a_refused_step_names_its_item_and_nothing_is_kept(store: FakeStore) -> None:
    a, b = petitions(store, 2, "extension_notice")
    before = {no: list(events) for no, events in store.events.items()}
    steps = [
        Step(a, "accept", NOTICE, at="2020-11-03"),
        Step(a, "extend", {"days": "10", "reason": "核实", **NOTICE}, at="2020-11-04"),
        Step(b, "accept", NOTICE, at="2020-11-03"),
        Step(a, "extend", {"days": "5", "reason": "再核实", **NOTICE}, at="2020-11-05"),
    ]
    uow = FakeUnitOfWork(store)
    with pytest.raises(GuardFailed) as refused:
        uow.run(lambda u: cases.advance_many(real(u), u.actor("sup_pz"), steps))
    # the fourth step's guard saw the second, taken earlier in the same batch
    assert refused.value.reason.startswith("第 4 步（共 4 步）item 4 of 4：")
    assert refused.value.rule == "extend_once"
    assert f"案件 {a} 当前为「办理中 handling」" in refused.value.reason
    assert store.events == before and not uow.committed


def test_a_refusal_keeps_its_field_inside_a_batch(store: FakeStore) -> None:
    (a,) = petitions(store, 1)
    steps = [Step(a, "accept", NOTICE, at="2020-11-03"), Step(a, "reply", {"outcome": "x"})]
    uow = FakeUnitOfWork(store)
    with pytest.raises(InvalidData) as refused:
        uow.run(lambda u: cases.advance_many(real(u), u.actor("sup_pz"), steps))
    assert refused.value.reason.startswith("第 2 步（共 2 步）item 2 of 2：「处理意见 outcome」")
    assert (refused.value.field, refused.value.value) == ("value.outcome", "x")


def test_a_lone_step_is_not_numbered(store: FakeStore) -> None:
    (a,) = petitions(store, 1)
    uow = FakeUnitOfWork(store)
    with pytest.raises(NotAllowed) as refused:
        uow.run(lambda u: cases.advance_many(real(u), u.actor("clerk_pz"), [Step(a, "accept")]))
    assert refused.value.reason.startswith(f"案件 {a} 当前为「已登记 registered」")


def test_an_unknown_case_in_a_batch(store: FakeStore) -> None:
    (a,) = petitions(store, 1)
    uow = FakeUnitOfWork(store)
    steps = [Step(a, "accept", NOTICE), Step("XF-2020-panzhou-00099", "accept", NOTICE)]
    with pytest.raises(NotFound) as refused:
        uow.run(lambda u: cases.advance_many(real(u), u.actor("sup_pz"), steps))
    assert refused.value.reason.startswith("第 2 步（共 2 步）item 2 of 2：未知案件 unknown case")
    assert refused.value.field == "case_no"
    assert [e.trigger for e in store.events[a]] == ["register", "doc", "doc"]


def test_a_ref_repeated_in_a_batch_records_one_event(store: FakeStore) -> None:
    (a,) = petitions(store, 1)
    steps = [Step(a, "accept", NOTICE, ref="r1"), Step(a, "accept", NOTICE, ref="r1")]
    uow = FakeUnitOfWork(store)
    done = uow.run(lambda u: cases.advance_many(real(u), u.actor("sup_pz"), steps))
    assert [r["repeated"] for r in done] == [False, True]
    assert done[0]["event"] == done[1]["event"]
    assert [e.trigger for e in store.events[a]] == ["register", "doc", "doc", "accept"]
    again = FakeUnitOfWork(store).run(
        lambda u: cases.advance_many(real(u), u.actor("sup_pz"), steps[:1])
    )
    assert again[0]["repeated"] and again[0]["event"]["seq"] == 4


def test_registrations_are_numbered_and_all_or_nothing(store: FakeStore) -> None:
    items = [
        Registration("panzhou", "一"),
        Registration("panzhou", "二", parties=(f"petitioner:张三:{VALID_ID[:-1]}5",)),
    ]
    uow = FakeUnitOfWork(store)
    with pytest.raises(InvalidData) as refused:
        uow.run(lambda u: cases.register_many(real(u), u.actor("clerk_pz"), "petition", items))
    assert refused.value.reason.startswith("第 2 件（共 2 件）item 2 of 2：身份证号 ID number")
    assert refused.value.field == "party.id_number"
    assert store.cases == {} and store.counters == {}  # no number used up
    assert petitions(store, 1) == ["XF-2020-panzhou-00001"]


def test_a_repeat_petitioner_is_found_in_the_batch_and_before(store: FakeStore) -> None:
    party = (f"petitioner:陈某:{VALID_ID}",)
    uow = FakeUnitOfWork(store)
    first = uow.run(
        lambda u: cases.register_one(
            real(u), u.actor("clerk_pz"), "petition", Registration("panzhou", "一", party)
        )
    )
    assert first["related"] == []
    items = [Registration("panzhou", "二", party), Registration("panzhou", "三", party)]
    later = FakeUnitOfWork(store).run(
        lambda u: [
            cases.register_one(real(u), u.actor("clerk_pz"), "petition", item) for item in items
        ]
    )
    assert [r["case_no"] for r in later[0]["related"]] == [first["case_no"]]
    assert [r["case_no"] for r in later[1]["related"]] == [first["case_no"], later[0]["case_no"]]
    assert later[1]["related"][0]["state_label"] == "已登记"


def test_a_ref_registers_once_in_a_batch(store: FakeStore) -> None:
    items = [Registration("panzhou", "来信", ref="L1"), Registration("panzhou", "来信", ref="L1")]
    uow = FakeUnitOfWork(store)
    done = uow.run(lambda u: cases.register_many(real(u), u.actor("clerk_pz"), "petition", items))
    assert [r["existing"] for r in done] == [False, True]
    assert done[0]["case_no"] == done[1]["case_no"] and len(store.cases) == 1


def test_a_document_through_the_service(store: FakeStore) -> None:
    (a,) = petitions(store, 1)
    uow = FakeUnitOfWork(store)
    doc = DocumentStep(a, "intake_record", "登记表.pdf", "0f" * 32)
    result = uow.run(lambda u: cases.add_document(real(u), u.actor("clerk_pz"), doc))
    assert result["document"] == {
        "kind": "intake_record",
        "label": "来访来电登记表",
        "file_name": "登记表.pdf",
        "sha256": "0f" * 32,
    }
    assert result["event"]["trigger"] == "doc" and result["state"] == "registered"
    assert [d.kind for d in store.documents[a]] == ["letter", "acceptance_notice", "intake_record"]


def test_a_bulk_action_covers_an_existing_office(store: FakeStore) -> None:
    uow = FakeUnitOfWork(store)
    assert cases.listing_office(real(uow), uow.actor("clerk_pz"), None, "导出") == "panzhou"
    assert cases.listing_office(real(uow), uow.actor("sup_city"), None, "导出") is None
    with pytest.raises(NotFound) as unknown:
        cases.listing_office(real(uow), uow.actor("sup_city"), "atlantis", "导出")
    assert (unknown.value.field, unknown.value.value) == ("office", "atlantis")
    with pytest.raises(NotAllowed):
        cases.listing_office(real(uow), uow.actor("clerk_pz"), "shanmei", "导出")


def test_numbered_names_an_item_only_in_a_batch() -> None:
    with pytest.raises(CaseworkError) as alone, cases.numbered(1, 1):
        raise InvalidData("原因", field="at")
    assert alone.value.reason == "原因"
    with pytest.raises(InvalidData) as batch, cases.numbered(3, 5, "件"):
        raise InvalidData("原因", field="at", value="x")
    assert batch.value.reason == "第 3 件（共 5 件）item 3 of 5：原因"
    assert (batch.value.field, batch.value.value, str(batch.value)) == (
        "at",
        "x",
        batch.value.reason,
    )


def test_a_large_batch_runs_with_the_collector_slowed(
    store: FakeStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch of BULK_STEPS steps or more keeps its cases and events alive until it ends:
    the cyclic collector's pace is slowed while it runs (casework.runtime), and restored."""
    import gc

    from casework.runtime import BULK_THRESHOLDS

    nos = petitions(store, 2, "supervision_letter")
    seen: list[tuple[int, int, int]] = []
    taken = cases.take

    def watching(*args: object, **kw: object) -> object:
        seen.append(gc.get_threshold())
        return taken(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(cases, "take", watching)
    before = gc.get_threshold()
    big = [Step(nos[i % 2], "supervise", {"note": f"督办{i}"}) for i in range(cases.BULK_STEPS)]
    uow = FakeUnitOfWork(store)
    sup = uow.actor("sup_city")
    uow.run(lambda u: cases.take_many(real(u), sup, big))
    assert set(seen) == {BULK_THRESHOLDS} and gc.get_threshold() == before
    seen.clear()
    small = big[: cases.BULK_STEPS - 1]
    FakeUnitOfWork(store).run(lambda u: cases.take_many(real(u), sup, small))
    assert set(seen) == {before}
