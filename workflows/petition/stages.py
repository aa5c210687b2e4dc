"""Who decides each stage of a petition, and the rules of its opinions, windows and closing
(petition.md 1.3, 1.5, 1.7).

A town case is reviewed (复查) by its office's parent and re-reviewed (复核) by the reviewer's
parent (G arts. 35-36, X arts. 34-35): never by the office that replied. The reviewer is
recorded when the review is asked for, so a later change of parents leaves it where it was.
"""

from __future__ import annotations

from datetime import date

from workflows.guards import lapsed_by, within
from workflows.petition.clocks import REREVIEW_WINDOW, REVIEW_WINDOW, served
from workflows.petition.intake import value
from workflows.petition.terms import DOCUMENTS, XF2005
from workflows.settings import EXTERNAL, organ_name
from workflows.spec import EventView, Guard, GuardContext

OPINIONS = ("reply", "review")


def as_organ(ctx: GuardContext, text: str) -> str:
    """An organ as typed: an office code of casework, or an outside organ (``ext:NAME``)."""
    if text.startswith(EXTERNAL) or ctx.level(text) in (1, 2):
        return text
    return EXTERNAL + text


def reviewer(ctx: GuardContext) -> str | None:
    """The reviewer: as recorded at the request, else the case office's parent."""
    recorded = ctx.data.get("reviewer")
    return str(recorded) if recorded else ctx.parent(ctx.office)


def asked_reviewer(ctx: GuardContext) -> str | None:
    """At a request for review: the organ named, else the case office's parent."""
    organ = ctx.values.get("organ")
    return as_organ(ctx, str(organ)) if organ else ctx.parent(ctx.office)


def rereviewer(ctx: GuardContext) -> str | None:
    recorded = ctx.data.get("rereviewer")
    if recorded:
        return str(recorded)
    above = reviewer(ctx)
    return None if above is None else ctx.parent(above)


def asked_rereviewer(ctx: GuardContext) -> str | None:
    organ = ctx.values.get("organ")
    return as_organ(ctx, str(organ)) if organ else rereviewer(ctx)


def stage_office(ctx: GuardContext) -> str | None:
    """Who decides the stage the case is in (handling: the case office)."""
    if ctx.state == "reviewing":
        return reviewer(ctx)
    if ctx.state == "rereviewing":
        return rereviewer(ctx)
    return ctx.office


def opinion_office(ctx: GuardContext) -> str | None:
    """Whose opinion the case is at: the reply's office, or the reviewer's."""
    return reviewer(ctx) if ctx.state == "reviewed" else ctx.office


def sender(ctx: GuardContext) -> str | None:
    """The office (or outside organ) that forwarded or assigned the matter here."""
    office = ctx.data.get("from_office")
    if office:
        return str(office)
    organ = ctx.data.get("from_organ")
    return EXTERNAL + str(organ) if organ else None


def derive_reviewer(ctx: GuardContext) -> dict[str, object]:
    found = asked_reviewer(ctx)
    return {} if found is None else {"reviewer": found}


def derive_rereviewer(ctx: GuardContext) -> dict[str, object]:
    found = asked_rereviewer(ctx)
    return {} if found is None else {"rereviewer": found}


def _upper(ctx: GuardContext, deciding: str | None, below: str | None, what: str) -> str | None:
    if deciding is None or below is None:
        return f"{what}机关未确定 (no deciding organ)"
    if deciding == below or ctx.parent(below) != deciding:
        return (
            f"{what}应由 {below} 的上一级机关 {ctx.parent(below)} 作出，不能由 "
            f"{organ_name(deciding)} 作出 (decided one level up)"
        )
    return None


REVIEWER_IS_UPPER = Guard(
    "reviewer_is_upper",
    "复查由上一级机关作出",
    lambda ctx: _upper(ctx, reviewer(ctx), ctx.office, "复查"),
)
REREVIEWER_IS_UPPER = Guard(
    "rereviewer_is_upper",
    "复核由复查机关的上一级机关作出",
    lambda ctx: _upper(ctx, rereviewer(ctx), reviewer(ctx), "复核"),
)


# -- opinions, deliveries, evaluations ---------------------------------------------------------


def _since_opinion(ctx: GuardContext) -> list[EventView]:
    """The events since the opinion the case is at (its last reply or review)."""
    events = list(ctx.events)
    for i in range(len(events) - 1, -1, -1):
        if events[i].trigger in OPINIONS:
            return events[i + 1 :]
    return []


def _delivered(ctx: GuardContext) -> bool:
    return any(ev.trigger == "deliver" and served(ev) for ev in _since_opinion(ctx))


def _once_per_opinion(ctx: GuardContext) -> str | None:
    if _delivered(ctx):
        return "本意见已送达 (this opinion was delivered already)"
    return None


def _derive_delivery(ctx: GuardContext) -> dict[str, object]:
    """A delivery that could not reach the petitioner opens their window that day only while
    ``petition.unreachable_opens_window`` is on."""
    if ctx.values.get("method") != "unreachable":
        return {}
    opens = bool(ctx.setting("petition.unreachable_opens_window"))
    return {"opens_window": "yes" if opens else "no"}


