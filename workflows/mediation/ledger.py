"""How a mediation ledger (人民调解台账) shows the steps of a case, for importing it."""

from __future__ import annotations

from workflows.spec import LedgerStep

RESULT = "调解结果"
PERFORMANCE = "履行情况"
# 结案日期 is the day of the outcome in 调解结果; steps are fired by the mediator named in 调解员
# where the role allows, else by the importing user. Columns a ledger lacks are left out.
LEDGER = (
    LedgerStep(
        "accept",
        "受理日期",
        {"mediator": "调解员", "co_mediators": "协助调解员", "rights_told": "权利义务告知"},
        actor="调解员",
    ),
    LedgerStep(
        "decline",
        "结案日期",
        {"reason": "不予受理理由"},
        when=(RESULT, ("decline", "不予受理")),
        actor="调解员",
    ),
    LedgerStep(
        "agree",
        "结案日期",
        {
            "form": "协议形式",
            "effective_on": "协议生效日期",
            "amount": "协议涉及金额",
            "performance": "履行方式",
            "perform_by": "履行期限",
        },
        when=(RESULT, ("agree", "成功", "调解成功", "达成协议")),
        actor="调解员",
    ),
    # A ledger records 调解不成 only once the parties were told of their other routes
    # (人民调解法 art. 26).
    LedgerStep(
        "fail",
        "结案日期",
        fixed={"routes_told": "yes"},
        when=(RESULT, ("fail", "不成功", "调解不成", "失败")),
        actor="调解员",
    ),
    LedgerStep(
        "terminate",
        "结案日期",
        {"reason": "终止理由"},
        fixed={"routes_told": "yes"},
        when=(RESULT, ("terminate", "终止调解")),
        actor="调解员",
    ),
    LedgerStep(
        "apply_confirmation", "申请司法确认日期", {"court": "确认法院"}, fixed={"joint": "yes"}
    ),
    # A ledger's 司法确认案号 is the number of a ruling that confirmed the agreement unless its
    # 确认结果 says otherwise.
    LedgerStep(
        "confirm",
        "司法确认日期",
        {"ruling": "确认结果", "court_case_no": "司法确认案号"},
        fixed={"ruling": "confirmed"},
    ),
    LedgerStep("perform", "履行日期", when=(PERFORMANCE, ("perform", "已履行")), actor="调解员"),
    LedgerStep(
        "breach",
        "履行日期",
        {"reason": "未履行原因"},
        when=(PERFORMANCE, ("breach", "未履行")),
        actor="调解员",
    ),
    LedgerStep("follow_up", "回访日期", {"satisfaction": "满意度"}, actor="调解员"),
    LedgerStep("archive", "归档日期"),
)
