"""Helpers for the 12345 work-order tests: the centre's staff and an order walked to a state."""

from __future__ import annotations

from collections.abc import Mapping

from casework.api import Casework

HOTLINE_STAFF = (
    ("op1", "话务员一", "operator", "city-hotline"),
    ("op2", "话务员二", "operator", "city-hotline"),
    ("sup_hot", "热线中心科长", "supervisor", "city-hotline"),
)

ORDER: Mapping[str, str] = {
    "channel": "phone",
    "category": "complaint",
    "matter": "小区路灯不亮",
    "area": "panzhou",
}


# City departments (承办单位 outside casework's own offices): their steps are recorded for them.
DEPARTMENTS = (
    ("city-housing", "高州市住房和城乡建设局"),
    ("city-market", "高州市市场监督管理局"),
)


def add_hotline_staff(cw: Casework) -> None:
    admin = cw.acting("admin")
    for username, name, role, office in HOTLINE_STAFF:
        admin.add_user(username, name, role, office)
    for code, name in DEPARTMENTS:
        admin.add_office(code, name, "city", "department", "ext:高州市人民政府")


def register(cw: Casework, day: str, **values: str) -> str:
    """A new order at the centre, registered by an operator on ``day``."""
    data = {**ORDER, **values}
    done = cw.acting("op1").register(
        "hotline", "city-hotline", data["matter"], ["caller:张三::13800138000"], data, at=day
    )
    return str(done["case_no"])


def dispatched(cw: Casework, day: str, office: str = "panzhou", **values: str) -> str:
    case_no = register(cw, day, **values)
    cw.acting("op1").advance(case_no, "dispatch", {"to_office": office}, at=day)
    return case_no


# The 12345 platform's ledger (工单台账, docs/import.md): its own headers, one row per order.
LEDGER_HEADER = (
    "工单编号",
    "来电时间",
    "来电渠道",
    "诉求类型",
    "紧急程度",
    "诉求内容",
    "所属镇街",
    "诉求人",
    "联系电话",
    "承办单位",
    "派单时间",
    "签收时间",
    "回复时间",
    "办理结果",
    "答复内容",
    "办结时间",
    "回访结果",
)
LEDGER_ROWS = (
    # answered by the centre itself, rated on the call
    ("GZ2011001", "2020-11-02 09:00", "电话", "咨询", "一般", "社保卡如何补办", "潘州街道",
     "张三", "13800138000", "", "", "", "", "", "", "2020-11-02 09:10", "满意"),
    # dispatched to a town, each step dated
    ("GZ2011002", "2020-11-02 10:00", "电话", "投诉", "一般", "小区路灯不亮", "潘州街道",
     "李四", "13800138001", "潘州街道", "2020-11-02 10:30", "2020-11-02 11:00",
     "2020-11-04 15:00", "已解决", "已修复路灯", "2020-11-05 10:00", "基本满意"),
    # to a city department by its name, anonymous, only the close dated: the chain implied
    ("GZ2011003", "2020-11-03 10:00", "网站", "投诉", "一般", "商铺占道经营", "",
     "匿名", "", "高州市市场监督管理局", "", "", "", "已解释说明", "已答复", "2020-11-06",
     "不满意"),
    # dispatched by code, urgent, not yet signed for
    ("GZ2011004", "2020-11-03 11:00", "微信", "求助", "紧急", "水管爆裂", "山美街道",
     "王五", "13800138002", "shanmei", "2020-11-03 11:10", "", "", "", "", "", ""),
    # just received, nobody named
    ("GZ2011005", "2020-11-04 11:00", "电话", "建议", "一般", "建议增设公交站", "",
     "", "", "", "", "", "", "", "", "", ""),
)  # fmt: skip
# Where the rows above end: state, and the office each step was recorded for (代录).
LEDGER_STATES = ("closed", "closed", "closed", "dispatched", "received")
