"""What a printed document (``case print``) says: whether the case's state allows it, and the
text of each of its placeholders, from the case as ``case show`` gives it to the acting user
(so a confidential party stays hidden where ``case show`` hides it, and ID numbers masked)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from casework.errors import IllegalTransition, InvalidData, NotFound
from casework.read.shapes import CaseJSON, EventJSON
from workflows.printed import REGISTER, Fill, PrintedDocument
from workflows.spec import FieldSpec, Workflow


def chinese_date(day: date) -> str:
    """``2020年11月3日``: a date as a Chinese document writes it."""
    return f"{day.year}年{day.month}月{day.day}日"


def printed_document(wf: Workflow, text: str) -> PrintedDocument:
    """The procedure's document named ``text`` (its name or title), or a refusal listing them."""
    found = wf.printed_named(text)
    if found is not None:
        return found
    listed = "、".join(f"{d.title} {d.name}" for d in wf.printed) or "无 none"
    raise NotFound(
        f"{wf.label} {wf.name} 没有 {text[:30]!r} 这种文书 (no such document; 可出具：{listed})",
        field="doc_kind",
        value=text[:30],
    )


def step_shown(wf: Workflow, step: str) -> str:
    trig = wf.trigger(step)
    return trig.shown if trig is not None else f"「登记 {REGISTER}」"


def check_available(wf: Workflow, doc: PrintedDocument, case: CaseJSON) -> None:
    """Refuse a document the case's state does not allow, naming it and the step it needs."""
    if case["state"] in doc.states:
        return
    trig = wf.trigger(doc.step)
    sources = set(wf.sources_of(trig)) if trig is not None else set()
    step = step_shown(wf, doc.step)
    if wf.state(case["state"]).terminal:
        when = "在案件办结、卷宗封存之前 (the case file is closed)"
    elif set(doc.states) <= sources:  # a notice on file before its step is recorded
        when = f"在{step}之前"
    else:
        when = f"在{step}时或之后" if sources & set(doc.states) else f"先{step}"
    states = "、".join(f"{wf.state(s).label} {s}" for s in doc.states)
    raise IllegalTransition(
        f"案件 {case['case_no']} 当前为{wf.state(case['state']).shown}，不能出具「{doc.title} "
        f"{doc.name}」：须{when}（可出具于：{states}） (not available in this state)",
        field="doc_kind",
        value=doc.name,
    )


def last_of(case: CaseJSON, step: str) -> EventJSON | None:
    """The step's last event in the case's history (registration: the first)."""
    if step == REGISTER:
        return case["history"][0] if case["history"] else None
    return next((ev for ev in reversed(case["history"]) if ev["trigger"] == step), None)


def value_text(spec: FieldSpec | None, raw: object) -> str:
    """A stored value as a document writes it: a choice by its label, a date in Chinese."""
    if raw is None or raw == "":
        return ""
    if spec is not None and spec.kind == "choice":
        return spec.choices.get(str(raw), str(raw))
    if spec is not None and spec.kind == "date":
        return chinese_date(date.fromisoformat(str(raw)[:10]))
    return str(raw)


def step_field(wf: Workflow, step: str, name: str) -> FieldSpec | None:
    trig = wf.trigger(step)
    fields = wf.register_fields if trig is None else trig.fields
    return next((f for f in fields if f.name == name), None)


class Filler:
    """The text of each placeholder of one document of one case, written on ``day``;
    ``typed`` are the step's values for a document written before its step is taken."""

    def __init__(
        self,
        wf: Workflow,
        doc: PrintedDocument,
        case: CaseJSON,
        day: date,
        committees: Mapping[str, str],
    ) -> None:
        self.wf, self.doc, self.case, self.day = wf, doc, case, day
        self.committees = committees
        self.step = last_of(case, doc.step)

    def values(self, typed: Mapping[str, str]) -> dict[str, str]:
        """Every placeholder's text; typed step values are checked as the step checks them."""
        given = self.typed(typed)
        return {
            name: self.text(fill, given) for name, fill in self.wf.placeholders(self.doc).items()
        }

    def typed(self, typed: Mapping[str, str]) -> dict[str, object]:
        if not typed:
            return {}
        if self.step is not None:
            raise InvalidData(
                f"{step_shown(self.wf, self.doc.step)}已办理，文书取其记录的值，不另给值 "
                "(the step was taken: its recorded values are used)",
                field="value",
            )
        wanted = {f.key for f in self.doc.fields.values() if f.source == "event"}
        out: dict[str, object] = {}
        for name, raw in typed.items():
            spec = step_field(self.wf, self.doc.step, name)
            if name not in wanted or spec is None:
                known = "、".join(sorted(wanted)) or "无 none"
                raise InvalidData(
                    f"「{self.doc.title}」不使用值 {name[:30]!r} (unknown value; 可用：{known})",
                    field=f"value.{name[:30]}",
                )
            out[name] = spec.coerce(raw)
        return out

    def text(self, fill: Fill, typed: Mapping[str, object]) -> str:
        case, source = self.case, fill.source
        simple = {
            "case_no": case["case_no"],
            "title": case["title"],
            "office": case["office_name"],
            "doc_title": self.doc.title,
            "registered_on": chinese_date(date.fromisoformat(case["registered_at"][:10])),
            "printed_on": chinese_date(self.day),
        }
        if source in simple:
            return simple[source]
        if source == "article":
            rules = case["data"].get("rules")
            cited = self.wf.cite(rules if isinstance(rules, str) else None, self.doc.step)
            return self.doc.article or cited or ""
        if source == "party":
            return "、".join(p["name"] for p in case["parties"] if p["role"] == fill.key)
        if source == "committee":
            code = str(case["data"].get(fill.key) or "")
            return self.committees.get(code, code)
        if source == "data":
            return value_text(self.wf.field(fill.key), case["data"].get(fill.key))
        if source == "step_on":
            return self.step_day(fill.key)
        return self.event_value(fill.key, typed)

    def step_day(self, trigger: str) -> str:
        ev = self.step if not trigger else last_of(self.case, trigger)
        if ev is None:
            return chinese_date(self.day) if not trigger else ""
        return chinese_date(date.fromisoformat(ev["occurred_at"][:10]))

    def event_value(self, name: str, typed: Mapping[str, object]) -> str:
        spec = step_field(self.wf, self.doc.step, name)
        if self.step is not None:
            return value_text(spec, self.step["data"].get(name))
        if name in typed:
            return value_text(spec, typed[name])
        if spec is not None and spec.required and spec.default is None:
            raise InvalidData(
                f"{step_shown(self.wf, self.doc.step)}尚未办理，「{self.doc.title}」须给出"
                f"{spec.shown} (the step's value is needed)",
                field=f"value.{name}",
            )
        return value_text(spec, spec.default if spec is not None else None)
