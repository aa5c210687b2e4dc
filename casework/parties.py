"""Parties to a case: parsing ``ROLE:NAME[:ID[:PHONE]]``, validating and masking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casework.errors import InvalidData
from casework.identity import check_id_number, check_phone, mask_id, mask_phone
from casework.text import clean_text
from workflows.spec import PARTY_ROLES


@dataclass(frozen=True)
class PartyInput:
    role: str
    name: str
    id_number: str | None = None
    phone: str | None = None


def parse_party(spec: str) -> PartyInput:
    """Parse ``ROLE:NAME[:ID[:PHONE]]`` (empty ID allowed: ``applicant:张三::13800138000``)."""
    parts = spec.split(":")
    if len(parts) < 2 or len(parts) > 4:
        raise InvalidData(f"party {spec[:40]!r} must be ROLE:NAME[:ID[:PHONE]]")
    role, name = parts[0].strip(), parts[1]
    id_number = parts[2].strip() if len(parts) > 2 and parts[2].strip() else None
    phone = parts[3].strip() if len(parts) > 3 and parts[3].strip() else None
    return PartyInput(role, name, id_number, phone)


def validate_party(party: PartyInput, allowed_roles: tuple[str, ...]) -> PartyInput:
    """A checked party: known role for the procedure, a name, a valid ID number and phone."""
    if party.role not in PARTY_ROLES:
        raise InvalidData(
            f"party role {party.role[:30]!r} is unknown; use one of {', '.join(PARTY_ROLES)}"
        )
    if party.role not in allowed_roles:
        raise InvalidData(
            f"party role {party.role!r} does not take part in this procedure; "
            f"use one of {', '.join(allowed_roles)}"
        )
    name = clean_text(party.name, "party name", max_length=100)
    id_number = check_id_number(party.id_number) if party.id_number else None
    phone = check_phone(party.phone) if party.phone else None
    return PartyInput(party.role, name, id_number, phone)


def party_view(row: Any, reveal: bool) -> dict[str, Any]:
    """A party as output: ID number and phone masked unless revealing was allowed and asked."""
    return {
        "role": row.role,
        "role_label": PARTY_ROLES.get(row.role, row.role),
        "name": row.name,
        "id_number": row.id_number if reveal else mask_id(row.id_number),
        "phone": row.phone if reveal else mask_phone(row.phone),
    }
