"""Who may read, write and reveal: the acting user's role and office against what they ask.

The roles themselves, the role an admin also acts in, who only reads and who may see personal
data unmasked are declared in workflows/policy.py; a trigger names the roles that may fire it.
"""

from __future__ import annotations

from collections.abc import Mapping

from casework.domain.model import Actor
from casework.errors import NotAllowed, NotFound
from workflows.policy import (
    HANDLER_KEY,
    READ_ONLY_ROLES,
    REVEAL_ROLES,
    ROLE_PROCEDURES,
    ROLES,
    role_label,
)
from workflows.spec import Confidential, TriggerSpec


def shown(actor: Actor) -> str:
    """``用户 sup_pz（负责人 supervisor，panzhou）``."""
    return f"用户 {actor.username}（{role_label(actor.role)}，{actor.office or '全市 city-wide'}）"


def procedures_of(actor: Actor | None) -> frozenset[str] | None:
    """The procedures whose cases the user's role is limited to, None for every one."""
    return None if actor is None else ROLE_PROCEDURES.get(actor.role)


def sees_kind(actor: Actor | None, kind: str | None) -> bool:
    """Whether the user's role reaches cases of this procedure (None: not asked)."""
    scoped = procedures_of(actor)
    return scoped is None or kind is None or kind in scoped


def handles(actor: Actor, data: Mapping[str, object] | None) -> bool:
    """Whether the case is assigned to the user's office now (``HANDLER_KEY``)."""
    return data is not None and actor.office is not None and data.get(HANDLER_KEY) == actor.office


def withheld(
    actor: Actor | None,
    rule: Confidential | None,
    office: str,
    data: Mapping[str, object] | None,
) -> frozenset[str]:
    """The party roles kept from the user on a case of ``office``: a confidential (保密)
    party's, when its case asks it (``rule``) and the user sees the case only as the office
    handling it (hotline_reconsideration.md 7: "hidden from the handler"); none for the
    owning office, a city-wide user elsewhere or casework's own operator (no user)."""
    if actor is None or rule is None or data is None or actor.office == office:
        return frozenset()
    if not handles(actor, data) or data.get(rule.field) not in rule.values:
        return frozenset()
    return frozenset(rule.roles)


def may_see(
    actor: Actor | None,
    office: str,
    kind: str | None = None,
    data: Mapping[str, object] | None = None,
) -> bool:
    """A town-level user sees only their own office's cases and those assigned to it; a role
    limited to some procedures sees only theirs; no user means an operator of casework."""
    if actor is None:
        return True
    if not sees_kind(actor, kind):
        return False
    return actor.city_wide or actor.office == office or handles(actor, data)


def check_office(actor: Actor, office: str, what: str, things: str = "案件") -> None:
    """A town-level user reads and acts only on their own office's cases (or entries)."""
    if not (actor.city_wide or actor.office == office):
        raise NotAllowed(
            f"{what}属于 {office}；{shown(actor)} 只能处理本单位 {actor.office} 的{things}",
            field="office",
            value=office,
        )


def check_case_office(
    actor: Actor,
    office: str,
    case_no: str,
    kind: str | None = None,
    data: Mapping[str, object] | None = None,
) -> None:
    """Another office's case is, to a town-level user, a case that does not exist: the same
    words and kind of refusal as an unknown number, so that neither its office nor its being
    there is told (web.md: another office's case is a 404). So is a case of a procedure the
    user's role does not reach, and one is seen while assigned to the user's office."""
    if not may_see(actor, office, kind, data):
        raise NotFound(
            f"未知案件 unknown case {case_no[:80]!r}", field="case_no", value=case_no[:80]
        )


def check_writer(actor: Actor) -> None:
    """A viewer (统计员) only reads."""
    if actor.role in READ_ONLY_ROLES:
        raise NotAllowed(f"{shown(actor)} 只能查看，不能修改 (read only)", field="user")


def check_admin(actor: Actor, what: str) -> None:
    if actor.role != "admin":
        raise NotAllowed(f"{what}需由管理员 admin 进行；{shown(actor)} 不是管理员", field="user")


def check_reveal(actor: Actor | None, what: str) -> None:
    """Unmasked ID numbers and phones are for supervisors and admins, when they ask."""
    if actor is None or not actor.roles & REVEAL_ROLES:
        who = "未指定用户 (no user)" if actor is None else shown(actor)
        raise NotAllowed(
            f"显示{what}中的完整身份证号和电话仅限负责人 supervisor 和管理员 admin；{who} 不可",
            field="user",
        )


def check_roles(actor: Actor, roles: tuple[str, ...], what: str) -> None:
    if not actor.roles & set(roles):
        raise NotAllowed(f"{what}{needs(roles)}；{shown(actor)} 不可", field="user")


def needs(roles: tuple[str, ...]) -> str:
    """``需由 登记员 clerk 或 负责人 supervisor 进行``."""
    return "需由 " + " 或 ".join(f"{ROLES.get(r, r)} {r}" for r in roles) + " 进行"


def refusal(actor: Actor, trig: TriggerSpec, case_office: str) -> str | None:
    """Why this user may not fire the trigger on a case of this office, or None when they may.

    The general rule that town users act only on their own office is checked separately.
    """
    if not actor.roles & trig.role_set:
        return needs(trig.roles)
    if actor.role == "admin":
        return None
    if trig.city_only and not actor.city_wide:
        return "需由市级单位 (a city-level office) 进行"
    if trig.own_office_only and actor.office != case_office:
        return f"需由案件所属单位 {case_office} 进行"
    if trig.offices and actor.office not in trig.offices:
        return f"需由 {' 或 '.join(trig.offices)} 进行"
    return None


def may_fire(
    actor: Actor | None,
    trig: TriggerSpec,
    case_office: str,
    kind: str | None = None,
    data: Mapping[str, object] | None = None,
) -> bool:
    """Whether the user may fire the trigger on a case of this office now (guards aside)."""
    if actor is None or not may_see(actor, case_office, kind, data):
        return False
    return refusal(actor, trig, case_office) is None


def listing_scope(actor: Actor | None, office: str | None, what: str) -> str | None:
    """The one office a listing covers: the office asked for (which must be the actor's to
    see), else a town user's own office, else None for every office."""
    if office is not None:
        if actor is not None and not (actor.city_wide or actor.office == office):
            raise NotAllowed(
                f"{what}属于 {office}；{shown(actor)} 只能查看本单位 {actor.office} 的",
                field="office",
                value=office,
            )
        return office
    if actor is not None and not actor.city_wide:
        return actor.office
    return None
