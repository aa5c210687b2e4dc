"""The words of administrative reconsideration (行政复议): choices, documents, the two texts.

**F23** = 行政复议法 (2023 revision, in force 2024-01-01); **F99** = 行政复议法 (1999, as amended
2009 and 2017) with **T** = 行政复议法实施条例 (2007). A case pins ``1999`` or ``2023`` by the day
the application was received (``received_on``: before 2024-01-01, 1999) and cites that text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from workflows.versions import RuleVersion

V1999 = "1999"
V2023 = "2023"
LAW_1999 = "《行政复议法》（2017年修正）及《行政复议法实施条例》"
LAW_2023 = "《行政复议法》（2023年修订）"

YES_NO = {"yes": "是", "no": "否"}
FORMS = {"written": "书面", "oral": "口头"}
ACT_KINDS = {
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "licence": "行政许可",
    "resource_title": "确权",
    "expropriation": "征收补偿",
    "inaction": "不履行职责",
    "info_disclosure": "信息公开",
    "agreement": "行政协议",
    "other": "其他",
}
PROCEDURES = {"ordinary": "普通", "simple": "简易"}
REFUSAL_GROUNDS = {
    "no_parties": "无明确的被申请人",
    "no_interest": "申请人与行政行为无利害关系",
    "no_claim": "无具体的复议请求和理由",
    "out_of_time": "超过申请期限",
    "out_of_scope": "不属于行政复议范围",
    "not_competent": "不属于本机关管辖",
    "duplicate": "重复申请或已起诉",
}
HEARD_HOW = {"in_person": "当面", "online": "网络", "phone": "电话", "written": "书面"}
SUSPENSION_GROUNDS = {
    "died": "申请人死亡",
    "incapacitated": "申请人丧失参加复议能力",
    "missing": "申请人下落不明",
    "organisation_ended": "法人或其他组织终止",
    "force_majeure": "不可抗力",
    "mediation": "调解和解",
    "interpretation": "法律适用需有权机关解释",
    "other_case": "以其他案件结果为依据",
    "document_review": "规范性文件审查",
    "other": "其他",
}
TERMINATION_GROUNDS = {
    "no_heir": "无近亲属或放弃复议",
    "no_successor": "无权利义务承受人或放弃复议",
    "criminal_measures": "被采取刑事强制措施",
    "suspension_lapsed": "中止满60日未恢复",
}
APPROVED_BY = {"head": "机关负责人", "collective": "集体讨论"}
SERVICE_METHODS = {
    "in_person": "直接送达",
    "post": "邮寄送达",
    "left": "留置送达",
    "electronic": "电子送达",
    "notice": "公告送达",
}

# The decisions (复议决定), and the articles that set each in each text; a code either text
# lacks is not offered to its cases (partly_annul, confirm_void, agreement_remedy: 2023 only).
DECISIONS = {
    "alter": "变更",
    "annul": "撤销",
    "partly_annul": "部分撤销",
    "confirm_illegal": "确认违法",
    "order_performance": "责令履行",
    "confirm_void": "确认无效",
    "agreement_remedy": "行政协议责任",
    "uphold": "维持",
    "reject_claim": "驳回复议请求",
    "dismiss": "驳回申请",
}
DECISION_ARTICLES: Mapping[str, Mapping[str, str]] = {
    V2023: {
        "alter": "第六十三条",
        "annul": "第六十四条、第七十条",
        "partly_annul": "第六十四条",
        "confirm_illegal": "第六十五条",
        "order_performance": "第六十六条",
        "confirm_void": "第六十七条",
        "agreement_remedy": "第七十一条",
        "uphold": "第六十八条",
        "reject_claim": "第六十九条",
        "dismiss": "第三十三条",
    },
    V1999: {
        "alter": "第二十八条第一款第（三）项",
        "annul": "第二十八条第一款第（三）项、第（四）项",
        "confirm_illegal": "第二十八条第一款第（三）项",
        "order_performance": "第二十八条第一款第（二）项",
        "uphold": "第二十八条第一款第（一）项",
        "reject_claim": "实施条例第四十八条第一款第（一）项",
        "dismiss": "实施条例第四十八条第一款第（二）项",
    },
}
# The "corrective" decisions (纠错) the correction rate counts: the first seven codes.
CORRECTIVE = (
    "alter",
    "annul",
    "partly_annul",
    "confirm_illegal",
    "order_performance",
    "confirm_void",
    "agreement_remedy",
)

# The case file (案卷).
DOCUMENTS = {
    "application": "复议申请书或口头申请笔录",
    "power_of_attorney": "授权委托书",
    "evidence": "证据材料",
    "correction_notice": "补正通知书",
    "acceptance_notice": "受理通知书",
    "refusal": "不予受理决定书",
    "respondent_answer": "被申请人书面答复",
    "hearing_record": "听证笔录",
    "suspension_notice": "中止通知书",
    "extension_notice": "延期通知书",
    "mediation_document": "行政复议调解书",
    "termination": "终止决定书",
    "decision": "行政复议决定书",
    "service_proof": "送达回证",
}

_F23: Mapping[str, str] = {
    "application_window": "第二十条、第二十一条",
    "in_window": "第二十条、第二十一条",
    "review_limit": "第三十条",
    "deem_accept": "第三十条第三款",
    "accept": "第三十条",
    "refuse": "第三十条",
    "within_review": "第三十条",
    "simple_allowed": "第五十三条",
    "correction_notice": "第三十一条",
    "correction_window": "第三十一条",
    "request_correction": "第三十一条",
    "correct_once": "第三十一条",
    "record_abandonment": "第三十一条",
    "assign": "第三十六条、第四十五条",
    "copy_limit": "第四十八条、第五十四条",
    "answer_limit": "第四十八条、第五十四条",
    "hear_views": "第四十九条",
    "schedule_hearing": "第五十条、第五十一条",
    "hearing_notice": "第五十一条",
    "hold_hearing": "第五十条",
    "switch_to_ordinary": "第五十五条",
    "decision_limit": "第六十二条",
    "extend": "第六十二条",
    "extend_once": "第六十二条",
    "suspend": "第三十九条",
    "suspension_limit": "第三十九条第一款第（五）项、第四十一条第（五）项",
    "resume": "第三十九条第二款",
    "mediate": "第七十三条",
    "withdraw": "第四十一条第（一）项、第七十四条",
    "terminate": "第四十一条",
    "suspension_lapsed": "第四十一条第（五）项",
    "decide": "第六十一条",
    "views_heard": "第四十九条",
    "decision_in_version": "第六十三条至第七十一条",
    "serve": "第七十五条",
    "litigation_window": "《行政诉讼法》第四十五条",
    "archive_ready": "第七十五条",
}
_F99: Mapping[str, str] = {
    "application_window": "第九条；实施条例第十五条、第十六条",
    "in_window": "第九条",
    "review_limit": "第十七条",
    "deem_accept": "第十七条第二款",
    "accept": "第十七条",
    "refuse": "第十七条",
    "within_review": "第十七条",
    "correction_notice": "实施条例第二十九条",
    "correction_window": "实施条例第二十九条",
    "request_correction": "实施条例第二十九条",
    "correct_once": "实施条例第二十九条",
    "record_abandonment": "实施条例第二十九条",
    "assign": "实施条例第三十二条",
    "copy_limit": "第二十三条",
    "answer_limit": "第二十三条",
    "schedule_hearing": "实施条例第三十三条",
    "decision_limit": "第三十一条",
    "extend": "第三十一条",
    "extend_once": "第三十一条",
    "suspend": "实施条例第四十一条",
    "suspension_limit": "实施条例第四十二条",
    "resume": "实施条例第四十一条第二款",
    "mediate": "实施条例第五十条",
    "withdraw": "第二十五条",
    "terminate": "实施条例第四十二条",
    "suspension_lapsed": "实施条例第四十二条第一款第（四）项",
    "decide": "第二十八条",
    "decision_in_version": "第二十八条；实施条例第四十八条",
    "serve": "第三十一条",
    "litigation_window": "《行政诉讼法》第四十五条",
}

VERSIONS = (
    RuleVersion(V1999, "行政复议法（1999/2017）", LAW_1999, date(1999, 10, 1), _F99),
    RuleVersion(V2023, "行政复议法（2023）", LAW_2023, date(2024, 1, 1), _F23),
)
