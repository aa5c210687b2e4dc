"""How the 12345 platform's ledger (工单台账) shows an order's steps, for importing it
(hotline_reconsideration.md 7; docs/import.md).

The platform keeps one row per order: when it was called in, whom it was dispatched to
(承办单位, empty when the centre answered it itself), when the office signed for it and
replied, when it was closed and how the caller rated it on the callback. The centre's own
steps between (审核 of the reply, the callback, the close) have no column but the close's: a
closed, dispatched order went through all of them, dated 办结时间 unless the ledger has their
own columns. Steps are fired by the importing operator; a handling office's steps are then
recorded for it (代录, flagged ``recorded_for``), as the centre does for a city department.
"""

from __future__ import annotations

from workflows.spec import LedgerStep

OFFICE = "承办单位"
CALLED = "来电时间"
SIGNED = "签收时间"
REPLIED = "回复时间"
CLOSED = "办结时间"
RATED = "回访结果"
CALLBACK_AT = "回访时间"

# The platform's own headers for the registration: 工单编号 is both the ledger's number (a
# re-import finds the order by it) and the order's 平台工单号; 诉求内容 is the matter and, unless
# the ledger has a title, the title; 承办单位 is whom the order went to, read by the steps only.
HEADERS: dict[str, tuple[str, ...]] = {
    "工单编号": ("ref", "field:platform_no"),
    CALLED: ("registered_at",),
    "来电渠道": ("field:channel",),
    "诉求类型": ("field:category",),
    "工单标题": ("title",),
    "诉求内容": ("title", "field:matter"),
    "诉求人": ("parties",),
    OFFICE: (),
}

# 回访结果 as the platform writes it: a rating (the caller reached), 拒评 (reached, declined to
# rate), 未回访 (not called back) or 无法联系 (not reached).
SATISFIED = ("满意", "基本满意", "satisfied", "basic")
UNSATISFIED = ("不满意", "unsatisfied")
DECLINED = ("拒评", "refused")
NOT_CALLED = ("未回访",)
UNREACHED = ("无法联系", "unreachable")

# A dispatched order: dispatched on the call unless 派单时间 says when; signed for by the time it
# was replied; replied by the time it was closed; its reply approved and its caller called back
# when it was closed, unless 审核时间 or 回访时间 say when.
DISPATCHED = (
    LedgerStep("dispatch", "派单时间", {"to_office": OFFICE}, or_dates=(CALLED,), filled=(OFFICE,)),
    LedgerStep("sign", SIGNED, or_dates=(REPLIED, CLOSED), filled=(OFFICE,)),
    # [I] A ledger without 告知方式 is taken as telling the caller by phone, the hotline's way.
    LedgerStep(
        "reply",
        REPLIED,
        {"result": "办理结果", "reply_text": "答复内容", "told_caller": "告知方式"},
        fixed={"told_caller": "phone"},
        or_dates=(CLOSED,),
        filled=(OFFICE,),
    ),
    LedgerStep("approve_reply", "审核时间", or_dates=(CALLBACK_AT, CLOSED), filled=(OFFICE,)),
)

# The callback and the close of a dispatched order, by 回访结果. An unsatisfied caller whose
# order was closed was not redone: the cause was not the handling (其他 unless 不满意原因 says).
CALLBACKS = (
    LedgerStep(
        "callback",
        CALLBACK_AT,
        {"rating": RATED},
        fixed={"reached": "yes"},
        when=(RATED, SATISFIED),
        or_dates=(CLOSED,),
        filled=(OFFICE,),
    ),
    LedgerStep(
        "callback",
        CALLBACK_AT,
        {"cause": "不满意原因"},
        fixed={"reached": "yes", "rating": "unsatisfied", "cause": "other"},
        when=(RATED, UNSATISFIED),
        or_dates=(CLOSED,),
        filled=(OFFICE,),
    ),
    LedgerStep(
        "callback",
        CALLBACK_AT,
        fixed={"reached": "refused"},
        when=(RATED, DECLINED),
        or_dates=(CLOSED,),
        filled=(OFFICE,),
    ),
    LedgerStep(
        "callback",
        CALLBACK_AT,
        fixed={"reached": "no"},
        when=(RATED, UNREACHED),
        or_dates=(CLOSED,),
        filled=(OFFICE,),
    ),
)


def _close(basis: str, entries: tuple[str, ...]) -> LedgerStep:
    return LedgerStep(
        "close", CLOSED, fixed={"basis": basis}, when=(RATED, entries), filled=(OFFICE,)
    )


# The close's basis follows from the callback; casework's rules still decide whether it holds
# (未回访 needs a caller who did not consent, 无法联系 the failed calls the setting asks for).
CLOSES = (
    _close("rated", SATISFIED),
    _close("not_handling", UNSATISFIED),
    _close("no_consent", DECLINED + NOT_CALLED),
    _close("unreachable", UNREACHED),
)

# An order answered by the centre itself (no 承办单位): 直接办结 on 办结时间, with the rating the
# caller gave on the call, if any. [I] A ledger without 解答方式 answered from the knowledge base.
ANSWERED = (
    LedgerStep(
        "answer_directly",
        CLOSED,
        {"answer": "解答方式", "rating": RATED},
        fixed={"answer": "knowledge_base"},
        when=(RATED, SATISFIED + UNSATISFIED),
        empty=(OFFICE,),
    ),
    LedgerStep(
        "answer_directly",
        CLOSED,
        {"answer": "解答方式"},
        fixed={"answer": "knowledge_base"},
        when=(RATED, ("", *DECLINED, *NOT_CALLED, *UNREACHED)),
        empty=(OFFICE,),
    ),
)

LEDGER = (*DISPATCHED, *CALLBACKS, *CLOSES, *ANSWERED)
