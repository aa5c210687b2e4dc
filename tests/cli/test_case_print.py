"""``casework case print`` and ``case template`` (issue 17 point 7): a DOCX written from the
case, its SHA-256 printed and kept in the case file; an existing --out refused without --force;
refusals one line naming what to fix."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from casework.api import Casework
from casework.api.documents import FILES_ENV
from tests.cli.checks import error_line
from tests.helpers import Cli

CLERK = "clerk_pz"


@pytest.fixture(autouse=True)
def _files(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv(FILES_ENV, str(tmp_path / "files"))


def _petition(cw: Casework) -> str:
    made = cw.acting(CLERK).register(
        "petition", "panzhou", "土地补偿", ["petitioner:张三"], at="2020-11-03"
    )
    return str(made["case_no"])


def _docs(cw: Casework, case_no: str) -> list[tuple[str | None, str | None]]:
    return [(d["kind"], d["sha256"]) for d in cw.acting(CLERK).show(case_no)["documents"]]


def test_case_print_writes_the_docx_and_prints_the_sha256_it_keeps(
    cli: Cli, cw: Casework, tmp_path: Path
) -> None:
    case_no = _petition(cw)
    out = tmp_path / "受理告知书.docx"
    done = cli("case", "print", case_no, "受理告知书", "--out", str(out), "--at", "2020-11-05",
               user=CLERK)  # fmt: skip
    assert done.exit_code == 0, done.stderr
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert f"SHA-256: {digest}" in done.stdout and "acceptance_notice" in done.stdout
    text = "\n".join(p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert case_no in text and "张三" in text and "2020年11月3日" in text
    assert _docs(cw, case_no) == [("acceptance_notice", digest)]


def test_an_existing_out_is_refused_without_force_and_nothing_is_kept(
    cli: Cli, cw: Casework, tmp_path: Path
) -> None:
    case_no = _petition(cw)
    out = tmp_path / "a.docx"
    out.write_bytes(b"mine")
    refused = cli("case", "print", case_no, "acceptance_notice", "--out", str(out), user=CLERK)
    assert "已存在" in error_line(refused, 2, "--out")
    assert out.read_bytes() == b"mine" and _docs(cw, case_no) == []
    nowhere = str(tmp_path / "no" / "a.docx")
    lost = cli("case", "print", case_no, "acceptance_notice", "--out", nowhere, user=CLERK)
    assert "文件夹不存在" in error_line(lost, 2, "--out") and _docs(cw, case_no) == []
    forced = cli("case", "print", case_no, "acceptance_notice", "--out", str(out), "--force",
                 "--json", user=CLERK)  # fmt: skip
    assert forced.exit_code == 0, forced.stderr
    shown = json.loads(forced.stdout)
    assert shown["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert (shown["doc_kind"], shown["template"], shown["file"]) == (
        "acceptance_notice",
        "default",
        str(out),
    )
    assert _docs(cw, case_no) == [("acceptance_notice", shown["sha256"])]


def test_refusals_name_the_kind_the_step_and_the_placeholder(
    cli: Cli, cw: Casework, tmp_path: Path
) -> None:
    case_no = _petition(cw)
    out = str(tmp_path / "x.docx")
    unknown = error_line(cli("case", "print", case_no, "receipt", "--out", out, user=CLERK))
    assert "受理告知书 acceptance_notice" in unknown and unknown.endswith("(DOC_KIND)")
    early = error_line(cli("case", "print", case_no, "reply", "--out", out, user=CLERK))
    assert "信访处理意见书 reply" in early and "「出具处理意见 reply」" in early
    missing = cli("case", "print", case_no, "non_acceptance_notice", "--out", out, user=CLERK)
    assert "「不予受理理由 reason」" in error_line(missing, 1, "--set reason=...")
    template = tmp_path / "t.docx"
    made = cli("case", "template", "petition", "acceptance_notice", "--out", str(template))
    assert made.exit_code == 0, made.stderr
    doc = Document(str(template))
    doc.add_paragraph("{{身份证号}}")
    doc.save(str(template))
    bad = cli("case", "print", case_no, "acceptance_notice", "--out", out,
              "--template", str(template), user=CLERK)  # fmt: skip
    assert "{{身份证号}}" in error_line(bad, 1, "--template")
    viewer = cli("case", "print", case_no, "acceptance_notice", "--out", out, user="viewer1")
    assert "只能查看" in error_line(viewer)
    assert not Path(out).exists() and _docs(cw, case_no) == []


def test_a_template_given_is_used(cli: Cli, cw: Casework, tmp_path: Path) -> None:
    case_no = _petition(cw)
    template = tmp_path / "mine.docx"
    doc = Document()
    doc.add_paragraph("本所专用：{{案件编号}} {{信访人}} {{出具日期}}")
    doc.save(str(template))
    out = tmp_path / "o.docx"
    done = cli("case", "print", case_no, "acceptance_notice", "--out", str(out),
               "--template", str(template), "--at", "2020-11-05", user=CLERK)  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert f"模板 template: {template}" in done.stdout.replace("\n", "")  # long paths wrap
    text = Document(str(out)).paragraphs[0].text
    assert text == f"本所专用：{case_no} 张三 2020年11月5日"


def test_workflow_show_lists_the_documents_with_their_placeholders(cli: Cli) -> None:
    shown = json.loads(cli("workflow", "show", "mediation", "--json").stdout)
    printed = {d["name"]: d for d in shown["printed"]}
    assert set(printed) == {"application", "agreement", "termination"}
    agreement = printed["agreement"]
    assert (agreement["title"], agreement["step"]) == ("人民调解协议书", "agree")
    assert agreement["states"] == ["agreed", "performed", "breached"]
    assert {"案件编号", "申请人", "被申请人", "协议内容", "履行期限"} <= set(
        agreement["placeholders"]
    )
