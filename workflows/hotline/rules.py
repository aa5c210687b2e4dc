"""Who acts on a 12345 order and the rules its steps must pass (hotline_reconsideration.md 7).

The centre (``city-hotline``) owns every order; the handling office it dispatches to (the case's
``handling_office``, set by the last ``dispatch``, cleared by ``return_order`` and ``recall``)
signs, returns, asks for more time and replies, or an operator of the centre records the step
for it (代录, flagged ``recorded_for``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.guards import at_most, before_lapse
from workflows.hotline.clocks import HANDLE, SIGN
from workflows.hotline.terms import CENTRE, EXTENSION_MAX, REDO_MAX
from workflows.limits import start_of
from workflows.spec import ActsFor, EventView, Guard, GuardContext, Refusal, last_event

HANDLING_OFFICE = "handling_office"


def handler(ctx: GuardContext) -> str | None:
    """The office the order is dispatched to now, None while it is at the centre."""
    value = ctx.data.get(HANDLING_OFFICE)
    return str(value) if value else None


def centre_for_handler(ctx: GuardContext) -> str | None:
    """The centre, recording a step for the handling office (代录) while there is one."""
    return ctx.office if handler(ctx) is not None else None


HANDLER = ActsFor(handler, "承办单位", ("clerk", "supervisor"), ())
HANDLER_HEAD = ActsFor(handler, "承办单位", ("supervisor",), ())
FOR_HANDLER = ActsFor(centre_for_handler, "热线中心代录", ("operator",), ())
H = (HANDLER, FOR_HANDLER)
HS = (HANDLER_HEAD, FOR_HANDLER)


def recorded_for(ctx: GuardContext) -> Mapping[str, Any]:
    """A step the centre records for the handling office is flagged 代录 with that office."""
    office = handler(ctx)
    if ctx.actor is not None and office is not None and ctx.actor.office != office:
        return {"recorded_for": office}
    return {}


def dispatched(ctx: GuardContext) -> Mapping[str, Any]:
    return {HANDLING_OFFICE: ctx.values.get("to_office")}


def returned(ctx: GuardContext) -> Mapping[str, Any]:
    """A return clears the handling office, keeping who returned it (``returned_by``)."""
    return {**recorded_for(ctx), "returned_by": handler(ctx), HANDLING_OFFICE: None}


def recalled(ctx: GuardContext) -> Mapping[str, Any]:
    return {HANDLING_OFFICE: None}


def _at_centre(ctx: GuardContext) -> str | None:
    if ctx.office != CENTRE:
        return (
            f"12345工单由热线中心 {CENTRE} 受理，不能登记在 {ctx.office} (orders are the centre's)"
        )
    return None


def _area_is_town(ctx: GuardContext) -> str | None:
    area = ctx.values.get("area")
    if area is not None and ctx.level(str(area)) != 1:
        return Refusal(f"「所属镇街 area」应为镇街单位，不是 {area} (a town)", "value.area")
    return None


AT_CENTRE = Guard("at_centre", "热线中心受理", _at_centre)
AREA_IS_TOWN = Guard("area_is_town", "所属镇街为镇街", _area_is_town)


def _is_centre_head(ctx: GuardContext) -> bool:
    actor = ctx.actor
    return actor is not None and actor.role in ("supervisor", "admin") and actor.office == CENTRE


def _not_returned_by(ctx: GuardContext) -> str | None:
    """An office that returned the order is not sent it again, unless the centre's supervisor
    overrides it, saying why (``reason``) [L]."""
    office = ctx.values.get("to_office")
    returners = {ev.data.get("returned_by") for ev in ctx.events if ev.trigger == "return_order"}
    if office not in returners:
        return None
    if _is_centre_head(ctx) and ctx.values.get("reason"):
        return None
    return Refusal(
        f"{office} 已退回本工单，再派需由热线中心负责人 supervisor 填写「理由 reason」"
        f" (the office returned it; a centre supervisor may override with a reason)",
        "value.to_office",
    )


NOT_RETURNED_BY = Guard("not_returned_by", "不派给退单单位", _not_returned_by)
WITHIN_SIGN = before_lapse("within_sign_limit", "签收时限内退单", SIGN, "退单")
BEFORE_HANDLE_ENDS = before_lapse("before_handle_limit", "办理时限内申请延期", HANDLE, "申请延期")


def _round(ctx: GuardContext) -> list[EventView]:
    """The events since the handling round began (the last dispatch or redo)."""
    begun = start_of(HANDLE, ctx.events, lambda key, day: ctx.setting(key, day))
    return list(ctx.events[begun + 1 :]) if begun is not None else list(ctx.events)


def _once_per_round(ctx: GuardContext) -> str | None:
    if any(ev.trigger == "request_extension" for ev in _round(ctx)):
        return "本轮办理已申请过延期 (one extension request per round)"
    return None


def _extension_days(ctx: GuardContext) -> str | None:
    allowed = ctx.setting(EXTENSION_MAX)
    days = ctx.values.get("days")
    if isinstance(allowed, int) and isinstance(days, int) and days > allowed:
        return Refusal(f"「延期天数 days」至多 {allowed} 个工作日，不是 {days}", "value.days")
    return None


ONCE_PER_ROUND = Guard("once_per_round", "每轮限申请一次延期", _once_per_round)
EXTENSION_DAYS = Guard("extension_days", "延期天数上限", _extension_days)


def _pending(ctx: GuardContext) -> EventView | None:
    """The extension request not yet decided, if any."""
    for ev in reversed(ctx.events):
        if ev.trigger == "decide_extension":
            return None
        if ev.trigger == "request_extension":
            return ev
    return None


def _request_pending(ctx: GuardContext) -> str | None:
    request = _pending(ctx)
    if request is None:
        return "没有待审批的延期申请 (no extension request is pending)"
    asked = int(request.data.get("days") or 0)
    days = ctx.values.get("days")
    if ctx.values.get("approved") == "yes":
        if not isinstance(days, int):
            return Refusal("批准延期需填写「延期天数 days」(approved: give the days)", "value.days")
        if days > asked:
            return Refusal(f"「延期天数 days」不能超过申请的 {asked} 日，不是 {days}", "value.days")
    elif days is not None:
        return Refusal("不批准延期时不填「延期天数 days」(refused: no days)", "value.days")
    return None


REQUEST_PENDING = Guard("request_pending", "有待审批的延期申请", _request_pending)


def _reply_text(ctx: GuardContext) -> str | None:
    reply = last_event(ctx, "reply")
    if reply is None or not str(reply.data.get("reply_text") or "").strip():
        return "办理答复没有「答复内容 reply_text」，不能审核通过 (the reply has no text)"
    return None


REPLY_TEXT = Guard("reply_text_present", "答复内容齐全", _reply_text)


def _callback_values(ctx: GuardContext) -> str | None:
    """A rating only for a caller reached, a cause only for an unsatisfied rating."""
    values = ctx.values
    if values.get("rating") is not None and values.get("reached") != "yes":
        return Refusal(
            "未接通或拒评时不填「评价 rating」(no rating unless reached)", "value.rating"
        )
    if values.get("cause") is not None and values.get("rating") != "unsatisfied":
        return Refusal(
            "仅不满意时填写「不满意原因 cause」(a cause only when unsatisfied)", "value.cause"
        )
    return None


CALLBACK_VALUES = Guard("callback_values", "回访结果一致", _callback_values)


def last_rated(events: list[EventView] | tuple[EventView, ...]) -> EventView | None:
    """The last callback that reached the caller and got a rating."""
    for ev in reversed(events):
        if ev.trigger == "callback" and ev.data.get("rating"):
            return ev
    return None


def _redos(ctx: GuardContext) -> int:
    return sum(1 for ev in ctx.events if ev.trigger == "redo")


def _redo_due(ctx: GuardContext) -> str | None:
    """[L] An order is redone only for an unsatisfied rating caused by its handling (a demand
    found unreasonable is not redone)."""
    rated = last_rated(tuple(ctx.events))
    if rated is None or rated.data.get("rating") != "unsatisfied":
        return "最近一次回访评价不是不满意，不能重办 (the last rating is not unsatisfied)"
    if rated.data.get("cause") != "handling":
        return "不满意原因不是办理原因 handling，不能重办 (the cause is not the handling)"
    return None


REDO_DUE = Guard("redo_due", "因办理原因不满意", _redo_due)
REDO_LIMIT = at_most("redo_limit", "重办次数上限", "redo", REDO_MAX)


def assignments(ctx: GuardContext) -> list[dict[str, str | None]]:
    """The order's assignment history, read from its events: each dispatch's office and day,
    and the step that ended it (a return or a recall), if one did."""
    out: list[dict[str, str | None]] = []
    for ev in ctx.events:
        if ev.trigger == "dispatch":
            office = str(ev.data.get("to_office"))
            out.append({"office": office, "from": ev.occurred_on.isoformat(), "ended_by": None})
        elif ev.trigger in ("return_order", "recall") and out and out[-1]["ended_by"] is None:
            out[-1].update(ended_by=ev.trigger, to=ev.occurred_on.isoformat())
    return out
