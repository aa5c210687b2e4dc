"""Registering cases, taking steps, recording documents: one, many, or a day's worth at once."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from casework.api.base import Base
from casework.errors import InvalidData

if TYPE_CHECKING:
    from casework.domain.corrections import Change
    from casework.domain.model import Actor, Party
    from casework.domain.results import AdvanceResult, DocumentResult, LinkResult, RegisterResult
    from casework.domain.steps import (
        DocumentStep,
        LinkStep,
        Registered,
        Registration,
        Step,
        Stepped,
    )
    from casework.services.cases import Progress
    from casework.storage.screenings import CampaignJSON, ScreeningJSON
    from casework.storage.uow import UnitOfWork

T = TypeVar("T")


class Batch:
    """Steps by several users in one unit of work (the demo's day, a script's run): each call
    is the same step a single command takes; all of them are written together at the end."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def _actor(self, username: str) -> Actor:
        return self._uow.users.actor(username)

    def register(self, username: str, kind: str, item: Registration) -> Registered:
        """The same registration as ``Casework.register``; the case (and whether it was
        registered before under its ref)."""
        from casework.services import cases

        return cases.enter(self._uow, self._actor(username), kind, item)

    def advance(self, username: str, step: Step) -> Stepped:
        """The same step as ``Casework.advance``; the case after it and its event."""
        from casework.services import cases

        return cases.take(self._uow, self._actor(username), step)

    def advance_many(self, username: str, steps: Sequence[Step]) -> list[Stepped]:
        """The same steps as ``Casework.advance_many``, by one user."""
        from casework.services import cases

        return cases.take_many(self._uow, self._actor(username), steps)

    def document(self, username: str, doc: DocumentStep) -> Stepped:
        """The same step as ``Casework.add_document``."""
        from casework.services import cases

        return cases.file_document(self._uow, self._actor(username), doc)

    def log_screening(
        self,
        username: str,
        office: str,
        day: date,
        kind: str,
        counts: tuple[int | str, int | str],
        texts: tuple[str | None, str | None] = (None, None),
        ref: str | None = None,
        *,
        committee: str | None = None,
        measures: Sequence[str | tuple[str, int, int]] = (),
    ) -> ScreeningJSON:
        """A screening of an office's area: ``counts`` (found, prevented), ``texts``
        (campaign, note), ``measures`` ``KIND:件:人`` each."""
        from casework.services import screening

        return screening.log(
            self._uow,
            self._actor(username),
            office,
            day,
            kind,
            counts,
            texts,
            ref,
            committee=committee,
            measures=measures,
        )

    def add_screening_campaign(
        self, username: str, code: str, name: str, days: tuple[date, date], pandemic: bool
    ) -> CampaignJSON:
        """The same campaign as ``Casework.add_screening_campaign``."""
        from casework.services import screening

        actor = self._actor(username)
        return screening.add_campaign(self._uow, actor, code, name, days, pandemic)

    def link(self, username: str, step: LinkStep) -> LinkResult:
        """The same finding as ``Casework.link``."""
        from casework.services import cases

        return cases.link_cases(self._uow, self._actor(username), step)

    def read_clock_again(self) -> None:
        """The steps that follow read the clock again (a simulation's next day)."""
        self._uow.read_clock_again()

    def prepare(
        self,
        steps: Sequence[tuple[str, str] | Step],
        registrations: Sequence[tuple[str, str, str | None]] = (),
        users: Sequence[str] = (),
    ) -> None:
        """Read at once what these steps (or (case number, trigger) pairs) and registrations
        ((kind, office, ref) each) will read one by one: the cases, their histories where
        guards read them, the refs already used, and the ``users`` who take them."""
        from casework.services import cases

        self._uow.users.load(users)
        cases.prepare(self._uow, steps)
        by_kind: dict[str, list[tuple[str, str]]] = {}
        for kind, office, ref in registrations:
            if ref is not None:
                by_kind.setdefault(kind, []).append((office, ref))
        for kind, keys in by_kind.items():
            self._uow.cases.known_refs(self._uow.machines.workflow(kind).name, keys)


