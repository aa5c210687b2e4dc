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
