"""The files casework writes (exports, statistics, reports, sheets, rejects files): a new file
only, unless the user says ``--force``; complete or absent, never half written; ``-`` for
standard output.

The rows go to a temporary file beside the target (the same folder, so that renaming it is
atomic) which takes the target's name only once complete. Without ``force`` it takes it by a
hard link, which fails if a file of that name appeared meanwhile, so that a file is never
replaced even by a race; where the file system has no hard links, by a rename after a last
check.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from casework.errors import InvalidData

STDOUT = "-"


def exists_refusal(path: str, field: str, label: str | None = None) -> InvalidData:
    return InvalidData(
        f"输出文件 {label or field} {path[:200]!r} 已存在，须明确要求才替换 "
        "(already exists; replaced only when asked to)",
        field="force",  # the fix is the caller's "replace" switch, not another path
        value=path[:200],
    )


def check_new(path: str, force: bool, field: str = "out", label: str | None = None) -> None:
    """Refuse to write over an existing file unless ``force``, before anything is done
    (``label`` names the file in the message, by default ``field``)."""
    if path == STDOUT:
        return
    if os.path.isdir(path):
        raise InvalidData(
            f"输出文件 {label or field} {path[:200]!r} 是文件夹 (is a folder)",
            field=field,
            value=path[:200],
        )
    if not force and os.path.lexists(path):
        raise exists_refusal(path, field, label)


def binary_stdout(field: str = "out") -> IO[bytes]:
    """Standard output for a binary file (XLSX): refused on a terminal, where it would be
    noise; through a pipe or a redirection (``> x.xlsx``) it is the file."""
    if sys.stdout.isatty():
        raise InvalidData(
            f"输出文件 {field} '-'：XLSX 不写到终端 (not written to a terminal); "
            "请重定向 redirect it, e.g. > x.xlsx",
            field=field,
            value=STDOUT,
        )
    return sys.stdout.buffer


class NewFile:
    """A file being written: a temporary file beside ``path`` until ``commit`` gives it the
    name (or ``discard`` removes it). Refused at once if ``path`` exists, unless ``force``."""

    def __init__(
        self,
        path: str,
        force: bool = False,
        field: str = "out",
        binary: bool = False,
        encoding: str = "utf-8",
        label: str | None = None,
    ) -> None:
        check_new(path, force, field, label)
        self.path, self.force, self.field, self.label = path, force, field, label
        self.partial = f"{path}.{secrets.token_hex(4)}.partial"
        try:
            if binary:
                self.fh: IO[Any] = open(self.partial, "xb")  # noqa: SIM115
            else:
                self.fh = open(self.partial, "x", encoding=encoding, newline="")  # noqa: SIM115
        except OSError as exc:
            raise self.unwritable(exc) from None

    def unwritable(self, exc: OSError) -> InvalidData:
        return InvalidData(
            f"输出文件 {self.label or self.field} {self.path[:200]!r} 无法写入：{exc.strerror} "
            "(cannot be written)",
            field=self.field,
            value=self.path[:200],
        )

    def commit(self) -> None:
        """The file complete: it takes its name (see the module's doc)."""
        try:
            self.fh.close()
            self._take_name()
        except OSError as exc:
            self.discard()
            raise self.unwritable(exc) from None
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        self.fh.close()
        if os.path.lexists(self.partial):
            os.remove(self.partial)

    def _take_name(self) -> None:
        if self.force:
            os.replace(self.partial, self.path)
            return
        try:
            os.link(self.partial, self.path)
        except FileExistsError:
            raise exists_refusal(self.path, self.field, self.label) from None
        except OSError:  # no hard links here (some network or FAT file systems)
            if os.path.lexists(self.path):
                raise exists_refusal(self.path, self.field, self.label) from None
            os.replace(self.partial, self.path)
            return
        os.remove(self.partial)


@contextmanager
def new_file(
    path: str,
    force: bool = False,
    field: str = "out",
    binary: bool = False,
    encoding: str = "utf-8",
) -> Iterator[IO[Any]]:
    """The file ``path`` to write, opened (text with ``newline=""`` as CSV wants, or binary);
    it appears only when the block ends without an error. ``-`` is standard output."""
    if path == STDOUT:
        out: IO[Any] = binary_stdout(field) if binary else sys.stdout
        yield out  # in the terminal's encoding, with no byte-order mark
        out.flush()
        return
    made = NewFile(path, force, field, binary, encoding)
    try:
        yield made.fh
    except OSError as exc:
        made.discard()
        raise made.unwritable(exc) from None
    except BaseException:
        made.discard()
        raise
    made.commit()


def save_book(book: Any, path: str, force: bool = False, field: str = "out") -> None:
    """An openpyxl workbook as a new file (see ``new_file``), or on standard output for ``-``."""
    with new_file(path, force, field, binary=True) as fh:
        book.save(fh)


def write_text(path: str, text: str, force: bool, field: str, encoding: str = "utf-8") -> None:
    """``text`` as a new file (see ``new_file``), or on standard output for ``-``."""
    with new_file(path, force, field, encoding=encoding) as fh:
        fh.write(text)
