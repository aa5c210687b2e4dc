"""Every kind of workbook casework writes, printed by LibreOffice for a person to look at.

    python bench/render_sheets.py [--out DIR] [--until 2020-05-20] [--db FILE] [--no-office]

Builds a small database (``casework demo --until UNTIL``, a partial year: a few thousand
cases, a quarter of subsidy claims) unless ``--db`` names one already built, then writes each
kind of XLSX with the CLI (statistics, statistics by office, the monthly and annual reports,
the mediation form, the subsidy payout sheet, the case export) into DIR, has LibreOffice
headless convert each to PDF (``soffice --headless --convert-to pdf``) and the first pages of
each PDF to PNG (``pdftoppm`` when installed, else LibreOffice's own PNG export of the first
page). Prints one line per workbook: its PDF's pages, how many are landscape, and the PNGs.
Exits 1 when a command or a conversion fails; with ``--no-office`` only the workbooks are
written (a machine without LibreOffice). The figures on the sheets are the demo's, not real.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOW = "2021-01-05T09:00"
PERIOD = ("--from", "2020-01-01", "--to", "2020-04-30")
# name: the CLI arguments that write it, its output path last
KINDS: dict[str, tuple[str, ...]] = {
    "stats": ("stats", *PERIOD, "--xlsx"),
    "stats-by-office": ("stats", *PERIOD, "--by", "office", "--xlsx"),
    "report-monthly": ("report", "monthly", "--month", "2020-04", "--format", "xlsx", "--out"),
    "report-annual": ("report", "annual", "--year", "2020", "--format", "xlsx", "--out"),
    "mediation-form": ("report", "mediation-form", *PERIOD, "--format", "xlsx", "--output"),
    "subsidy-sheet": ("subsidy", "sheet", "--quarter", "2020Q1", "--out"),
    "export-cases": ("export", "cases", *PERIOD, "--out"),
}
PNG_PAGES = 2  # the first page and the next, to see the header repeated


def casework(db: Path, *args: str) -> str:
    """Run the CLI of this checkout as admin; stop on failure."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CASEWORK_NOW": NOW, "CASEWORK_USER": "admin"}
    command = [sys.executable, "-c", "from cli.main import run; run()", "--db", str(db), *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        sys.exit(f"render_sheets: casework {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def soffice(profile: Path, *args: str) -> None:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        sys.exit("render_sheets: LibreOffice is not installed (or run with --no-office)")
    # A profile of its own: the user's own LibreOffice settings are never touched.
    command = [program, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless"]
    done = subprocess.run([*command, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0 or "error" in done.stderr.lower():
        sys.exit(f"render_sheets: soffice {' '.join(args)} failed:\n{done.stderr[-2000:]}")


def pages(pdf: Path) -> tuple[int, int]:
    """A PDF's pages, and how many of them are landscape."""
    objects = re.findall(rb"\d+ 0 obj(.*?)endobj", pdf.read_bytes(), re.S)
    boxes = [
        re.search(rb"/MediaBox\s*\[\s*[\d.]+\s+[\d.]+\s+([\d.]+)\s+([\d.]+)", o)
        for o in objects
        if re.search(rb"/Type\s*/Page(?![a-zA-Z])", o)
    ]
    wide = sum(float(b.group(1)) > float(b.group(2)) for b in boxes if b)
    return len(boxes), wide


def to_png(pdf: Path, out: Path, profile: Path) -> list[Path]:
    """The PDF's first pages as PNG files."""
    if shutil.which("pdftoppm"):
        prefix = out / pdf.stem
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                str(PNG_PAGES),
                str(pdf),
                str(prefix),
            ],
            check=True,
        )
        return sorted(out.glob(f"{pdf.stem}-*.png"))
    soffice(profile, "--convert-to", "png", "--outdir", str(out), str(pdf.with_suffix(".xlsx")))
    return [out / f"{pdf.stem}.png"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("sheets-out"))
    parser.add_argument("--until", default="2020-05-20", help="the demo's last day")
    parser.add_argument("--db", type=Path, help="a database already built (skips the demo)")
    parser.add_argument("--no-office", action="store_true", help="write the workbooks only")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    db = args.db or out / "demo.db"
    if args.db is None:
        if db.exists():
            db.unlink()
        casework(db, "demo", "--until", args.until, "--json")
    books = []
    for name, command in KINDS.items():
        book = out / f"{name}.xlsx"
        if book.exists():
            book.unlink()
        casework(db, *command, str(book))
        books.append(book)
    if args.no_office:
        print("\n".join(f"{b.stem}: {b}" for b in books))
        return
    profile = out / "libreoffice-profile"
    soffice(profile, "--convert-to", "pdf", "--outdir", str(out), *map(str, books))
    for book in books:
        pdf = book.with_suffix(".pdf")
        total, wide = pages(pdf)
        pngs = to_png(pdf, out, profile)
        print(f"{book.stem}: {total} pages ({wide} landscape), {', '.join(p.name for p in pngs)}")


if __name__ == "__main__":
    main()
