"""Accounts' rules, without SQL: the password policy, argon2id hashing, session secrets and the
lockout arithmetic (web.md, "Accounts and security").

Passwords are kept only as argon2id hashes (argon2-cffi's defaults, RFC 9106's low-memory
profile); a session's or token's secret only as its SHA-256, so a copy of the database opens no
session. Every instant is given by the caller (the unit of work's clock), never read here.
argon2 is imported when a password is first hashed or checked: a command that checks none
(``case show`` and most others) does not pay for it at start-up.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from casework.errors import InvalidData

if TYPE_CHECKING:
    from argon2 import PasswordHasher

# Longer passwords only cost hashing time; 128 characters is more than any passphrase needs.
MAX_PASSWORD = 128
SCOPES = {"read": "只读 read", "write": "读写 read and write"}
KINDS = ("session", "token")
MAX_TOKEN_DAYS = 365  # a token lives at most a year; its owner makes a new one after
# Test suites only: argon2's cheapest parameters, so that thousands of test logins do not
# spend minutes hashing. A hash made so is weak; a login without the variable rehashes it with
# the standard parameters (``needs_rehash``). docs/security.md says never to set it for real.
CHEAP_HASHES_ENV = "CASEWORK_TEST_CHEAP_HASHES"


@functools.cache
def _hasher(cheapest: bool) -> PasswordHasher:
    from argon2 import PasswordHasher, profiles

    return PasswordHasher.from_parameters(profiles.CHEAPEST) if cheapest else PasswordHasher()


def hasher() -> PasswordHasher:
    """The hasher of new hashes: the standard one unless a test suite asked for the cheapest."""
    return _hasher(os.environ.get(CHEAP_HASHES_ENV) == "1")


def password_classes(password: str) -> int:
    """How many of lower case, upper case, digits and other characters a password has."""
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


def check_password(password: str, username: str, min_length: int) -> None:
    """Refuse a password the policy does not allow; the refusal names ``password``."""

    def refuse(why: str) -> InvalidData:
        return InvalidData(f"密码 password {why}", field="password")

    if len(password) < min_length:
        raise refuse(f"至少 {min_length} 个字符 (at least {min_length} characters)")
    if len(password) > MAX_PASSWORD:
        raise refuse(f"至多 {MAX_PASSWORD} 个字符 (at most {MAX_PASSWORD} characters)")
    if any(not c.isprintable() for c in password):
        raise refuse("不能含控制字符 (no control characters)")
    if password_classes(password) < 3:
        raise refuse(
            "须含小写字母、大写字母、数字、其他符号中的至少三类 "
            "(three of: lower case, upper case, digits, other)"
        )
    if username.lower() in password.lower():
        raise refuse("不能包含用户名 (must not contain the username)")


def hash_password(password: str) -> str:
    """The argon2id hash (``$argon2id$...``), salted afresh each time."""
    return hasher().hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Whether a password matches a stored hash; False for none or a malformed one."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if not stored:
        return False
    try:
        return hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY: dict[int, str] = {}


def spend_time_like_a_check(password: str) -> None:
    """Verify a password against a throwaway hash, so that a login for an unknown user takes
    as long as one with a wrong password (no hint which usernames exist)."""
    made = hasher()
    if id(made) not in _DUMMY:
        _DUMMY[id(made)] = made.hash(new_secret())
    password_matches(_DUMMY[id(made)], password)


def needs_rehash(stored: str) -> bool:
    """Whether a matching hash was made with other parameters than today's (a weak test hash,
    or a policy since strengthened): the login that proved the password rehashes it."""
    return hasher().check_needs_rehash(stored)


def new_secret() -> str:
    """A session's or token's secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """What is stored of a secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Lockout:
    """How many failed logins lock an account, and for how long."""

    failures: int
    minutes: int

    def after_failure(self, failed_before: int, now: datetime) -> tuple[int, datetime | None]:
        """The failure count and lock's end after one more failure: the n-th locks the account
        and starts the count afresh for when the lock ends."""
        failed = failed_before + 1
        if failed >= self.failures:
            return 0, now + timedelta(minutes=self.minutes)
        return failed, None


def locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and now < locked_until


@dataclass(frozen=True)
class Lifetimes:
    """A login session's idle timeout and absolute lifetime."""

    idle_minutes: int
    hours: int

    def alive(self, kind: str, last_seen: datetime, expires: datetime, now: datetime) -> str | None:
        """Why a session or token no longer holds at ``now``, or None while it holds. A token
        has no idle timeout: scripts use it now and then, until it expires."""
        if now >= expires:
            return "已过期 (expired)"
        if kind == "session" and now >= last_seen + timedelta(minutes=self.idle_minutes):
            return f"空闲超过 {self.idle_minutes} 分钟 (idle timeout)"
        return None


def check_scope(scope: str) -> str:
    if scope not in SCOPES:
        listed = "、".join(SCOPES.values())
        raise InvalidData(
            f"令牌范围 scope {scope[:20]!r} 应为 {listed}", field="scope", value=scope[:20]
        )
    return scope


def check_days(days: int) -> int:
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidData(
            f"令牌有效天数 days 应为 1..{MAX_TOKEN_DAYS}，不是 {days}", field="days", value=days
        )
    return days
