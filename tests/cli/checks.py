"""What every error of the command line looks like: one line on stderr starting ``Error: ``,
no traceback, no flag named twice, the option to fix at its end; nothing on stdout."""

from __future__ import annotations

import re
from collections import Counter

from typer.testing import Result

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def flags_named_twice(line: str) -> list[str]:
    """The flags a message names more than once."""
    return [flag for flag, n in Counter(FLAG.findall(line)).items() if n > 1]


def error_line(
    result: Result, exit_code: int = 1, hint: str | None = None, stdout: bool = False
) -> str:
    """The one error line of a refused (1) or misused (2) command, checked; with ``hint``,
    the line ends with it in brackets (``(--at)``). ``stdout``: output is allowed there too
    (a command that reports what it refused on stdout, such as ``import``)."""
    assert result.exit_code == exit_code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("Error: "), line
    assert "Traceback" not in result.stderr + result.stdout
    assert flags_named_twice(line) == [], line
    if not stdout:
        assert result.stdout == "", result.stdout
    if hint is not None:
        assert line.endswith(f" ({hint})"), line
    return line


MERMAID_EDGE = re.compile(r"(\[\*\]|[a-z_]+) --> (\[\*\]|[a-z_]+)(?:: (.+))?")
MERMAID_STATE = re.compile(r'state "([a-z_]+) (\S+)" as ([a-z_]+)')


def mermaid_parts(text: str) -> tuple[dict[str, str], set[tuple[str, str, str]]]:
    """A ``workflow show --mermaid`` diagram read back: its declared states (name: label) and
    its edges as (from, to, trigger), one per trigger of a merged label; an arrow between two
    states drawn twice (Mermaid keeps only the last) or a line of no known shape fails."""
    lines = text.strip().splitlines()
    assert lines[0] == "stateDiagram-v2"
    states: dict[str, str] = {}
    edges: set[tuple[str, str, str]] = set()
    pairs: set[tuple[str, str]] = set()
    for line in (ln.strip() for ln in lines[1:]):
        if line.startswith("%%"):
            continue
        if (state := MERMAID_STATE.fullmatch(line)) is not None:
            assert state.group(1) == state.group(3), line
            states[state.group(1)] = state.group(2)
            continue
        edge = MERMAID_EDGE.fullmatch(line)
        assert edge is not None, f"not a mermaid line: {line!r}"
        src, dst, label = edge.groups()
        assert (src, dst) not in pairs, f"two arrows {src} --> {dst}"
        pairs.add((src, dst))
        for end in (src, dst):
            assert end == "[*]" or end in states, end
        for part in (label or "").split(" / ") if label else [""]:
            name = part.split(" ", 1)[0]
            assert not part or re.fullmatch(r"[a-z_]+ \S+", part), part
            edges.add((src, dst, name))
    return states, edges
