"""Parties to a case: parsing ``ROLE:NAME[:ID[:PHONE]]`` and checking a party."""

from __future__ import annotations

from casework.domain.identity import check_id_number, check_phone
from casework.domain.model import Party
from casework.domain.text import clean_text
from casework.errors import InvalidData
from workflows.spec import PARTY_ROLES

# The name parties were given before the model had one; kept for callers of the API.
PartyInput = Party


def parse_party(spec: str) -> Party:
    """Parse ``ROLE:NAME[:ID[:PHONE]]`` (empty ID allowed: ``applicant:张三::13800138000``);
    the role may be given by its Chinese label (``申请人:张三``)."""
    parts = spec.replace("：", ":").split(":")
    if len(parts) < 2 or len(parts) > 4:
        raise InvalidData(
            f"当事人 party {spec[:40]!r} 应写作 角色:姓名[:身份证号[:电话]]"
            " (ROLE:NAME[:ID[:PHONE]])",
            field="party",
            value=spec[:40],
        )
    role, name = parts[0].strip(), parts[1]
    id_number = parts[2].strip() if len(parts) > 2 and parts[2].strip() else None
    phone = parts[3].strip() if len(parts) > 3 and parts[3].strip() else None
    return Party(role, name, id_number, phone)


def party_role(text: str) -> str | None:
    """A party role by its code or Chinese label (``信访人`` for ``petitioner``)."""
    if text in PARTY_ROLES:
        return text
    return next((code for code, label in PARTY_ROLES.items() if label == text), None)


def validate_party(party: Party, allowed_roles: tuple[str, ...]) -> Party:
    """A checked party: known role for the procedure, a name, a valid ID number and phone."""
    role = party_role(party.role)
    if role is None:
        raise InvalidData(
            f"当事人角色 party role {party.role[:30]!r} 未知，应为 {_listed(allowed_roles)}",
            field="party.role",
            value=party.role[:30],
        )
    if role not in allowed_roles:
        raise InvalidData(
            f"当事人角色「{PARTY_ROLES[role]} {role}」不参与本程序，应为 {_listed(allowed_roles)}",
            field="party.role",
            value=role,
        )
    name = clean_text(party.name, "party.name", max_length=100)
    id_number = check_id_number(party.id_number) if party.id_number else None
    phone = check_phone(party.phone) if party.phone else None
    if (role, name, id_number, phone) == (party.role, party.name, party.id_number, party.phone):
        return party
    return Party(role, name, id_number, phone)


def _listed(roles: tuple[str, ...]) -> str:
    """The roles a refusal names (made only for a refusal: every party of an import is
    checked)."""
    return "、".join(f"{PARTY_ROLES[r]} {r}" for r in roles)
