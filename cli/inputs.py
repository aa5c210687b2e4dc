"""``-`` for standard input where a command reads a file (issue 17 point 6): the bytes are
copied to a private temporary file, up to the file's own limit, and the command reads that as
it reads any file; the copy is removed when the command ends. Only one input of a command may
come from standard input."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from casework.errors import InvalidData

STDIN = "-"
CHUNK = 1 << 20
# Files without a limit of their own (a --map file, an anchor, committees, tier rules) are
# small: this bounds what standard input may bring for them.
SMALL_FILE = 16 << 20


def one_stdin(*paths: str | None) -> None:
    """Refuse a command given '-' for more than one of its inputs."""
    if sum(p == STDIN for p in paths) > 1:
        raise InvalidData(
            "只有一个输入可以来自标准输入 '-' (only one input can be standard input)",
            field="file",
        )


@contextmanager
def readable(path: str, field: str, limit: int = SMALL_FILE, name: str = "stdin") -> Iterator[str]:
    """The file to read: ``path`` itself, or for '-' a copy of standard input named ``name``
    (a file's name as the command reports it), refused past ``limit`` bytes."""
    if path != STDIN:
        yield path
        return
    folder = tempfile.mkdtemp(prefix="casework-stdin-")
    try:
        target = os.path.join(folder, name)
        _copy(target, field, limit)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy(target: str, field: str, limit: int) -> None:
    copied = 0
    source = sys.stdin.buffer
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            copied += len(chunk)
            if copied > limit:
                raise InvalidData(
                    f"标准输入超过上限 {limit / (1 << 20):,.1f} MiB (standard input is over the "
                    "limit of this file)",
                    field=field,
                )
            out.write(chunk)
