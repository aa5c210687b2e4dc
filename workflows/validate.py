"""Checks that a declared procedure is well formed before any machine is built from it."""

from __future__ import annotations

import re

from workflows.spec import ANY_OPEN, ROLES, Workflow


class WorkflowDefinitionError(ValueError):
    """A procedure declaration breaks one of the structural rules."""


def problems(wf: Workflow) -> list[str]:
    """Every structural problem of a procedure, as readable sentences; empty when sound."""
    out: list[str] = []
    names = [s.name for s in wf.states]
    known = set(names)
    if len(known) != len(names):
        out.append(f"{wf.name}: a state is declared twice")
    if not re.fullmatch(r"[A-Z]{2,4}", wf.prefix):
        out.append(f"{wf.name}: case prefix {wf.prefix!r} must be 2-4 capital letters")
    if not re.fullmatch(r"[a-z][a-z0-9_]*", wf.name):
        out.append(f"{wf.name!r}: a workflow name must be snake_case")
    if wf.initial not in known:
        out.append(f"{wf.name}: initial state {wf.initial!r} is not declared")
    trigger_names = [t.name for t in wf.triggers]
    if len(set(trigger_names)) != len(trigger_names):
        out.append(f"{wf.name}: a trigger is declared twice")
    if "register" in trigger_names:
        out.append(f"{wf.name}: 'register' is reserved for a case's first event")
    for role in wf.register_roles:
        if role not in ROLES:
            out.append(f"{wf.name}: registration names unknown role {role!r}")
    for step in wf.ledger:
        trig = wf.trigger(step.trigger)
        if trig is None:
            out.append(f"{wf.name}: ledger step names unknown trigger {step.trigger!r}")
            continue
        takes = {f.name for f in trig.fields}
        for name in [*step.values, *step.fixed]:
            if name not in takes:
                out.append(f"{wf.name}: ledger step {step.trigger!r} sets unknown value {name!r}")
    for t in wf.triggers:
        for src in t.sources:
            if src != ANY_OPEN and src not in known:
                out.append(f"{wf.name}.{t.name}: from-state {src!r} is not declared")
        if t.dest is not None and t.dest not in known:
            out.append(f"{wf.name}.{t.name}: to-state {t.dest!r} is not declared")
        if not t.roles:
            out.append(f"{wf.name}.{t.name}: no role may fire it")
        for role in t.roles:
            if role not in ROLES:
                out.append(f"{wf.name}.{t.name}: unknown role {role!r}")
        for f in t.fields:
            if f.kind == "choice" and not f.choices:
                out.append(f"{wf.name}.{t.name}: choice field {f.name!r} has no choices")
            if f.kind == "user" and f.role not in ROLES:
                out.append(f"{wf.name}.{t.name}: user field {f.name!r} names no known role")
            if f.kind == "lookup" and not f.source:
                out.append(f"{wf.name}.{t.name}: lookup field {f.name!r} names no source")
    if out:
        return out
    # Reachability over the declared edges, from the initial state.
    edges: dict[str, set[str]] = {n: set() for n in names}
    for t in wf.triggers:
        for src in wf.sources_of(t):
            edges[src].add(wf.dest_of(t, src))
    seen = {wf.initial}
    todo = [wf.initial]
    while todo:
        for nxt in edges[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    for s in wf.states:
        if s.name not in seen:
            out.append(f"{wf.name}: state {s.name!r} cannot be reached from {wf.initial!r}")
        if not s.terminal and not (edges[s.name] - {s.name}):
            out.append(f"{wf.name}: non-terminal state {s.name!r} has no way out")
    if not any(s.terminal for s in wf.states):
        out.append(f"{wf.name}: no terminal state")
    return out


def validate(wf: Workflow) -> Workflow:
    """Return the procedure unchanged, or raise WorkflowDefinitionError listing its problems."""
    found = problems(wf)
    if found:
        raise WorkflowDefinitionError("; ".join(found))
    return wf
