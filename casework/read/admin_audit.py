"""The audit of the admin log and the reference data (issue 15 point 2): the log's hash chain
walked, the log replayed into the reference data it says there is, and that compared with the
tables: users, offices, holiday files, the subsidy scale, settings and dated settings.

Casework changes reference data only together with its entry (casework.storage.adminlog), so a
difference is a change made outside casework: a viewer raised to admin in ``users``, a holiday
moved in ``calendar_days``, an amount raised in ``subsidy_scale``. Each is a finding naming the
table and key (``users:admin2``), with the last entry that set it as its sequence number. An
entry whose old value is not what the log itself had then shows a change made outside
casework before it, which a later act may have overwritten.

The chain is a plain SHA-256, like the cases': it shows edits, insertions and deletions of
entries; it does not stop someone who knows the format from rewriting the whole log. Deleting
the last entries leaves a whole chain, but the replay then misses their changes, and the head
(``admin_head``) kept outside the database by the anchor finds them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from casework.domain.hashing import admin_digest
from casework.read.findings import Finding
from casework.read.shapes import AdminEntryJSON, VerifyJSON
from casework.storage.adminlog import TABLE_OF, entries, head
from casework.storage.tables import (
    admin_log,
    calendar_days,
    calendar_years,
    config_values,
    offices,
    settings,
    subsidy_scale,
    users,
)
from casework.time.local import local_iso

LOG = "admin_log"
# A row's value by key, per table; each value a mapping of column to value.
Rows = dict[str, dict[str, Any]]
EDITED = "在 casework 之外被修改 edited outside casework"


def admin_head(conn: Connection) -> tuple[int, str | None]:
    """The admin log's last sequence number and hash ((0, None) when empty), for the anchor."""
    return head(conn)


@dataclass
class Replayed:
    """The reference data as the log says it is, and the last entry that set each row."""

    tables: dict[str, Rows] = field(
        default_factory=lambda: {t: {} for t in TABLE_OF.values() if t != "config_values"}
    )
    config: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    last: dict[tuple[str, str], int] = field(default_factory=dict)

    def apply(self, entry: Mapping[str, Any]) -> list[Finding]:
        """One entry applied; a finding when its old value is not what the log had."""
        table = TABLE_OF.get(str(entry["action"]).split(".", 1)[0])
        after = entry["after"]
        if table is None or not isinstance(after, Mapping):
            return []  # a password, a session: no reference data
        key = _key(table, str(entry["target"]), after)
        self.last[(table, key)] = int(entry["seq"])
        if table == "config_values":
            self.config.setdefault(key, []).append((int(entry["seq"]), dict(after)))
            return []
        rows = self.tables[table]
        out = _before_findings(table, key, entry, rows.get(key))
        rows.setdefault(key, {}).update(after)
        return out


def _key(table: str, target: str, after: Mapping[str, Any]) -> str:
    if table == "subsidy_scale":
        return f"{after.get('effective_from')} {after.get('tier')}"
    return target


def _before_findings(
    table: str, key: str, entry: Mapping[str, Any], had: Mapping[str, Any] | None
) -> list[Finding]:
    before = entry["before"]
    if had is None or not isinstance(before, Mapping):
        return []
    out = []
    for name, old in before.items():
        if name in had and had[name] != old:
            was = _shown(had[name])
            out.append(
                Finding(
                    f"{table}:{key}",
                    int(entry["seq"]),
                    f"此条记下的原值 {name} 为 {_shown(old)}，而日志此前为 {was}（其间在 casework "
                    f"之外被修改）(the entry's old {name} {_shown(old)} is not the log's {was}: "
                    "changed outside casework before it)",
                )
            )
    return out


def _shown(value: object) -> str:
    return repr(value)


