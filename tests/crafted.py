"""Hand-made XLSX files for the reader's limits (issue 17 point 5): small on disk, and as large
as an attacker likes once inflated or read."""

from __future__ import annotations

import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
PARTS = {
    "[Content_Types].xml": (
        f'<Types xmlns="{PKG}/content-types">'
        f'<Default Extension="rels" ContentType="{PKG[:-5]}relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
}
STRINGS = ["案件标题", "登记日期", "甲", "2020-01-02"]
FILLER = b"<si><t>x</t></si>" * (1 << 16)  # 1.06 MiB of shared strings


def crafted_xlsx(
    path: Path,
    filler_mib: int = 0,
    dimension: str = "A1:B2",
    rows_xml: str = "",
    level: int = 9,
) -> Path:
    """A one-sheet XLSX of a header and one row (案件标题, 登记日期), with ``filler_mib`` MiB
    of unused shared strings after its own, the dimension it declares, and more rows."""
    cells = "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>{2 * r - 2}</v></c>'
        f'<c r="B{r}" t="s"><v>{2 * r - 1}</v></c></row>'
        for r in (1, 2)
    )
    sheet = (
        f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
        f"<sheetData>{cells}{rows_xml}</sheetData></worksheet>"
    )
    own = "".join(f"<si><t>{s}</t></si>" for s in STRINGS)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, text in PARTS.items():
            zf.writestr(name, text)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(f'<sst xmlns="{MAIN}">{own}'.encode())
            for _ in range(filler_mib):
                fh.write(FILLER)
            fh.write(b"</sst>")
    return path
