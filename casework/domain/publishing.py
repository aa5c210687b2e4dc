"""Publishing a period's figures (公布数, issue 17 point 8): who may, and when a period may be
published again. A published version is never changed: a revision is a new version, which
must say why (``REVISE_REASONS``); the versions before it stay, marked 修订."""

from __future__ import annotations

from casework.domain.model import Actor
from casework.domain.policy import check_roles, shown
from casework.errors import Conflict, InvalidData, NotAllowed, NotFound
from workflows.policy import PUBLISH_ROLES

# Why a published period is published again: entries that came late, a change of how a
# figure is counted, an error in what was published.
REVISE_REASONS = {
    "late_data": "迟报数据 late entries",
    "method": "统计方法变更 a change of method",
    "error": "更正错误 an error corrected",
}


def check_publisher(actor: Actor) -> None:
    """The whole city's figures are published by a statistician, office head or admin of a
    city-level office (an admin is city-wide)."""
    roles = tuple(sorted(PUBLISH_ROLES))
    check_roles(actor, roles, "公布统计数 (publishing figures) ")
    if not actor.city_wide:
        raise NotAllowed(
            f"公布全市统计数需由市级单位进行 (city figures are published by a city-level "
            f"office)；{shown(actor)} 不可",
            field="user",
        )


def check_reason(reason: str | None) -> None:
    if reason is not None and reason not in REVISE_REASONS:
        raise InvalidData(
            f"修订原因 reason {reason[:20]!r} 应为 {'、'.join(REVISE_REASONS)} 之一 "
            "(late_data, method or error)",
            field="revise",
            value=reason[:20],
        )


def next_version(period: str, published: int, reason: str | None) -> int:
    """The version a publication of a period with ``published`` versions gets: 1 for the
    first (no reason), else one more, only with a reason."""
    check_reason(reason)
    if published and reason is None:
        raise Conflict(
            f"期间 {period} 已公布第 {published} 版 (already published)；再次公布须说明修订原因 "
            "late_data|method|error (a revision needs its reason)",
            field="revise",
            value=period,
        )
    if not published and reason is not None:
        raise NotFound(
            f"期间 {period} 尚未公布，无可修订 (never published, nothing to revise)；"
            "首次公布无修订原因 (a first publication gives no reason)",
            field="revise",
            value=period,
        )
    return published + 1