def _chain(rows: Iterable[Mapping[str, Any]], replayed: Replayed) -> tuple[int, list[Finding]]:
    """The log's chain and numbering, each entry replayed; (entries, findings)."""
    out: list[Finding] = []
    prev: str | None = None
    expected, n = 1, 0
    for row in rows:
        n += 1
        seq = int(row["seq"])
        if seq > expected:
            gap = f"{expected}" if seq == expected + 1 else f"{expected}-{seq - 1}"
            out.append(
                Finding(LOG, expected, f"缺少第 {gap} 条（被删除）(entry {gap} missing: deleted)")
            )
        if row["hash"] != admin_digest(prev, row):
            out.append(
                Finding(
                    LOG,
                    seq,
                    "内容与其哈希不符（被修改、插入或重排）"
                    "(content does not match its hash: edited, inserted or reordered)",
                )
            )
        prev, expected = row["hash"], seq + 1
        out.extend(replayed.apply(row))
    return n, out


DELETED = (
    "日志中有而表中没有（在 casework 之外被删除）"
    "(in the log, not in the table: deleted outside casework)"
)
INSERTED = (
    "表中有而管理日志中没有（在 casework 之外被插入）"
    "(in the table, not in the admin log: inserted outside casework)"
)


def _compare(
    table: str, logged: Rows, stored: Rows, last: Mapping[tuple[str, str], int]
) -> list[Finding]:
    """Each row of a table against the log's: deleted, inserted, or a column changed."""
    out: list[Finding] = []
    for key in sorted(set(logged) | set(stored)):
        where, seq = f"{table}:{key}", last.get((table, key))
        if key not in stored:
            out.append(Finding(where, seq, DELETED))
            continue
        if key not in logged:
            out.append(Finding(where, None, INSERTED))
            continue
        for name, value in stored[key].items():
            was = logged[key].get(name)
            if name in logged[key] and was != value:
                out.append(
                    Finding(
                        where,
                        seq,
                        f"{name} 日志中为 {_shown(was)}，表中为 {_shown(value)}（在 casework 之外"
                        f"被修改）({name} {_shown(was)} in the log, {_shown(value)} in the "
                        "table: edited outside casework)",
                    )
                )
    return out


# -- the tables as they stand -------------------------------------------------------------------


def _users(conn: Connection) -> Rows:
    query = select(
        users.c.username,
        users.c.name,
        users.c.role,
        users.c.office_code,
        users.c.active,
        users.c.attributes,
    )
    return {
        r.username: {
            "name": r.name,
            "role": r.role,
            "office_code": r.office_code,
            "active": bool(r.active),
            "attributes": dict(r.attributes or {}),
        }
        for r in conn.execute(query)
    }


def _offices(conn: Connection) -> Rows:
    query = select(offices.c.code, offices.c.name, offices.c.level, offices.c.kind)
    return {r.code: {"name": r.name, "level": r.level, "kind": r.kind} for r in conn.execute(query)}


def _years(conn: Connection) -> Rows:
    query = select(calendar_years.c.year, calendar_years.c.source, calendar_years.c.sha256)
    return {str(r.year): {"source": r.source, "sha256": r.sha256} for r in conn.execute(query)}


def _days(conn: Connection) -> Rows:
    query = select(calendar_days.c.day, calendar_days.c.kind, calendar_days.c.name)
    return {r.day.isoformat(): {"kind": r.kind, "name": r.name} for r in conn.execute(query)}


def _scale(conn: Connection) -> Rows:
    query = select(
        subsidy_scale.c.effective_from,
        subsidy_scale.c.tier,
        subsidy_scale.c.label,
        subsidy_scale.c.amount,
        subsidy_scale.c.example,
    )
    return {
        f"{r.effective_from.isoformat()} {r.tier}": {
            "label": r.label,
            "amount": int(r.amount),
            "example": bool(r.example),
        }
        for r in conn.execute(query)
    }


def _settings(conn: Connection) -> Rows:
    return {
        r.key: {"value": r.value} for r in conn.execute(select(settings.c.key, settings.c.value))
    }


def _config(conn: Connection) -> Rows:
    query = select(
        config_values.c.key,
        config_values.c.effective_from,
        config_values.c.value,
        config_values.c.note,
    ).order_by(config_values.c.key, config_values.c.effective_from, config_values.c.id)
    listed = [
        (r.key, {"effective_from": r.effective_from.isoformat(), "value": r.value, "note": r.note})
        for r in conn.execute(query)
    ]
    found = _numbered(listed)
    for row in found.values():
        del row["seq"]
    return found


