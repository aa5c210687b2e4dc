"""When a 12345 order may be closed (办结): the ``basis`` the centre gives and what it rests on
(hotline_reconsideration.md 7, ``close``), and who supervises an order."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from workflows.hotline.terms import CENTRE, REDO_MAX, UNREACHABLE_CALLS
from workflows.spec import EventView, Guard, GuardContext, Refusal

Basis = Callable[[GuardContext, Sequence[EventView]], str | None]


def since_reply(ctx: GuardContext) -> list[EventView]:
    """The callbacks since the last approved reply (those of this round)."""
    out: list[EventView] = []
    for ev in reversed(ctx.events):
        if ev.trigger == "approve_reply":
            break
        if ev.trigger == "callback":
            out.append(ev)
    return out[::-1]


def _last_reached(calls: Sequence[EventView]) -> EventView | None:
    return next((ev for ev in reversed(calls) if ev.data.get("reached") == "yes"), None)


def _rated(ctx: GuardContext, calls: Sequence[EventView]) -> str | None:
    reached = _last_reached(calls)
    if reached is None or reached.data.get("rating") not in ("satisfied", "basic"):
        return "最近一次回访评价不是满意或基本满意 (the last rating is not satisfied or basic)"
    return None


def _not_handling(ctx: GuardContext, calls: Sequence[EventView]) -> str | None:
    reached = _last_reached(calls)
    if reached is None or reached.data.get("rating") != "unsatisfied":
        return "最近一次回访评价不是不满意 (the last rating is not unsatisfied)"
    if reached.data.get("cause") == "handling":
        return "不满意原因为办理原因，应重办 redo (the handling is at fault: redo it)"
    return None


def _unreachable(ctx: GuardContext, calls: Sequence[EventView]) -> str | None:
    """[L] three failed calls on at least two working days."""
    need = ctx.setting(UNREACHABLE_CALLS)
    failed = [ev for ev in calls if ev.data.get("reached") == "no"]
    days = {
        ev.occurred_on
        for ev in failed
        if ctx.calendar.next_working_day(ev.occurred_on) == ev.occurred_on
    }
    if not isinstance(need, int) or len(failed) < need or len(days) < 2:
        return (
            f"未接通办结需回访 {need} 次未接通、分布于至少 2 个工作日；现有 {len(failed)} 次、"
            f"{len(days)} 个工作日 (not enough failed calls)"
        )
    return None


def _no_consent(ctx: GuardContext, calls: Sequence[EventView]) -> str | None:
    """No consent given at registration, or the caller declined to rate on a callback [I]."""
    if ctx.data.get("callback_consent") == "no":
        return None
    if calls and calls[-1].data.get("reached") == "refused":
        return None
    return "诉求人同意回访且未拒评 (the caller consented to a callback)"


def _redo_exhausted(ctx: GuardContext, calls: Sequence[EventView]) -> str | None:
    allowed = ctx.setting(REDO_MAX)
    done = sum(1 for ev in ctx.events if ev.trigger == "redo")
    actor = ctx.actor
    if actor is None or actor.role not in ("supervisor", "admin"):
        return "重办次数已满办结需由热线中心负责人 supervisor 进行 (supervisor only)"
    if not isinstance(allowed, int) or done < allowed:
        return f"已重办 {done} 次，未达上限 {allowed} 次 (redos not exhausted)"
    return None


BASES: dict[str, Basis] = {
    "rated": _rated,
    "not_handling": _not_handling,
    "unreachable": _unreachable,
    "no_consent": _no_consent,
    "redo_exhausted": _redo_exhausted,
}


def _basis_holds(ctx: GuardContext) -> str | None:
    basis = str(ctx.values.get("basis"))
    why = BASES[basis](ctx, since_reply(ctx))
    return None if why is None else Refusal(f"办结依据「{basis}」不成立：{why}", "value.basis")


BASIS_HOLDS = Guard("close_basis", "办结依据成立", _basis_holds)


def _supervisor(ctx: GuardContext) -> str | None:
    """督办 by the centre's supervisor (热线督办) or a leader (领导督办)."""
    actor = ctx.actor
    if actor is None or actor.role != "supervisor" or actor.office == CENTRE:
        return None
    return f"督办需由热线中心 {CENTRE} 的负责人或包案领导 leader 进行 (centre supervisor or leader)"


CENTRE_OR_LEADER = Guard("centre_or_leader", "热线中心负责人或领导督办", _supervisor)


def main_order(ctx: GuardContext) -> Mapping[str, str] | None:
    """A merged order follows its main one: the main order's number and where it stands now
    (its state, and its main one's in turn when it was merged too)."""
    link = next((lk for lk in ctx.links if lk.kind == "merged_into"), None)
    if link is None:
        return None
    return {"case_no": link.case_no, "state": link.state}