def _must_be_delivered(what: str) -> Guard:
    def check(ctx: GuardContext) -> str | None:
        if _delivered(ctx):
            return None
        return f"意见尚未送达信访人，不能{what} (the opinion has not been delivered)"

    return Guard("delivered", "意见已送达", check)


def _evaluated_once(ctx: GuardContext) -> str | None:
    if any(ev.trigger == "evaluate" for ev in _since_opinion(ctx)):
        return "本意见已评价 (this opinion was evaluated already)"
    return None


def _in_scope(ctx: GuardContext) -> str | None:
    """M art. 4: petitions registered from 2015 are evaluated, but diverted ones, those
    refused as for the law's other routes or other bodies, and accusations [cfg]."""
    since = ctx.setting("petition.evaluation_from")
    first = ctx.events[0].occurred_on if ctx.events else ctx.on
    if isinstance(since, date) and first < since:
        return f"登记于 {first}，早于满意度评价起始日 {since} (out of scope)"
    if value(ctx, "category") == "accusation":
        return "检举控告类事项不参加满意度评价 (accusations are not evaluated)"
    return None


DELIVERY = (Guard("once_per_opinion", "每份意见送达一次", _once_per_opinion),)
EVALUATION = (
    _must_be_delivered("评价"),
    Guard("evaluate_once", "每份意见评价一次", _evaluated_once),
    Guard("evaluation_scope", "属满意度评价范围", _in_scope),
)
derive_delivery = _derive_delivery


# -- requests for review and re-review -----------------------------------------------------------


def requested_on(ctx: GuardContext) -> date:
    raw = ctx.values.get("requested_on")
    return date.fromisoformat(str(raw)) if raw else ctx.on


def _reopens_at(stage: str, what: str) -> Guard:
    """From a closed case, a timely request reopens it at the stage it closed at."""

    def check(ctx: GuardContext) -> str | None:
        if ctx.state != "closed":
            return None
        closing = next((ev for ev in reversed(ctx.events) if ev.trigger == "close"), None)
        if closing is None or closing.from_state == stage:
            return None
        return f"本案办结于「{closing.from_state}」阶段，不能{what} (closed at another stage)"

    return Guard("reopens_at_stage", "按办结时阶段重新开启", check)


def _delivered_before_close(stage: str, what: str) -> Guard:
    def check(ctx: GuardContext) -> str | None:
        events = list(ctx.events)
        opinion = "reply" if stage == "replied" else "review"
        last = max((i for i, ev in enumerate(events) if ev.trigger == opinion), default=None)
        if last is not None and any(
            ev.trigger == "deliver" and served(ev) for ev in events[last + 1 :]
        ):
            return None
        return f"意见尚未送达信访人，不能{what} (the opinion has not been delivered)"

    return Guard("delivered", "意见已送达", check)


REQUEST_REVIEW = (
    _reopens_at("replied", "申请复查"),
    _delivered_before_close("replied", "申请复查"),
    within("review_window", "送达后30日内申请复查", REVIEW_WINDOW, "申请复查", requested_on),
)
REQUEST_REREVIEW = (
    _reopens_at("reviewed", "申请复核"),
    _delivered_before_close("reviewed", "申请复核"),
    within(
        "rereview_window", "复查送达后30日内申请复核", REREVIEW_WINDOW, "申请复核", requested_on
    ),
)


# -- closing (办结), petition.md 1.7 -------------------------------------------------------------


def _may_close(ctx: GuardContext) -> str | None:
    """A case closes once the window its opinion opened lapsed without a request, or once that
    opinion was rated acceptably (a timely request then still reopens it)."""
    window = REVIEW_WINDOW if ctx.state == "replied" else REREVIEW_WINDOW
    if lapsed_by(ctx, window, ctx.on) is not None:
        return None
    accepting = ctx.setting("petition.accepting_ratings")
    ratings = [ev.data.get("rating") for ev in _since_opinion(ctx) if ev.trigger == "evaluate"]
    if isinstance(accepting, frozenset) and any(r in accepting for r in ratings):
        return None
    return (
        f"「{window.label} {window.name}」尚未届满，且信访人未作满意或基本满意的评价，"
        "不能办结 (the window has not lapsed and no accepting evaluation)"
    )


MAY_CLOSE = Guard("may_close", "期限届满或评价满意方可办结", _may_close)


# -- routing: refusals, forwarding, assigning, objections ----------------------------------------


def _reason_valid(ctx: GuardContext) -> str | None:
    """The refusal reasons are a fixed list [cfg, dated]; 应循法定途径 is the 2005 text's."""
    reason = str(ctx.values.get("reason") or "")
    allowed = ctx.setting("petition.refusal_reasons")
    if isinstance(allowed, frozenset) and reason not in allowed:
        return f"不予受理理由 {reason!r} 未启用 (not an enabled reason)"
    if reason == "legal_route" and ctx.rules != XF2005:
        return "「应循法定途径 legal_route」仅适用信访条例（2005）；本案应导入法定途径 divert"
    if reason == "other" and not ctx.values.get("reason_text"):
        return "理由为「其他 other」时须填写理由说明 reason_text"
    sub = ctx.values.get("sub_reason")
    enabled = ctx.setting("petition.refusal_subreasons")
    if sub and isinstance(enabled, frozenset) and sub not in enabled:
        return f"细分理由 {sub!r} 未启用 (not an enabled sub-reason)"
    return None


