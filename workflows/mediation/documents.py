"""People's mediation's forms and notices (``case print``): the registration form of an
application (PML art. 17, 司法部令第75号), the written agreement once agreed (PML arts. 28-29:
the parties, the dispute, the terms, the way and time of performance, signed or sealed by the
parties and the mediator, sealed by the committee) and the notice of termination (PML art. 26:
the parties told of the other ways to their rights)."""

from __future__ import annotations

from workflows.printed import REGISTER, Fill, PrintedDocument

# Every state of a case whose file is open.
OPEN = ("applied", "mediating", "agreed", "performed", "breached", "failed", "terminated")

REGISTRATION = PrintedDocument(
    "application",
    "人民调解受理登记表",
    REGISTER,
    OPEN,
    (
        "登记编号：{{案件编号}}",
        "申请人：{{申请人}}",
        "被申请人：{{被申请人}}",
        "纠纷类型：{{纠纷类型}}",
        "案件来源：{{案件来源}}",
        "纠纷简要情况：{{事由}}",
        "人民调解委员会：{{调委会}}",
        "登记日期：{{登记日期}}",
        "受理日期：{{受理日期}}",
        "登记单位：{{单位}}",
        "填表日期：{{出具日期}}",
    ),
    {
        "纠纷类型": Fill("data", "dispute_type"),
        "案件来源": Fill("data", "source"),
        "调委会": Fill("committee", "committee"),
        "受理日期": Fill("step_on", "accept"),
    },
    article="《中华人民共和国人民调解法》第十七条",
)

AGREEMENT = PrintedDocument(
    "agreement",
    "人民调解协议书",
    "agree",
    ("agreed", "performed", "breached"),
    (
        "编号：{{案件编号}}",
        "申请人：{{申请人}}",
        "被申请人：{{被申请人}}",
        "纠纷主要事实、争议事项：{{事由}}",
        "经人民调解委员会调解，双方当事人于{{达成日期}}自愿达成如下协议：{{协议内容}}",
        "协议涉及金额：{{协议金额}}元；履行方式：{{履行方式}}；履行期限：{{履行期限}}。",
        "本协议自{{生效日期}}起生效，依据{{依据}}，具有法律约束力，当事人应当按照约定履行。",
        "当事人（签名）：          调解员（签名）：",
        "{{调委会}}（印）",
        "{{出具日期}}",
    ),
    {
        "协议内容": Fill("event", "terms"),
        "协议金额": Fill("event", "amount"),
        "履行方式": Fill("event", "performance"),
        "履行期限": Fill("event", "perform_by"),
        "生效日期": Fill("event", "effective_on"),
        "达成日期": Fill("step_on"),
        "调委会": Fill("committee", "committee"),
    },
    article="《中华人民共和国人民调解法》第二十八条、第二十九条、第三十一条",
)

TERMINATION = PrintedDocument(
    "termination",
    "终止调解告知书",
    "terminate",
    ("terminated",),
    (
        "{{申请人}}、{{被申请人}}：",
        "你们之间的纠纷（{{事由}}，编号{{案件编号}}），因{{终止理由}}，"
        "本委员会于{{终止日期}}终止调解。",
        "根据{{依据}}的规定，你们可以依法通过仲裁、行政、司法等途径维护自己的权利。",
        "{{调委会}}",
        "{{出具日期}}",
    ),
    {
        "终止理由": Fill("event", "reason"),
        "终止日期": Fill("step_on"),
        "调委会": Fill("committee", "committee"),
    },
    article="《中华人民共和国人民调解法》第二十六条",
)

PRINTED = (REGISTRATION, AGREEMENT, TERMINATION)
