"""Describing procedures: as plain data for listings, and as Mermaid state diagrams."""

from __future__ import annotations

from datetime import date, timedelta

from casework.read.shapes import (
    CitationJSON,
    FieldJSON,
    LimitJSON,
    PrintedDocJSON,
    StateJSON,
    TriggerJSON,
    VersionJSON,
    WorkflowJSON,
)
from workflows.printed import PrintedDocument
from workflows.spec import ROLES, FieldSpec, TriggerSpec, Workflow


def field_json(f: FieldSpec) -> FieldJSON:
    return FieldJSON(
        name=f.name,
        label=f.label,
        kind=f.kind,
        required=f.required,
        choices=dict(f.choices) or None,
        accepts=f.describe(),
    )


def trigger_json(wf: Workflow, t: TriggerSpec) -> TriggerJSON:
    return {
        "name": t.name,
        "label": t.label,
        "from": list(wf.sources_of(t)),
        "to": t.dest,
        "roles": list(t.roles),
        "role_labels": [ROLES[r] for r in t.roles],
        "city_only": t.city_only,
        "fields": [field_json(f) for f in t.fields],
        "guards": [{"name": g.name, "label": g.label} for g in t.guards],
    }


def printed_json(wf: Workflow, doc: PrintedDocument) -> PrintedDocJSON:
    return PrintedDocJSON(
        name=doc.name,
        title=doc.title,
        step=doc.step,
        states=list(doc.states),
        placeholders=list(wf.placeholders(doc)),
    )


def describe(wf: Workflow) -> WorkflowJSON:
    """A procedure as JSON-ready data: states, triggers, roles, values and guards."""
    return WorkflowJSON(
        kind=wf.name,
        label=wf.label,
        prefix=wf.prefix,
        description=wf.description,
        initial=wf.initial,
        register_roles=list(wf.register_roles),
        register_fields=[field_json(f) for f in wf.register_fields],
        party_roles=list(wf.party_roles),
        documents=dict(wf.documents),
        states=[StateJSON(name=s.name, label=s.label, terminal=s.terminal) for s in wf.states],
        triggers=[trigger_json(wf, t) for t in wf.triggers if not t.internal],
        printed=[printed_json(wf, d) for d in wf.printed],
        versions=versions(wf),
    )


def _rule_label(wf: Workflow, rule: str) -> str:
    """The Chinese label of a rule of the procedure, by name (a trigger, guard, limit, flag)."""
    trig = wf.trigger(rule)
    if trig is not None:
        return trig.label
    limit = wf.limit(rule)
    if limit is not None:
        return limit.label
    for t in wf.triggers:
        for g in t.guards:
            if g.name == rule:
                return g.label
    for g in (*wf.register_guards, *wf.register_warnings):
        if g.name == rule:
            return g.label
    flag = next((f for f in wf.flags if f.name == rule), None)
    return flag.label if flag else ""


def versions(wf: Workflow) -> list[VersionJSON]:
    """The procedure's rule versions (``workflow show --rules``)."""
    out = []
    for v in wf.versions:
        limits = [lim for lim in (*wf.limits, *wf.duties) if lim.in_version(v.name)]
        seen: dict[str, LimitJSON] = {}
        for lim in limits:
            seen.setdefault(
                lim.name,
                LimitJSON(
                    name=lim.name,
                    label=lim.label,
                    days=lim.days,
                    unit=lim.unit,
                    binds=lim.binds,
                    duty=lim.duty,
                    article=wf.cite(v.name, lim.name),
                ),
            )
        out.append(
            VersionJSON(
                name=v.name,
                label=v.label,
                law=v.law,
                effective_from=v.effective_from.isoformat() if v.effective_from else None,
                effective_to=_until(wf, v.effective_from),
                citations=[
                    CitationJSON(rule=rule, label=_rule_label(wf, rule), article=article)
                    for rule, article in v.citations.items()
                ],
                triggers=[t.name for t in wf.triggers if t.offered_in(v.name) and not t.internal],
                limits=list(seen.values()),
            )
        )
    return out


def _until(wf: Workflow, since: date | None) -> str | None:
    """The day before the next dated version takes effect: the last registration day a
    version pins (a case pins the version in force on its registration day)."""
    if since is None:
        return None
    later = [v.effective_from for v in wf.versions if v.effective_from and v.effective_from > since]
    return (min(later) - timedelta(days=1)).isoformat() if later else None


# Between the labels of the triggers one edge carries: Mermaid draws one arrow per pair of
# states and keeps only the last label of several (a petition's 延期 self-loop was lost).
EDGE_JOIN = " / "


def edges(wf: Workflow) -> dict[tuple[str, str], list[str]]:
    """Each pair of states a trigger moves between, with every trigger that does, in the
    order declared (``name label``)."""
    out: dict[tuple[str, str], list[str]] = {}
    for t in wf.triggers:
        for src in wf.sources_of(t):
            label = f"{t.name} {t.label}"
            found = out.setdefault((src, wf.dest_of(t, src)), [])
            if label not in found:
                found.append(label)
    return out


def mermaid(wf: Workflow) -> str:
    """A Mermaid ``stateDiagram-v2`` of the procedure, with Chinese labels."""
    lines = ["stateDiagram-v2", f"    %% {wf.name} {wf.label} ({wf.prefix})"]
    for s in wf.states:
        lines.append(f'    state "{s.name} {s.label}" as {s.name}')
    lines.append(f"    [*] --> {wf.initial}")
    for (src, dest), labels in edges(wf).items():
        lines.append(f"    {src} --> {dest}: {EDGE_JOIN.join(labels)}")
    for s in wf.states:
        if s.terminal:
            lines.append(f"    {s.name} --> [*]")
    return "\n".join(lines) + "\n"
