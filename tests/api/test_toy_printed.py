"""Documents written from case data (``case print``, issue 17 point 7), on a toy procedure
declared here: a sheet of a step taken (派单单, after 派单) and a notice written before its
step (办结告知书, on file before 办结, taking the step's values as typed)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from casework.api import Casework
from casework.api.documents import FILES_ENV
from casework.errors import IllegalTransition, InvalidData, NotFound
from tests.fakes import TOY
from tests.helpers import FrozenClock, add_staff
from workflows import Registry, default_registry
from workflows.policy import HANDLER_KEY
from workflows.printed import Fill, PrintedDocument
from workflows.spec import Confidential, FieldSpec
from workflows.validate import problems

SHEET = PrintedDocument(
    "dispatch_sheet",
    "派单单",
    "dispatch",
    ("handling",),
    (
        "{{诉求人}}：编号{{案件编号}}，{{事由}}，登记于{{登记日期}}，",
        "派往{{承办单位}}，派单于{{派单日期}}。",
    ),
    {"承办单位": Fill("event", "unit"), "派单日期": Fill("step_on")},
    article="测试规则第一条",
)
NOTICE = PrintedDocument(
    "finish_notice",
    "办结告知书",
    "finish",
    ("handling",),
    ("{{诉求人}}：{{案件编号}}评价{{评价}}，办结于{{办结日期}}，派单于{{派单日期}}。",),
    {
        "评价": Fill("event", "rating"),
        "办结日期": Fill("step_on"),
        "派单日期": Fill("step_on", "dispatch"),
    },
    article="测试规则第二条",
)
TOY_PRINTED = dataclasses.replace(
    TOY,
    documents={"dispatch_sheet": "派单单", "finish_notice": "办结告知书"},
    printed=(SHEET, NOTICE),
)


def _with_confidential_caller() -> Any:
    """The toy whose registration may ask that the caller stay confidential (保密), and whose
    dispatch hands the case to another office to handle (the handler sees it, the caller hidden)."""
    dispatch = TOY_PRINTED.triggers[0]
    handler = FieldSpec(HANDLER_KEY, "承办单位代码", "office", required=False)
    secret = FieldSpec("confidential", "保密", "choice", choices={"yes": "是", "no": "否"})
    return dataclasses.replace(
        TOY_PRINTED,
        triggers=(
            dataclasses.replace(dispatch, fields=(*dispatch.fields, handler)),
            *TOY_PRINTED.triggers[1:],
        ),
        register_fields=(*TOY_PRINTED.register_fields, dataclasses.replace(secret, required=False)),
        confidential=Confidential("confidential", ("caller",)),
    )


@pytest.fixture
def toy(db_url: str, clock: FrozenClock, tmp_path: Path, monkeypatch: Any) -> Iterator[Casework]:
    monkeypatch.setenv(FILES_ENV, str(tmp_path / "files"))
    cw = Casework.initialise(
        db_url,
        offices="gaozhou",
        clock=clock,
        registry=Registry([*default_registry(), _with_confidential_caller()]),
    )
    add_staff(cw)
    yield cw
    cw.close()


def _case(cw: Casework, dispatched: bool = True) -> str:
    clerk = cw.acting("clerk_pz")
    made = clerk.register("hotline_toy", "panzhou", "路灯不亮", ["caller:张三"], at="2020-11-03")
    case_no = str(made["case_no"])
    if dispatched:
        clerk.advance(case_no, "dispatch", {"unit": "城管局"}, at="2020-11-04T09:00")
    return case_no


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_a_document_of_a_step_taken_is_filled_from_the_case_and_its_event(toy: Casework) -> None:
    case_no = _case(toy)
    made = toy.acting("clerk_pz").print_document(case_no, "dispatch_sheet", at="2020-11-05")
    text = _text(made.content)
    assert text.splitlines()[0] == "派单单"
    assert f"张三：编号{case_no}，路灯不亮，登记于2020年11月3日，" in text
    assert "派往城管局，派单于2020年11月4日。" in text
    assert made.result["title"] == "派单单"


def test_a_document_is_kept_in_the_case_file_with_its_sha256_in_the_history(
    toy: Casework,
) -> None:
    case_no = _case(toy)
    clerk = toy.acting("clerk_pz")
    made = clerk.print_document(case_no, "派单单", at="2020-11-05")
    digest = hashlib.sha256(made.content).hexdigest()
    assert made.result["sha256"] == digest
    shown = clerk.show(case_no)
    kept = [d for d in shown["documents"] if d["kind"] == "dispatch_sheet"]
    assert [(d["sha256"], d["file_name"]) for d in kept] == [(digest, f"派单单-{case_no}.docx")]
    event = shown["history"][-1]
    assert (event["trigger"], event["seq"]) == ("doc", made.result["event_seq"])
    assert event["data"] == {
        "kind": "dispatch_sheet",
        "file_name": f"派单单-{case_no}.docx",
        "sha256": digest,
    }
    stored = clerk.document_file(case_no, made.result["event_seq"])
    assert Path(stored.path).read_bytes() == made.content
    assert toy.acting("admin").verify()["ok"]


def test_a_document_the_state_does_not_allow_is_refused_naming_the_step(toy: Casework) -> None:
    case_no = _case(toy, dispatched=False)
    clerk = toy.acting("clerk_pz")
    before = clerk.show(case_no)["history"]
    with pytest.raises(IllegalTransition) as refused:
        clerk.print_document(case_no, "dispatch_sheet")
    message = str(refused.value)
    assert "派单单 dispatch_sheet" in message and "须先「派单 dispatch」" in message
    assert "\n" not in message
    with pytest.raises(IllegalTransition, match="须在「办结 finish」之前"):
        clerk.print_document(case_no, "finish_notice", {}, {"rating": "good"})
    assert clerk.show(case_no)["history"] == before


def test_a_notice_written_before_its_step_takes_the_step_values_as_typed(toy: Casework) -> None:
    case_no = _case(toy)
    clerk = toy.acting("clerk_pz")
    with pytest.raises(InvalidData, match="尚未办理，「办结告知书」须给出「评价 rating」"):
        clerk.print_document(case_no, "finish_notice", at="2020-11-06")
    with pytest.raises(InvalidData, match="rating"):
        clerk.print_document(case_no, "finish_notice", values={"rating": "so-so"})
    with pytest.raises(InvalidData, match="不使用值 'unit'"):
        clerk.print_document(case_no, "finish_notice", values={"rating": "good", "unit": "x"})
    made = clerk.print_document(
        case_no, "finish_notice", values={"rating": "满意"}, at="2020-11-06"
    )
    assert "张三：" in _text(made.content)
    assert "评价满意，办结于2020年11月6日，派单于2020年11月4日。" in _text(made.content)


def test_typed_values_are_refused_once_the_step_is_recorded(toy: Casework) -> None:
    case_no = _case(toy)
    with pytest.raises(InvalidData, match="已办理"):
        toy.acting("clerk_pz").print_document(case_no, "dispatch_sheet", values={"unit": "x"})


def _template(*paragraphs: str, split: tuple[str, str] | None = None) -> bytes:
    """A user's own template: paragraphs, a table cell, and a placeholder split over runs."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.add_table(rows=1, cols=1).rows[0].cells[0].text = "表中{{案件编号}}"
    if split is not None:
        p = doc.add_paragraph()
        p.add_run(split[0]).bold = True
        p.add_run(split[1])
    doc.sections[0].footer.paragraphs[0].text = "页脚{{单位}}"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_a_replaced_template_is_filled_the_same_way(toy: Casework) -> None:
    case_no = _case(toy)
    mine = _template(
        "自己的模板：{{诉求人}} {{出具日期}} {{依据}}", split=("承办：{{承办", "单位}}")
    )
    made = toy.acting("clerk_pz").print_document(case_no, "dispatch_sheet", mine, at="2020-11-05")
    text = _text(made.content)
    assert "自己的模板：张三 2020年11月5日 测试规则第一条" in text
    assert f"表中{case_no}" in text
    assert "承办：城管局" in text
    assert "派单单" not in text.splitlines()[0]  # not the default template
    footer = Document(io.BytesIO(made.content)).sections[0].footer.paragraphs[0].text
    assert footer == "页脚潘州街道司法所"