def _config_logged(replayed: Replayed) -> tuple[Rows, dict[tuple[str, str], int]]:
    """The dated values the log set, keyed as ``_config`` keys the table's, with the entry
    that set each; a key's values in order of their day, then of their entries."""
    listed = [
        (key, {**after, "seq": seq})
        for key, rows in replayed.config.items()
        for seq, after in sorted(rows, key=lambda r: str(r[1].get("effective_from")))
    ]
    found = _numbered(listed)
    seqs = {("config_values", name): int(row.pop("seq")) for name, row in found.items()}
    return found, seqs


def _numbered(listed: Iterable[tuple[str, Mapping[str, Any]]]) -> Rows:
    """Dated values keyed by setting and day (``KEY from DAY``, then ``#2``... for a second
    value set for the same day), in the order they were set."""
    out: Rows = {}
    for key, row in listed:
        base = f"{key} from {row['effective_from']}"
        name, n = base, 1
        while name in out:
            n += 1
            name = f"{base} #{n}"
        out[name] = {"value": row["value"], "note": row.get("note"), "seq": row.get("seq")}
    return out


# -- the log against the tables -----------------------------------------------------------------


def _logged_days(years: Rows) -> Rows:
    return {
        day[0]: {"kind": day[1], "name": day[2]}
        for value in years.values()
        for day in value.get("days", [])
    }


def check(conn: Connection) -> tuple[int, list[Finding]]:
    """The admin log's chain and the reference data against it: (entries, findings)."""
    replayed = Replayed()
    stream = conn.execution_options(stream_results=True, yield_per=1000).execute(
        select(admin_log).order_by(admin_log.c.seq)
    )
    n, out = _chain((dict(r) for r in stream.mappings()), replayed)
    logged, last = replayed.tables, replayed.last
    day_seq = {
        (calendar_days.name, day): last.get((calendar_years.name, day[:4]), 0)
        for day in _logged_days(logged["calendar_years"])
    }
    config, config_seq = _config_logged(replayed)
    for table, logged_rows, stored, seqs in (
        ("users", logged["users"], _users(conn), last),
        ("offices", logged["offices"], _offices(conn), last),
        ("calendar_years", logged["calendar_years"], _years(conn), last),
        ("calendar_days", _logged_days(logged["calendar_years"]), _days(conn), day_seq),
        ("subsidy_scale", logged["subsidy_scale"], _scale(conn), last),
        ("settings", logged["settings"], _settings(conn), last),
        ("config_values", config, _config(conn), config_seq),
    ):
        out.extend(_compare(table, logged_rows, stored, seqs))
    return n, out


def with_admin_log(conn: Connection, audit: VerifyJSON) -> VerifyJSON:
    """``audit verify``'s result with the admin log's chain and the reference data checked
    too: their findings after the cases', and how many entries were checked.

    Called beside ``casework.read.audit.verify_json`` rather than from it: this module takes
    its ``Finding`` from there, and the two may not import each other."""
    entries, found = check(conn)
    findings = [*audit["findings"], *(f.as_json() for f in found)]
    total = audit["findings_total"] + len(found)
    return {
        **audit,
        "ok": audit["ok"] and not found,
        "admin_entries": entries,
        "findings": findings,
        "findings_total": total,
    }


def log_json(
    conn: Connection,
    since: datetime | None = None,
    actor: str | None = None,
    target: str | None = None,
    limit: int | None = None,
) -> list[AdminEntryJSON]:
    """``audit log``: the entries by sequence number, from an instant on, of one actor or one
    target (a username, an office code, a year, a setting's key), the last ``limit`` of them."""
    return [
        AdminEntryJSON(
            seq=int(r["seq"]),
            at=local_iso(r["at"]),
            actor=r["actor"],
            action=r["action"],
            target=r["target"],
            before=r["before"],
            after=r["after"],
            data=dict(r["data"] or {}),
            channel=r["channel"],
            os_user=r["os_user"],
            hash=r["hash"],
        )
        for r in entries(conn, since, actor, target, limit)
    ]
