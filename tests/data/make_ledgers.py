"""Makes the .ods and .xls ledgers of tests/data once, with LibreOffice (not run by the tests,
which read the committed files): the mediation ledger of tests/api/test_import.py under a title row,
with some dates as real date cells, and a sheet that starts at C3.

    PYTHONPATH=. python tests/data/make_ledgers.py   # needs soffice on the PATH
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from tests.api.test_import import MEDIATION_HEADER, MEDIATION_ROWS

HERE = Path(__file__).parent


def rows() -> list[list[object]]:
    """The rows, with typed cells where a spreadsheet would have them."""
    out: list[list[object]] = [list(r) for r in MEDIATION_ROWS]
    out[2][1] = datetime(2020, 3, 7, 9, 30)  # 登记日期 with a time
    out[3][7] = date(2020, 3, 10)  # 受理日期 as a date cell
    return out


def convert(source: Path, fmt: str, tmp: str) -> None:
    subprocess.run(
        ["soffice", "--headless", "--convert-to", fmt, "--outdir", tmp, str(source)],
        check=True,
        capture_output=True,
    )
    name = f"{source.stem}.{fmt}"
    shutil.copy(Path(tmp) / name, HERE / name)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "mediation.xlsx"
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["潘州街道人民调解台账（2020年）"])
        sheet.append(MEDIATION_HEADER)
        for row in rows():
            sheet.append(row)
        book.save(source)
        offset = Path(tmp) / "offset.xlsx"
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet["C3"], sheet["D3"] = "案件标题", "登记日期"
        sheet["C4"], sheet["D4"] = "甲", "2020-01-02"
        book.save(offset)
        convert(offset, "ods", tmp)
        for fmt in ("ods", "xls"):
            convert(source, fmt, tmp)


if __name__ == "__main__":
    main()
