"""案件 /cases/{case_no}: the panel, the parties (masked; 显示完整信息 asks the API to reveal
them, which records the view), the data with its labels, the deadlines with their rule and
article, the history, the documents (upload with SHA-256, download), the links, and the steps
the viewer may take now as dialogs holding each trigger's fields from the procedure.

A case the viewer may not see is answered as an unknown one (404), like the JSON API does.
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time.
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from casework.api import Casework
from casework.errors import CaseworkError, InvalidData, NotAllowed, NotFound
from casework.web.pages.frame import PageGate, Viewer, refused, render

T = TypeVar("T")
Short = Annotated[str, Form(max_length=200)]
Text = Annotated[str, Form(max_length=4000)]
# The form's own fields; a trigger's fields come as ``d_<name>``.
DATA_PREFIX = "d_"
# Each value a clerk types in a step's form: long enough for a request's facts and reasons.
VALUE_LIMIT = 4000
FIELD_INPUT = {"int": "number", "date": "date"}


def unknown_case(case_no: str) -> NotFound:
    return NotFound(f"未知案件 unknown case {case_no[:80]!r}", field="case_no")


def on_case(cw: Casework, case_no: str, call: Callable[[], T]) -> T:
    """``call`` on a case; a refusal of a case the viewer may not see becomes its 404."""
    try:
        return call()
    except NotFound:
        raise
    except CaseworkError:
        try:
            cw.history(case_no)
        except (NotFound, NotAllowed):
            raise unknown_case(case_no) from None
        raise


def step_forms(cw: Casework, case: dict[str, Any]) -> list[dict[str, Any]]:
    """The forms of the steps the viewer may take now: each trigger's label and fields (type,
    choices with their Chinese labels, required) from the procedure."""
    spec = {t["name"]: t for t in cw.workflow(case["kind"])["triggers"]}
    forms = []
    for name in case["triggers"]:
        t = spec.get(name)
        if t is None:
            continue
        fields = [
            {
                **f,
                "input": FIELD_INPUT.get(f["kind"], "text"),
                "options": list((f["choices"] or {}).items()),
            }
            for f in t["fields"]
        ]
        forms.append({"name": name, "label": t["label"], "fields": fields})
    return forms


def page_context(v: Viewer, case_no: str, reveal: bool = False) -> dict[str, Any]:
    case = on_case(v.cw, case_no, lambda: v.cw.show(case_no, reveal))
    wf = v.cw.workflow(case["kind"])
    return {
        "case": case,
        "revealed": reveal,
        "steps": step_forms(v.cw, dict(case)),
        "document_kinds": list(wf["documents"].items()),
        "party_roles": {p["role"]: p["role_label"] for p in case["parties"]},
        "states": {s["name"]: s["label"] for s in wf["states"]},
        "open_step": None,
        "posted": {},
    }


def again(v: Viewer, case_no: str, exc: CaseworkError, **changes: Any) -> HTMLResponse:
    """The case page again with a refusal next to the field it names."""
    return refused(v, exc, "case.html", **{**page_context(v, case_no), **changes})


def step_data(form: dict[str, Any]) -> dict[str, str]:
    """A step's values from its form (``d_<name>``), blank ones left out; a value too long or
    holding control characters is refused at its field."""
    data: dict[str, str] = {}
    for key, value in form.items():
        if not key.startswith(DATA_PREFIX) or not isinstance(value, str):
            continue
        name, text = key[len(DATA_PREFIX) :], value.strip()
        check_text(name, text)
        if text:
            data[name] = text
    return data


def check_text(name: str, text: str) -> None:
    if len(text) > VALUE_LIMIT:
        raise InvalidData(
            f"{name} 过长，不能超过 {VALUE_LIMIT} 字 (too long)", field=name, value=text[:40]
        )
    if any(not ch.isprintable() and ch not in "\n\r\t" for ch in text):
        raise InvalidData(f"{name} 含有控制字符 (control characters)", field=name)


def download(stored: Any) -> Response:
    name = quote(stored.name)
    return FileResponse(
        stored.path,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


def show_routes(router: APIRouter, gate: PageGate) -> None:
    @router.get("/cases/{case_no}")
    def case_page(case_no: str, v: Annotated[Viewer, Depends(gate.viewer)]) -> HTMLResponse:
        return render(v, "case.html", **page_context(v, case_no))

    @router.post("/cases/{case_no}/reveal")
    def reveal(case_no: str, v: Annotated[Viewer, Depends(gate.writer)]) -> HTMLResponse:
        try:
            return render(v, "case.html", **page_context(v, case_no, reveal=True))
        except NotFound:
            raise
        except CaseworkError as exc:
            return again(v, case_no, exc)

    @router.get("/cases/{case_no}/documents/{seq}")
    def document(case_no: str, seq: int, v: Annotated[Viewer, Depends(gate.viewer)]) -> Response:
        return download(on_case(v.cw, case_no, lambda: v.cw.document_file(case_no, seq)))


def step_routes(router: APIRouter, gate: PageGate) -> None:
    @router.post("/cases/{case_no}/steps")
    async def step(case_no: str, v: Annotated[Viewer, Depends(gate.writer)]) -> Response:
        form = {k: val for k, val in (await v.request.form()).items()}
        trigger = str(form.get("trigger", ""))[:60]
        note = str(form.get("note", "")).strip() or None
        at = str(form.get("at", "")).strip() or None
        try:
            if note:
                check_text("note", note)
            data = step_data(form)
            on_case(v.cw, case_no, lambda: v.cw.advance(case_no, trigger, data, note, at))
        except NotFound:
            raise
        except CaseworkError as exc:
            # A value's refusal names ``value.<field>``: its message goes to that field.
            if exc.field and exc.field.startswith("value."):
                exc = type(exc)(exc.reason, field=exc.field[len("value.") :])
            return again(v, case_no, exc, open_step=trigger, posted=form)
        return RedirectResponse(f"/cases/{quote(case_no)}", status_code=303)


def file_routes(router: APIRouter, gate: PageGate) -> None:
    @router.post("/cases/{case_no}/documents")
    def upload(
        case_no: str,
        v: Annotated[Viewer, Depends(gate.writer)],
        kind: Short,
        file: UploadFile,
        at: Annotated[str, Form(max_length=40)] = "",
        note: Text = "",
    ) -> Response:
        try:
            check_text("note", note)
            on_case(
                v.cw,
                case_no,
                lambda: v.cw.store_document(
                    case_no, kind, file.filename, file.file, at or None, note or None
                ),
            )
        except NotFound:
            raise
        except CaseworkError as exc:
            return again(v, case_no, exc, open_step="_document")
        return RedirectResponse(f"/cases/{quote(case_no)}#documents", status_code=303)

    @router.post("/cases/{case_no}/correct")
    def correct(
        case_no: str,
        v: Annotated[Viewer, Depends(gate.writer)],
        what: Short,
        value: Text,
        reason: Text,
        key: Short = "",
    ) -> Response:
        try:
            check_text("value", value)
            check_text("reason", reason)
            change = (what, key or None, value)
            on_case(v.cw, case_no, lambda: v.cw.correct(case_no, [change], reason))
        except NotFound:
            raise
        except CaseworkError as exc:
            # A registration value's refusal names ``value.<key>``: the form has one value box.
            if exc.field and exc.field.startswith("value."):
                exc = type(exc)(exc.reason, field="value")
            return again(v, case_no, exc, open_step="_correct")
        return RedirectResponse(f"/cases/{quote(case_no)}", status_code=303)


def routes(router: APIRouter, gate: PageGate) -> None:
    show_routes(router, gate)
    step_routes(router, gate)
    file_routes(router, gate)
