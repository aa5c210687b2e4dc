"""User-worded errors: each says what was refused and why, in one line."""

from __future__ import annotations


class CaseworkError(Exception):
    """A refused operation. The CLI prints it as one line and exits with ``exit_code``."""

    exit_code = 1


class NotFound(CaseworkError):
    """An unknown case, office, user or workflow."""


class NotAllowed(CaseworkError):
    """The acting user's role or office may not do this."""


class IllegalTransition(CaseworkError):
    """The trigger is not allowed from the case's current state."""


class GuardFailed(CaseworkError):
    """A rule of the procedure refused the trigger."""


class InvalidData(CaseworkError):
    """A value is missing, malformed or out of range."""


class Conflict(CaseworkError):
    """The case changed while this change was being made."""


class DatabaseBusy(CaseworkError):
    """Other writers held the database for longer than we wait."""


class NotInitialised(CaseworkError):
    """The database does not exist or has no casework schema yet."""
