"""The statutory notices and forms a procedure's steps produce (``casework case print``),
declared as data: which step each belongs to, in which states it may be written, which case
values fill its placeholders, and the default text its template holds.

casework writes each as a DOCX from a template whose placeholders (``{{案件编号}}``) it fills;
a user may hand it a template of their own with the same placeholders. Every document has the
common placeholders (:data:`COMMON`) and one per party role of its procedure (``{{信访人}}``:
the names of the parties of that role); ``fields`` adds its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

# Where a placeholder's text comes from: the case's number, title, office (its name), day of
# registration; the document's own day; the names of the parties of role ``key``; the case
# value ``key`` (a choice by its label, a date written 2020年11月3日); the step's value ``key``
# (from the step's last event, else typed for a document written before its step is taken,
# ``--set key=value``); the step's day (the document's own day while it is not taken), or with
# ``key`` the day of that trigger's last event (empty while it has none); the
# article of law that asks for the document; the document's own title; the name of the
# people's mediation committee whose code the case value ``key`` holds.
Source = Literal[
    "case_no", "title", "office", "registered_on", "printed_on", "party", "data", "event",
    "step_on", "article", "doc_title", "committee",
]  # fmt: skip

# The step a procedure's registration is (a document of the registered case).
REGISTER = "register"


@dataclass(frozen=True)
class Fill:
    """Where one placeholder's text comes from (see :data:`Source`)."""

    source: Source
    key: str = ""


# The placeholders every document has.
COMMON: Mapping[str, Fill] = {
    "文书名称": Fill("doc_title"),
    "案件编号": Fill("case_no"),
    "事由": Fill("title"),
    "单位": Fill("office"),
    "登记日期": Fill("registered_on"),
    "出具日期": Fill("printed_on"),
    "依据": Fill("article"),
}


@dataclass(frozen=True)
class PrintedDocument:
    """A notice or form a step produces, kept in the case file as document kind ``kind``.

    ``name`` is what ``case print`` is given (the case file's kind, ``acceptance_notice``);
    ``title`` its heading (受理告知书). It may be written while the case stands in one of
    ``states``: a notice the law asks to be on file when its step is taken (a petition's
    受理告知书, G art. 23) lists the step's source state and those after it; a document of a
    step taken (人民调解协议书) only the states after it. ``article`` is the law that asks for
    it; empty: the article the case's rule version cites for ``step``. ``body`` is the default
    template's paragraphs after the heading, with placeholders."""

    name: str
    title: str
    step: str
    states: tuple[str, ...]
    body: tuple[str, ...]
    fields: Mapping[str, Fill] = field(default_factory=dict)
    article: str = ""

    def placeholders(self, party_labels: Mapping[str, str]) -> dict[str, Fill]:
        """Every placeholder the document knows: the common ones, one per party role of its
        procedure (label -> role), then its own."""
        parties = {label: Fill("party", role) for label, role in party_labels.items()}
        return {**COMMON, **parties, **self.fields}
