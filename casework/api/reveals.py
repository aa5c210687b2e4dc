"""The reveal log: each unmasked view written right after the read it records, and listed for
admins (issue 14 point 6; web.md, "Accounts and security")."""

from __future__ import annotations

from datetime import date
from typing import Any

from casework.api.base import Base


def recorded(api: Base, what: str, case_no: str | None = None, detail: str | None = None) -> None:
    """Record an unmasked view that succeeded, in its own short write: the read it follows
    stays a read, and a refused reveal never gets here."""
    from casework.services.reveals import record_reveal

    api.acting_write(
        lambda uow, actor: record_reveal(uow, actor, api.channel, what, case_no, detail)
    )


def export_filter(
    kind: str | None, first: date | None, last: date | None, office: str | None, out: str
) -> str:
    """What an export chose, as the reveal log's detail: ``kind=petition from=2020-01-01
    office=panzhou out=cases.csv`` (what was not chosen is left out: all of it)."""
    chosen = (("kind", kind), ("from", first), ("to", last), ("office", office), ("out", out))
    return " ".join(f"{name}={value}" for name, value in chosen if value is not None)


class RevealLog(Base):
    """Listing the reveal log (admin)."""

    def reveal_log(
        self, since: str | date | None = None, username: str | None = None
    ) -> list[dict[str, Any]]:
        """Every unmasked view from a day on, of one user or all, oldest first (admin):
        ``[{"id", "at", "username", "case_no", "what", "detail", "channel", "os_user"}]``."""
        from casework.services.accounts import require_admin, since_instant
        from casework.storage.reveals import reveal_rows
        from casework.time.local import local_iso

        start = since_instant(None if since is None else self.day(since, "since"))
        with self.read() as (conn, actor):
            require_admin(actor, "查看显示完整信息记录")
            rows = reveal_rows(conn, start, username)
        return [{**r, "at": local_iso(r["at"])} for r in rows]