def test_the_templates_folder_setting_replaces_a_default_template_from_its_day(
    toy: Casework, tmp_path: Path
) -> None:
    case_no = _case(toy)
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "派单单.docx").write_bytes(_template("本所格式：{{案件编号}}"))
    admin, clerk = toy.acting("admin"), toy.acting("clerk_pz")
    admin.config_set("documents.templates", str(folder), "2020-11-05")
    before = clerk.print_document(case_no, "dispatch_sheet", at="2020-11-04T12:00")
    assert before.result["template"] == "default" and "本所格式" not in _text(before.content)
    made = clerk.print_document(case_no, "dispatch_sheet", at="2020-11-05")
    assert f"本所格式：{case_no}" in _text(made.content)
    assert made.result["template"] == str(folder / "派单单.docx")
    (folder / "dispatch_sheet.docx").write_bytes(_template("按名称：{{案件编号}}"))
    by_name = clerk.print_document(case_no, "dispatch_sheet", at="2020-11-05")
    assert f"按名称：{case_no}" in _text(by_name.content)
    admin.config_set("documents.templates", str(tmp_path / "gone"), "2020-11-06")
    with pytest.raises(InvalidData, match=r"文书模板文件夹 .* 不存在"):
        clerk.print_document(case_no, "dispatch_sheet", at="2020-11-06")


