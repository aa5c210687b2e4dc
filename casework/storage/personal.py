"""Personal data at rest (个人信息保护法 art. 51): ID numbers and phones sealed with AES-256-GCM
under a key kept outside the database, found again by a blind index.

The key is 32 random bytes, from ``CASEWORK_KEY`` (64 hex digits or base64) or else from the
key file ``casework.key``: ``CASEWORK_KEY_FILE`` when set, else beside a SQLite database file,
else in the application directory (``$XDG_CONFIG_HOME/casework``, ``~/.config/casework``).
``casework init`` and ``casework demo`` create the file (mode 0600) when there is no key yet.
The key rides on the engine's dialect, so that each database carries its own and the column
types below seal and open values wherever SQLAlchemy binds or reads them; nothing of it is
ever written to the database, which keeps only a check (an HMAC of a fixed label) so that a
missing or wrong key is refused before anything is shown or written.

Three subkeys are derived once per process and key (HKDF-SHA256), never per row: one seals,
one computes the blind index (HMAC-SHA256 of the normalised value: an ID number upper-cased,
a phone's digits), one makes the check. A sealed value is ``v1:`` and the base64 of a fresh
12-byte nonce and the ciphertext with its tag; the column's kind is the associated data, so
that an ID number's ciphertext cannot be moved into a phone's column.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, TypeGuard

from sqlalchemy import String
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.types import TypeDecorator

from casework.domain.facts import CASE_FACTS as FACTS
from casework.errors import NotInitialised
from casework.storage.types import JSONDocument

Kind = Literal["id_number", "phone"]
KINDS: tuple[Kind, ...] = ("id_number", "phone")
KEY_ENV = "CASEWORK_KEY"
KEY_FILE_ENV = "CASEWORK_KEY_FILE"
KEY_FILE = "casework.key"
CHECK_KEY = "personal.key_check"
SEALED = "v1:"
_ATTR = "casework_personal_key"


@dataclass(frozen=True)
class PersonalKey:
    """The key of one database: where it came from, and its derived subkeys."""

    source: str
    seal_key: bytes
    index_key: bytes
    check: str
    # Made once per key (the cipher when first needed): a cipher object and an HMAC state
    # copied per value are cheaper than new ones (the demo seals some 30,000 values).
    aead: Any = field(default=None, compare=False, repr=False)
    mac: Any = field(default=None, compare=False, repr=False)
    # Signs anchors of the history (casework.read.anchor): whoever lacks the key cannot make
    # one that verifies.
    audit_key: bytes = field(default=b"", compare=False, repr=False)
    # Keys the events' hash chain (casework.domain.hashing): a forger without the key file
    # cannot recompute a chain after editing it.
    chain_key: bytes = field(default=b"", compare=False, repr=False)

    def cipher(self) -> Any:
        """The AES-256-GCM cipher of ``seal_key``, made when first needed: importing
        ``cryptography`` is left to the commands that seal or open a value."""
        if self.aead is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            # Frozen, but the cipher is a cache of seal_key (compare=False): set once.
            object.__setattr__(self, "aead", AESGCM(self.seal_key))
        return self.aead

    def seal(self, kind: str, value: str) -> str:
        nonce = os.urandom(12)
        sealed = self.cipher().encrypt(nonce, value.encode(), kind.encode())
        return SEALED + base64.b64encode(nonce + sealed).decode("ascii")

    def seal_all(self, kind: str, values: Sequence[str | None]) -> list[str | None]:
        """Each value sealed as :meth:`seal` seals it (None kept): the nonces are read from
        the system's random source at once, 12 fresh bytes a value, as many calls give."""
        nonces = os.urandom(12 * len(values))
        encrypt, extra, b64 = self.cipher().encrypt, kind.encode(), base64.b64encode
        out: list[str | None] = []
        for at, value in enumerate(values):
            if value is None:
                out.append(None)
                continue
            nonce = nonces[12 * at : 12 * at + 12]
            out.append(SEALED + b64(nonce + encrypt(nonce, value.encode(), extra)).decode("ascii"))
        return out

    def open(self, kind: str, token: str) -> str:
        from cryptography.exceptions import InvalidTag

        if not token.startswith(SEALED):
            raise refusal(
                f"个人信息列 {kind} 中有未加密的值 (a clear value where a sealed one was)"
            )
        raw = base64.b64decode(token[len(SEALED) :])
        try:
            opened: bytes = self.cipher().decrypt(raw[:12], raw[12:], kind.encode())
        except InvalidTag:
            raise refusal(
                f"个人信息 {kind} 无法用此密钥解密 (cannot be opened with this key)"
            ) from None
        return opened.decode()

    def index(self, kind: str, value: str) -> str:
        mac = self.mac.copy()
        mac.update(f"{kind}:{normalised(kind, value)}".encode())
        return str(mac.hexdigest())


