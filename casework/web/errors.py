"""Refusals as HTTP answers: ``{"error": "...", "field": name or null}`` with a 4xx status.

Every status is decided here, by the kind of refusal (web.md, "The contract scripts rely on"):
a guard of the procedure refusing a step is 422, like invalid data, because it is the values
given (or missing documents) the rule refuses, and the same request with other values may pass;
409 is kept for a clash with what another writer did (a version or ref conflict) and for a
trigger the case's current state does not offer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi.responses import JSONResponse

from casework.errors import (
    AccountLocked,
    AuthFailed,
    CaseworkError,
    Conflict,
    Damaged,
    DatabaseBusy,
    GuardFailed,
    IllegalTransition,
    InvalidData,
    NotAllowed,
    NotFound,
    NotInitialised,
)
from casework.web.responses import JSON

log = logging.getLogger("casework.web")

# The first class an error is an instance of decides its status.
STATUSES: Sequence[tuple[type[CaseworkError], int]] = (
    (AuthFailed, 401),
    (AccountLocked, 423),
    (NotFound, 404),
    (NotAllowed, 403),
    (IllegalTransition, 409),
    (Conflict, 409),
    (GuardFailed, 422),
    (InvalidData, 422),
    # A stored case casework cannot read (casework.read.damage): not the request's fault, but
    # no internal error either; the answer says what is damaged, as `case show` does.
    (Damaged, 409),
    # Not the client's fault: the same request may pass in a moment (Retry-After says when).
    (DatabaseBusy, 503),
    (NotInitialised, 503),
)
INTERNAL = "内部错误 internal error"


def status_of(exc: CaseworkError) -> int:
    return next((code for kind, code in STATUSES if isinstance(exc, kind)), 400)


def refusal(status: int, reason: str, field: str | None = None, **extra: Any) -> JSONResponse:
    """The one shape of every refusal; 401s say how to authenticate."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if status == 503:
        headers["Retry-After"] = "1"
    return JSON({"error": reason, "field": field, **extra}, status_code=status, headers=headers)


def casework_refusal(exc: CaseworkError) -> JSONResponse:
    """A casework error as its status and body; a guard's refusal names its rule too."""
    extra = {"rule": exc.rule} if isinstance(exc, GuardFailed) and exc.rule else {}
    return refusal(status_of(exc), exc.reason, exc.field, **extra)


# Pydantic's error types, said in Chinese first; the value given is never echoed back.
INVALID = {
    "json_invalid": "请求体不是有效的 JSON (invalid JSON body)",
    "missing": "缺少字段 {field} (missing)",
    "extra_forbidden": "未知字段 {field} (unknown field)",
    "string_too_long": "字段 {field} 过长 (too long)",
    "too_long": "字段 {field} 项数过多 (too many items)",
    "string_type": "字段 {field} 应为文本 (must be a string)",
    "int_parsing": "字段 {field} 应为整数 (must be an integer)",
    "greater_than_equal": "字段 {field} 取值过小 (too small)",
    "bool_parsing": "字段 {field} 应为 true 或 false (must be a boolean)",
    "model_attributes_type": "请求体应为 JSON 对象 (must be a JSON object)",
    "dict_type": "字段 {field} 应为 JSON 对象 (must be an object)",
    "list_type": "字段 {field} 应为列表 (must be a list)",
}
# Where pydantic puts an input; the first part of its location, not the field's name.
SOURCES = frozenset({"body", "query", "path", "header"})


def invalid_request(errors: Sequence[Any]) -> JSONResponse:
    """A request FastAPI could not parse (bad JSON, a missing or mistyped field): 422, the
    first problem said, nothing called."""
    first = errors[0] if errors else {}
    loc = [str(p) for p in first.get("loc", ()) if not isinstance(p, int)]
    name = ".".join(loc[1:] if loc and loc[0] in SOURCES else loc) or None
    kind = str(first.get("type", ""))
    template = INVALID.get(kind, "字段 {field} 取值无效 (invalid value)")
    if name is None and "{field}" in template:
        template = "请求体无效 (invalid request body)"
    return refusal(422, template.format(field=name), None if kind == "json_invalid" else name)
