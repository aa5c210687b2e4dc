"""How a user reaches casework, for the admin, login and reveal logs and the events' channel.

Apart from the account use cases (``casework.services.accounts``, which re-exports it) so that
the API's shared context can name it without importing every use case behind it (start-up,
issue 18).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Channel:
    """How an admin acted: ``cli`` (with the operating-system account), ``api`` or ``web``."""

    name: str = "api"
    os_user: str | None = None
