"""The words of people's mediation (procedures/mediation.md 2.2-2.9): codes with their Chinese
labels, the kinds of the case file and the dated settings of local practice."""

from __future__ import annotations

from collections.abc import Mapping

from workflows.settings import SettingSpec

# 2.2: the Ministry's groups are 主动 (initiative, screening), 依申请 (application) and 接受委托移送
# (the four referrals); the groups live in the metrics, the codes here.
SOURCES: Mapping[str, str] = {
    "application": "当事人申请",
    "initiative": "主动调解",
    "screening": "排查发现",
    "court_referral": "法院委派委托",
    "police_referral": "公安移送",
    "petition_referral": "信访移交",
    "other_referral": "其他部门移送",
}
# Labels earlier ledgers wrote for these codes.
SOURCE_ALIASES: Mapping[str, str] = {"法院委派": "court_referral"}

CHANNELS: Mapping[str, str] = {
    "visit": "现场",
    "phone": "电话",
    "online": "网上",
    "referral": "移送",
}

# The Ministry's 18 types (司法部人民调解统计报表), the existing codes kept.
DISPUTE_TYPES: Mapping[str, str] = {
    "marriage_family": "婚姻家庭",
    "neighbour": "邻里",
    "housing_homestead": "房屋宅基地",
    "contract": "合同",
    "business": "生产经营",
    "damage": "损害赔偿",
    "land": "山林土地",
    "land_requisition": "征地拆迁",
    "environment": "环境污染",
    "labour": "劳动争议",
    "consumer": "消费",
    "medical": "医疗",
    "traffic": "道路交通事故",
    "property_mgmt": "物业",
    "tourism": "旅游",
    "intellectual_property": "知识产权",
    "internet": "互联网",
    "other": "其他",
}
# The labels of the nine types before the Ministry's list: ledgers written then still parse.
DISPUTE_TYPE_ALIASES: Mapping[str, str] = {
    "土地山林": "land",
    "劳动": "labour",
    "交通事故": "traffic",
}

YES_NO: Mapping[str, str] = {"yes": "是", "no": "否"}
YES: Mapping[str, str] = {"yes": "是"}
TOLD: Mapping[str, str] = {"written": "书面告知", "oral": "口头告知"}
FORMS: Mapping[str, str] = {"written": "书面", "oral": "口头"}
ON_THE_SPOT = "on_the_spot"
PERFORMANCE: Mapping[str, str] = {
    ON_THE_SPOT: "当场履行",
    "lump_sum": "一次性履行",
    "instalments": "分期履行",
    "non_monetary": "非金钱给付",
}
COMMISSIONS: Mapping[str, str] = {"pre_filing": "委派调解", "post_filing": "委托调解"}
PROCEDURES: Mapping[str, str] = {"ordinary": "普通程序", "simple": "简易程序"}

DECLINE_REASONS: Mapping[str, str] = {
    "party_refused": "当事人拒绝调解",
    "out_of_scope": "不属于受理范围",
    "in_litigation": "已进入诉讼等程序",
    "other": "其他",
}
WITHDRAWN = "withdrawn"
TERMINATE_REASONS: Mapping[str, str] = {
    "party_request": "当事人要求终止调解",
    WITHDRAWN: "当事人撤回申请",
    "party_absent": "当事人无正当理由不到场",
    "transferred": "移送其他途径处理",
}
OVERDUE = "overdue"
BREACH_REASONS: Mapping[str, str] = {
    "refused": "拒不履行",
    "partial": "部分履行",
    OVERDUE: "逾期未履行",
}
ROUTES: Mapping[str, str] = {
    "litigation": "诉讼",
    "arbitration": "仲裁",
    "administrative": "行政途径",
    "enforcement": "申请强制执行",
}
CONFIRMED, NOT_CONFIRMED = "confirmed", "not_confirmed"
RULINGS: Mapping[str, str] = {
    CONFIRMED: "确认有效",
    NOT_CONFIRMED: "驳回申请",
    "withdrawn": "撤回",
    "not_accepted": "不予受理",
}
REPORT_RESULTS: Mapping[str, str] = {
    "agreement_filed": "调解协议报送法院",
    "termination_reported": "终止调解报告及材料退回",
}
PREVENT_KINDS: Mapping[str, str] = {
    "criminal": "防止民转刑",
    "group_petition": "防止群体性上访",
    "group_fight": "防止群体性械斗",
    "suicide": "防止自杀",
}
REPORTED_TO: Mapping[str, str] = {"police": "公安机关", "other": "其他部门", "none": "未报告"}
SATISFACTION: Mapping[str, str] = {
    "satisfied": "满意",
    "basic": "基本满意",
    "unsatisfied": "不满意",
}

