"""Checks that a declared procedure is well formed before any machine is built from it.

Each rule is one function from a procedure to the sentences describing how it breaks that rule
(empty when it keeps it). ``problems`` runs the structural rules first and, only when they all
hold (the graph is then well defined), the rules on the graph of states.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from workflows.printed import REGISTER
from workflows.spec import ANY_ENDED, ANY_OPEN, ENGINE, ROLES, TimeLimit, Workflow

Rule = Callable[[Workflow], list[str]]


class WorkflowDefinitionError(ValueError):
    """A procedure declaration breaks one of the structural rules."""


# -- structural rules: names, declarations, references ------------------------------------------


def states_declared_once(wf: Workflow) -> list[str]:
    names = [s.name for s in wf.states]
    return [f"{wf.name}: a state is declared twice"] if len(set(names)) != len(names) else []


def prefix_shape(wf: Workflow) -> list[str]:
    if re.fullmatch(r"[A-Z]{2,4}", wf.prefix):
        return []
    return [f"{wf.name}: case prefix {wf.prefix!r} must be 2-4 capital letters"]


def name_shape(wf: Workflow) -> list[str]:
    if re.fullmatch(r"[a-z][a-z0-9_]*", wf.name):
        return []
    return [f"{wf.name!r}: a workflow name must be snake_case"]


def initial_declared(wf: Workflow) -> list[str]:
    if wf.initial in {s.name for s in wf.states}:
        return []
    return [f"{wf.name}: initial state {wf.initial!r} is not declared"]


def triggers_declared_once(wf: Workflow) -> list[str]:
    names = [t.name for t in wf.triggers]
    return [f"{wf.name}: a trigger is declared twice"] if len(set(names)) != len(names) else []


def register_reserved(wf: Workflow) -> list[str]:
    if all(t.name != "register" for t in wf.triggers):
        return []
    return [f"{wf.name}: 'register' is reserved for a case's first event"]


def registration_roles(wf: Workflow) -> list[str]:
    return [
        f"{wf.name}: registration names unknown role {role!r}"
        for role in wf.register_roles
        if role not in ROLES
    ]


def ledger_steps(wf: Workflow) -> list[str]:
    out: list[str] = []
    for step in wf.ledger:
        trig = wf.trigger(step.trigger)
        if trig is None:
            out.append(f"{wf.name}: ledger step names unknown trigger {step.trigger!r}")
            continue
        takes = {f.name for f in trig.fields}
        for name in [*step.values, *step.fixed]:
            if name not in takes:
                out.append(f"{wf.name}: ledger step {step.trigger!r} sets unknown value {name!r}")
    return out


def ledger_headers(wf: Workflow) -> list[str]:
    """A ledger header that fills a registration value names one the procedure has."""
    fields = {f.name for f in wf.register_fields}
    return [
        f"{wf.name}: ledger header {header!r} fills unknown field {target[6:]!r}"
        for header, targets in wf.ledger_headers.items()
        for target in targets
        if target.startswith("field:") and target[6:] not in fields
    ]


def trigger_states(wf: Workflow) -> list[str]:
    known = {s.name for s in wf.states}
    out: list[str] = []
    for t in wf.triggers:
        for src in t.sources:
            if src not in (ANY_OPEN, ANY_ENDED) and src not in known:
                out.append(f"{wf.name}.{t.name}: from-state {src!r} is not declared")
        if t.dest is not None and t.dest not in known:
            out.append(f"{wf.name}.{t.name}: to-state {t.dest!r} is not declared")
    return out


def trigger_roles(wf: Workflow) -> list[str]:
    out: list[str] = []
    for t in wf.triggers:
        if not t.roles:
            out.append(f"{wf.name}.{t.name}: no role may fire it")
        # ENGINE fires a trigger only casework takes (a default transition on lapse).
        known = (*ROLES, ENGINE) if t.internal else ROLES
        out.extend(f"{wf.name}.{t.name}: unknown role {r!r}" for r in t.roles if r not in known)
    return out


def lapses_declared(wf: Workflow) -> list[str]:
    """A limit's default transition names a trigger of the procedure; one the engine fires is
    internal and ENGINE's, so no person takes it by hand."""
    out: list[str] = []
    for lim in wf.limits:
        lapse = lim.on_lapse
        if lapse is None:
            continue
        trig = wf.trigger(lapse.trigger)
        if trig is None:
            out.append(f"{wf.name}.{lim.name}: on lapse names unknown trigger {lapse.trigger!r}")
        elif lapse.by == "engine" and not (trig.internal and ENGINE in trig.roles):
            out.append(f"{wf.name}.{lim.name}: {lapse.trigger!r} is not an internal ENGINE step")
    return out


