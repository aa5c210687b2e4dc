"""DOCX documents from templates with ``{{占位符}}`` placeholders (python-docx).

The default template of a printed document is built here from its declared text (a heading,
then its paragraphs); a user's own template is any DOCX with the same placeholders, in body
paragraphs, tables, headers or footers. A placeholder may span several runs (Word splits text
where its formatting or its spell-checker did): the paragraph's text is then filled as one and
kept in its first run's formatting.

python-docx is imported only when a document is built or read: it costs a command that prints
nothing a tenth of its start-up (``case show`` imports this module through the API).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from casework.errors import InvalidData
from workflows.printed import PrintedDocument

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
# A template is a small document; a larger file is no template (and no zip bomb reaches us).
TEMPLATE_LIMIT = 10 << 20
FONT = "宋体"


def _cjk_font(doc: DocxDocument) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def default_template(doc: PrintedDocument) -> bytes:
    """The document's default template: its title as the heading, then its paragraphs."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    out = Document()
    _cjk_font(out)
    heading = out.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("{{文书名称}}")
    run.bold = True
    run.font.size = Pt(22)
    for text in doc.body:
        out.add_paragraph(text)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()


def _paragraphs(doc: DocxDocument) -> Iterator[Paragraph]:
    """Every paragraph of the body, its tables (nested too), headers and footers."""
    yield from _in(doc)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header):
            yield from _in(part)


def _in(container: object) -> Iterator[Paragraph]:
    yield from getattr(container, "paragraphs", [])
    for table in getattr(container, "tables", []):
        for row in table.rows:
            for cell in row.cells:
                yield from _in(cell)


def _open(template: bytes) -> DocxDocument:
    from docx import Document

    if len(template) > TEMPLATE_LIMIT:
        raise InvalidData(
            f"模板超过 {TEMPLATE_LIMIT >> 20} MiB (the template is too large)", field="template"
        )
    try:
        return Document(io.BytesIO(template))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InvalidData(
            f"模板不是 DOCX 文件 (not a .docx template: {type(exc).__name__})", field="template"
        ) from None


def placeholders_of(template: bytes) -> list[str]:
    """The placeholders a template holds, each once, in order."""
    found = (m.group(1) for p in _paragraphs(_open(template)) for m in PLACEHOLDER.finditer(p.text))
    return list(dict.fromkeys(found))


def fill(template: bytes, values: Mapping[str, str]) -> bytes:
    """The template with every placeholder replaced by its value; a placeholder without one is
    refused by name, before anything is written."""
    doc = _open(template)
    paragraphs = [p for p in _paragraphs(doc) if "{{" in p.text]
    for p in paragraphs:
        for m in PLACEHOLDER.finditer(p.text):
            if m.group(1) not in values:
                known = "、".join(values)
                raise InvalidData(
                    f"模板中的占位符 {{{{{m.group(1)[:30]}}}}} 未知 (unknown placeholder; "
                    f"可用：{known})",
                    field="template",
                    value=m.group(1)[:30],
                )
    for p in paragraphs:
        _fill_paragraph(p, values)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _fill_paragraph(p: Paragraph, values: Mapping[str, str]) -> None:
    def sub(m: re.Match[str]) -> str:
        return values[m.group(1)]

    runs = p.runs
    if all(_whole(r.text) for r in runs):  # each placeholder within one run: keep formatting
        for r in runs:
            r.text = PLACEHOLDER.sub(sub, r.text)
        return
    text = PLACEHOLDER.sub(sub, p.text)
    for r in runs[1:]:
        r.text = ""
    runs[0].text = text


def _whole(text: str) -> bool:
    """Whether a run holds no part of a placeholder that goes on in another run."""
    rest = PLACEHOLDER.sub("", text)
    return (
        "{{" not in rest
        and "}}" not in rest
        and not rest.endswith("{")
        and not rest.startswith("}")
    )
