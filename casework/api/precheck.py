"""A registration checked before it is saved: the register form's live checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from casework.api.base import Base

if TYPE_CHECKING:
    from casework.read.precheck import PrecheckJSON


class Precheck(Base):
    """登记前检查."""

    def check_registration(
        self,
        kind: str,
        title: str,
        parties: Sequence[tuple[str, str, str | None, str | None]],
        request: str | None = None,
    ) -> PrecheckJSON:
        """Each party's (role, name, ID number, phone) ID number and phone checked, and the
        same person's earlier cases of the procedure (as ``register`` would show in its
        ``related``, scoped alike), without writing anything."""
        from casework.domain.model import Party
        from casework.read.precheck import precheck

        with self.read() as (conn, actor):
            people = [Party(r, n, i or None, p or None) for r, n, i, p in parties]
            return precheck(conn, self.machines, actor, kind, title, request, people)

    def party_roles(self, kind: str) -> list[tuple[str, str]]:
        """The procedure's party roles, each with its Chinese label."""
        from workflows.spec import PARTY_ROLES

        return [(r, PARTY_ROLES.get(r, r)) for r in self.machines.workflow(kind).party_roles]

    def register_kinds(self) -> list[tuple[str, str]]:
        """The procedures the acting user may register by hand (not those only a command
        creates, as subsidy claims by drafting), each with its Chinese label."""
        with self.read() as (_, actor):
            roles = actor.roles if actor is not None else frozenset()
        return [
            (wf.name, wf.label)
            for wf in self.machines.registry
            if wf.registered_by is None and roles & set(wf.register_roles)
        ]
