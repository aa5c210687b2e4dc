"""How a petition ledger (信访台账) shows its steps, for importing it (casework import)."""

from __future__ import annotations

from workflows.spec import LedgerStep

# A routing decision is told in writing by a method (G art. 23 paras 2-3; X art. 22 para 2):
# the ledger's 告知方式 column gives the method of the row's notices.
NOTICE = {"notice_method": "告知方式"}

# A petition ledger (信访台账): one row per matter, a date column per step taken. Steps are fired
# by the user named in 承办人 when their role allows it, else by the importing user. The papers
# each step needs (信访件 or 来访来电登记表, the notices, 信访处理意见书, 送达回证) are listed in
# 卷宗材料 and filed just before the first step that needs them (docs/import.md).
LEDGER = (
    LedgerStep("accept", "受理日期", NOTICE, actor="承办人"),
    LedgerStep("refuse", "不予受理日期", {"reason": "不予受理理由", **NOTICE}, actor="承办人"),
    LedgerStep(
        "forward",
        "转送日期",
        {"to_organ": "转送机关", "organ_type": "机关类别", **NOTICE},
        actor="承办人",
    ),
    LedgerStep(
        "extend",
        "延期日期",
        {"days": "延长天数", "reason": "延期理由", **NOTICE},
        actor="承办人",
    ),
    LedgerStep("divert", "导入法定途径日期", {"route": "法定途径", **NOTICE}, actor="承办人"),
    LedgerStep("reply", "答复日期", {"outcome": "处理意见"}, actor="承办人"),
    # The petitioner's windows run from their receipt of the written opinion (G art. 35; X 34).
    LedgerStep("deliver", "送达日期", {"method": "送达方式"}, actor="承办人"),
    # 满意度评价 (G art. 21 para 2; 国信发〔2014〕16号 arts. 3-5).
    LedgerStep(
        "evaluate", "评价日期", {"rating": "评价结果", "method": "评价方式"}, actor="承办人"
    ),
    LedgerStep("close", "办结日期", actor="承办人"),
)
