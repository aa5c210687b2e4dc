"""Ledgers (台账): importing an office's ledger (CSV, TSV, XLSX, XLS, ODS) of one procedure."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from casework.api.base import Base, reexported
from casework.services.channel import Channel

if TYPE_CHECKING:
    from casework.domain.model import Actor
    from casework.ledger.limits import MAX_FILE_BYTES
    from casework.ledger.readers import FORMATS
    from casework.services.cases import Progress
    from casework.services.imports import ImportSummary, LedgerRejected
    from casework.storage.uow import UnitOfWork

# The refusal of a file with bad rows, for callers above the API (the web) to catch.
__all__ = ["FORMATS", "LEDGER_MAX_BYTES", "LedgerCommands", "LedgerRejected"]
# LEDGER_MAX_BYTES: the largest ledger file read (docs/import.md, "Limits"), for a copy of
# standard input.
__getattr__ = reexported(
    __name__,
    {
        "FORMATS": "casework.ledger.readers",
        "LEDGER_MAX_BYTES": "casework.ledger.limits:MAX_FILE_BYTES",
        "LedgerRejected": "casework.services.imports",
    },
)
if TYPE_CHECKING:
    LEDGER_MAX_BYTES = MAX_FILE_BYTES


class DryRun(Exception):
    """Not an error: it ends a dry run's unit of work with its summary, so everything the
    run built rolls back."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__("dry run")
        self.summary = summary


class LedgerCommands(Base):
    """Imports of ledgers kept outside casework."""

    def import_ledger(
        self,
        kind: str,
        path: str,
        map_path: str | None = None,
        office: str | None = None,
        skip_bad: bool = False,
        progress: Progress | None = None,
        dry_run: bool = False,
        fmt: str | None = None,
        name: str | None = None,
        force: bool = False,
    ) -> ImportSummary:
        """Import a ledger (台账) of one procedure, replaying each row's steps.
        ``dry_run``: every check and every row built exactly as the import would, then rolled
        back; the summary says what it would import (bad rows refuse it as an import does).
        ``fmt``: one of FORMATS, when the file's name and content do not say it. ``name``: what
        the ledger is called when ``path`` is a copy of it (standard input); its rejects then
        go to NAME.rejects.csv in the current folder."""
        from casework.ledger.columns import load_map
        from casework.ledger.readers import check_ledger_path, file_digest
        from casework.services.imports import Ledger, import_rows, rejects_path
        from casework.storage.db import checkpoint
        from casework.storage.outfiles import check_new

        wf = self.machines.workflow(kind)
        fmt = check_ledger_path(path, fmt)
        rejects_at = rejects_path(name) if name else None
        if skip_bad:  # an earlier import's rejects file is replaced only if ``force``
            check_new(rejects_at or rejects_path(path), force, "skip_bad", "rejects")
        ledger = Ledger(
            path,
            name or os.path.basename(path),
            file_digest(path),
            load_map(map_path),
            fmt,
            rejects_at,
        )

        def work(uow: UnitOfWork, actor: Actor) -> ImportSummary:
            summary = import_rows(uow, actor, wf, ledger, office, skip_bad, progress, force)
            if dry_run:
                raise DryRun(summary)
            return summary

        try:
            # The rows' events say they came by an import, run by whichever OS account.
            summary = self.acting_write(work, Channel("import", self.channel.os_user))
        except DryRun as done:
            return done.summary
        # Committed: the WAL holding every row written is folded into the file now, not
        # left for the commands after the import to read through (issue 18).
        checkpoint(self.engine)
        return summary