def test_an_unknown_placeholder_is_refused_by_name_and_nothing_is_kept(toy: Casework) -> None:
    case_no = _case(toy)
    clerk = toy.acting("clerk_pz")
    before = clerk.show(case_no)["history"]
    with pytest.raises(InvalidData, match=r"占位符 \{\{身份证号\}\} 未知") as refused:
        clerk.print_document(case_no, "dispatch_sheet", _template("{{身份证号}}"))
    assert refused.value.field == "template" and "\n" not in str(refused.value)
    with pytest.raises(InvalidData, match="不是 DOCX"):
        clerk.print_document(case_no, "dispatch_sheet", b"not a zip")
    assert clerk.show(case_no)["history"] == before


def test_an_unknown_document_lists_the_procedures_documents(toy: Casework) -> None:
    case_no = _case(toy)
    with pytest.raises(NotFound, match="派单单 dispatch_sheet、办结告知书 finish_notice"):
        toy.acting("clerk_pz").print_document(case_no, "receipt")


def test_only_users_who_may_see_the_case_print_it(toy: Casework) -> None:
    case_no = _case(toy)
    with pytest.raises(NotFound):
        toy.acting("clerk_sm").print_document(case_no, "dispatch_sheet")


def test_a_confidential_caller_stays_hidden_from_the_handling_office(toy: Casework) -> None:
    clerk = toy.acting("clerk_pz")
    made = clerk.register(
        "hotline_toy",
        "panzhou",
        "路灯不亮",
        ["caller:张三"],
        {"confidential": "yes"},
        at="2020-11-03",
    )
    case_no = str(made["case_no"])
    handed = {"unit": "山美", HANDLER_KEY: "shanmei"}
    clerk.advance(case_no, "dispatch", handed, at="2020-11-04T09:00")
    by_handler = toy.acting("clerk_sm").print_document(case_no, "dispatch_sheet", at="2020-11-05")
    assert "（保密）：" in _text(by_handler.content) and "张三" not in _text(by_handler.content)
    by_owner = clerk.print_document(case_no, "dispatch_sheet", at="2020-11-05")
    assert "张三：" in _text(by_owner.content)


def test_the_default_template_holds_the_placeholders_unfilled(toy: Casework) -> None:
    content = toy.document_template("hotline_toy", "dispatch_sheet")
    text = _text(content)
    assert text.splitlines()[0] == "{{文书名称}}"
    assert "派往{{承办单位}}，派单于{{派单日期}}。" in text


def test_a_printed_document_must_be_declared_soundly() -> None:
    bad = dataclasses.replace(
        SHEET,
        name="nothing",
        step="fly",
        states=("nowhere",),
        fields={"x": Fill("event", "y"), "z": Fill("step_on", "land")},
    )
    found = problems(dataclasses.replace(TOY_PRINTED, printed=(bad,)))
    assert any("'nothing' is no document kind" in p for p in found)
    assert any("names no trigger 'fly'" in p for p in found)
    assert any("undeclared states" in p for p in found)
    assert any("reads values ['y']" in p for p in found)
    assert any("dates from no trigger ['land']" in p for p in found)
    assert problems(TOY_PRINTED) == []
