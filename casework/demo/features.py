"""What the mediation procedure takes today, so the demo plan records every field it knows.

The procedure of procedures/mediation.md grows in steps; the demo gives a step only the data
its trigger declares (and a trigger only if the procedure has it), so the year is built the same
way before and after each field lands.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from workflows.mediation import WORKFLOW


@lru_cache(maxsize=64)
def fields(trigger: str | None) -> frozenset[str]:
    """The data fields of a mediation trigger (``None``: of the registration)."""
    if trigger is None:
        return frozenset(f.name for f in WORKFLOW.register_fields)
    spec = WORKFLOW.trigger(trigger)
    return frozenset(f.name for f in spec.fields) if spec is not None else frozenset()


def has(trigger: str) -> bool:
    return WORKFLOW.trigger(trigger) is not None


def known(trigger: str | None, values: Mapping[str, str]) -> dict[str, str]:
    """The values the trigger (or the registration) declares."""
    names = fields(trigger)
    return {k: v for k, v in values.items() if k in names}
