"""The petition's written notices and opinion (``case print``).

A routing decision is told to the petitioner in writing, its notice on file when the step is
recorded (G art. 23 para 2, X art. 22 para 2: guard ``notice_given``), so a notice is written
while the case stands where the step is taken, and again afterwards while the file is open:
受理告知书 from 已登记, 不予受理告知书 in 已登记 (a refused case's file is closed), 延期告知书 in
办理中 (G art. 34), 信访处理意见书 from 办理中, before the reply step that rests on it.
"""

from __future__ import annotations

from workflows.printed import Fill, PrintedDocument

# The states of an accepted case whose file is open.
ACCEPTED = ("handling", "replied", "reviewing", "reviewed", "rereviewing")

ACCEPTANCE = PrintedDocument(
    "acceptance_notice",
    "受理告知书",
    "accept",
    ("registered", *ACCEPTED),
    (
        "{{信访人}}：",
        "你（你们）于{{登记日期}}提出的信访事项（{{事由}}）已收悉。"
        "根据{{依据}}的规定，本机关决定予以受理，受理日期为{{受理日期}}，"
        "并将依法按期办理、出具处理意见。",
        "信访事项编号：{{案件编号}}",
        "{{单位}}",
        "{{出具日期}}",
    ),
    {"受理日期": Fill("step_on"), "信访请求": Fill("data", "request")},
)

NON_ACCEPTANCE = PrintedDocument(
    "non_acceptance_notice",
    "不予受理告知书",
    "refuse",
    ("registered",),
    (
        "{{信访人}}：",
        "你（你们）于{{登记日期}}提出的信访事项（{{事由}}）已收悉。"
        "经审查，该事项{{不予受理理由}}。根据{{依据}}的规定，本机关决定不予受理。",
        "{{理由说明}}",
        "信访事项编号：{{案件编号}}",
        "{{单位}}",
        "{{出具日期}}",
    ),
    {
        "不予受理理由": Fill("event", "reason"),
        "理由说明": Fill("event", "reason_text"),
        "决定日期": Fill("step_on"),
    },
)

EXTENSION = PrintedDocument(
    "extension_notice",
    "延期告知书",
    "extend",
    ("handling",),
    (
        "{{信访人}}：",
        "你（你们）于{{登记日期}}提出的信访事项（{{事由}}），因{{延期理由}}，"
        "不能在法定期限内办结。根据{{依据}}的规定，办理期限延长{{延长天数}}日。",
        "信访事项编号：{{案件编号}}",
        "{{单位}}",
        "{{出具日期}}",
    ),
    {
        "延长天数": Fill("event", "days"),
        "延期理由": Fill("event", "reason"),
        "延期日期": Fill("step_on"),
    },
)

REPLY = PrintedDocument(
    "reply",
    "信访处理意见书",
    "reply",
    ACCEPTED,
    (
        "{{信访人}}：",
        "你（你们）于{{登记日期}}提出的信访事项（{{事由}}），本机关已于{{受理日期}}受理。"
        "经调查核实，根据{{依据}}的规定，处理意见如下：{{处理意见}}。",
        "如不服本处理意见，可以自收到本意见书之日起30日内向原办理机关的上一级机关请求复查。",
        "信访事项编号：{{案件编号}}",
        "{{单位}}",
        "{{出具日期}}",
    ),
    {
        "处理意见": Fill("event", "outcome"),
        "受理日期": Fill("step_on", "accept"),
        "意见日期": Fill("step_on"),
    },
)

PRINTED = (ACCEPTANCE, NON_ACCEPTANCE, EXTENSION, REPLY)