def field_kinds(wf: Workflow) -> list[str]:
    out: list[str] = []
    for t in wf.triggers:
        for f in t.fields:
            if f.kind == "choice" and not f.choices:
                out.append(f"{wf.name}.{t.name}: choice field {f.name!r} has no choices")
            if f.kind in ("user", "users") and f.role not in ROLES:
                out.append(f"{wf.name}.{t.name}: user field {f.name!r} names no known role")
            if f.kind == "lookup" and not f.source:
                out.append(f"{wf.name}.{t.name}: lookup field {f.name!r} names no source")
    return out


def record_only_shape(wf: Workflow) -> list[str]:
    """A record-only trigger stays put; a trigger that stays put on an ended state is one."""
    out: list[str] = []
    ended = {s.name for s in wf.states if s.terminal}
    for t in wf.triggers:
        if t.record_only and t.dest is not None:
            out.append(f"{wf.name}.{t.name}: a record-only trigger changes no state")
        if t.dest is None and not t.record_only and ended & set(wf.sources_of(t)):
            out.append(f"{wf.name}.{t.name}: stays on an ended state but is not record-only")
    return out


def versions_declared(wf: Workflow) -> list[str]:
    names = [v.name for v in wf.versions]
    out = [f"{wf.name}: a rule version is declared twice"] if len(set(names)) != len(names) else []
    known = set(names)
    limits: list[TimeLimit] = [*wf.limits, *wf.duties]
    for t in wf.triggers:
        out.extend(
            f"{wf.name}.{t.name}: unknown rule version {r!r}" for r in t.rules if r not in known
        )
    for lim in limits:
        out.extend(
            f"{wf.name}.{lim.name}: unknown rule version {r!r}" for r in lim.rules if r not in known
        )
    for v in wf.versions:
        for name in v.extra_sources:
            if wf.trigger(name) is None:
                out.append(f"{wf.name}: version {v.name} adds states to unknown trigger {name!r}")
    return out


def consequences_declared(wf: Workflow) -> list[str]:
    """Cascades name triggers of the procedure; a spawn's office is one of its trigger's values;
    a duty is met by triggers of the procedure."""
    out: list[str] = []
    for t in wf.triggers:
        out.extend(
            f"{wf.name}.{t.name}: cascades to unknown trigger {c.trigger!r}"
            for c in t.then
            if wf.trigger(c.trigger) is None
        )
        if t.spawns is not None and t.field(t.spawns.office_field) is None:
            out.append(f"{wf.name}.{t.name}: spawns at a value it does not take")
        for alt in t.acts:
            extra = set(alt.roles) | set(alt.outside)
            if not extra <= set(t.roles):
                out.append(f"{wf.name}.{t.name}: acting roles {sorted(extra)} beyond its roles")
    for duty in wf.duties:
        out.extend(
            f"{wf.name}.{duty.name}: met by unknown trigger {m!r}"
            for m in duty.met_by
            if wf.trigger(m) is None
        )
    return out


def settings_declared_once(wf: Workflow) -> list[str]:
    keys = [spec.key for spec in wf.settings]
    return [f"{wf.name}: a setting is declared twice"] if len(set(keys)) != len(keys) else []


# -- rules on the graph of states (run only on a structurally sound procedure) -------------------