def normalised(kind: str, value: str) -> str:
    """The form the blind index hashes: an ID number upper-cased without blanks, a phone's
    digits only (``0668-1234567`` and ``06681234567`` are the same line)."""
    if kind == "phone":
        # A phone's normal form is mostly its digits already (a mobile's eleven).
        return value if value.isdigit() else "".join(ch for ch in value if ch.isdigit())
    return "".join(value.split()).upper()


def derive(master: bytes, label: str) -> bytes:
    """HKDF-SHA256 (RFC 5869) of ``master``, salt ``casework``, info ``label``, 32 bytes: the
    extraction and the expansion's one block, with ``hmac``. The bytes are those of
    ``cryptography``'s HKDF (tests/unit/test_personal_key.py), which loading a key no longer
    imports: a command that seals and opens nothing saves about 6 ms (start-up, issue 18)."""
    extracted = hmac.new(b"casework", master, "sha256").digest()
    return hmac.new(extracted, label.encode() + b"\x01", "sha256").digest()


@lru_cache(maxsize=16)
def key_from_bytes(master: bytes, source: str) -> PersonalKey:
    """The subkeys of a 32-byte key, derived once per key."""
    check = hmac.new(derive(master, "check v1"), b"casework key check", "sha256").hexdigest()
    seal, index = derive(master, "seal v1"), derive(master, "index v1")
    mac = hmac.new(index, None, "sha256")
    audit, chain = derive(master, "anchor v1"), derive(master, "chain v1")
    return PersonalKey(source, seal, index, check, None, mac, audit_key=audit, chain_key=chain)


def parse_key(text: str, source: str) -> PersonalKey:
    """A key written as 64 hex digits or as base64 of 32 bytes; anything else is refused."""
    raw = text.strip()
    master: bytes | None = None
    if len(raw) == 64 and all(c in "0123456789abcdefABCDEF" for c in raw):
        master = bytes.fromhex(raw)
    else:
        with contextlib.suppress(binascii.Error, ValueError):
            master = base64.b64decode(
                raw + "=" * (-len(raw) % 4),
                altchars=b"-_" if "-" in raw or "_" in raw else None,
                validate=True,
            )
    if master is None or len(master) != 32:
        raise refusal(
            f"个人信息密钥 {source} 格式不对，应为 32 字节的 base64 或 64 位十六进制"
            " (the key must be 32 bytes, base64 or hex)"
        )
    return key_from_bytes(master, source)


def refusal(reason: str) -> NotInitialised:
    return NotInitialised(reason, field="key")


