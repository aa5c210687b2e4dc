"""``audit verify --anchor FILE``: the database against an anchor made earlier
(casework.read.anchor). Each anchored case must still exist, and its chain must still hold, at
the anchored version, the anchored head: the chain's own check (casework.read.audit) then
vouches for every event before it. Cases numbered below the anchor's last id that it does not
name were slipped in afterwards; a shorter or different admin log was cut or rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.read.anchor import anchor_problems
from casework.read.audit_stream import STREAM_BATCH
from casework.read.findings import Finding
from casework.storage.chain import KEYED_FROM, read_keyed
from casework.storage.tables import cases, events

# The admin log's hash at a sequence number (None when there is no such entry).
AdminHashAt = Callable[[Connection, int], str | None]
ANCHOR = "anchor"


@dataclass(frozen=True)
class Anchored:
    """An anchor to verify against: its document, the key that signed it (None: unchecked),
    and how to read the admin log's hash at a sequence number."""

    doc: Mapping[str, Any]
    key: bytes | None
    admin_hash_at: AdminHashAt


def anchor_sound(anchor: Anchored) -> bool:
    """The anchor passes its own check (root, digest, HMAC with the key): only then may it
    say which cases are unchanged since (casework.read.audit_since)."""
    return not any(anchor_problems(anchor.doc, anchor.key))


def anchored_findings(
    conn: Connection, doc: Mapping[str, Any], key: bytes | None, admin_hash_at: AdminHashAt
) -> list[Finding]:
    """What changed since the anchor, by case; the anchor's own damage first."""
    own = [Finding(ANCHOR, None, p) for p in anchor_problems(doc, key)]
    if own:
        return own  # an altered anchor proves nothing about the database
    out = list(_case_findings(conn, doc))
    out.extend(_admin_findings(conn, doc, admin_hash_at))
    anchored = doc.get("keyed_from")
    if anchored is not None and read_keyed(conn).first_id != anchored:
        out.append(
            Finding(
                f"settings {KEYED_FROM}",
                None,
                f"密钥链起点与锚点（{anchored}）不符（被改动）"
                f"(the keyed chains' boundary differs from the anchor's {anchored})",
            )
        )
    return out


# What the database holds of an anchored case, by its number: the case exists (and, when its
# anchored step was found, whether that step's hash is the anchored head).
_EXISTS, _HOLDS, _DIFFERS = 1, 2, 3


def _case_findings(conn: Connection, doc: Mapping[str, Any]) -> Iterator[Finding]:
    """Each anchored case against the database, then the cases slipped in below the anchor's
    last id. Read in two streams, holding one small mark per anchored case beside the
    anchor's own leaves (``state``), not the cases' ids and heads."""
    by_no: dict[str, list[Any]] = {leaf[0]: leaf for leaf in doc["leaves"]}
    state: dict[str, int] = {}
    slipped: list[Finding] = []
    last_id = int(doc["last_case_id"])
    stream = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH)
    for case_id, no in stream.execute(select(cases.c.id, cases.c.case_no).order_by(cases.c.id)):
        if no in by_no:
            state[no] = _EXISTS
        elif case_id <= last_id:
            slipped.append(
                Finding(
                    no,
                    None,
                    "案件编号早于锚点，但锚点中没有它（事后插入）"
                    "(a case older than the anchor that the anchor does not name: inserted)",
                )
            )
    heads = select(cases.c.case_no, events.c.seq, events.c.hash).join(
        cases, cases.c.id == events.c.case_id
    )
    for no, seq, digest in stream.execute(heads):
        leaf = by_no.get(no)
        if leaf is not None and seq == leaf[1]:
            state[no] = _HOLDS if digest == leaf[2] else _DIFFERS
    for no, version, _ in doc["leaves"]:
        yield from _leaf_finding(no, version, state.get(no))
    yield from slipped


def _leaf_finding(no: str, version: int, found: int | None) -> Iterator[Finding]:
    if found is None:
        yield Finding(
            no, None, "锚点中的案件已不存在（被删除）(the anchored case is gone: deleted)"
        )
    elif found == _EXISTS:
        yield Finding(
            no,
            version,
            f"锚点时已有第 {version} 步，现已缺失（历史被截断）"
            f"(seq {version}, anchored, is missing: the chain was truncated)",
        )
    elif found == _DIFFERS:
        yield Finding(
            no,
            version,
            f"第 {version} 步的哈希与锚点不符（历史被改写）"
            f"(seq {version} does not match the anchor: the history was rewritten)",
        )


def _admin_findings(
    conn: Connection, doc: Mapping[str, Any], admin_hash_at: AdminHashAt
) -> Iterator[Finding]:
    head = doc.get("admin_log") or {}
    seq, digest = head.get("seq"), head.get("hash")
    if not isinstance(seq, int) or seq <= 0:
        return
    found = admin_hash_at(conn, seq)
    if found is None:
        yield Finding(
            "admin_log",
            seq,
            "锚点时的管理日志条目已缺失（被截断）(the anchored admin log entry is missing)",
        )
    elif found != digest:
        yield Finding(
            "admin_log",
            seq,
            "管理日志与锚点不符（被改写）(the admin log does not match the anchor: rewritten)",
        )
