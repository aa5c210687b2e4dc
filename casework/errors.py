"""Refusals in the user's terms: each says what was refused and why, in one line.

A :class:`CaseworkError` carries its ``reason`` (Chinese first, with the English identifiers of
states, triggers and values beside their labels) and, when one input is at fault, the ``field``
that holds it and the ``value`` given. No reason names a command-line option: the CLI maps a
field to its option (``at`` to ``--at``, ``value.days`` to ``--set days=``), the ledger importer
to its column header and a web form to its input.

Field names:

- ``at``, ``note``, ``ref``, ``title``, ``office``, ``link``, ``file``, ``kind``, ``trigger``,
  ``state``, ``case_no``, ``document``: the parts of a step or a registration;
- ``value.NAME``: a value a trigger or registration takes (``value.days``);
- ``party``, ``party.role``, ``party.name``, ``party.id_number``, ``party.phone``: a party;
- ``user``: the acting user; ``username``, ``role``, ``name``, ``level``, ``code``: admin input;
- ``attr.NAME``: a user's attribute an admin sets (``attr.legal_qualification``);
- ``as_of``, ``from``, ``to``, ``by``, ``metric``, ``within``, ``limit``, ``quarter``, ``month``,
  ``year``, ``seed``, ``date``, ``found``, ``prevented``, ``campaign``, ``tier``, ``amount``,
  ``columns``, ``out``, ``map``, ``holiday_file``, ``database``: the options of reads and tools;
- ``password``, ``scope``, ``days``, ``since``, ``session``: accounts and their logs.
"""

from __future__ import annotations


class CaseworkError(Exception):
    """A refused operation. The CLI prints it as one line and exits with ``exit_code``."""

    exit_code = 1

    def __init__(self, reason: str, *, field: str | None = None, value: object = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.value = value

    def within(self, where: str) -> CaseworkError:
        """The same refusal, saying where it happened (``第 3 步（共 5 步）step 3 of 5``)."""
        located = type(self).__new__(type(self))
        located.__dict__.update(self.__dict__)
        located.reason = f"{where}：{self.reason}"
        located.args = (located.reason,)
        return located


class NotFound(CaseworkError):
    """An unknown case, office, user or workflow."""


class NotAllowed(CaseworkError):
    """The acting user's role or office may not do this."""


class IllegalTransition(CaseworkError):
    """The trigger is not allowed from the case's current state."""


class GuardFailed(CaseworkError):
    """A rule of the procedure refused the trigger; ``rule`` names it."""

    def __init__(
        self, reason: str, *, rule: str = "", field: str | None = None, value: object = None
    ) -> None:
        super().__init__(reason, field=field, value=value)
        self.rule = rule


class InvalidData(CaseworkError):
    """A value is missing, malformed or out of range."""


class Conflict(CaseworkError):
    """The case changed while this change was being made."""


class DatabaseBusy(CaseworkError):
    """Other writers held the database for longer than we wait."""


class NotInitialised(CaseworkError):
    """The database does not exist or has no casework schema yet."""


class AuthFailed(CaseworkError):
    """A login or a session refused: wrong or unknown credentials, an expired, revoked or
    unknown session or token (the web answers 401). The reason never says which part was
    wrong, so it cannot be used to find usernames."""


class AccountLocked(CaseworkError):
    """Too many failed logins: the account is locked until a time (the web answers 423)."""


class Damaged(CaseworkError):
    """A stored row casework cannot read (changed or corrupted outside casework): the refusal
    says which case, column and what is wrong; ``casework audit verify`` lists every one."""


class DamagedRows(UserWarning):
    """Rows a listing left out because they are damaged: the warning's text names them, and
    the CLI says it as one line on stderr."""
