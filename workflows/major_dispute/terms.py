"""The major disputes' terms: outcomes, the case file, the two rule versions, the settings.

Leaders take charge of serious, widely felt problems (信访工作条例第十八条第二款); how they do so
is local practice (the 包案 rules of Guangdong towns), so every number of the procedure is a
dated setting (major_dispute.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from workflows.settings import SettingSpec
from workflows.versions import RuleVersion

BA1 = "ba1"
BA2 = "ba2"
G_LAW = "《信访工作条例》"
LOCAL = "本地包案工作制度"

# The event casework records for a document of the case file (casework.domain.replay).
DOCUMENT_EVENT = "doc"

# How a dispute ended when its leader resolved it; 依法处理 is the petition's G art. 27.
OUTCOMES: Mapping[str, str] = {
    "settled": "息诉罢访",
    "solved": "诉求解决",
    "helped": "帮扶救助",
    "dealt_with": "依法处理",
    "other": "其他",
}

# The 包案 file (卷宗): the ledger entry, the proposal and its approval, the plan, the meetings,
# the evidence, the petitioner's undertaking and the acceptance check.
DOCUMENTS: Mapping[str, str] = {
    "ledger": "台账登记表",
    "assignment_form": "包案情况表",
    "approval": "包案审批表",
    "plan": "化解方案",
    "minutes": "会议纪要",
    "evidence": "证据材料",
    "undertaking": "息诉罢访承诺书",
    "acceptance": "验收材料",
}

# [cfg] settings of local practice (major_dispute.md), with the defaults it ships.
APPROVERS = "major_dispute.approvers"
DUE_DAYS_DEFAULT = "major_dispute.due_days_default"
DUE_DAYS_MAX = "major_dispute.due_days_max"
REOPEN_DAYS_DEFAULT = "major_dispute.reopen_days_default"
EXTENSION_DAYS_MAX = "major_dispute.extension_days_max"
EXTENSIONS_MAX = "major_dispute.extensions_max"
UNDERTAKING_REQUIRED = "major_dispute.undertaking_required"

# The longest term a field takes whatever the settings say (a year and a day: a typing error
# beyond); the dated settings set the limits local practice keeps.
TERM_CAP = 366

SETTINGS = (
    SettingSpec(
        APPROVERS,
        "包案审批人：单位代码（其负责人）或用户名（审批包案、退回、延期、调整包案领导）",
        "codes",
        frozenset({"city-petition"}),
    ),
    SettingSpec(
        DUE_DAYS_DEFAULT, "包案化解期限默认值（日）", "int", 90, minimum=1, maximum=TERM_CAP
    ),
    SettingSpec(DUE_DAYS_MAX, "包案化解期限上限（日）", "int", 180, minimum=1, maximum=TERM_CAP),
    SettingSpec(
        REOPEN_DAYS_DEFAULT,
        "反弹重启后化解期限默认值（日）",
        "int",
        90,
        minimum=1,
        maximum=TERM_CAP,
        note="major_dispute.md 未定重启期限（open question）",
    ),
    SettingSpec(
        EXTENSION_DAYS_MAX, "每次延期天数上限（日）", "int", 90, minimum=1, maximum=TERM_CAP
    ),
    SettingSpec(EXTENSIONS_MAX, "每案延期次数上限", "int", 2, minimum=0, maximum=10),
    SettingSpec(
        UNDERTAKING_REQUIRED,
        "息诉罢访验收须有承诺书",
        "bool",
        True,
        note="major_dispute.md 将承诺书列为待定事项（open question）",
    ),
)

# The articles of the 2022 text where a leader takes charge (G art. 18 para 2); the rest of
# the procedure is local practice and cites none.
_G: Mapping[str, str] = {
    "propose": "第十八条第二款",
    "assign": "第十八条第二款",
    "plan": "第十八条第二款",
    "resolve": "第十八条第二款",
    "dealt_with": "第二十七条",
}

VERSIONS = (
    # The procedure casework ran before this revision: a supervisor assigned a case straight
    # from the ledger, without a proposal (migration 0007 pins every earlier case to it). No new
    # case takes it; the extra transition keeps those recorded histories legal.
    RuleVersion(
        BA1,
        "领导包案（修订前）",
        LOCAL,
        None,
        extra_sources={"assign": ("identified",)},
    ),
    # Today's rules, for every case registered since casework holds major disputes.
    RuleVersion(BA2, "领导包案（报批审批）", G_LAW, date(2000, 1, 1), _G),
)
