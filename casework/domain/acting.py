"""Who takes a trigger when the law names an office other than the case's own, and what the
case file must hold first.

A review (复查) is decided by the case office's parent, a re-review (复核) by the reviewer's
parent, an objection's answer by the office that sent the matter (信访工作条例 arts. 23, 35-36):
a trigger declares these as ``ActsFor`` alternatives, and no admin stands in for a deciding
office. When the deciding organ is outside casework, a city office's user records its act.
"""

from __future__ import annotations

from collections.abc import Mapping

from casework.domain.model import Actor
from casework.domain.policy import shown
from casework.errors import GuardFailed, IllegalTransition, InvalidData, NotAllowed
from workflows.policy import ROLES
from workflows.settings import is_external, organ_name
from workflows.spec import ActsFor, GuardContext, TriggerSpec, Workflow


def _roles(roles: tuple[str, ...]) -> str:
    return " 或 ".join(f"{ROLES.get(r, r)} {r}" for r in roles)


def check_offered(wf: Workflow, trig: TriggerSpec, case_no: str, rules: str | None) -> None:
    """The trigger exists under the case's rule version, and a person may fire it."""
    if trig.internal:
        raise NotAllowed(
            f"案件 {case_no} 的{trig.shown}由系统随其他操作自动记录，不能直接进行",
            field="trigger",
            value=trig.name,
        )
    if not trig.offered_in(rules):
        version = wf.version(rules)
        shown_rules = version.shown if version else f"「{rules}」"
        raise IllegalTransition(
            f"案件 {case_no} 适用{shown_rules}，该规则没有{trig.shown}"
            f" (not offered under rules {rules})",
            field="trigger",
            value=trig.name,
        )


def _fits(alt: ActsFor, office: str, actor: Actor, ctx: GuardContext) -> bool:
    if is_external(office):
        if actor.role not in alt.outside:
            return False
        if alt.outside_at == "case":
            return actor.office == ctx.office
        return actor.office is not None and actor.office_level == "city"
    return actor.office == office and actor.role in alt.roles


def may_act(trig: TriggerSpec, ctx: GuardContext, actor: Actor) -> bool:
    """Whether the actor is of the office the law names for the trigger (guards aside)."""
    if not trig.acts:
        return True
    for alt in trig.acts:
        office = alt.office(ctx)
        if office is not None and _fits(alt, office, actor, ctx):
            return True
    return False


def _wanted(alt: ActsFor, office: str | None) -> str:
    if office is None:
        return f"{alt.label}（尚未确定 not yet known）"
    if is_external(office):
        where = "市级单位" if alt.outside_at == "city" else "本案所属单位"
        return f"{where}的 {_roles(alt.outside)} 记录{organ_name(office)}（{alt.label}）的决定"
    return f"{alt.label} {office} 的 {_roles(alt.roles)}"


def check_acting(
    trig: TriggerSpec, ctx: GuardContext, actor: Actor, values: Mapping[str, object]
) -> None:
    """The actor is a user of the office the law names for this trigger (or records an
    outside organ's act with its organ and document number)."""
    if not trig.acts:
        return
    wanted = []
    for alt in trig.acts:
        office = alt.office(ctx)
        if office is not None and _fits(alt, office, actor, ctx):
            if is_external(office):
                _records(alt, office, values, ctx.case_no, trig)
            return
        wanted.append(_wanted(alt, office))
    raise NotAllowed(
        f"案件 {ctx.case_no} 的{trig.shown}需由{'，或'.join(wanted)}进行；{shown(actor)} 不可",
        field="user",
    )


def _records(
    alt: ActsFor, office: str, values: Mapping[str, object], case_no: str, trig: TriggerSpec
) -> None:
    for name in alt.records:
        if not values.get(name):
            spec = trig.field(name)
            label = spec.shown if spec else f"「{name}」"
            raise InvalidData(
                f"案件 {case_no} 的{trig.shown}由{organ_name(office)}作出，记录时须填写{label}",
                field=f"value.{name}",
            )


def check_needs(trig: TriggerSpec, ctx: GuardContext, shown_kinds: Mapping[str, str]) -> None:
    """The case file holds the documents the trigger rests on (one of each group)."""
    if not trig.needs:
        return  # the file is read only when a trigger rests on it
    have = ctx.documents  # a handful of papers: a list is read faster than a set is built
    for group in trig.needs:
        if not any(kind in have for kind in group):
            listed = " 或 ".join(f"「{shown_kinds.get(k, k)} {k}」" for k in group)
            raise GuardFailed(
                f"案件 {ctx.case_no} 的{trig.shown}需先在卷宗中记录{listed}"
                f" (the case file lacks {' or '.join(group)})",
                rule="case_file",
            )


def ended_case_documents(wf: Workflow, state: str, rules: str | None) -> frozenset[str]:
    """The documents an ended case still takes: those the triggers still open to it rest on."""
    kinds: set[str] = set()
    for trig in wf.triggers:
        if state in wf.sources_of(trig, rules) and trig.offered_in(rules):
            kinds.update(trig.needed_kinds)
    return frozenset(kinds)
