"""The words of the 12345 hotline (procedures/hotline_reconsideration.md 7): codes with their
Chinese labels, the kinds of an order's file and the dated settings of local practice."""

from __future__ import annotations

from collections.abc import Mapping

from workflows.settings import SettingSpec

# The centre that takes the calls and owns every order (高州市12345政府服务热线).
CENTRE = "city-hotline"

CHANNELS: Mapping[str, str] = {
    "phone": "电话",
    "web": "网站",
    "app": "移动客户端",
    "wechat": "微信",
    "sms": "短信",
}
CATEGORIES: Mapping[str, str] = {
    "consultation": "咨询",
    "help": "求助",
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "建议",
    "praise": "表扬",
}
URGENCIES: Mapping[str, str] = {"normal": "一般", "urgent": "紧急"}
YES_NO: Mapping[str, str] = {"yes": "是", "no": "否"}

ANSWERS: Mapping[str, str] = {
    "knowledge_base": "知识库解答",
    "other_channel": "告知其他渠道",
    "emergency": "转紧急热线",
}
RETURN_REASONS: Mapping[str, str] = {
    "not_our_duty": "非本单位职责",
    "not_our_area": "非本辖区",
    "unclear": "诉求不清",
    "other": "其他",
}
RESULTS: Mapping[str, str] = {
    "solved": "已解决",
    "partly": "部分解决",
    "explained": "已解释说明",
    "unsolvable": "暂无法解决",
}
TOLD: Mapping[str, str] = {"phone": "电话", "sms": "短信", "visit": "上门", "none": "未告知"}
REACHED: Mapping[str, str] = {"yes": "已接通", "no": "未接通", "refused": "拒评"}
RATINGS: Mapping[str, str] = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
CAUSES: Mapping[str, str] = {
    "handling": "办理原因",
    "unreasonable": "诉求不合理",
    "policy": "政策限制",
    "other": "其他",
}
BASES: Mapping[str, str] = {
    "rated": "已评价满意或基本满意",
    "not_handling": "不满意但非办理原因",
    "unreachable": "多次回访未接通",
    "no_consent": "诉求人不同意回访",
    "redo_exhausted": "重办次数已满",
}
LEVELS: Mapping[str, str] = {"centre": "热线督办", "leader": "领导督办"}

DOCUMENTS: Mapping[str, str] = {
    "recording": "通话录音",
    "attachment": "附件",
    "return_note": "退单说明",
    "extension_request": "延期申请",
    "reply": "办理答复",
    "callback_record": "回访记录",
    "urge_notice": "催办单",
    "supervision_notice": "督办单",
}

# [L] dated settings: the 2/10/15 working days of the Guangdong rules (in force 2022-09-01) are
# the shipped default, used for 2020 as a labelled assumption (hotline_reconsideration.md 7).
HANDLE_DAYS = "hotline.handle_days"
HANDLE_START = "hotline.handle_start"
REDO_MAX = "hotline.redo_max"
EXTENSION_MAX = "hotline.extension_days_max"
UNREACHABLE_CALLS = "hotline.unreachable_calls"
HANDLE_STARTS: Mapping[str, str] = {"dispatch": "派单之日", "register": "受理之日"}

SETTINGS = (
    SettingSpec(
        HANDLE_DAYS,
        "办理时限（工作日，按类别、紧急程度）",
        "table",
        "consultation=2,help=10,suggestion=10,complaint=15,report=15,praise=none,urgent=1",
        choices={**CATEGORIES, **URGENCIES},
        minimum=1,
        maximum=60,
        note="广东省12345热线管理办法 (2022-09-01) [S]; urgent 1 [L]",
    ),
    SettingSpec(
        HANDLE_START,
        "办理时限起算",
        "text",
        "dispatch",
        choices=HANDLE_STARTS,
        note="“自受理之日起” is ambiguous [I]",
    ),
    SettingSpec(REDO_MAX, "重办次数上限", "int", 2, minimum=0, maximum=10, note="[L]"),
    SettingSpec(EXTENSION_MAX, "延期天数上限（工作日）", "int", 10, minimum=1, maximum=30),
    SettingSpec(UNREACHABLE_CALLS, "未接通办结所需回访次数", "int", 3, minimum=1, maximum=10),
)
