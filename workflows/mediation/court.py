"""Court-commissioned mediation (委派/委托调解, 法释〔2016〕14号): the court's fields at
registration, the extension with both parties' consent, the report back to the court."""

from __future__ import annotations

from workflows.mediation.rules import OUTCOMES, court_case
from workflows.mediation.terms import COMMISSIONS, COURTS, EXTENSION_CAP, PROCEDURES
from workflows.spec import FieldSpec, Guard, GuardContext, Refusal

# 2.6: required when the source is court_referral (court_fields); the limit starts when the
# committee signs for the papers (received_on, SC 2016 art. 27 para 3).
COURT_FIELDS = (
    FieldSpec("commission", "委派委托", "choice", choices=COMMISSIONS, required=False),
    FieldSpec("court", "委派委托法院", "choice", choices=COURTS, required=False),
    FieldSpec("court_ref", "法院案号或编号", required=False, max_length=60),
    FieldSpec("procedure", "适用程序", "choice", choices=PROCEDURES, required=False),
    FieldSpec("received_on", "签收材料日期", "date", required=False),
)


def _court_fields(ctx: GuardContext) -> str | None:
    if not court_case(ctx.values):
        return None
    needed = ["commission", "court", "court_ref", "received_on"]
    if ctx.values.get("commission") == "post_filing":
        needed.append("procedure")
    missing = [n for n in needed if not ctx.values.get(n)]
    if missing:
        return Refusal(
            f"法院委派委托的案件须填写：{'、'.join(missing)} (court_referral needs these)",
            f"value.{missing[0]}",
        )
    return None


COURT_FIELDS_GIVEN = Guard("court_fields", "法院委派委托案件的法院信息", _court_fields)


def _court_only(ctx: GuardContext) -> str | None:
    if court_case(ctx.data):
        return None
    return "仅法院委派委托调解的案件 (source=court_referral) 可以进行此步 (court cases only)"


def _extension_cap(ctx: GuardContext) -> str | None:
    """No legal cap (SC 2016 art. 27: with both parties' consent); local practice caps it."""
    cap = ctx.setting(EXTENSION_CAP)
    if not isinstance(cap, int) or isinstance(cap, bool):
        return None
    before = sum(int(ev.data.get("days") or 0) for ev in ctx.events if ev.trigger == "extend")
    days = ctx.values.get("days")
    if isinstance(days, int) and before + days > cap:
        return Refusal(
            f"延长合计 {before + days} 日超过上限 {cap} 日（{EXTENSION_CAP}）", "value.days"
        )
    return None


def _after_outcome(ctx: GuardContext) -> str | None:
    if any(ev.trigger in OUTCOMES for ev in ctx.events):
        return None
    return "尚无调解结果（达成协议、调解不成或终止调解），不能反馈法院 (no outcome yet)"


COURT_ONLY = Guard("court_case", "法院委派委托调解案件", _court_only)
EXTENSION_CAPPED = Guard("extension_cap", "延长期限不超过上限", _extension_cap)
AFTER_OUTCOME = Guard("after_outcome", "已有调解结果", _after_outcome)
