"""Recording an unmasked view (web.md: "Every unmasked view ... is recorded: who, when, which
case"). The refusal of a reveal records nothing: the refusal is already the answer."""

from __future__ import annotations

from casework.domain.model import Actor
from casework.services.channel import Channel
from casework.storage.reveals import log_reveal
from casework.storage.uow import UnitOfWork


def record_reveal(
    uow: UnitOfWork,
    actor: Actor,
    channel: Channel,
    what: str,
    case_no: str | None = None,
    detail: str | None = None,
) -> None:
    """One row of the reveal log, at the unit of work's instant (the Casework clock)."""
    log_reveal(
        uow.conn,
        {
            "at": uow.now(),
            "username": actor.username,
            "case_no": case_no,
            "what": what,
            # Cut to the column: the detail quotes what the user asked for.
            "detail": detail[:500] if detail else None,
            "channel": channel.name,
            "os_user": channel.os_user,
        },
    )