class CaseCommands(Base):
    """Cases (案件): register, advance, document."""

    def register(
        self,
        kind: str,
        office: str,
        title: str,
        parties: Sequence[str | Party] = (),
        data: Mapping[str, str] | None = None,
        at: str | datetime | None = None,
        note: str | None = None,
        link: str | None = None,
        ref: str | None = None,
    ) -> RegisterResult:
        """Register a case; with ``ref`` (a caller's key, such as a letter's number)
        registering again returns the case registered the first time."""
        from casework.domain.steps import Registration
        from casework.services import cases

        item = Registration(office, title, tuple(parties), dict(data or {}), at, note, link, ref)
        return self.acting_write(lambda uow, actor: cases.register_one(uow, actor, kind, item))

    def register_many(
        self, kind: str, items: Sequence[Registration], progress: Progress | None = None
    ) -> list[RegisterResult]:
        """Register many cases in one transaction: all of them, or none if one is refused."""
        from casework.services import cases

        return self.acting_write(
            lambda uow, actor: cases.register_many(uow, actor, kind, items, progress)
        )

    def advance(
        self,
        case_no: str,
        trigger: str,
        data: Mapping[str, str] | None = None,
        note: str | None = None,
        at: str | datetime | None = None,
        ref: str | None = None,
    ) -> AdvanceResult:
        """Fire a trigger; with ``ref``, firing again with the same key returns the event
        recorded the first time (``"repeated": true``)."""
        from casework.domain.steps import Step
        from casework.services import cases

        step = Step(case_no, trigger, dict(data or {}), note, at, ref)
        return self.acting_write(lambda uow, actor: cases.advance_many(uow, actor, [step])[0])

    def advance_many(
        self, steps: Sequence[Step], progress: Progress | None = None
    ) -> list[AdvanceResult]:
        """Fire many triggers in one transaction, with the same checks and events as one at a
        time: all of them are recorded, or none if one is refused (the refusal names it)."""
        from casework.services import cases

        return self.acting_write(lambda uow, actor: cases.advance_many(uow, actor, steps, progress))

    def add_document(
        self,
        case_no: str,
        kind: str,
        file: str | None = None,
        at: str | datetime | None = None,
        note: str | None = None,
        ref: str | None = None,
    ) -> DocumentResult:
        """Record a document of the case file (卷宗); with a file, its name and SHA-256."""
        from casework.domain.steps import DocumentStep
        from casework.services import cases

        name, digest = _fingerprint(file) if file else (None, None)
        doc = DocumentStep(case_no, kind, name, digest, at, note, ref)
        return self.acting_write(lambda uow, actor: cases.add_document(uow, actor, doc))

    def link(
        self,
        case_no: str,
        other: str,
        relation: str,
        note: str | None = None,
        at: str | datetime | None = None,
        ref: str | None = None,
    ) -> LinkResult:
        """Record a person's finding that two cases are the same matter (同一事项: a repeat),
        related, or not the same (``same_matter``, ``related``, ``not_same``), with the
        evidence casework shows: how the person matched and how alike the matters read."""
        from casework.domain.steps import LinkStep
        from casework.services import cases

        step = LinkStep(case_no, other, relation, note=note, at=at, ref=ref)
        return self.acting_write(lambda uow, actor: cases.link_cases(uow, actor, step))

    def correct(
        self,
        case_no: str,
        changes: Sequence[Change | tuple[str, str | None, str | None]],
        reason: str,
        at: str | datetime | None = None,
        ref: str | None = None,
    ) -> AdvanceResult:
        """Correct a mistyped title, party or registration value (更正) in any state, with a
        reason: ``changes`` are (field, key, new value) each, field ``title`` (key None),
        ``party`` (key ``N.name``, ``N.id_number`` or ``N.phone``, N as ``show`` lists the
        parties from 1) or ``data`` (key a registration field). History keeps both values;
        with ``ref``, correcting again with the same key corrects once."""
        from casework.domain.corrections import Change, Correction
        from casework.services import cases

        step = Correction(case_no, tuple(Change(*c) for c in changes), reason, at, ref)
        return self.acting_write(lambda uow, actor: cases.correct_case(uow, actor, step))

    def batch(self, work: Callable[[Batch], T]) -> T:
        """Run ``work`` over a :class:`Batch`: its steps, by whichever users take them, go
        into one transaction and are written together (retried as a whole when busy)."""
        from casework.storage.uow import write

        return write(self.engine, self.clock, self.machines, lambda uow: work(Batch(uow)))


def _fingerprint(path: str) -> tuple[str, str]:
    if not os.path.isfile(path):
        raise InvalidData(f"文件 file {path[:200]!r} 不存在或不可读", field="file", value=path)
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise InvalidData(
            f"文件 file {path[:200]!r} 无法读取：{exc.strerror}", field="file", value=path
        ) from None
    return os.path.basename(path), digest.hexdigest()
