"""Static checks over the source: short functions, no private names across modules, no CLI flag
in the library's strings, no import cycle, and a docstring on every package.

Each check reads the source (with ``ast``, or ``grimp`` for the import graph) without importing
it, and fails with the list of its offenders, one per line: ``file:line: what``.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("casework", "workflows", "cli")
LIBRARY = ("casework", "workflows")
MIGRATIONS = ROOT / "casework" / "storage" / "migrations"
MAX_FUNCTION_LINES = 60

# Underscored attributes that are public API despite their name: SQLAlchemy's Row and the
# namedtuple helpers, and CPython's documented escape hatches.
PUBLIC_UNDERSCORED = frozenset(
    {
        "_mapping",
        "_asdict",
        "_fields",
        "_field_defaults",
        "_replace",
        "_make",
        "_getframe",
        "_exit",
    }
)
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def sources(*packages: str) -> Iterator[Path]:
    for package in packages:
        yield from sorted((ROOT / package).rglob("*.py"))


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text("utf-8"), filename=str(path))


def where(path: Path, node: ast.AST | None = None) -> str:
    line = getattr(node, "lineno", 1) if node is not None else 1
    return f"{path.relative_to(ROOT)}:{line}"


def report(offenders: list[str], what: str) -> str:
    return f"{len(offenders)} {what}:\n" + "\n".join(offenders)


def in_order(offenders: list[str]) -> list[str]:
    """By file, then line (``ast.walk`` visits breadth first)."""

    def key(line: str) -> tuple[str, int, str]:
        path, _, rest = line.partition(":")
        number, _, what = rest.partition(":")
        return (path, int(number) if number.isdigit() else 0, what)

    return sorted(offenders, key=key)


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


# --- function length -------------------------------------------------------------------------


def long_functions() -> list[str]:
    out: list[str] = []
    for path in sources(*PACKAGES):
        if path.is_relative_to(MIGRATIONS):
            continue
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                # lineno is the `def` line: decorators are not counted.
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    out.append(f"{where(path, node)}: {node.name}() is {length} lines")
    return in_order(out)


def test_no_function_is_longer_than_60_lines() -> None:
    found = long_functions()
    assert not found, report(found, f"functions longer than {MAX_FUNCTION_LINES} lines")


# --- private names ---------------------------------------------------------------------------


def _is_own(value: ast.expr) -> bool:
    """`self`, `cls` or `super()`: the only owners whose private attributes one may touch."""
    if isinstance(value, ast.Name):
        return value.id in {"self", "cls"}
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "super"
    )


def private_uses_in(path: Path) -> Iterator[str]:
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if any(is_private(part) for part in (node.module or "").split(".")):
                yield f"{where(path, node)}: imports private module {module}"
            for alias in node.names:
                if is_private(alias.name):
                    yield f"{where(path, node)}: imports private name {alias.name} from {module}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if any(is_private(part) for part in alias.name.split(".")):
                    yield f"{where(path, node)}: imports private module {alias.name}"
        elif (
            isinstance(node, ast.Attribute)
            and is_private(node.attr)
            and node.attr not in PUBLIC_UNDERSCORED
            and not _is_own(node.value)
        ):
            yield f"{where(path, node)}: uses private attribute {ast.unparse(node)}"


def private_uses() -> list[str]:
    return in_order([line for path in sources(*PACKAGES) for line in private_uses_in(path)])


def test_no_private_name_is_used_across_modules() -> None:
    found = private_uses()
    assert not found, report(found, "private names imported or used across modules")


# --- CLI flags in the library ----------------------------------------------------------------


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and its functions."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                out.add(id(body[0].value))
    return out


def flag_literals() -> list[str]:
    out: list[str] = []
    for path in sources(*LIBRARY):
        tree = parse(path)
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
            ):
                flags = sorted(set(FLAG.findall(node.value)))
                if flags:
                    out.append(f"{where(path, node)}: names {', '.join(flags)}: {node.value!r}")
    return in_order(out)


def test_no_library_string_names_a_command_line_flag() -> None:
    found = flag_literals()
    assert not found, report(found, "string literals in casework/ or workflows/ naming a flag")


# --- import cycles ---------------------------------------------------------------------------


def import_graph() -> grimp.ImportGraph:
    """The three packages' modules and their imports of each other, function-local and
    TYPE_CHECKING imports included (grimp counts every import statement)."""
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def direct_imports(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    return {
        module: set(graph.find_modules_directly_imported_by(module)) - {module}
        for module in graph.modules
    }


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return components


def shortest_cycle(edges: dict[str, set[str]], start: str, members: set[str]) -> list[str]:
    """The shortest path from `start` back to itself inside one component."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(edges[node] & members):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    return [start]


def canonical(cycle: list[str]) -> tuple[str, ...]:
    """The cycle rotated to start at its smallest module, so that rotations count once."""
    ring = cycle[:-1]
    first = ring.index(min(ring))
    ring = ring[first:] + ring[:first]
    return (*ring, ring[0])


def import_cycles() -> list[str]:
    """Each component of modules that import each other, with the shortest cycle through each
    of its modules and the lines of every import on those cycles."""
    graph = import_graph()
    edges = direct_imports(graph)
    out: list[str] = []
    for component in strongly_connected(edges):
        if len(component) < 2:
            continue
        members = set(component)
        cycles = {canonical(shortest_cycle(edges, m, members)) for m in component}
        out.append(f"{len(component)} modules import each other: {', '.join(component)}")
        for cycle in sorted(cycles, key=lambda c: (len(c), c)):
            out.append("    cycle: " + " -> ".join(cycle))
            for importer, imported in itertools.pairwise(cycle):
                details = graph.get_import_details(importer=importer, imported=imported)
                at = ", ".join(str(d["line_number"]) for d in details)
                out.append(f"        {importer} imports {imported} (line {at})")
    return out


def test_no_import_cycle() -> None:
    found = import_cycles()
    groups = sum(not line.startswith(" ") for line in found)
    assert not found, f"{groups} groups of modules in import cycles:\n" + "\n".join(found)


def test_cycle_finder_finds_a_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert [c for c in strongly_connected(edges) if len(c) > 1] == [["a", "b", "c"]]
    assert shortest_cycle(edges, "b", {"a", "b", "c"}) == ["b", "c", "a", "b"]
    assert canonical(["b", "c", "a", "b"]) == ("a", "b", "c", "a")


# --- package docstrings ----------------------------------------------------------------------


def undocumented_packages() -> list[str]:
    inits = [*sorted((ROOT / "casework").rglob("__init__.py"))]
    inits += [ROOT / "workflows" / "__init__.py", ROOT / "cli" / "__init__.py"]
    return [
        f"{where(path)}: package {path.parent.relative_to(ROOT).as_posix().replace('/', '.')} "
        "has no docstring saying what it owns"
        for path in inits
        if not (ast.get_docstring(parse(path)) or "").strip()
    ]


def test_every_package_says_what_it_owns() -> None:
    found = undocumented_packages()
    assert not found, report(found, "packages without a docstring")
