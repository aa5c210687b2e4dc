"""The guards of a reconsideration and its complete case file (hotline_reconsideration.md 8).

F23 = 行政复议法 (2023), F99 = 行政复议法 (1999/2017), T = 实施条例 (2007), as in terms.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from workflows.guards import lapsed_by, running_in
from workflows.limits import running
from workflows.reconsideration.clocks import (
    APPLICATION_UNTOLD,
    APPLICATION_WINDOW,
    DECISION_LIMIT,
    LITIGATION_WINDOW,
    SUSPENSION_LIMIT,
    simple,
)
from workflows.reconsideration.terms import DECISION_ARTICLES, DECISIONS, DOCUMENTS, V2023
from workflows.spec import Guard, GuardContext, Refusal, TimeLimit

# F23 art. 53 para 1: the simple procedure for an act made on the spot, an amount of at most
# 3,000 yuan, or information disclosure (warnings and 通报批评 are acts of kind penalty, not
# told apart here; the parties' agreement, para 2, is not recorded).
SIMPLE_AMOUNT = 3000
# F23 art. 21 para 2: no application more than 5 years after the act (20 for real estate).
BAR_YEARS = 5
REAL_ESTATE_BAR_YEARS = 20
# F23 art. 51: the parties are told of a hearing at least 5 working days before it.
HEARING_NOTICE_DAYS = 5
# F23 art. 6 para 2: who first takes up reconsideration work (初次从事行政复议工作) must hold the
# legal professional qualification (法律职业资格). The law is in force from 2024-01-01 (art. 90):
# a reviewer who began on or after that day, or whose start is not recorded, is taken as new.
# The users' attributes are declared in workflows.policy.USER_ATTRIBUTES.
NEW_REVIEWERS_FROM = date(2024, 1, 1)
QUALIFIED_FIELDS = ("reviewers", "host", "officers")


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)) if value else None


def received_on(ctx: GuardContext) -> date:
    """The day the application was received (the registration's ``received_on``)."""
    return _day(ctx.data.get("received_on")) or ctx.on


def window_of(ctx: GuardContext) -> TimeLimit:
    """The application window that holds for the case (an applicant not told of the right)."""
    return APPLICATION_UNTOLD if APPLICATION_UNTOLD.holds_for(ctx.data) else APPLICATION_WINDOW


def window_last_day(ctx: GuardContext) -> date | None:
    """The application window's last day, from the registration's values (learned_on +
    window_days + delay_days, moved past rest days)."""
    learned = _day(ctx.data.get("learned_on"))
    if learned is None:
        return None
    window = window_of(ctx)
    days = window.days if window.days_field is None else ctx.data.get(window.days_field)
    total = int(days or window.days) + int(ctx.data.get("delay_days") or 0)
    return ctx.calendar.add_days(learned, total)


def _late(ctx: GuardContext) -> str | None:
    last = window_last_day(ctx)
    got = received_on(ctx)
    if last is None or got <= last:
        return None
    return (
        f"申请于 {got} 收到，申请期限已于 {last} 届满 (the application window closed on {last}；"
        "可不予受理 refuse ground=out_of_time)"
    )


def _barred(ctx: GuardContext) -> str | None:
    """F23 art. 21 para 2: the absolute bar from the act's day."""
    if ctx.rules != V2023:
        return None
    act = _day(ctx.data.get("act_date"))
    if act is None:
        return None
    years = REAL_ESTATE_BAR_YEARS if ctx.data.get("real_estate") == "yes" else BAR_YEARS
    try:
        bar = act.replace(year=act.year + years)
    except ValueError:  # 29 February
        bar = act.replace(year=act.year + years, day=28)
    if received_on(ctx) <= bar:
        return None
    return f"行政行为作出于 {act}，已超过最长 {years} 年的申请期限 (barred after {years} years)"


def _dates_in_order(ctx: GuardContext) -> str | None:
    got, learned = received_on(ctx), _day(ctx.data.get("learned_on"))
    if got > ctx.on:
        return f"收到申请日期 received_on {got} 晚于登记日期 {ctx.on} (after registration)"
    if learned is not None and learned > got:
        return f"知道之日 learned_on {learned} 晚于收到申请日期 {got} (after receipt)"
    return None


def _parties(ctx: GuardContext) -> str | None:
    """T art. 8: at most 5 representatives; F23 art. 17: one or two agents per party."""
    count = {role: sum(1 for p in ctx.parties if p.role == role) for role in ("representative",)}
    if count["representative"] > 5:
        return f"代表人至多 5 名 (at most 5 representatives)，现有 {count['representative']} 名"
    agents = sum(1 for p in ctx.parties if p.role == "agent")
    applicants = max(1, sum(1 for p in ctx.parties if p.role == "applicant"))
    if agents > 2 * applicants:
        return f"每名申请人可委托 1 至 2 名代理人 (one or two agents each)，现有 {agents} 名"
    return None


def _simple_allowed(ctx: GuardContext) -> str | None:
    if ctx.values.get("procedure") != "simple":
        return None
    if ctx.rules != V2023:
        return "简易程序仅适用于2023年修订的行政复议法 (the simple procedure is 2023's)"
    data = ctx.data
    amount = data.get("amount")
    small = isinstance(amount, int) and amount <= SIMPLE_AMOUNT
    if data.get("on_the_spot") == "yes" or small or data.get("act_kind") == "info_disclosure":
        return None
    return (
        "简易程序限于当场作出、款额三千元以下或政府信息公开的案件 "
        "(simple only for on-the-spot acts, ≤3,000 yuan or information disclosure)"
    )


def _days_for_1999(ctx: GuardContext) -> str | None:
    if ctx.rules == V2023 or ctx.values.get("days") is not None:
        return None
    return (
        "依实施条例第二十九条，补正通知须写明补正期限「补正天数 days」(the notice states the days)"
    )


def _extend(ctx: GuardContext) -> str | None:
    """In review: ordinary only, once, before the decision limit lapses (F23 art. 62); in
    correction: for good reason (F23 art. 31), which the reason given states."""
    if ctx.state != "reviewing":
        return None
    if simple(ctx.data):
        return (
            "简易程序不能延期，可先转为普通程序 switch_to_ordinary (simple cases are not extended)"
        )
    if any(ev.trigger == "extend" and ev.from_state == "reviewing" for ev in ctx.events):
        return "审理期限只可延长一次 (extended once already)"
    run = lapsed_by(ctx, DECISION_LIMIT, ctx.on)
    if run is not None:
        return f"审理期限已于 {run.last_day} 届满，不能延期 (the decision limit lapsed)"
    return None


def _hearing_ahead(ctx: GuardContext) -> str | None:
    hearing = _day(ctx.values.get("hearing_date"))
    if hearing is None:
        return None
    ahead = ctx.calendar.working_days_between(ctx.on, hearing - timedelta(days=1))
    if ahead >= HEARING_NOTICE_DAYS:
        return None
    return (
        f"听证日期 {hearing} 距今仅 {ahead} 个工作日，应至少提前 {HEARING_NOTICE_DAYS} 个工作日通知"
        f" (at least {HEARING_NOTICE_DAYS} working days ahead)"
    )


def _views_heard(ctx: GuardContext) -> str | None:
    """F23 art. 49: an ordinary review hears the parties' views (or holds a hearing)."""
    if ctx.rules != V2023 or simple(ctx.data):
        return None
    if any(ev.trigger in ("hear_views", "hold_hearing") for ev in ctx.events):
        return None
    return "普通程序须先听取当事人意见 hear_views 或举行听证 hold_hearing (hear the parties first)"


def first_reconsideration_work(attributes: Mapping[str, str]) -> bool:
    """Whether a reviewer's work in reconsideration began under the 2023 law (or when it
    began is not recorded)."""
    since = _day(attributes.get("reviewer_since"))
    return since is None or since >= NEW_REVIEWERS_FROM


def _qualified(ctx: GuardContext) -> str | None:
    """F23 art. 6 para 2: the reviewers a step names (designated handlers, a hearing's host
    and officers) who are new to the work hold the legal professional qualification."""
    if ctx.rules != V2023:
        return None  # the 1999 law sets no such requirement
    for name in QUALIFIED_FIELDS:
        for username in str(ctx.values.get(name) or "").split(","):
            attributes = ctx.user_attributes(username) if username else {}
            if not username or not first_reconsideration_work(attributes):
                continue
            if attributes.get("legal_qualification") == "yes":
                continue
            since = attributes.get("reviewer_since") or "未登记 (not recorded)"
            return Refusal(
                f"复议人员 {username} 初次从事行政复议工作（起始日期 reviewer_since {since}），"
                "未登记取得法律职业资格 legal_qualification=yes，依行政复议法第六条不能承办 "
                "(art. 6: new reviewers need the legal qualification)",
                field=f"value.{name}",
            )
    return None


def _decision_in_version(ctx: GuardContext) -> str | None:
    code = ctx.values.get("decision")
    allowed = DECISION_ARTICLES.get(ctx.rules or "", {})
    if code is None or code in allowed:
        return None
    listed = "、".join(f"{DECISIONS[c]} {c}" for c in allowed)
    return f"本案适用的法律无「{DECISIONS.get(str(code), code)} {code}」决定，可选：{listed}"


def _suspension_lapsed(ctx: GuardContext) -> str | None:
    if ctx.values.get("ground") != "suspension_lapsed":
        return None
    if ctx.state == "suspended" and lapsed_by(ctx, SUSPENSION_LIMIT, ctx.on) is not None:
        return None
    run = running_in(ctx, SUSPENSION_LIMIT) if ctx.state == "suspended" else None
    when = f"，中止满60日之日为 {run.last_day}" if run is not None else ""
    return f"中止尚未满60日，不能以 suspension_lapsed 终止{when} (the suspension has not lapsed)"


def missing_documents(ctx: GuardContext) -> list[str]:
    """What a complete file still lacks: the application, the acceptance notice, the
    respondent's answer (unless no answer came, recorded as such), the decision and the
    proof of service."""
    needed = ["application", "acceptance_notice", "respondent_answer", "decision"]
    needed.append("service_proof")
    unanswered = any(
        ev.trigger == "receive_answer" and ev.data.get("answered") == "no" for ev in ctx.events
    )
    if unanswered:
        needed.remove("respondent_answer")
    have = set(ctx.documents)
    return [kind for kind in needed if kind not in have]


def _file_complete(ctx: GuardContext) -> str | None:
    missing = missing_documents(ctx)
    if not missing:
        return None
    return "卷宗缺少：" + "、".join(f"{DOCUMENTS[k]} {k}" for k in missing) + " (file incomplete)"


def _litigation_over(ctx: GuardContext) -> str | None:
    if any(ev.trigger == "record_suit" for ev in ctx.events):
        return None
    run = running(LITIGATION_WINDOW, ctx.events, ctx.calendar)
    if run is None or run.last_day is None or ctx.on > run.last_day:
        return None
    return f"起诉期限至 {run.last_day} 届满，届满或记录起诉后方可归档 (the window runs until then)"


REGISTER_GUARDS = (
    Guard("dates_in_order", "收到与知道之日不晚于登记", _dates_in_order),
    Guard("parties_allowed", "代表人、代理人人数", _parties),
)
LATE_WARNING = Guard("in_window", "在申请期限内", _late)
ACCEPT_GUARDS = (
    LATE_WARNING,
    Guard("within_bar", "未超过最长申请期限", _barred),
    Guard("simple_allowed", "简易程序适用范围", _simple_allowed),
)
DAYS_1999 = Guard("notice_days", "补正通知写明期限", _days_for_1999)
EXTEND = Guard("extend_once", "普通程序期限内延长一次", _extend)
HEARING_AHEAD = Guard("hearing_notice", "提前5个工作日通知听证", _hearing_ahead)
DECIDE_GUARDS = (
    Guard("views_heard", "已听取意见或举行听证", _views_heard),
    Guard("decision_in_version", "决定种类为本案法律所设", _decision_in_version),
)
QUALIFIED = Guard("legal_qualification", "初次从事复议工作须取得法律职业资格", _qualified)
SUSPENSION_LAPSED = Guard("suspension_lapsed", "中止满60日", _suspension_lapsed)
ARCHIVE_GUARDS = (
    Guard("litigation_over", "起诉期限届满或已起诉", _litigation_over),
    Guard("archive_ready", "卷宗齐全", _file_complete),
)


def has_lapsed(name: str, label: str, limits: tuple[TimeLimit, ...], what: str) -> Guard:
    """A step allowed only once the limit (of those given, the one that holds for the case)
    has lapsed: abandonment after the correction window (F23 art. 31)."""

    def check(ctx: GuardContext) -> str | None:
        limit = next((lim for lim in limits if lim.holds_for(ctx.data)), None)
        if limit is None or lapsed_by(ctx, limit, ctx.on) is not None:
            return None
        run = running_in(ctx, limit)
        until = f"至 {run.last_day}" if run is not None and run.last_day else "尚未届满"
        return f"{limit.label} {limit.name} {until}，届满后方可{what} (not lapsed yet)"

    return Guard(name, label, check)


def _is_simple(ctx: GuardContext) -> str | None:
    return (
        None if simple(ctx.data) else "本案已适用普通程序 (the case is on the ordinary procedure)"
    )


IS_SIMPLE = Guard("is_simple", "适用简易程序", _is_simple)