# 2.5: the court of Gaozhou and its 人民法庭 (a [cfg] list: the admin narrows or keeps it).
COURTS: Mapping[str, str] = {
    "gzfy": "高州市人民法院",
    "gzfy-caojiang": "高州市人民法院曹江人民法庭",
    "gzfy-changpo": "高州市人民法院长坡人民法庭",
    "gzfy-fenjie": "高州市人民法院分界人民法庭",
    "gzfy-shigu": "高州市人民法院石鼓人民法庭",
    "gzfy-xieji": "高州市人民法院谢鸡人民法庭",
    "gzfy-dajing": "高州市人民法院大井人民法庭",
}

# 2.9: the kinds of a case file (卷宗).
DOCUMENTS: Mapping[str, str] = {
    "application": "申请书或受理登记表",
    "rights_notice": "权利义务告知书",
    "id_copy": "身份证明",
    "record": "调解笔录",
    "agreement": "调解协议书",  # for an oral agreement, the mediator's note (art. 28)
    "termination": "终止调解告知书",
    "withdrawal": "撤回调解申请书",
    "follow_up": "回访记录",
    "court_referral": "委派/委托调解函",
    "report_back": "反馈法院材料",
    "confirmation": "司法确认裁定书",
    "performance": "履行凭证",
    "evidence": "证据材料",
}

ORAL_MONEY = "mediation.oral_money"
COURT_LIST = "mediation.courts"
CASE_NO_PATTERN = "mediation.court_case_no_pattern"
EXTENSION_CAP = "court.extension_cap_days"
FILE_REQUIRED = "mediation.file.required"
ORAL_NOTICE_OK = "mediation.file.oral_rights_notice"
CONCLUDE_DAYS = "mediation.conclude_days"
REPORT_BACK_DAYS = "mediation.report_back_working_days"
FOLLOW_UP_DAYS = "mediation.follow_up_days"
FILE_NO_CITY = "mediation.file_no.city"
# The kinds every case file holds; the outcome adds its own (missing_documents).
BASE_KINDS = frozenset({"application", "rights_notice", "record", "follow_up"})

SETTINGS = (
    SettingSpec(
        ORAL_MONEY,
        "口头协议涉及金钱给付：warn 提示 / refuse 拒绝 / allow 允许（司法部令第75号第34条）",
        "text",
        "warn",
        # one of these, never free text: any other word would silently allow (mediation.md 2.4)
        {"warn": "提示", "refuse": "拒绝", "allow": "允许"},
    ),
    SettingSpec(
        COURT_LIST, "受理司法确认申请的法院（人民调解法第33条）", "set", frozenset(COURTS), COURTS
    ),
    SettingSpec(
        CASE_NO_PATTERN,
        "司法确认案号格式（正则表达式，民特或调确字）",
        "text",
        r"[（(]20\d\d[）)]粤0981(民特|调确字?)\d{1,6}号",
        note="procedures/mediation.md: the court's pattern is an open question",
    ),
    SettingSpec(EXTENSION_CAP, "委派委托调解延长期限上限（日）", "int", 30, minimum=0, maximum=365),
    SettingSpec(
        FILE_REQUIRED,
        "卷宗必备材料（各案皆需；结果另加协议书、终止告知书等）",
        "set",
        BASE_KINDS,
        DOCUMENTS,
    ),
    SettingSpec(
        ORAL_NOTICE_OK,
        "受理时口头告知权利义务可代替权利义务告知书（司法部令第75号第30条）",
        "bool",
        False,
    ),
    SettingSpec(
        CONCLUDE_DAYS, "调解办结建议期限（日，司法部令第75号第33条）", "int", 30, minimum=1
    ),
    SettingSpec(REPORT_BACK_DAYS, "调解结果反馈法院期限（工作日）", "int", 3, minimum=1),
    SettingSpec(FOLLOW_UP_DAYS, "回访建议期限（日）", "int", 30, minimum=1),
    SettingSpec(FILE_NO_CITY, "卷宗号中的市简称（（2020）高潘州街道人调字第1号）", "text", "高"),
)