def edges(wf: Workflow) -> dict[str, set[str]]:
    """Each declared state's next states over the declared triggers."""
    out: dict[str, set[str]] = {s.name: set() for s in wf.states}
    for t in wf.triggers:
        for src in wf.sources_of(t):
            out.setdefault(src, set()).add(wf.dest_of(t, src))
    return out


def reachability(wf: Workflow) -> list[str]:
    following = edges(wf)
    seen = {wf.initial}
    todo = [wf.initial]
    while todo:
        for nxt in following.get(todo.pop(), set()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return [
        f"{wf.name}: state {s.name!r} cannot be reached from {wf.initial!r}"
        for s in wf.states
        if s.name not in seen
    ]


def ways_out(wf: Workflow) -> list[str]:
    following = edges(wf)
    return [
        f"{wf.name}: non-terminal state {s.name!r} has no way out"
        for s in wf.states
        if not s.terminal and not (following[s.name] - {s.name})
    ]


def terminal_exists(wf: Workflow) -> list[str]:
    return [] if any(s.terminal for s in wf.states) else [f"{wf.name}: no terminal state"]


def confidential_declared(wf: Workflow) -> list[str]:
    """A confidential-party rule names a registration field and the procedure's party roles."""
    rule = wf.confidential
    if rule is None:
        return []
    out = []
    if all(f.name != rule.field for f in wf.register_fields):
        out.append(f"{wf.name}: confidential field {rule.field!r} is no registration field")
    strays = [r for r in rule.roles if r not in wf.party_roles]
    if strays:
        out.append(f"{wf.name}: confidential roles {strays} are not its party roles")
    return out


def printed_declared(wf: Workflow) -> list[str]:
    """A printed document is a kind of its case file, of a step and states it declares, and
    fills its placeholders from step values that step takes."""
    out = []
    states = set(wf.state_names)
    for doc in wf.printed:
        step = wf.trigger(doc.step)
        if doc.name not in wf.documents:
            out.append(f"{wf.name}: printed {doc.name!r} is no document kind")
        if step is None and doc.step != REGISTER:
            out.append(f"{wf.name}: printed {doc.name!r} names no trigger {doc.step!r}")
        if not doc.states or not set(doc.states) <= states:
            out.append(f"{wf.name}: printed {doc.name!r} has undeclared states")
        fields = wf.register_fields if step is None else step.fields
        strays = [
            f.key
            for f in doc.fields.values()
            if f.source == "event" and all(x.name != f.key for x in fields)
        ]
        if strays:
            out.append(f"{wf.name}: printed {doc.name!r} reads values {strays} its step lacks")
        days = [f.key for f in doc.fields.values() if f.source == "step_on" and f.key]
        unknown = [k for k in days if k != REGISTER and wf.trigger(k) is None]
        if unknown:
            out.append(f"{wf.name}: printed {doc.name!r} dates from no trigger {unknown}")
    return out


STRUCTURAL_RULES: tuple[Rule, ...] = (
    states_declared_once,
    prefix_shape,
    name_shape,
    initial_declared,
    triggers_declared_once,
    register_reserved,
    registration_roles,
    ledger_steps,
    ledger_headers,
    trigger_states,
    trigger_roles,
    lapses_declared,
    field_kinds,
    record_only_shape,
    versions_declared,
    consequences_declared,
    settings_declared_once,
    confidential_declared,
    printed_declared,
)
GRAPH_RULES: tuple[Rule, ...] = (reachability, ways_out, terminal_exists)


def problems(wf: Workflow) -> list[str]:
    """Every structural problem of a procedure, as readable sentences; empty when sound."""
    out = [problem for rule in STRUCTURAL_RULES for problem in rule(wf)]
    if out:
        return out
    return [problem for rule in GRAPH_RULES for problem in rule(wf)]


def validate(wf: Workflow) -> Workflow:
    """Return the procedure unchanged, or raise WorkflowDefinitionError listing its problems."""
    found = problems(wf)
    if found:
        raise WorkflowDefinitionError("; ".join(found))
    return wf