def app_dir() -> str:
    """The application directory (as ``typer.get_app_dir("casework")`` on Linux)."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return os.path.join(base, "casework")


def key_file_for(sqlite_file: str | None) -> str:
    """Where the key file of a database is: ``CASEWORK_KEY_FILE``, else beside the SQLite
    file, else in the application directory."""
    chosen = os.environ.get(KEY_FILE_ENV)
    if chosen:
        return os.path.abspath(os.path.expanduser(chosen))
    if sqlite_file:
        return os.path.join(os.path.dirname(os.path.abspath(sqlite_file)), KEY_FILE)
    return os.path.join(app_dir(), KEY_FILE)


def load_key(sqlite_file: str | None) -> PersonalKey | None:
    """The key from the environment or the key file, or None when there is neither."""
    env = os.environ.get(KEY_ENV)
    if env:
        return parse_key(env, KEY_ENV)
    path = key_file_for(sqlite_file)
    try:
        with open(path, encoding="ascii") as f:
            text = f.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise refusal(
            f"无法读取个人信息密钥文件 {path} (cannot read the key file)：{exc}"
        ) from None
    return parse_key(text, path)


def create_key_file(sqlite_file: str | None) -> PersonalKey:
    """A new random key written to the key file (mode 0600, never over an existing one)."""
    path = key_file_for(sqlite_file)
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    text = base64.b64encode(os.urandom(32)).decode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile: use theirs
        key = load_key(sqlite_file)
        assert key is not None
        return key
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(text + "\n")
    return parse_key(text, path)


def attach(engine: Engine, key: PersonalKey | None) -> None:
    """Give an engine its key (or none): the column types find it on the dialect."""
    setattr(engine.dialect, _ATTR, key)


def key_on(dialect: Dialect) -> PersonalKey | None:
    found: PersonalKey | None = getattr(dialect, _ATTR, None)
    return found


def key_of(conn: Connection | Engine) -> PersonalKey:
    """The key of a connection's database, or the one-line refusal when there is none."""
    key = key_on(conn.dialect)
    if key is None:
        raise missing_key(None)
    return key


def missing_key(sqlite_file: str | None) -> NotInitialised:
    return refusal(
        f"缺少个人信息密钥 (the personal-data key is missing)：请设置 {KEY_ENV} 或放回密钥文件"
        f" {key_file_for(sqlite_file)}"
    )


class PersonalValue(TypeDecorator[str]):
    """A column holding one kind of personal value (an ID number or a phone)."""

    impl = String(100)
    cache_ok = True

    def __init__(self, kind: Kind) -> None:
        super().__init__()
        self.kind = kind


