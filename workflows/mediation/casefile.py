"""The case file (卷宗, procedures/mediation.md 2.9) and what archiving rests on."""

from __future__ import annotations

from workflows.mediation.rules import court_case, open_application
from workflows.mediation.terms import (
    BASE_KINDS,
    DOCUMENTS,
    FILE_NO_CITY,
    FILE_REQUIRED,
    ORAL_NOTICE_OK,
    WITHDRAWN,
)
from workflows.spec import Guard, GuardContext, Numbered, last_event


def _base_kinds(ctx: GuardContext) -> set[str]:
    listed = ctx.setting(FILE_REQUIRED)
    kinds = set(listed) if isinstance(listed, frozenset) else set(BASE_KINDS)
    accepted = last_event(ctx, "accept")
    told = accepted.data.get("rights_told") if accepted is not None else None
    # 司法部令第75号 art. 30: the rights may be told orally; a setting accepts that note.
    if told == "oral" and ctx.setting(ORAL_NOTICE_OK) is True:
        kinds.discard("rights_notice")
    return kinds


def missing_documents(ctx: GuardContext) -> list[str]:
    """The document kinds a complete case file still lacks: the base kinds, then the outcome's
    (the agreement, or the mediator's note of an oral one, art. 28; the termination notice, or
    the withdrawal), the court's letter and report for court cases, the ruling once ruled."""
    needed = _base_kinds(ctx)
    done = {ev.trigger for ev in ctx.events}
    if "agree" in done:
        needed.add("agreement")
    ended = last_event(ctx, "terminate")
    if ended is not None and ended.data.get("reason") == WITHDRAWN:
        needed.add("withdrawal")
    elif "fail" in done or ended is not None:
        needed.add("termination")
    if court_case(ctx.data):
        needed |= {"court_referral", "report_back"}
    if "confirm" in done:
        needed.add("confirmation")
    have = set(ctx.documents)
    return [kind for kind in DOCUMENTS if kind in needed and kind not in have]


def _followed_up(ctx: GuardContext) -> str | None:
    if any(ev.trigger == "follow_up" for ev in ctx.events):
        return None
    return "尚未回访 (no follow_up is recorded)"


def _file_complete(ctx: GuardContext) -> str | None:
    missing = missing_documents(ctx)
    if missing:
        return "卷宗不全，缺少 (missing)：" + ", ".join(missing)
    return None


def _breach_referred(ctx: GuardContext) -> str | None:
    """A breached agreement is archived once the parties were told their routes (art. 32)."""
    if ctx.state != "breached" or any(ev.trigger == "refer" for ev in ctx.events):
        return None
    return "未履行的案件须先告知其他途径 refer 再归档 (a breached case needs refer)"


def _reported_back(ctx: GuardContext) -> str | None:
    if not court_case(ctx.data) or any(ev.trigger == "report_back" for ev in ctx.events):
        return None
    return "法院委派委托的案件须先反馈法院 report_back 再归档 (report back to the court first)"


def _no_pending(ctx: GuardContext) -> str | None:
    pending = open_application(ctx.events)
    if pending is None:
        return None
    return (
        f"{pending.occurred_on} 申请的司法确认尚无结果 confirm，不能归档 (an application is open)"
    )


FOLLOWED_UP = Guard("followed_up", "已回访", _followed_up)
FILE_COMPLETE = Guard("case_file_complete", "卷宗齐全", _file_complete)
BREACH_REFERRED = Guard("breach_referred", "未履行的已告知其他途径", _breach_referred)
REPORTED_BACK = Guard("reported_back", "已反馈法院", _reported_back)
NO_PENDING = Guard("no_pending_application", "司法确认申请已有结果", _no_pending)
ARCHIVE_GUARDS = (FOLLOWED_UP, FILE_COMPLETE, BREACH_REFERRED, REPORTED_BACK, NO_PENDING)

# What a committee's name ends in, left out of its cover number: 潘州街道人民调解委员会 -> 潘州街道,
# 木龙社区居民委员会人民调解委员会 -> 木龙社区.
NAME_ENDINGS = ("人民调解委员会", "调解委员会", "调委会", "居民委员会", "村民委员会")


def committee_abbr(name: str) -> str:
    for ending in NAME_ENDINGS:
        name = name.removesuffix(ending)
    return name


def _file_committee(ctx: GuardContext) -> str:
    """The committee whose files the case joins: the one that accepted it."""
    return str(ctx.data.get("committee") or f"{ctx.office}-tj")


def _cover_number(ctx: GuardContext, year: int, number: int) -> str:
    code = _file_committee(ctx)
    info = ctx.committee_info(code)
    abbr = committee_abbr(info.name) if info is not None else code
    return f"（{year}）{ctx.setting(FILE_NO_CITY)}{abbr}人调字第{number}号"


# The file's cover number (procedures/mediation.md 2.9), per committee and the year the file is
# closed: handed out by the archive step, so a file has it once complete and never another.
FILE_NUMBER = Numbered("file_no", "卷宗号", "RTZ", _file_committee, _cover_number)
