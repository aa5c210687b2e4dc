"""A registration looked at before it is saved (登记前检查): each party's ID number (GB 11643
check digit) and phone by the domain's own checks, and the same person's earlier cases of the
procedure (repeat detection), as the register form shows them while a clerk types."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from sqlalchemy.engine import Connection

from casework.domain.identity import check_id_number, check_phone
from casework.domain.model import Actor, Party
from casework.domain.repeats import matter_text
from casework.domain.results import RelatedCase, related_row
from casework.engine import Engine as Machines
from casework.errors import InvalidData
from casework.storage.db import chunk_size
from casework.storage.repository import earlier_of


class PrecheckJSON(TypedDict):
    """``problems``: messages by the form's field (``parties.N.id_number``, ``parties.N.phone``,
    N from 0); ``related``: the same person's earlier cases, most alike first."""

    problems: dict[str, str]
    related: list[RelatedCase]


def checked(index: int, party: Party, problems: dict[str, str]) -> Party:
    id_number, phone = party.id_number, party.phone
    if id_number:
        try:
            id_number = check_id_number(id_number)
        except InvalidData as exc:
            problems[f"parties.{index}.id_number"], id_number = exc.reason, None
    if phone:
        try:
            phone = check_phone(phone)
        except InvalidData as exc:
            problems[f"parties.{index}.phone"], phone = exc.reason, None
    return Party(party.role, party.name.strip(), id_number, phone)


def precheck(
    conn: Connection,
    machines: Machines,
    actor: Actor | None,
    kind: str,
    title: str,
    request: str | None,
    parties: Sequence[Party],
) -> PrecheckJSON:
    wf = machines.workflow(kind)
    problems: dict[str, str] = {}
    valid = [checked(i, p, problems) for i, p in enumerate(parties)]
    ours = [p for p in valid if p.id_number or (p.phone and p.name)]
    related: list[RelatedCase] = []
    if ours:
        earlier = earlier_of(conn, wf.name, "", ours, chunk_size(conn))
        text = matter_text(title, request)
        rows = [related_row(wf, actor, text, e) for e in sorted(earlier.values())]
        related = sorted(
            rows, key=lambda r: (r["similarity"] is None, -(r["similarity"] or 0.0), r["case_no"])
        )
    return PrecheckJSON(problems=problems, related=related)