class Sealed(PersonalValue):
    """An ID number or phone, sealed on the way in and opened on the way out."""

    cache_ok = True  # SQLAlchemy reads it from each class itself, not from a base

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return key_of_dialect(dialect).seal(self.kind, value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return key_of_dialect(dialect).open(self.kind, value)


class BlindIndex(PersonalValue):
    """The blind index of an ID number or phone: written and compared as the clear value,
    stored as its keyed hash (so ``column.in_([clear, ...])`` finds exact matches)."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return key_of_dialect(dialect).index(self.kind, value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return value


def key_of_dialect(dialect: Dialect) -> PersonalKey:
    key = key_on(dialect)
    if key is None:
        raise missing_key(None)
    return key


# A correction's change of a party's ID number or phone keeps the old and the new value.
def _party_kind(change: object) -> str | None:
    if not isinstance(change, dict) or change.get("field") != "party":
        return None
    key = str(change.get("key") or "")
    for kind in KINDS:
        if key.endswith("." + kind):
            return kind
    return None


def _map_changes(data: Mapping[str, Any], how: Callable[[str, str], str]) -> dict[str, Any]:
    changes = data.get("changes")
    assert isinstance(changes, list)
    out = []
    for change in changes:
        kind = _party_kind(change)
        if kind is not None:
            change = {
                **change,
                **{
                    end: how(kind, change[end])
                    for end in ("from", "to")
                    if isinstance(change.get(end), str)
                },
            }
        out.append(change)
    return {**data, "changes": out}


def _is_mapping(value: object) -> TypeGuard[Mapping[str, Any]]:
    # A plain dict first: the check against the abstract Mapping costs more, every event.
    return type(value) is dict or isinstance(value, Mapping)


def _has_personal(data: object) -> bool:
    if not _is_mapping(data):
        return False
    facts = data.get(FACTS)  # a registration's parties (casework.domain.facts)
    if _is_mapping(facts) and _has_people(facts.get("parties")):
        return True
    changes = data.get("changes")
    return isinstance(changes, list) and any(_party_kind(c) for c in changes)


def _has_people(parties: object) -> bool:
    return isinstance(parties, list) and any(
        _is_mapping(p) and any(isinstance(p.get(kind), str) for kind in KINDS) for p in parties
    )


def _map_personal(data: Mapping[str, Any], how: Callable[[str, str], str]) -> dict[str, Any]:
    """A correction's or a registration's personal values mapped by ``how(kind, value)``."""
    out = _map_changes(data, how) if isinstance(data.get("changes"), list) else dict(data)
    facts = data.get(FACTS)
    if isinstance(facts, Mapping) and isinstance(facts.get("parties"), list):
        people = [
            {
                **p,
                **{
                    kind: how(kind, p[kind])
                    for kind in KINDS
                    if isinstance(p, Mapping) and isinstance(p.get(kind), str)
                },
            }
            if isinstance(p, Mapping)
            else p
            for p in facts["parties"]
        ]
        out[FACTS] = {**facts, "parties": people}
    return out


def seal_event_data(data: Any, key: PersonalKey) -> Any:
    """Event data as stored: a correction's old and new ID numbers and phones sealed."""
    if not _has_personal(data):
        return data
    return _map_personal(data, key.seal)


def open_event_data(data: Any, key: PersonalKey | None) -> Any:
    """Event data as recorded (and hashed): the sealed values of a correction opened."""
    if not _has_personal(data):
        return data
    if key is None:
        raise missing_key(None)
    return _map_personal(data, lambda kind, v: key.open(kind, v) if v.startswith(SEALED) else v)


class EventData(JSONDocument):
    """An event's data: JSON, with a correction's personal values sealed. The hash chain
    covers the data as recorded (clear), so sealing it, or a migration sealing old rows,
    leaves every digest valid."""

    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if not _has_personal(value):
            return value
        return seal_event_data(value, key_of_dialect(dialect))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return open_event_data(value, key_on(dialect))


def opened_text(text: object, dialect: Dialect) -> Any:
    """For the bulk path on SQLite: the stored JSON text of an event's data opened, or None
    when it holds nothing sealed (then it is decoded as any JSON is)."""
    if not isinstance(text, str) or SEALED not in text:
        return None
    return open_event_data(json.loads(text), key_on(dialect))


def writers(dialect: Dialect, types: Sequence[object]) -> list[tuple[int, Callable[[Any], Any]]]:
    """For the bulk path: the sealing each keyed column's value needs, by position."""
    out: list[tuple[int, Callable[[Any], Any]]] = []
    for i, t in enumerate(types):
        if isinstance(t, Sealed | BlindIndex | EventData):
            out.append((i, _bound(t, dialect)))
    return out


def _bound(t: Sealed | BlindIndex | EventData, dialect: Dialect) -> Callable[[Any], Any]:
    def write(value: Any) -> Any:
        return t.process_bind_param(value, dialect)

    return write


Column = Sequence[Any]


def column_writers(
    dialect: Dialect, types: Sequence[object]
) -> list[tuple[int, Callable[[Column], Column]]]:
    """For the bulk path: by position, how each keyed column's values for many rows are
    stored, a column at a time (the key looked up once, not once a value). The same values
    as the columns' types bind (:func:`writers`); a value to seal without a key is refused
    as they refuse it."""
    out: list[tuple[int, Callable[[Column], Column]]] = []
    for i, t in enumerate(types):
        if isinstance(t, Sealed | BlindIndex | EventData):
            out.append((i, _column_writer(t, dialect)))
    return out


def _column_writer(
    t: Sealed | BlindIndex | EventData, dialect: Dialect
) -> Callable[[Column], Column]:
    def write(values: Column) -> Column:
        if isinstance(t, EventData):
            personal = [_has_personal(v) for v in values]
            if not any(personal):
                return values
            seal = key_of_dialect(dialect).seal
            return [
                _map_personal(v, seal) if p else v for v, p in zip(values, personal, strict=True)
            ]
        if all(v is None for v in values):
            return values
        key = key_of_dialect(dialect)
        if isinstance(t, Sealed):
            return key.seal_all(t.kind, values)
        index, kind = key.index, t.kind
        return [None if v is None else index(kind, v) for v in values]

    return write
