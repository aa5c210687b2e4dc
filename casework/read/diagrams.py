"""Describing procedures: as plain data for listings, and as Mermaid state diagrams."""

from __future__ import annotations

from casework.read.shapes import FieldJSON, StateJSON, TriggerJSON, WorkflowJSON
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
        triggers=[trigger_json(wf, t) for t in wf.triggers],
    )


def mermaid(wf: Workflow) -> str:
    """A Mermaid ``stateDiagram-v2`` of the procedure, with Chinese labels."""
    lines = ["stateDiagram-v2", f"    %% {wf.name} {wf.label} ({wf.prefix})"]
    for s in wf.states:
        lines.append(f'    state "{s.name} {s.label}" as {s.name}')
    lines.append(f"    [*] --> {wf.initial}")
    for t in wf.triggers:
        for src in wf.sources_of(t):
            dest = wf.dest_of(t, src)
            lines.append(f"    {src} --> {dest}: {t.name} {t.label}")
    for s in wf.states:
        if s.terminal:
            lines.append(f"    {s.name} --> [*]")
    return "\n".join(lines) + "\n"
