"""The seven statutory documents (issue 17 point 7) written from petitions and mediations:
each in the state its step allows, filled with the case number, the parties and dates in
Chinese form, kept in the case file with its SHA-256; each refused in a state it does not fit.
A petition's notice written by casework is the one the step's ``notice_given`` guard finds on
file (G art. 23 para 2)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from casework.api import Casework
from casework.api.documents import FILES_ENV
from casework.api.printing import PrintedFile
from casework.errors import IllegalTransition
from tests import mediations, petitions

CLERK, SUP = "clerk_pz", "sup_pz"


@pytest.fixture(autouse=True)
def _files(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv(FILES_ENV, str(tmp_path / "files"))


def _text(made: PrintedFile) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(made.content)).paragraphs)


def _kept(cw: Casework, case_no: str, made: PrintedFile) -> None:
    """The document is in the case file and its history with the file's SHA-256."""
    digest = hashlib.sha256(made.content).hexdigest()
    shown = cw.acting(CLERK).show(case_no)
    assert made.result["sha256"] == digest
    assert any(
        d["kind"] == made.result["doc_kind"] and d["sha256"] == digest for d in shown["documents"]
    )
    event = next(e for e in shown["history"] if e["seq"] == made.result["event_seq"])
    assert event["trigger"] == "doc"
    assert (event["data"]["kind"], event["data"]["sha256"]) == (made.result["doc_kind"], digest)


def _petition(cw: Casework) -> str:
    made = cw.acting(CLERK).register(
        "petition", "panzhou", "土地补偿", ["petitioner:张三"], {"request": "补偿"}, at="2020-11-03"
    )
    return str(made["case_no"])


def _accepted(cw: Casework) -> str:
    case_no = _petition(cw)
    petitions.intake(cw, case_no, "2020-11-05")
    cw.acting(CLERK).print_document(case_no, "acceptance_notice", at="2020-11-05")
    cw.acting(SUP).advance(case_no, "accept", petitions.NOTICE, at="2020-11-05")
    return case_no


def test_acceptance_notice_is_written_before_accept_and_is_the_notice_on_file(
    cw: Casework,
) -> None:
    case_no = _petition(cw)
    petitions.intake(cw, case_no, "2020-11-05")
    made = cw.acting(CLERK).print_document(case_no, "受理告知书", at="2020-11-05")
    text = _text(made)
    assert text.splitlines()[0] == "受理告知书"
    assert "张三：" in text and case_no in text
    assert "于2020年11月3日提出的信访事项（土地补偿）" in text
    assert "受理日期为2020年11月5日" in text and "《信访条例》第二十二条第二款" in text
    _kept(cw, case_no, made)
    # The notice casework wrote is what the accept step's guard asks for (notice_given).
    cw.acting(SUP).advance(case_no, "accept", petitions.NOTICE, at="2020-11-05")
    again = cw.acting(CLERK).print_document(case_no, "acceptance_notice", at="2020-11-20")
    assert "受理日期为2020年11月5日" in _text(again) and "2020年11月20日" in _text(again)


def test_non_acceptance_notice_takes_the_reason_before_the_refusal(cw: Casework) -> None:
    case_no = _petition(cw)
    petitions.intake(cw, case_no, "2020-11-05")
    clerk = cw.acting(CLERK)
    values = {"reason": "outside_remit", "reason_text": "请向县住建局反映"}
    made = clerk.print_document(case_no, "non_acceptance_notice", values=values, at="2020-11-06")
    text = _text(made)
    assert "该事项不属本机关职权" in text and "请向县住建局反映" in text
    assert case_no in text and "张三：" in text and "2020年11月6日" in text
    _kept(cw, case_no, made)
    refuse = {"reason": "outside_remit", **petitions.NOTICE}
    cw.acting(SUP).advance(case_no, "refuse", refuse, at="2020-11-06")
    with pytest.raises(IllegalTransition, match="不予受理告知书 non_acceptance_notice"):
        clerk.print_document(case_no, "non_acceptance_notice")


def test_extension_notice_in_handling_only(cw: Casework) -> None:
    registered = _petition(cw)
    clerk = cw.acting(CLERK)
    with pytest.raises(IllegalTransition, match=r"延期告知书 extension_notice.*「延期 extend」"):
        clerk.print_document(registered, "extension_notice", values={"days": "30"})
    case_no = _accepted(cw)
    values = {"days": "30", "reason": "涉及多个部门"}
    made = clerk.print_document(case_no, "extension_notice", values=values, at="2020-12-01")
    text = _text(made)
    assert "因涉及多个部门" in text and "延长30日" in text and "《信访条例》第三十三条" in text
    assert case_no in text and "张三：" in text and "2020年12月1日" in text
    _kept(cw, case_no, made)
    cw.acting(SUP).advance(case_no, "extend", {**values, **petitions.NOTICE}, at="2020-12-01")


