"""Reading a workbook the way a statistician's office suite does: LibreOffice, headless.

openpyxl reads back what openpyxl wrote, which says little about whether Calc (or Excel) opens
it. ``libreoffice_rows`` has LibreOffice convert the workbook's first sheet to CSV and returns
its rows as Calc shows them. A test that needs it is skipped, with the reason, on a machine
without LibreOffice; ``.ci/run`` installs it (Debian's libreoffice-calc-nogui).
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    return found


def convert(workbook: Path, work: Path, target: str, suffix: str) -> Path:
    """The workbook converted by LibreOffice headless (``--convert-to target``)."""
    program = soffice()
    out = work / "libreoffice-out"
    out.mkdir(exist_ok=True)
    # A profile of its own: two test workers may convert at once, and the user's own
    # LibreOffice (if any) is never touched.
    profile = (work / "libreoffice-profile").resolve().as_uri()
    done = subprocess.run(
        [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    converted = out / (workbook.stem + suffix)
    assert done.returncode == 0 and converted.exists(), (done.stdout, done.stderr)
    # A workbook LibreOffice had to repair, or could not read, says so on its output.
    assert "repair" not in (done.stdout + done.stderr).lower(), (done.stdout, done.stderr)
    return converted


def libreoffice_rows(workbook: Path, work: Path) -> list[list[str]]:
    """The first sheet's rows as LibreOffice Calc reads them (UTF-8 CSV, numbers as shown)."""
    # comma, double quote, UTF-8
    converted = convert(workbook, work, "csv:Text - txt - csv (StarCalc):44,34,76", ".csv")
    with converted.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def shown_number(text: str) -> float:
    """A number as Calc shows it (``7,454``, ``97.78%``, ``¥1,100.00``) as the number printed."""
    return float(text.replace(",", "").replace("%", "").replace("¥", ""))


@dataclass(frozen=True)
class Pdf:
    """A workbook printed by LibreOffice: its pages, and how many of them are landscape."""

    path: Path
    pages: int
    landscape: int


_OBJECT = re.compile(rb"\d+ 0 obj(.*?)endobj", re.S)
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_BOX = re.compile(rb"/MediaBox\s*\[\s*[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s*\]")


def libreoffice_pdf(workbook: Path, work: Path) -> Pdf:
    """The whole workbook printed to PDF by LibreOffice, as its print setup says."""
    path = convert(workbook, work, "pdf", ".pdf")
    pages = [o for o in _OBJECT.findall(path.read_bytes()) if _PAGE.search(o)]
    boxes = [_BOX.search(o) for o in pages]
    assert pages and all(boxes), "a page without its size in the PDF"
    wide = sum(float(b.group(1)) > float(b.group(2)) for b in boxes if b)
    return Pdf(path, len(pages), wide)
