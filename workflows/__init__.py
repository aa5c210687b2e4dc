"""The procedures casework runs, each declared as data in a module of this package.

A module that defines ``WORKFLOW`` (a :class:`workflows.spec.Workflow`) is a procedure; adding a
procedure means adding a module here, nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator

from workflows.spec import Workflow
from workflows.validate import validate

_NOT_PROCEDURES = {
    "spec",
    "validate",
    "guards",
    "limits",
    "policy",
    "settings",
    "versions",
    "wording",
}


class Registry:
    """A set of procedures by name and by case-number prefix."""

    def __init__(self, workflows: Iterable[Workflow] = ()) -> None:
        self._by_name: dict[str, Workflow] = {}
        for wf in workflows:
            self.add(wf)

    def add(self, wf: Workflow) -> None:
        validate(wf)
        if wf.name in self._by_name:
            raise ValueError(f"workflow {wf.name!r} is declared twice")
        if any(o.prefix == wf.prefix for o in self._by_name.values()):
            raise ValueError(f"case prefix {wf.prefix!r} is used twice")
        self._by_name[wf.name] = wf

    def get(self, name: str) -> Workflow | None:
        return self._by_name.get(name)

    def names(self) -> list[str]:
        return list(self._by_name)

    def __iter__(self) -> Iterator[Workflow]:
        return iter(self._by_name.values())


def discover() -> list[Workflow]:
    """Import every procedure module of this package, in name order."""
    found: list[Workflow] = []
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name.startswith("_") or mod.name in _NOT_PROCEDURES:
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        wf = getattr(module, "WORKFLOW", None)
        if isinstance(wf, Workflow):
            found.append(wf)
    return found


_default: Registry | None = None


def default_registry() -> Registry:
    """The shipped procedures, loaded and validated once."""
    global _default
    if _default is None:
        _default = Registry(discover())
    return _default
