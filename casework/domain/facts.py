"""What an event's hashed data records beside the step's own values, so that the case row,
its parties and the refs can be checked against the chain (issue 15: an audit that covers
everything a figure or a payment depends on).

A registration records the case's office, title, parties and registration key under
``_case``; any event taken under a caller's idempotency key records that key under ``_ref``.
Both sit in the event's data, which the digest covers (casework.domain.hashing), so no stored
chain changes format: a case registered before these keys existed has none of them, and the
audit checks what its history can prove. They are casework's own keys, never a procedure's
field (field names are identifiers without a leading underscore), and they are not shown as
the step's values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from casework.domain.model import Data, Party

CASE_FACTS = "_case"
REF_FACT = "_ref"
RESERVED = frozenset({CASE_FACTS, REF_FACT})


class CaseFacts(NamedTuple):
    """What a registration fixed of the case outside its data."""

    office: str
    title: str
    parties: tuple[Party, ...]
    ref: str | None


def registration_facts(
    office: str, title: str, parties: Sequence[Party], ref: str | None
) -> dict[str, Any]:
    """The ``_case`` value of a registration event (personal values sealed at rest)."""
    return {
        "office": office,
        "title": title,
        "parties": [
            {"role": p.role, "name": p.name, "id_number": p.id_number, "phone": p.phone}
            for p in parties
        ],
        "ref": ref,
    }


def facts_of(data: Data) -> CaseFacts | None:
    """The facts a registration event recorded, or None for one recorded before them."""
    raw = data.get(CASE_FACTS)
    if not isinstance(raw, Mapping):
        return None
    parties = raw.get("parties")
    people = tuple(
        Party(str(p.get("role")), str(p.get("name")), p.get("id_number"), p.get("phone"))
        for p in (parties if isinstance(parties, list) else [])
        if isinstance(p, Mapping)
    )
    ref = raw.get("ref")
    return CaseFacts(
        str(raw.get("office")),
        str(raw.get("title")),
        people,
        ref if isinstance(ref, str) else None,
    )


def with_ref(values: Data, ref: str | None) -> Data:
    """An event's values with the key it was taken under, when there is one."""
    if ref is None:
        return values
    return {**values, REF_FACT: ref}


def shown(data: Data) -> dict[str, object]:
    """An event's data as the step's values: without casework's own keys."""
    if CASE_FACTS in data or REF_FACT in data:
        return {k: v for k, v in data.items() if k not in RESERVED}
    return dict(data)
