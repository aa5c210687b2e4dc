"""Published figures (公布数, issue 17 point 8) as read: what a version holds and says of
itself, what it was computed over (the procedure versions, a hash of the inputs), and how
today's figures differ from it, cell by cell.

The inputs' hash covers what the period's figures are counted from: every step recorded as
happening in the period (each case's number, the step's place in its history and the step's
own hash, which covers its content) and the period's screening entries. A late entry, a
correction or a step added since publication changes it; a step of another period does not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, TypedDict, cast

from sqlalchemy import select
from sqlalchemy.engine import Connection

import casework
from casework.domain.publishing import REVISE_REASONS
from casework.read.shapes import Figure, StatsJSON
from casework.storage.tables import cases, events, screenings
from casework.time.local import local_iso
from workflows import Registry


class VersionJSON(TypedDict):
    """One version of a period's published figures, as listed beside the one shown."""

    version: int
    published_at: str
    published_by: str
    reason: str | None  # None for version 1; late_data | method | error
    revised: bool  # a later version revises it (修订)


class PublishedJSON(TypedDict):
    """``stats --published``: one version with its figures, and every version of the period."""

    period: str
    by: str | None
    version: int
    published_at: str
    published_by: str
    reason: str | None
    revised: bool
    procedure_versions: dict[str, Any]
    inputs_hash: str
    figures: StatsJSON
    versions: list[VersionJSON]


class CellJSON(TypedDict):
    """A figure that differs: its metric and group ("" without a grouping), then and now."""

    metric: str
    label: str
    group: str
    published: Figure
    today: Figure


class DiffJSON(TypedDict):
    """``stats publish --diff``: today's figures against the latest published version."""

    period: str
    by: str | None
    version: int
    published_at: str
    cells: list[CellJSON]
    compared: int  # the cells compared
    inputs_changed: bool
    procedures_changed: bool
    summary: str


def inputs_hash(conn: Connection, first: date, last: date) -> str:
    """SHA-256 of the steps recorded as happening from ``first`` to ``last`` and of those
    days' screening entries, in a fixed order (see the module's docstring)."""
    digest = hashlib.sha256()
    steps = (
        select(cases.c.case_no, events.c.seq, events.c.hash)
        .join(cases, cases.c.id == events.c.case_id)
        .where(events.c.occurred_on.between(first, last))
        .order_by(cases.c.case_no, events.c.seq)
    )
    for case_no, seq, step_hash in conn.execute(steps):
        digest.update(f"e|{case_no}|{seq}|{step_hash}\n".encode())
    entries = (
        select(*(screenings.c[name] for name in SCREENING_FIELDS))
        .where(screenings.c.day.between(first, last))
        .order_by(screenings.c.id)
    )
    for row in conn.execute(entries):
        digest.update(("s|" + "|".join(str(v) for v in row) + "\n").encode())
    return digest.hexdigest()


# What of a screening entry its figures read (its note and its recorder's name are not counted).
SCREENING_FIELDS = ("id", "office_code", "day", "kind", "campaign", "found", "prevented")


def procedure_versions(registry: Registry, first: date, last: date) -> dict[str, Any]:
    """casework's version, and per procedure the rule versions in force in the period and a
    digest of how its figures are declared (a change of method changes it)."""
    out: dict[str, Any] = {"casework": casework.__version__}
    for wf in registry:
        rules = [
            v.name
            for v in wf.versions
            if v.effective_from is not None
            and v.effective_from <= last
            and (v is wf.version_on(first) or v.effective_from >= first)
        ]
        metrics = hashlib.sha256(repr(wf.metrics).encode()).hexdigest()[:16]
        out[wf.name] = {"rules": rules, "metrics": metrics}
    return out


def as_json(rows: Sequence[Mapping[str, Any]], version: int | None = None) -> PublishedJSON:
    """One stored version (the latest unless ``version`` is named) and the list of all."""
    listed = [_version(row, i < len(rows) - 1) for i, row in enumerate(rows)]
    chosen = rows[-1] if version is None else next(r for r in rows if r["version"] == version)
    head = listed[int(chosen["version"]) - 1]
    return PublishedJSON(
        period=str(chosen["period"]),
        by=str(chosen["by"]) or None,
        version=head["version"],
        published_at=head["published_at"],
        published_by=head["published_by"],
        reason=head["reason"],
        revised=head["revised"],
        procedure_versions=dict(chosen["procedure_versions"]),
        inputs_hash=str(chosen["inputs_hash"]),
        figures=cast(StatsJSON, dict(chosen["figures"])),
        versions=listed,
    )


