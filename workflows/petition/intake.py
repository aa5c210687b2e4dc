"""How a petition comes in: the rules of registration and acceptance, its routing notices and
its flags (petition.md 1.2-1.3).

Every matter is registered, a repeat included (G art. 44(1)); a repeat, an accusation, a matter
for the courts or one still being handled below is refused at acceptance, and the refusal
names what the office may do instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from workflows.guards import lapsed, setting_of
from workflows.petition.clocks import DECIDE, REPLY
from workflows.petition.terms import DOCUMENTS, VISITED_LEVELS, XF2005, XF2022
from workflows.spec import Flag, Guard, GuardContext, LinkView, Refusal

MAX_REPRESENTATIVES = 5
PETITION = "petition"


def value(ctx: GuardContext, name: str) -> object:
    """A value of the step, else of the case."""
    found = ctx.values.get(name)
    return ctx.data.get(name) if found is None else found


def _is_visit(ctx: GuardContext) -> bool:
    return value(ctx, "channel") == "visit"


def _people(ctx: GuardContext) -> int:
    raw = value(ctx, "people")
    return raw if isinstance(raw, int) else 1


def _representatives(ctx: GuardContext) -> int:
    return sum(1 for p in ctx.parties if p.role == "representative")


def _at_most_five(ctx: GuardContext) -> str | None:
    """G art. 20 para 3, X art. 18 para 2: a group visit sends at most five representatives."""
    count = _representatives(ctx)
    if _is_visit(ctx) and _people(ctx) >= 2 and count > MAX_REPRESENTATIVES:
        return (
            f"多人来访推选代表不超过 {MAX_REPRESENTATIVES} 人，登记了 {count} 名代表 representative"
            f" (at most {MAX_REPRESENTATIVES} representatives)"
        )
    return None


def _names_representatives(ctx: GuardContext) -> str | None:
    if _is_visit(ctx) and _people(ctx) >= 2 and _representatives(ctx) == 0:
        return f"{_people(ctx)} 人来访，未登记代表 representative (no representative named)"
    return None


REPRESENTATIVES = Guard("representatives_at_most_5", "多人来访代表不超过5人", _at_most_five)
NO_REPRESENTATIVE = Guard("representatives_named", "多人来访应推选代表", _names_representatives)


# -- links a person confirmed (case link) -----------------------------------------------------


def same_matter(ctx: GuardContext) -> list[LinkView]:
    """The petitions a person confirmed to be the same matter (the last finding on each)."""
    last: dict[str, LinkView] = {}
    for link in ctx.links:
        if link.kind in ("same_matter", "related", "not_same"):
            last[link.case_no] = link
    return [
        link for link in last.values() if link.kind == "same_matter" and link.case_kind == PETITION
    ]


def _earlier(ctx: GuardContext, links: Sequence[LinkView]) -> list[LinkView]:
    return [link for link in links if link.case_no < ctx.case_no or _registered_before(ctx, link)]


def _registered_before(ctx: GuardContext, link: LinkView) -> bool:
    events = link.events()
    first = events[0].occurred_at if events else None
    mine = ctx.events[0].occurred_at if ctx.events else ctx.at
    return first is not None and first < mine


# -- acceptance (受理) -------------------------------------------------------------------------


def _intake_document(ctx: GuardContext) -> str | None:
    """G art. 19 para 1: the letter or the record of the visit or call is on file first."""
    if {"letter", "intake_record"} & set(ctx.documents):
        return None
    return (
        f"卷宗中尚无「{DOCUMENTS['letter']} letter」或「{DOCUMENTS['intake_record']}"
        " intake_record」(record the letter or the intake record first)"
    )


def _not_accusation(ctx: GuardContext) -> str | None:
    """G arts. 22 para 2, 30: an accusation (检举控告) goes to discipline inspection."""
    if value(ctx, "category") != "accusation":
        return None
    if ctx.rules == XF2005 and not ctx.setting("petition.accusation_forward_x"):
        return None
    return (
        "检举控告类事项不由本机关受理，应转送 forward 纪检监察机关（organ_type=discipline）"
        " (an accusation is forwarded to discipline inspection)"
    )


def _not_litigation(ctx: GuardContext) -> str | None:
    """G arts. 22 para 2, 28; X arts. 14-15, 21: a matter for the courts follows its own route."""
    if value(ctx, "litigation") != "yes":
        return None
    if ctx.rules == XF2022:
        instead = "应转送 forward 政法机关（organ_type=political_legal）或导入法定途径 divert"
    else:
        instead = "应以「应循法定途径 legal_route」不予受理 refuse"
    return f"涉法涉诉事项不予受理，{instead} (a matter for litigation is routed, not accepted)"


def _not_concluded(ctx: GuardContext) -> str | None:
    """G art. 36 para 3, X art. 35 para 3: a matter concluded on re-review is not accepted."""
    for link in same_matter(ctx):
        if link.state == "concluded":
            return (
                f"同一事项已在案件 {link.case_no} 中终结（已终结 concluded），不再受理；"
                "应以「已终结 concluded」不予受理 refuse"
            )
    return None


def _within_its_limit(ctx: GuardContext, link: LinkView) -> bool:
    limit = DECIDE if link.state == "registered" else REPLY
    return lapsed(limit, link.events(), ctx.calendar, setting_of(ctx), ctx.on) is None


def _not_in_handling_below(ctx: GuardContext) -> str | None:
    """G art. 19 para 3, X art. 16: a matter a lower office is handling within its limit is
    not taken up again above; past its limit, the upper office accepts and supervises it."""
    here = ctx.level(ctx.office) or 0
    for link in same_matter(ctx):
        below = (ctx.level(link.office) or 0) < here
        if below and link.state in ("registered", "handling") and _within_its_limit(ctx, link):
            return (
                f"同一事项正由下级单位 {link.office} 在期限内办理（案件 {link.case_no}，"
                f"{link.state}），应以「正在办理中 in_handling」不予受理 refuse"
            )
    return None


INTAKE_DOCUMENT = Guard("intake_document", "先登记信访件或登记表", _intake_document)
ACCEPT_GUARDS = (
    INTAKE_DOCUMENT,
    Guard("not_accusation", "检举控告类不予受理", _not_accusation),
    Guard("not_litigation", "涉法涉诉不予受理", _not_litigation),
    Guard("not_concluded", "已终结事项不再受理", _not_concluded),
    Guard("not_in_handling_below", "下级在办不重复受理", _not_in_handling_below),
)


# -- notices (告知), G art. 23, X art. 22 ------------------------------------------------------


def notice_given(kind: str, optional_at_bureau: bool = False) -> Guard:
    """A routing decision is told to the petitioner in writing, by a method, with its notice on
    file; waived when the petitioner's name or address is unknown (G art. 23 para 2, X art. 22
    para 2), and optional for the petition bureau's forwarding and assigning [cfg]."""

    def check(ctx: GuardContext) -> str | None:
        if value(ctx, "address_known") == "no":
            return None
        at_bureau = optional_at_bureau and ctx.office_kind(ctx.office) == "petition_bureau"
        if at_bureau and ctx.setting("petition.notice_optional_at_bureau"):
            return None
        missing = []
        no_method = not ctx.values.get("notice_method")
        if no_method:
            missing.append("告知方式 notice_method")
        if kind not in ctx.documents:
            missing.append(f"卷宗中的「{DOCUMENTS[kind]} {kind}」")
        if missing:
            message = f"应书面告知信访人，缺少{'和'.join(missing)} (the notice is missing)"
            return Refusal(message, "value.notice_method" if no_method else None)
        return None

    return Guard("notice_given", "书面告知信访人", check)


# -- flags (case show) -------------------------------------------------------------------------


def _collective(ctx: GuardContext) -> bool:
    least = ctx.setting("petition.collective_min")
    return _is_visit(ctx) and isinstance(least, int) and _people(ctx) >= least


def _skip_level(ctx: GuardContext) -> bool:
    """G art. 20 para 1: a visit goes to the same level or one above; two above is 越级."""
    reached = VISITED_LEVELS.get(str(value(ctx, "visited_level") or ""))
    here = ctx.level(ctx.office)
    return reached is not None and here is not None and reached - here >= 2


def _repeat(ctx: GuardContext) -> bool:
    return bool(_earlier(ctx, same_matter(ctx)))


FLAGS = (
    Flag("collective", "集体访", _collective),
    Flag("skip_level", "越级访", _skip_level),
    Flag("repeat", "重复信访", _repeat, group="first_or_repeat"),
    Flag("first", "初信初访", lambda ctx: not _repeat(ctx), group="first_or_repeat"),
)