def _one_destination(ctx: GuardContext) -> str | None:
    office, organ = ctx.values.get("to_office"), ctx.values.get("to_organ")
    if bool(office) == bool(organ):
        return "应填写转送单位 to_office 或转送机关 to_organ 中的一项 (name one destination)"
    if organ and not ctx.values.get("organ_type"):
        return "转送至系统外机关时须填写机关类别 organ_type"
    if office == ctx.office:
        return "不能转送本单位 (not to the case's own office)"
    return None


def _accusation_to_discipline(ctx: GuardContext) -> str | None:
    """G arts. 22 para 2, 30: an accusation goes to discipline inspection, outside casework."""
    if value(ctx, "category") != "accusation":
        return None
    if ctx.values.get("to_organ") and ctx.values.get("organ_type") == "discipline":
        return None
    return "检举控告类事项只能转送纪检监察机关（to_organ + organ_type=discipline）"


def _assign_down(ctx: GuardContext) -> str | None:
    if value(ctx, "category") == "accusation":
        return "检举控告类事项不交办 (accusations are not assigned)"
    office = str(ctx.values.get("to_office") or "")
    if ctx.level(office) != 1:
        return f"交办对象 {office} 应为镇街单位 (a town office)"
    most = ctx.setting("petition.report_days_max")
    days = ctx.values.get("report_days")
    if isinstance(most, int) and isinstance(days, int) and days > most:
        return f"报告期限 report_days {days} 日超过上限 {most} 日"
    return None


def _received(ctx: GuardContext) -> str | None:
    if ctx.data.get("origin") in ("forwarded", "assigned"):
        return None
    return "仅转送或交办而来的事项可提出异议 (only a matter forwarded or assigned here)"


def _answer_of_outside(ctx: GuardContext) -> str | None:
    if ctx.data.get("from_office") or "objection_answer" in ctx.documents:
        return None
    return f"系统外机关的答复应先归入卷宗「{DOCUMENTS['objection_answer']} objection_answer」"


def _outside_return(ctx: GuardContext) -> str | None:
    """An outside organ sent back a matter forwarded to it (its letter on file)."""
    sent = next((ev for ev in reversed(ctx.events) if ev.trigger == "forward"), None)
    if sent is None or not sent.data.get("to_organ"):
        return "仅转送至系统外机关的事项可由本单位收回 (only from an outside organ)"
    if "objection" not in ctx.documents:
        return f"应先归入卷宗「{DOCUMENTS['objection']} objection」"
    return None


REFUSE = (Guard("reason_valid", "不予受理理由有效", _reason_valid),)
FORWARD = (
    Guard("one_destination", "转送去向唯一", _one_destination),
    Guard("accusation_to_discipline", "检举控告类转纪检监察", _accusation_to_discipline),
)
ASSIGN = (Guard("assign_down", "交办镇街", _assign_down),)
RECEIVED = Guard("received", "转送交办而来", _received)
OUTSIDE_ANSWER = Guard("outside_answer", "系统外机关答复归卷", _answer_of_outside)
OUTSIDE_RETURN = Guard("outside_return", "系统外机关退回", _outside_return)


# -- hearings, reports, supervision --------------------------------------------------------------


def _open_hearing(ctx: GuardContext) -> bool:
    state = False
    for ev in ctx.events:
        if ev.trigger == "hearing_start":
            state = True
        elif ev.trigger == "hearing_end":
            state = False
    return state


HEARING_START = (
    Guard(
        "one_hearing",
        "同一时间只有一个听证",
        lambda ctx: "已有听证尚未结束 (a hearing is open)" if _open_hearing(ctx) else None,
    ),
)
HEARING_END = (
    Guard(
        "hearing_open",
        "有正在进行的听证",
        lambda ctx: None if _open_hearing(ctx) else "没有正在进行的听证 (no hearing is open)",
    ),
)


def _report(ctx: GuardContext) -> str | None:
    if ctx.data.get("origin") != "assigned":
        return "仅交办而来的事项报送办结报告 (only an assigned matter)"
    if any(ev.trigger == "report" for ev in ctx.events):
        return "办结报告已报送 (reported already)"
    return None


def _after_supervision(ctx: GuardContext) -> str | None:
    last_asked = max((i for i, e in enumerate(ctx.events) if e.trigger == "supervise"), default=-1)
    if last_asked < 0:
        return "本案未被督办 (not supervised)"
    answered = any(e.trigger == "answer_supervision" for e in ctx.events[last_asked + 1 :])
    return "已反馈最近一次督办 (answered already)" if answered else None


REPORT = (Guard("report_once", "交办事项报送一次", _report),)
ANSWER = (Guard("after_supervision", "督办后反馈", _after_supervision),)
