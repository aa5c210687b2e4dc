"""Reading a workbook the way a statistician's office suite does: LibreOffice, headless.

openpyxl reads back what openpyxl wrote, which says little about whether Calc (or Excel) opens
it. ``libreoffice_rows`` has LibreOffice convert the workbook's first sheet to CSV and returns
its rows as Calc shows them. A test that needs it is skipped, with the reason, on a machine
without LibreOffice; ``.ci/run`` installs it (Debian's libreoffice-calc-nogui).
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    return found


def libreoffice_rows(workbook: Path, work: Path) -> list[list[str]]:
    """The first sheet's rows as LibreOffice Calc reads them (UTF-8 CSV, numbers as shown)."""
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
            "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, double quote, UTF-8
            "--outdir",
            str(out),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    converted = out / (workbook.stem + ".csv")
    assert done.returncode == 0 and converted.exists(), (done.stdout, done.stderr)
    with converted.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))
