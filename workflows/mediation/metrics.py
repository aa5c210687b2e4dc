"""The figures of people's mediation (statistics.md; procedures/mediation.md, Statistics).

Every figure of a case's course is a part of one cohort, the cases accepted in the period
(``mediation.mediated``, 调解纠纷), judged as the database stood at as-of: a rate's two terms
are then the same cases and never exceed 100%, and each breakdown (来源, 类型, 口头/书面) sums
to its whole, which the Ministry's form (司法部人民调解统计报表) ties.
"""

from __future__ import annotations

from collections.abc import Mapping

from workflows.mediation.terms import DISPUTE_TYPES, PREVENT_KINDS
from workflows.settings import SettingSpec
from workflows.spec import Cohort, Computed, FirstEvent, MetricSpec, Rate

# The Ministry's groups of sources (procedures/mediation.md 2.2): 主动 (initiative and
# screening), 依申请, 接受委托移送 (the four referrals), each referral by its origin.
SOURCE_GROUPS: Mapping[str, tuple[str, ...]] = {
    "initiative": ("initiative", "screening"),
    "application": ("application",),
    "referred": ("court_referral", "police_referral", "petition_referral", "other_referral"),
}
SOURCE_GROUP_LABELS: Mapping[str, str] = {
    "initiative": "主动调解",
    "application": "依申请调解",
    "referred": "接受委托移送调解",
}
REFERRALS: Mapping[str, tuple[str, str]] = {
    "court": ("court_referral", "法院委派委托"),
    "police": ("police_referral", "公安移送"),
    "petition": ("petition_referral", "信访移交"),
    "other": ("other_referral", "其他部门移送"),
}
# A source code's group, as ``--by source`` groups a case.
SOURCE_GROUP: Mapping[str, str] = {
    code: group for group, codes in SOURCE_GROUPS.items() for code in codes
}
# The outcomes that end a mediation (调解成功、调解不成、终止调解): a concluded case.
CONCLUSIONS = ("agree", "fail", "terminate")
# MoJ 2002 art. 33: a mediation is concluded within 30 days of acceptance (advice, not a rule).
ADVICE_DAYS = 30
# SC 2016 art. 27: the court's term of a commissioned mediation (委派 30 days, 委托 15, or 7
# in the simple procedure): the procedure's limits, of which one holds for a case.
COURT_LIMITS = ("court_limit_pre_filing", "court_limit_post_filing", "court_limit_simple")

COMMITTEE_TYPES: Mapping[str, str] = {
    "village": "村民委员会调委会",
    "residents": "居民委员会调委会",
    "town": "乡镇调委会",
    "subdistrict": "街道调委会",
    "enterprise": "企事业单位调委会",
    "industry": "行业性专业性调委会",
    "studio": "个人调解工作室",
    "stationed": "派驻调解室",
}
# The subtypes the form shows of two types (procedures/mediation.md 2.1).
SUBTYPES: Mapping[str, Mapping[str, str]] = {
    "industry": {
        "medical": "医疗",
        "traffic": "道路交通事故",
        "labour": "劳动争议",
        "property_mgmt": "物业",
        "marriage_family": "婚姻家庭",
        "consumer": "消费",
        "other": "其他",
    },
    "stationed": {"police": "公调", "court": "诉调", "petition": "访调"},
}
# The rows of the form's 一 组织 section and the committee types each adds up.
FORM_ROWS: Mapping[str, tuple[str, ...]] = {
    "村(居)": ("village", "residents"),
    "乡镇(街道)": ("town", "subdistrict"),
    "企事业单位": ("enterprise",),
    "行业性专业性": ("industry",),
    "个人调解工作室": ("studio",),
    "派驻": ("stationed",),
}
STATIONED_ROW = "form.stationed_row"
FORM_SETTINGS = (
    SettingSpec(
        STATIONED_ROW,
        "报表中派驻调解室计入的行：乡镇(街道) / 派驻（司法部报表口径未定）",
        "text",
        "乡镇(街道)",
        # a row of the form: any other text would drop 派驻调解室 from every row
        {"乡镇(街道)": "乡镇(街道)调委会", "派驻": "派驻调委会"},
        note="procedures/mediation.md: the form row for 派驻调解室 is an open question",
    ),
)

Match = tuple[tuple[str, tuple[str, ...]], ...]
HAS_AGREED = ("agree",)
WRITTEN = (("form", ("written",)),)
ORAL = (("form", ("oral",)),)


def _cohort(
    name: str,
    label: str,
    order: int,
    *,
    where: Match = (),
    having: tuple[str, ...] = (),
    last: str | None = None,
    last_where: Match = (),
    later_than: int | None = None,
    overdue: tuple[str, ...] = (),
) -> MetricSpec:
    counts = Cohort(
        where=where,
        having=having,
        last=last,
        last_where=last_where,
        later_than=later_than,
        overdue=overdue,
        ends=CONCLUSIONS if overdue else (),
    )
    return MetricSpec(name, label, counts, order=order)


