"""The five limits of a 12345 work order (hotline_reconsideration.md 7), all in working days.

None pauses. ``handle_limit`` binds the handling office (the case's ``handling_office``); the
others bind the centre. Its length comes from the dated table ``hotline.handle_days`` by the
order's ``urgency`` (urgent: 1) else its ``category``; it starts at the last dispatch (or at
registration, as the dated setting ``hotline.handle_start`` says), restarts at a redo (for the
redo's ``days`` when given), and grows by the days of each approved extension.
"""

from __future__ import annotations

from workflows.hotline.terms import HANDLE_DAYS, HANDLE_START
from workflows.spec import TimeLimit

# [L] the centre dispatches within one working day of receipt, or of a recall or a return.
DISPATCH = TimeLimit(
    "dispatch_limit",
    "派单时限",
    start="register",
    days=1,
    unit="working_days",
    restarts=("recall", "return_order"),
)
# [L] the handling office signs for (or returns) an order within one working day.
SIGN = TimeLimit("sign_limit", "签收时限", start="dispatch", days=1, unit="working_days")
# Guangdong rules [S]: consultation 2, help and suggestion 10, complaint and report 15 working
# days; praise none; urgent 1 and redo [L]. Running in dispatched and handling, so on after a
# rejected reply; the approved reply (leaving the two states for good) stops it.
HANDLE = TimeLimit(
    "handle_limit",
    "办理时限",
    start="dispatch",
    days=15,
    unit="working_days",
    start_setting=HANDLE_START,
    days_setting=HANDLE_DAYS,
    days_by=("urgency", "category"),
    days_field="days",
    restarts=("redo",),
    extended_by=("decide_extension",),
    bound="handling_office",
)
# [L] the centre checks a reply within one working day.
AUDIT = TimeLimit("audit_limit", "审核时限", start="reply", days=1, unit="working_days")
# [L] the first callback within two working days of the approved reply; a duty (the order stays
# in callback while it is called), met by a callback or by closing (no consent to a callback).
CALLBACK = TimeLimit(
    "callback_limit",
    "回访时限",
    start="approve_reply",
    days=2,
    unit="working_days",
    duty=True,
    met_by=("callback", "close"),
)

DUTIES = (CALLBACK,)
