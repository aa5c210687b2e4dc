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
