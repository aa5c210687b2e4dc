"""What a case's rule version is pinned by, as the command line says it: the registration's own
date, or the date field its procedure names (a reconsideration's ``received_on``: the law in
force on the day the application was received, whenever it is entered)."""

from __future__ import annotations

REGISTRATION = ("登记日", "the registration date")


def pinned_by(kind: str) -> tuple[str, str]:
    """The Chinese label and English name of the day that pins a procedure's rule version."""
    from workflows import default_registry

    wf = default_registry().get(kind)
    name = wf.version_field if wf is not None else None
    spec = wf.field(name) if wf is not None and name else None
    if spec is None or name is None:
        return REGISTRATION
    return spec.label, name
