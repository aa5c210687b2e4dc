"""Statutory notices and forms written from a case (``case print``): filled from the case as
the acting user may see it, kept in its case file with their SHA-256 as a document step (so
the history, hash-chained, records the kind and the digest)."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, NamedTuple, TypedDict

from casework.api.base import Base
from casework.errors import InvalidData, NotFound

if TYPE_CHECKING:
    from casework.read.shapes import CaseJSON
    from workflows.printed import PrintedDocument


class PrintedJSON(TypedDict):
    case_no: str
    doc_kind: str
    title: str
    file_name: str
    sha256: str
    event_seq: int
    size: int
    template: str  # the template's file, or "default"


class PrintedFile(NamedTuple):
    """A document written: what was kept in the case file, and the file's content."""

    result: PrintedJSON
    content: bytes


class Printing(Base):
    """Documents written from case data."""

    def document_template(self, kind: str, doc_kind: str) -> bytes:
        """The default DOCX template of a procedure's document, placeholders unfilled, for a
        user to edit and hand back (``--template``)."""
        from casework.read.docx_fill import default_template
        from casework.read.printing import printed_document

        wf = self.machines.workflow(kind)
        return default_template(printed_document(wf, doc_kind))

    def print_document(
        self,
        case_no: str,
        doc_kind: str,
        template: bytes | None = None,
        values: Mapping[str, str] | None = None,
        at: str | None = None,
    ) -> PrintedFile:
        """Write a document of a case the acting user may see, from the default template or
        ``template`` (a DOCX with the same placeholders), dated ``at`` (today), ``values`` the
        step's values of a document written before its step; kept in the case file."""
        from casework.read.docx_fill import default_template, fill
        from casework.read.printing import Filler, check_available, printed_document

        case: CaseJSON = self.show(case_no)  # type: ignore[attr-defined]
        wf = self.machines.workflow(case["kind"])
        doc = printed_document(wf, doc_kind)
        check_available(wf, doc, case)
        day = self.day(at[:10] if at else None, "at")
        filler = Filler(wf, doc, case, day, self.committee_names(case))
        # "given": the template passed with this print (the CLI's own option names it there).
        used, source = (template, "given") if template else self.folder_template(doc, day)
        content = fill(used or default_template(doc), filler.values(values or {}))
        name = f"{doc.title}-{case['case_no']}.docx"
        done = self.store_document(  # type: ignore[attr-defined]
            case["case_no"], doc.name, name, io.BytesIO(content), at, f"出具{doc.title}"
        )
        result = PrintedJSON(
            case_no=case["case_no"],
            doc_kind=doc.name,
            title=doc.title,
            file_name=name,
            sha256=done["document"]["sha256"] or "",
            event_seq=done["event"]["seq"],
            size=len(content),
            template=source,
        )
        return PrintedFile(result, content)

    def committee_names(self, case: CaseJSON) -> dict[str, str]:
        """The name of the committee the case names, by its code (none: no committee)."""
        code = case["data"].get("committee")
        if not isinstance(code, str) or not code:
            return {}
        try:
            return {code: self.committee(code)["name"]}  # type: ignore[attr-defined]
        except NotFound:
            return {}

    def folder_template(self, doc: PrintedDocument, day: date) -> tuple[bytes | None, str]:
        """The document's template in the templates folder (setting ``documents.templates``,
        as in force on ``day``): ``<name>.docx``, else ``<title>.docx``; none there, the
        default template."""
        from casework.storage.config import Config
        from workflows.settings import TEMPLATES_FOLDER

        with self.read() as (conn, _):
            folder = Config(conn, self.machines.registry).value(TEMPLATES_FOLDER, day)
        if not isinstance(folder, str) or not folder:
            return None, "default"
        if not os.path.isdir(folder):
            raise InvalidData(
                f"文书模板文件夹 {folder[:80]} 不存在 (the templates folder does not exist; "
                f"setting {TEMPLATES_FOLDER})",
                field="template",
            )
        for base in (doc.name, doc.title):
            path = os.path.join(folder, f"{base}.docx")
            if os.path.isfile(path):
                return read_template(path), path
        return None, "default"


def read_template(path: str) -> bytes:
    """A template file's content, refused when it is too large to be one."""
    from casework.read.docx_fill import TEMPLATE_LIMIT

    if os.path.getsize(path) > TEMPLATE_LIMIT:
        raise InvalidData(
            f"模板 {path[:80]} 超过 {TEMPLATE_LIMIT >> 20} MiB (the template is too large)",
            field="template",
        )
    with open(path, "rb") as fh:
        return fh.read()