def _sources() -> tuple[MetricSpec, ...]:
    out = [
        _cohort(f"mediation.source.{group}", label, 81, where=(("source", SOURCE_GROUPS[group]),))
        for group, label in SOURCE_GROUP_LABELS.items()
    ]
    out += [
        _cohort(f"mediation.source.referred.{origin}", label, 81, where=(("source", (code,)),))
        for origin, (code, label) in REFERRALS.items()
    ]
    return tuple(out)


def _types() -> tuple[MetricSpec, ...]:
    return tuple(
        _cohort(f"mediation.type.{code}", label, 81, where=(("dispute_type", (code,)),))
        for code, label in DISPUTE_TYPES.items()
    )


def _prevention() -> tuple[MetricSpec, ...]:
    # PML art. 25: a case gives one 件 per kind, 人 its largest number; a screening entry's
    # measure gives its own 件 and 人 (procedures/mediation.md 2.7, 5), hence sums both.
    out: list[MetricSpec] = []
    for kind, label in PREVENT_KINDS.items():
        for part, unit in (("cases", "件"), ("people", "人")):
            counts = Computed("prevention", part=f"{kind}|{part}")
            out.append(
                MetricSpec(
                    f"prevention.{kind}.{part}", f"{label}（{unit}）", counts, "sum", order=81
                )
            )
    return tuple(out)


def _organisation() -> tuple[MetricSpec, ...]:
    # PML arts. 8-9: the committees and their members active on the period's last day.
    out = [MetricSpec("org.committees", "调委会数", Computed("committees", ""), order=56)]
    out += [
        MetricSpec(f"org.committees.{kind}", label, Computed("committees", kind), order=56)
        for kind, label in COMMITTEE_TYPES.items()
    ]
    out += [
        MetricSpec(
            f"org.committees.{kind}.{sub}", label, Computed("committees", f"{kind}.{sub}"), order=56
        )
        for kind, subs in SUBTYPES.items()
        for sub, label in subs.items()
    ]
    out.append(MetricSpec("org.mediators", "调解员数", Computed("mediators", ""), order=56))
    full = MetricSpec("org.mediators_full_time", "专职调解员数", Computed("mediators", "full_time"))
    out.append(MetricSpec(full.name, full.label, full.counts, order=56))
    return tuple(out)


METRICS = (
    *_organisation(),
    MetricSpec("mediation.mediated", "调解纠纷", FirstEvent(triggers=("accept",)), order=60),
    _cohort("mediation.agreed", "调解成功", 70, having=HAS_AGREED),
    # Corrected: agreed ÷ mediated over one cohort (the old ratio is concluded_success_rate).
    MetricSpec(
        "mediation.success_rate",
        "调解成功率",
        Rate("mediation.agreed", "mediation.mediated"),
        order=80,
    ),
    _cohort("mediation.concluded", "已办结", 81, having=CONCLUSIONS),
    MetricSpec(
        "mediation.concluded_success_rate",
        "已办结案件调解成功率",
        Rate("mediation.agreed", "mediation.concluded"),
        order=81,
    ),
    # PML arts. 28-30: the last agreement holds (a remediation's new one supersedes).
    _cohort(
        "mediation.agreed_written",
        "书面协议",
        81,
        having=HAS_AGREED,
        last="agree",
        last_where=WRITTEN,
    ),
    _cohort(
        "mediation.agreed_oral", "口头协议", 81, having=HAS_AGREED, last="agree", last_where=ORAL
    ),
    MetricSpec(
        "mediation.agreement_amount",
        "协议涉及金额（元）",
        Cohort(having=HAS_AGREED, last="agree", value="amount"),
        "sum",
        order=81,
    ),
    _cohort("mediation.performed", "履行", 81, having=("perform",)),
    _cohort(
        "mediation.performed_on_the_spot",
        "当场履行",
        81,
        having=("perform",),
        last="agree",
        last_where=(("performance", ("on_the_spot",)),),
    ),
    # PML art. 33; SC 2011: applications made, and rulings that confirmed, in the period.
    MetricSpec(
        "mediation.confirm_applied",
        "申请司法确认",
        FirstEvent(triggers=("apply_confirmation",)),
        order=81,
    ),
    MetricSpec(
        "mediation.confirmed",
        "司法确认",
        FirstEvent(triggers=("confirm",), where=(("ruling", ("confirmed",)),)),
        order=81,
    ),
    *_sources(),
    *_types(),
    _cohort("mediation.over_advice", "超30日办结", 81, having=CONCLUSIONS, later_than=ADVICE_DAYS),
    _cohort(
        "mediation.court_commissioned",
        "委派委托调解",
        81,
        where=(("source", ("court_referral",)),),
    ),
    _cohort(
        "mediation.court_commissioned_overdue",
        "委派委托调解超期",
        81,
        where=(("source", ("court_referral",)),),
        overdue=COURT_LIMITS,
    ),
    _cohort("mediation.pandemic", "涉疫情纠纷", 81, where=(("pandemic", ("yes",)),)),
    *_prevention(),
)
