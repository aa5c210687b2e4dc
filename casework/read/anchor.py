"""Anchors: a statement of the whole history kept outside the database (issue 15 point 3).

An anchor holds every case's chain head as of its making (number, version, head hash), the
Merkle root over them, the admin log's head, the counts and the last ids, and the time. Its
``digest`` (SHA-256 of the statement) is short enough to print with the monthly report or to
mail; its ``hmac``, made with a subkey of the personal-data key (which is never in the
database), shows that whoever made it held the key. Later, ``audit verify --anchor FILE``
finds what was deleted, truncated, rewritten or slipped in before the anchor, by name: a hash
chain cannot show a case deleted whole, nor a chain recomputed by someone who knows the format,
but a copy of its head held elsewhere can.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypedDict, cast

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from casework.errors import InvalidData
from casework.storage.chain import read_keyed
from casework.storage.tables import cases, events
from casework.time.local import local_iso

FORMAT = "casework-anchor/1"
MAX_BYTES = 64 * 1024 * 1024  # a city's decade of cases is a few MB; anything larger is not ours
# A case's head as anchored: [case_no, version, head hash].
Leaf = list[Any]


class AnchorJSON(TypedDict):
    format: str
    made_at: str
    made_by: str | None
    cases: int
    events: int
    last_case_id: int
    last_event_id: int
    admin_log: dict[str, Any]
    keyed_from: int | None
    root: str
    leaves: list[Leaf]
    digest: str
    hmac: str | None


def _leaf_hash(leaf: Sequence[Any]) -> bytes:
    return hashlib.sha256(f"leaf\n{leaf[0]}\n{leaf[1]}\n{leaf[2]}".encode()).digest()


def merkle_root(leaves: Sequence[Sequence[Any]]) -> str:
    """The root over the leaves in order (an odd node is carried up as it is)."""
    level = [_leaf_hash(leaf) for leaf in leaves]
    if not level:
        return hashlib.sha256(b"empty").hexdigest()
    while len(level) > 1:
        pairs = [level[i : i + 2] for i in range(0, len(level), 2)]
        level = [
            hashlib.sha256(b"node\n" + p[0] + p[1]).digest() if len(p) == 2 else p[0] for p in pairs
        ]
    return level[0].hex()


def _statement(doc: Mapping[str, Any]) -> bytes:
    """What the digest and the HMAC cover: everything but themselves and the leaves (which
    the root covers)."""
    body = {k: v for k, v in doc.items() if k not in ("digest", "hmac", "leaves")}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def make_anchor(
    conn: Connection,
    admin_head: tuple[int, str | None],
    at: datetime,
    by: str | None,
    key: bytes | None,
) -> AnchorJSON:
    """The anchor of the database as this snapshot holds it."""
    leaves: list[Leaf] = [
        [r.case_no, r.version, r.head_hash]
        for r in conn.execute(
            select(cases.c.case_no, cases.c.version, cases.c.head_hash).order_by(cases.c.id)
        )
    ]
    counts = conn.execute(
        select(func.count(), func.coalesce(func.max(events.c.id), 0)).select_from(events)
    ).one()
    last_case = conn.execute(select(func.coalesce(func.max(cases.c.id), 0))).scalar_one()
    doc: dict[str, Any] = {
        "format": FORMAT,
        "made_at": local_iso(at),
        "made_by": by,
        "cases": len(leaves),
        "events": int(counts[0]),
        "last_case_id": int(last_case),
        "last_event_id": int(counts[1]),
        "admin_log": {"seq": admin_head[0], "hash": admin_head[1]},
        "keyed_from": read_keyed(conn).first_id,
        "root": merkle_root(leaves),
    }
    statement = _statement(doc)
    doc["digest"] = hashlib.sha256(statement).hexdigest()
    doc["hmac"] = hmac.new(key, statement, "sha256").hexdigest() if key else None
    doc["leaves"] = leaves
    return cast(AnchorJSON, doc)


def read_anchor(path: str) -> dict[str, Any]:
    """An anchor file, refused in one line when it is not one."""
    import os

    try:
        if os.path.getsize(path) > MAX_BYTES:
            raise InvalidData(f"锚点文件 {path} 过大，不是 casework 的锚点", field="anchor")
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "不是 JSON (not JSON)"
        raise InvalidData(
            f"无法读取锚点文件 {path}：{reason} (cannot read the anchor)", field="anchor"
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InvalidData(
            f"{path} 不是 casework 的锚点文件（format 应为 {FORMAT}）(not an anchor file)",
            field="anchor",
        )
    _check_shape(doc, path)
    return doc


def _check_shape(doc: Mapping[str, Any], path: str) -> None:
    leaves = doc.get("leaves")
    ints = ("cases", "events", "last_case_id", "last_event_id")
    good = (
        isinstance(leaves, list)
        and all(
            isinstance(x, list)
            and len(x) == 3
            and isinstance(x[0], str)
            and isinstance(x[1], int)
            and (x[2] is None or isinstance(x[2], str))
            for x in leaves
        )
        and all(isinstance(doc.get(k), int) for k in ints)
        and isinstance(doc.get("admin_log"), dict)
        and isinstance(doc.get("root"), str)
        and isinstance(doc.get("digest"), str)
    )
    if not good:
        raise InvalidData(
            f"锚点文件 {path} 的内容不完整或格式不对 (malformed anchor)", field="anchor"
        )


def anchor_problems(doc: Mapping[str, Any], key: bytes | None) -> Iterator[str]:
    """The anchor's own integrity: its root, digest and, with the key, its HMAC."""
    if merkle_root(doc["leaves"]) != doc["root"]:
        yield "锚点文件的案件列表与其根哈希不符（被改动）(the leaves do not match the root)"
    statement = _statement(doc)
    if hashlib.sha256(statement).hexdigest() != doc["digest"]:
        yield "锚点文件的摘要不符（被改动）(the anchor's digest does not match its content)"
    mac = doc.get("hmac")
    signed = hmac.new(key, statement, "sha256").hexdigest() if key is not None else None
    if signed is not None and isinstance(mac, str) and not hmac.compare_digest(signed, mac):
        yield (
            "锚点文件的签名 hmac 与本库密钥不符（被改动，或出自另一密钥）"
            "(the anchor's HMAC does not match this database's key)"
        )


def summary(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The anchor without its leaves: what is printed, mailed or read aloud."""
    return {k: v for k, v in doc.items() if k != "leaves"}


def write_anchor(doc: Mapping[str, Any], path: str) -> None:
    """Write the anchor to a new file (never over an existing one), whole or not at all."""
    import os

    folder = os.path.dirname(os.path.abspath(path))
    if os.path.exists(path):
        raise InvalidData(f"{path} 已存在 (exists already)；请另取文件名", field="out", value=path)
    if not os.path.isdir(folder):
        raise InvalidData(f"文件夹 {folder} 不存在 (does not exist)", field="out", value=path)
    partial = os.path.join(folder, f".{os.path.basename(path)}.partial-{os.getpid()}")
    try:
        with open(partial, "x", encoding="utf-8") as f:
            json.dump(doc, f, ensure_ascii=False, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.link(partial, path)  # fails if the name was taken meanwhile: nothing is replaced
    except FileExistsError:
        raise InvalidData(f"{path} 已存在 (exists already)", field="out", value=path) from None
    except OSError as exc:
        raise InvalidData(f"无法写入 {path}：{exc.strerror}", field="out", value=path) from None
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
