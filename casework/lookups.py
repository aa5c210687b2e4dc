"""Value sources for ``lookup`` fields: values checked against casework's own data.

A procedure declares ``FieldSpec(kind="lookup", source="subsidy_tier")``; the engine stays
generic, and the source (here, the subsidy scale) validates the typed value and may add values
derived from it (the tier's amount).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.engine import Connection

from casework.errors import InvalidData

# source name -> (value, the case's data) -> the values to record
Resolver = Callable[[Connection, str, Mapping[str, Any]], dict[str, Any]]

_SOURCES: dict[str, str | Resolver] = {
    "subsidy_tier": "casework.subsidy.scale:resolve_tier",
}


def register_source(name: str, resolver: Resolver) -> None:
    """Make a value source available to procedures (for procedures shipped elsewhere)."""
    _SOURCES[name] = resolver


def resolve(
    source: str, conn: Connection, value: str, case_data: Mapping[str, Any]
) -> dict[str, Any]:
    """The values a lookup field records, or InvalidData saying why the value is refused."""
    target = _SOURCES.get(source)
    if target is None:
        raise InvalidData(f"no value source {source!r} is known")
    if isinstance(target, str):
        module, _, name = target.partition(":")
        target = _SOURCES[source] = getattr(importlib.import_module(module), name)
    assert callable(target)
    return target(conn, value, case_data)
