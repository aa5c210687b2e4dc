"""The petition's terms: its choices, its two texts of law with their articles, its settings.

**G** = 信访工作条例 (in force 2022-05-01); **X** = 信访条例, 国务院令第431号 (2005-05-01); **M** =
信访事项办理群众满意度评价工作办法, 国信发〔2014〕16号. A case cites the articles of the text it
pins (petition.md 1.1); where a rule is local practice, it is a dated setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from workflows.settings import SettingSpec
from workflows.versions import RuleVersion

XF2005 = "xf2005"
XF2022 = "xf2022"
X_LAW = "《信访条例》"
G_LAW = "《信访工作条例》"

CHANNELS = {"letter": "来信", "visit": "来访", "phone": "来电", "fax": "传真", "online": "网上"}
CATEGORIES = {
    "suggestion": "建议意见类",
    "accusation": "检举控告类",
    "complaint": "申诉求决类",
}
OUTCOMES = {"support": "支持", "explain": "解释说明", "not_support": "不予支持"}
ON_ORIGINAL = {"uphold": "维持", "change": "变更"}
ROUTES = {
    "litigation": "诉讼",
    "arbitration": "仲裁",
    "reconsideration": "行政复议",
    "party_appeal": "党员申诉",
    "administrative": "行政程序",
}
YES_NO = {"yes": "是", "no": "否"}
VISITED = {"local": "本级", "maoming": "到市", "province": "到省", "beijing": "进京"}
# The level of casework's hierarchy a visit reached (town 1, city 2, Maoming 3 ...).
VISITED_LEVELS: Mapping[str, int] = {"local": 2, "maoming": 3, "province": 4, "beijing": 5}
ORIGINS = {"forwarded": "转送", "assigned": "交办"}
NOTICE_METHODS = {
    "in_person": "当面送达",
    "post": "邮寄",
    "sms": "短信",
    "phone": "电话",
    "online": "网上",
    "other": "其他",
}
DELIVERY_METHODS = {**NOTICE_METHODS, "unreachable": "无法送达"}
RATINGS = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
ORGAN_TYPES = {"ordinary": "一般机关", "discipline": "纪检监察机关", "political_legal": "政法机关"}
REASONS = {
    "outside_remit": "不属本机关职权",
    "legal_route": "应循法定途径",
    "other_body": "属人大法院检察院职权",
    "in_handling": "正在办理中",
    "concluded": "已终结",
    "accusation": "检举控告类",
    "duplicate": "同机关期限内重复提出",
    "other": "其他",
}
SUB_REASONS = {
    "labour": "劳动争议",
    "land": "土地权属",
    "judgment": "不服判决裁定",
    "award": "不服仲裁裁决",
}

# The petition file (卷宗), petition.md 1.8.
DOCUMENTS = {
    "letter": "信访件",
    "intake_record": "来访来电登记表",
    "acceptance_notice": "受理告知书",
    "non_acceptance_notice": "不予受理告知书",
    "route_notice": "导入法定途径告知书",
    "extension_notice": "延期告知书",
    "forwarding_letter": "转送函或交办单",
    "forwarding_notice": "去向告知书",
    "objection": "异议函",
    "objection_answer": "异议核实意见",
    "hearing_record": "听证笔录",
    "reply": "信访处理意见书",
    "delivery_proof": "送达回证或凭证",
    "review_request": "复查申请",
    "review_opinion": "复查意见书",
    "rereview_request": "复核申请",
    "rereview_opinion": "复核意见书",
    "completion_report": "办结报告",
    "supervision_letter": "督办函",
    "supervision_answer": "督办反馈",
    "id_copy": "身份证明",
    "evidence": "证据材料",
    "receipt": "受理凭证",
    "agreement": "调解或和解协议书",
}

# Each rule by name, and the article of each text that sets it (petition.md 1.1-1.7).
_X: Mapping[str, str] = {
    "decide_limit": "第二十一条第一款、第二十二条第二款",
    "notice_given": "第二十二条第二款",
    "accept": "第二十二条第二款",
    "refuse": "第二十一条第一款、第二十二条第一款",
    "forward": "第二十一条第一款",
    "assign_down": "第二十一条第一款",
    "report_limit": "第二十一条第一款第（四）项",
    "reply_limit": "第三十三条",
    "extend": "第三十三条",
    "extend_once": "第三十三条",
    "before_lapse": "第三十三条",
    "reply": "第三十二条、第三十三条",
    "review_window": "第三十四条",
    "review_limit": "第三十四条",
    "review": "第三十四条",
    "reviewer_is_upper": "第三十四条",
    "rereview_window": "第三十五条第一款",
    "rereview_limit": "第三十五条第一款、第二款",
    "rereview": "第三十五条",
    "rereviewer_is_upper": "第三十五条第一款",
    "hearing_start": "第三十五条第二款",
    "supervise": "第三十六条",
    "supervision_answer": "第三十六条第二款",
    "representatives_at_most_5": "第十八条第二款",
    "skip_level": "第十六条",
    "not_concluded": "第三十五条第三款",
    "not_in_handling_below": "第十六条",
    "intake_document": "第十七条",
    "not_litigation": "第十四条第二款、第十五条、第二十一条",
    "legal_route": "第十四条第二款、第二十一条第一款第（一）项",
    "outside_remit": "第二十二条第一款",
    "other_body": "第十五条",
    "address_known": "第二十二条第二款",
}
_G: Mapping[str, str] = {
    "decide_limit": "第二十二条第一款、第二十三条第二款",
    "notice_given": "第二十三条第二款",
    "accept": "第二十三条第二款",
    "refuse": "第二十三条第一款、第二款",
    "forward": "第二十二条第一款",
    "assign_down": "第二十二条第一款",
    "report_limit": "第二十二条第一款第（三）项",
    "objection_window": "第二十三条第三款",
    "object": "第二十三条第三款",
    "reply_limit": "第三十四条",
    "extend": "第三十四条",
    "extend_once": "第三十四条",
    "before_lapse": "第三十四条",
    "reply": "第三十二条、第三十四条",
    "divert": "第三十一条",
    "review_window": "第三十五条",
    "review_limit": "第三十五条",
    "review": "第三十五条",
    "reviewer_is_upper": "第三十五条",
    "rereview_window": "第三十六条第一款",
    "rereview_limit": "第三十六条第一款、第二款",
    "rereview": "第三十六条",
    "rereviewer_is_upper": "第三十六条第一款",
    "hearing_start": "第三十六条第二款",
    "supervise": "第四十条",
    "supervision_answer": "第四十条第四款",
    "evaluate": "第二十一条第二款",
    "representatives_at_most_5": "第二十条第三款",
    "skip_level": "第二十条第一款",
    "not_concluded": "第三十六条第三款",
    "not_in_handling_below": "第十九条第三款",
    "intake_document": "第十九条第一款",
    "not_accusation": "第二十二条第二款、第三十条",
    "not_litigation": "第二十二条第二款、第二十八条",
    "outside_remit": "第二十三条第一款",
    "other_body": "第二十八条",
    "address_known": "第二十三条第二款",
    "no_repeat_refusal": "第四十四条第（一）项",
}

VERSIONS = (
    RuleVersion(XF2005, "信访条例（2005）", X_LAW, date(2005, 5, 1), _X),
    RuleVersion(XF2022, "信访工作条例（2022）", G_LAW, date(2022, 5, 1), _G),
)

# [cfg] settings of local practice, each with the default petition.md ships.
SETTINGS = (
    SettingSpec("petition.collective_min", "集体访人数下限", "int", 5, minimum=2, maximum=100),
    SettingSpec("petition.hearing_pauses", "听证中止办理、复查期限", "bool", False),
    SettingSpec(
        "petition.supervision_answer_days_g",
        "督办反馈期限（工作条例，日）",
        "int",
        None,
        minimum=1,
        maximum=90,
        none_allowed=True,
        note="信访工作条例第四十条第四款未定期限",
    ),
    SettingSpec(
        "petition.report_days_max", "交办报告期限上限（日）", "int", 90, minimum=1, maximum=365
    ),
    SettingSpec("petition.notice_optional_at_bureau", "信访部门转送交办可不告知", "bool", True),
    SettingSpec("petition.accusation_forward_x", "信访条例下检举控告类转监督机关", "bool", True),
    SettingSpec(
        "petition.refusal_reasons", "不予受理理由", "set", frozenset(REASONS), choices=REASONS
    ),
    SettingSpec(
        "petition.refusal_subreasons",
        "不予受理细分理由",
        "set",
        frozenset(SUB_REASONS),
        choices=SUB_REASONS,
    ),
    SettingSpec("petition.unreachable_opens_window", "无法送达时当日起算申请期限", "bool", True),
    SettingSpec(
        "petition.accepting_ratings",
        "可办结的评价结果",
        "set",
        frozenset({"satisfied", "basic"}),
        choices=RATINGS,
    ),
    SettingSpec(
        "petition.satisfied_ratings",
        "计为满意的评价结果",
        "set",
        frozenset({"satisfied", "basic"}),
        choices=RATINGS,
    ),
    SettingSpec("petition.evaluation_from", "满意度评价起始登记日", "date", date(2015, 1, 1)),
    SettingSpec(
        "petition.written_methods",
        "书面告知方式",
        "set",
        frozenset({"in_person", "post", "sms", "online"}),
        choices=NOTICE_METHODS,
    ),
)
