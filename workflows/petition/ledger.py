"""How a petition ledger (信访台账) shows its steps, for importing it (casework import)."""

from __future__ import annotations

from workflows.spec import LedgerStep

# A petition ledger (信访台账): one row per matter, a date column per step taken. Steps are fired
# by the user named in 承办人 when their role allows it, else by the importing user.
LEDGER = (
    LedgerStep("accept", "受理日期", actor="承办人"),
    LedgerStep("refuse", "不予受理日期", {"reason": "不予受理理由"}, actor="承办人"),
    LedgerStep("forward", "转送日期", {"to_organ": "转送机关"}, actor="承办人"),
    LedgerStep("extend", "延期日期", {"days": "延长天数", "reason": "延期理由"}, actor="承办人"),
    LedgerStep("reply", "答复日期", {"outcome": "处理意见"}, actor="承办人"),
    LedgerStep("close", "办结日期", actor="承办人"),
)
