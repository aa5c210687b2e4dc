"""Who may read, write and reveal (casework.domain.policy), by role and office."""

from __future__ import annotations

import pytest

from casework.domain.model import Actor
from casework.domain.policy import (
    check_admin,
    check_office,
    check_reveal,
    check_roles,
    check_writer,
    listing_scope,
    may_fire,
    may_see,
    needs,
    refusal,
    shown,
)
from casework.errors import NotAllowed
from tests.fakes import FakePorts
from workflows.policy import READ_ONLY_ROLES, REVEAL_ROLES, covered_roles
from workflows.spec import TriggerSpec

PORTS = FakePorts()


def actor(username: str) -> Actor:
    return PORTS.actor(username)


ANYONE = TriggerSpec("t", "测试", ("a",), None, ("clerk", "supervisor"))
CITY = TriggerSpec("t", "测试", ("a",), None, ("supervisor",), city_only=True)
OWN = TriggerSpec("t", "测试", ("a",), None, ("supervisor",), own_office_only=True)
NAMED = TriggerSpec("t", "测试", ("a",), None, ("supervisor",), offices=("city-justice",))


def test_a_user_is_shown_with_role_and_office() -> None:
    assert shown(actor("sup_pz")) == "用户 sup_pz（负责人 supervisor，panzhou）"
    assert shown(actor("admin")) == "用户 admin（管理员 admin，全市 city-wide）"


def test_an_admin_acts_as_a_supervisor_everywhere() -> None:
    admin = actor("admin")
    assert admin.roles == covered_roles("admin") == {"admin", "supervisor"}
    assert admin.city_wide and actor("sup_city").city_wide and not actor("sup_pz").city_wide
    assert actor("clerk_pz").roles == {"clerk"}


def test_who_sees_an_offices_cases() -> None:
    assert may_see(None, "panzhou")  # an operator, no user named
    assert may_see(actor("clerk_pz"), "panzhou") and not may_see(actor("clerk_pz"), "shanmei")
    assert may_see(actor("viewer1"), "shanmei") and may_see(actor("admin"), "shanmei")


def test_check_office_names_the_office_and_the_users_own() -> None:
    check_office(actor("sup_city"), "shanmei", "案件 X ")
    with pytest.raises(NotAllowed) as refused:
        check_office(actor("clerk_pz"), "shanmei", "案件 X ")
    assert (refused.value.field, refused.value.value) == ("office", "shanmei")
    assert refused.value.reason == (
        "案件 X 属于 shanmei；用户 clerk_pz（登记员 clerk，panzhou） 只能处理本单位 panzhou 的案件"
    )


def test_a_viewer_only_reads() -> None:
    assert {"viewer"} == READ_ONLY_ROLES
    check_writer(actor("clerk_pz"))
    with pytest.raises(NotAllowed, match=r"只能查看，不能修改 \(read only\)") as refused:
        check_writer(actor("viewer1"))
    assert refused.value.field == "user"


def test_only_an_admin_administers() -> None:
    check_admin(actor("admin"), "新增用户")
    with pytest.raises(NotAllowed) as refused:
        check_admin(actor("sup_city"), "新增用户")
    assert refused.value.reason == (
        "新增用户需由管理员 admin 进行；用户 sup_city（负责人 supervisor，city-petition） "
        "不是管理员"
    )


@pytest.mark.parametrize(("user", "may"), [("sup_pz", True), ("admin", True), ("clerk_pz", False)])
def test_personal_data_is_revealed_to_supervisors_and_admins(user: str, may: bool) -> None:
    assert {"supervisor", "admin"} == REVEAL_ROLES
    if may:
        check_reveal(actor(user), "案件")
        return
    with pytest.raises(NotAllowed, match="显示案件中的完整身份证号和电话仅限负责人") as refused:
        check_reveal(actor(user), "案件")
    assert refused.value.field == "user" and user in refused.value.reason


def test_nobody_named_reveals_nothing() -> None:
    with pytest.raises(NotAllowed, match=r"未指定用户 \(no user\) 不可"):
        check_reveal(None, "导出")


def test_check_roles_names_the_roles_needed() -> None:
    assert needs(("clerk", "supervisor")) == "需由 登记员 clerk 或 负责人 supervisor 进行"
    check_roles(actor("admin"), ("supervisor",), "测试")
    with pytest.raises(NotAllowed) as refused:
        check_roles(actor("med_pz"), ("clerk", "supervisor"), "登记")
    assert refused.value.reason == (
        "登记需由 登记员 clerk 或 负责人 supervisor 进行；"
        "用户 med_pz（调解员 mediator，panzhou） 不可"
    )


@pytest.mark.parametrize(
    ("trig", "user", "office", "why"),
    [
        (ANYONE, "clerk_pz", "panzhou", None),
        (ANYONE, "med_pz", "panzhou", "需由 登记员 clerk 或 负责人 supervisor 进行"),
        (ANYONE, "viewer1", "panzhou", "需由 登记员 clerk 或 负责人 supervisor 进行"),
        (CITY, "sup_pz", "panzhou", "需由市级单位 (a city-level office) 进行"),
        (CITY, "sup_city", "panzhou", None),
        (CITY, "admin", "panzhou", None),
        (OWN, "sup_city", "panzhou", "需由案件所属单位 panzhou 进行"),
        (OWN, "sup_pz", "panzhou", None),
        (OWN, "admin", "panzhou", None),
        (NAMED, "sup_city", "panzhou", "需由 city-justice 进行"),
        (NAMED, "sup_justice", "panzhou", None),
        (NAMED, "admin", "panzhou", None),
    ],
)
def test_why_a_user_may_not_fire_a_trigger(
    trig: TriggerSpec, user: str, office: str, why: str | None
) -> None:
    assert refusal(actor(user), trig, office) == why


def test_may_fire_adds_the_office_a_user_sees() -> None:
    assert may_fire(actor("sup_pz"), OWN, "panzhou")
    assert not may_fire(actor("sup_pz"), ANYONE, "shanmei")  # the office rule, not the trigger's
    assert refusal(actor("sup_pz"), ANYONE, "shanmei") is None
    assert not may_fire(None, ANYONE, "panzhou")  # an operator fires nothing
    assert may_fire(actor("admin"), NAMED, "shanmei")


def test_a_listing_covers_the_office_asked_for_or_the_users_own() -> None:
    assert listing_scope(None, None, "导出") is None
    assert listing_scope(None, "shanmei", "导出") == "shanmei"
    assert listing_scope(actor("clerk_pz"), None, "导出") == "panzhou"
    assert listing_scope(actor("clerk_pz"), "panzhou", "导出") == "panzhou"
    assert listing_scope(actor("sup_city"), None, "导出") is None
    assert listing_scope(actor("viewer1"), "shanmei", "统计") == "shanmei"
    with pytest.raises(NotAllowed) as refused:
        listing_scope(actor("clerk_pz"), "shanmei", "导出")
    assert (refused.value.field, refused.value.value) == ("office", "shanmei")
    assert refused.value.reason == (
        "导出属于 shanmei；用户 clerk_pz（登记员 clerk，panzhou） 只能查看本单位 panzhou 的"
    )
