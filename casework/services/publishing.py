"""Publishing a period's figures: the checks of casework.domain.publishing, then one new
version written in the unit of work that computed its figures (so the figures, the inputs'
hash and the version number are of one snapshot)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from casework.domain.model import Actor
from casework.domain.publishing import check_publisher, next_version
from casework.storage.published import add_version, versions
from casework.storage.uow import UnitOfWork


@dataclass(frozen=True)
class Publication:
    """What is published: the period's canonical name, its grouping ("" for none), the
    figures as computed, the procedure versions they were computed under and their inputs'
    hash."""

    period: str
    by: str
    figures: Mapping[str, Any]
    procedure_versions: Mapping[str, Any]
    inputs_hash: str


def publish(
    uow: UnitOfWork, actor: Actor, what: Publication, reason: str | None
) -> list[dict[str, Any]]:
    """Add the next version of the period's figures; every version, oldest first."""
    check_publisher(actor)
    before = versions(uow.conn, what.period, what.by)
    number = next_version(what.period, len(before), reason)
    add_version(
        uow.conn,
        {
            "period": what.period,
            "by": what.by,
            "version": number,
            "published_at": uow.now(),
            "published_by": actor.username,
            "reason": reason,
            "procedure_versions": dict(what.procedure_versions),
            "inputs_hash": what.inputs_hash,
            "figures": dict(what.figures),
            "supersedes": before[-1]["id"] if before else None,
        },
    )
    return versions(uow.conn, what.period, what.by)
