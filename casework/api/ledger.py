"""Ledgers (台账): importing an office's CSV or XLSX ledger of one procedure."""

from __future__ import annotations

import os

from casework.api.base import Base
from casework.ledger.columns import load_map
from casework.ledger.readers import check_ledger_path, file_digest
from casework.services.cases import Progress
from casework.services.imports import ImportSummary, Ledger, import_rows


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
    ) -> ImportSummary:
        """Import a CSV or XLSX ledger (台账) of one procedure, replaying each row's steps."""
        wf = self.machines.workflow(kind)
        check_ledger_path(path)
        ledger = Ledger(path, os.path.basename(path), file_digest(path), load_map(map_path))
        return self.acting_write(
            lambda uow, actor: import_rows(uow, actor, wf, ledger, office, skip_bad, progress)
        )