def _version(row: Mapping[str, Any], revised: bool) -> VersionJSON:
    return VersionJSON(
        version=int(row["version"]),
        published_at=local_iso(row["published_at"]),
        published_by=str(row["published_by"]),
        reason=row["reason"],
        revised=revised,
    )


def reason_label(reason: str | None) -> str:
    return REVISE_REASONS.get(reason or "", "")


def cells(figures: StatsJSON) -> dict[tuple[str, str], Figure]:
    """Every figure of a result by (metric, group): group "" without a grouping."""
    if "rows" in figures:
        return {
            (name, row["key"]): value
            for row in figures["rows"]
            for name, value in row["metrics"].items()
        }
    return {(name, ""): value for name, value in figures.get("metrics", {}).items()}


def _absent(other: Figure) -> Figure:
    """A group a result has no row for counted nothing: 0 beside a count, no rate beside a
    rate (a row is left out when every tally of its group is empty)."""
    return 0 if isinstance(other, int) else None


def changed_cells(then: StatsJSON, now: StatsJSON) -> tuple[list[CellJSON], int]:
    """The cells whose figure differs between two results, in the metrics' and groups' order,
    and how many cells were compared."""
    old, new = cells(then), cells(now)
    labels = {**then.get("labels", {}), **now.get("labels", {})}
    keys = list(dict.fromkeys([*old, *new]))
    out: list[CellJSON] = []
    for key in keys:
        a = old[key] if key in old else _absent(new.get(key))
        b = new[key] if key in new else _absent(old.get(key))
        if a != b:
            out.append(
                CellJSON(
                    metric=key[0], label=labels.get(key[0], ""), group=key[1], published=a, today=b
                )
            )
    order = {name: i for i, name in enumerate(labels)}
    out.sort(key=lambda c: (order.get(c["metric"], len(order)), c["group"]))
    return out, len(keys)


def diff(
    published: PublishedJSON, now: StatsJSON, hash_now: str, versions_now: Mapping[str, Any]
) -> DiffJSON:
    """Today's figures against a published version, with a one-line summary."""
    found, compared = changed_cells(published["figures"], now)
    inputs = hash_now != published["inputs_hash"]
    procedures = dict(versions_now) != published["procedure_versions"]
    said = [
        f"{published['period']} 公布数第 {published['version']} 版 "
        f"({published['published_at'][:16].replace('T', ' ')})与今日相比：",
        f"{len(found)} / {compared} 格不同 ({len(found)} of {compared} cells differ)；",
        "输入已变化 (inputs changed since publication)"
        if inputs
        else "输入未变 (inputs unchanged)",
    ]
    if procedures:
        said.append("；程序版本已变化 (procedure versions changed)")
    return DiffJSON(
        period=published["period"],
        by=published["by"],
        version=published["version"],
        published_at=published["published_at"],
        cells=found,
        compared=compared,
        inputs_changed=inputs,
        procedures_changed=procedures,
        summary="".join(said),
    )


def marked(item: VersionJSON) -> str:
    """``第 1 版 2020-12-02 10:00 viewer1（修订 revised）``: a version as listed."""
    at = item["published_at"][:16].replace("T", " ")
    words = f"第 {item['version']} 版 {at} {item['published_by']}"
    if item["reason"]:
        words += f" 修订原因 {item['reason']} {reason_label(item['reason'])}"
    return words + ("（修订 revised: 已由后一版取代）" if item["revised"] else "")


def used_line(published: PublishedJSON) -> str:
    """What a report says of the published figures it uses: ``据 2020-11 公布数（第 2 版，
    2020-12-05 修订）`` (``公布`` for a first version)."""
    day = published["published_at"][:10]
    act = "修订" if published["reason"] else "公布"
    return f"据 {published['period']} 公布数（第 {published['version']} 版，{day} {act}）"