def test_reply_opinion_before_the_reply_step_rests_on_it(cw: Casework) -> None:
    clerk = cw.acting(CLERK)
    with pytest.raises(IllegalTransition, match="信访处理意见书 reply"):
        clerk.print_document(_petition(cw), "reply", values={"outcome": "support"})
    case_no = _accepted(cw)
    made = clerk.print_document(case_no, "reply", values={"outcome": "支持"}, at="2020-11-30")
    text = _text(made)
    assert "本机关已于2020年11月5日受理" in text and "处理意见如下：支持" in text
    assert case_no in text and "张三：" in text and "2020年11月30日" in text
    _kept(cw, case_no, made)
    cw.acting(SUP).advance(case_no, "reply", {"outcome": "support"}, at="2020-11-30")
    after = clerk.print_document(case_no, "reply", at="2020-12-01")
    assert "处理意见如下：支持" in _text(after)


def test_mediation_registration_form_from_registration(cw: Casework) -> None:
    case_no = mediations.register(cw, "2020-11-03", values={"dispute_type": "neighbour"})
    made = cw.acting(CLERK).print_document(case_no, "人民调解受理登记表", at="2020-11-04")
    text = _text(made)
    assert f"登记编号：{case_no}" in text
    assert "申请人：甲某" in text and "被申请人：乙某" in text
    assert "登记日期：2020年11月3日" in text and "填表日期：2020年11月4日" in text
    assert "人民调解委员会：潘州街道人民调解委员会" in text and "纠纷类型：邻里" in text
    assert "受理日期：\n" in text  # not accepted yet
    _kept(cw, case_no, made)
    mediations.accept(cw, case_no, "2020-11-05")
    accepted = cw.acting(CLERK).print_document(case_no, "application", at="2020-11-05")
    assert "受理日期：2020年11月5日" in _text(accepted)
    declined = mediations.register(cw, "2020-11-03")
    cw.acting(SUP).advance(declined, "decline", {"reason": "out_of_scope"}, at="2020-11-04")
    with pytest.raises(IllegalTransition, match=r"「不予受理 declined」.*卷宗封存之前"):
        cw.acting(CLERK).print_document(declined, "application")


def test_mediation_agreement_after_agree(cw: Casework) -> None:
    case_no = mediations.accepted(cw, "2020-11-03")
    clerk = cw.acting(CLERK)
    with pytest.raises(
        IllegalTransition, match=r"人民调解协议书 agreement.*须先「达成协议 agree」"
    ):
        clerk.print_document(case_no, "agreement")
    terms = {
        "terms": "乙某赔偿甲某修缮费",
        "amount": "3000",
        "performance": "lump_sum",
        "perform_by": "2020-11-30",
        "effective_on": "2020-11-10",
    }
    mediations.agree(cw, case_no, "2020-11-10", terms)
    made = clerk.print_document(case_no, "agreement", at="2020-11-10")
    text = _text(made)
    assert f"编号：{case_no}" in text and "申请人：甲某" in text and "被申请人：乙某" in text
    assert "于2020年11月10日自愿达成如下协议：乙某赔偿甲某修缮费" in text
    assert "协议涉及金额：3000元；履行方式：一次性履行；履行期限：2020年11月30日。" in text
    assert "本协议自2020年11月10日起生效" in text and "第二十八条、第二十九条" in text
    assert "潘州街道人民调解委员会（印）" in text
    _kept(cw, case_no, made)


def test_mediation_termination_notice_after_terminate(cw: Casework) -> None:
    case_no = mediations.accepted(cw, "2020-11-03")
    clerk = cw.acting(CLERK)
    refused = r"终止调解告知书 termination.*须先「终止调解 terminate」"
    with pytest.raises(IllegalTransition, match=refused):
        clerk.print_document(case_no, "termination")
    ended = {"reason": "party_request", "routes_told": "yes"}
    cw.acting(mediations.MED).advance(case_no, "terminate", ended, at="2020-11-12")
    made = clerk.print_document(case_no, "终止调解告知书", at="2020-11-13")
    text = _text(made)
    assert "甲某、乙某：" in text and case_no in text
    assert "因当事人要求终止调解，本委员会于2020年11月12日终止调解" in text
    assert "《中华人民共和国人民调解法》第二十六条" in text and "2020年11月13日" in text
    _kept(cw, case_no, made)
