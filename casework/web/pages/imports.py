"""导入 import: a ledger (台账) uploaded, checked by a dry run that lists every bad row by row and
column with nothing written, then imported by ``casework import``'s own API call.

The uploaded file waits between the check and the import in a folder of its own under the
system's temporary directory, named by a random token that only its uploader's confirm form
carries; the import reads it from there (the same file, so the same SHA-256: importing it twice
adds nothing) and removes it. The import runs within the request (see docs/web.md, "导入").
"""

# No ``from __future__ import annotations``: FastAPI reads the endpoints' annotations at run time.
import json
import os
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, UploadFile
from fastapi.responses import HTMLResponse

from casework.api.ledger import LedgerRejected
from casework.errors import CaseworkError, InvalidData, NotFound
from casework.web.pages.frame import PageGate, Viewer, refused, render

UPLOADS = Path(tempfile.gettempdir()) / "casework-uploads"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Uploads never confirmed are removed after a day, at the next upload.
STALE_SECONDS = 24 * 3600
CHUNK = 1 << 20
NO_FILE = "请选择台账文件 (choose a ledger file)"
NOT_LEDGER = (
    "台账须为 .csv、.tsv、.txt、.xlsx、.xls 或 .ods 文件 (a ledger is CSV, TSV, XLSX, XLS or ODS)"
)
LEDGER_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods")
GONE = "待导入的文件已不存在，请重新上传检查 (the checked file is gone: upload it again)"

Text = Annotated[str, Form(max_length=200)]


def clean_name(name: str | None) -> str:
    """The upload's own file name, as the ledger's name (no folders, no control characters)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '/:*?"<>|')
    if not base.strip(" ."):
        raise InvalidData(NO_FILE, field="file")
    if not base.lower().endswith(LEDGER_SUFFIXES):
        raise InvalidData(f"{base[:100]!r}：{NOT_LEDGER}", field="file")
    stem, dot, suffix = base.rpartition(".")
    return f"{stem[:100]}{dot}{suffix}"


def prune(now: float) -> None:
    """Remove uploads older than a day that nobody confirmed."""
    if not UPLOADS.is_dir():
        return
    for folder in UPLOADS.iterdir():
        try:
            if now - folder.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def stash(upload: UploadFile, username: str) -> tuple[str, Path]:
    """Keep the upload under a new token; returns the token and the file's path."""
    name = clean_name(upload.filename)
    prune(time.time())
    UPLOADS.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = UPLOADS / secrets.token_urlsafe(18)
    folder.mkdir(mode=0o700)
    path = folder / name
    with path.open("wb") as out:
        while chunk := upload.file.read(CHUNK):
            out.write(chunk)
    (folder / "owner.json").write_text(json.dumps({"username": username, "name": name}))
    return folder.name, path


def stashed(token: str, username: str) -> Path:
    """The file a confirm form's token stands for, if its uploader is asking."""
    folder = UPLOADS / token
    if not TOKEN.match(token) or not (folder / "owner.json").is_file():
        raise NotFound(GONE, field="token")
    owner = json.loads((folder / "owner.json").read_text())
    path = folder / str(owner.get("name", ""))
    if owner.get("username") != username or not path.is_file():
        raise NotFound(GONE, field="token")
    return path


def discard(path: Path) -> None:
    shutil.rmtree(path.parent, ignore_errors=True)


def form_context(v: Viewer, **values: Any) -> dict[str, Any]:
    """The upload form's choices: the procedures and the offices the viewer may name."""
    kinds = [(w["kind"], f"{w['label']} {w['kind']}") for w in v.cw.workflows()]
    offices = [(o["code"], f"{o['name']} {o['code']}") for o in v.cw.offices()]
    return {"kinds": kinds, "offices": offices, "form": values}


def rejected(v: Viewer, exc: LedgerRejected, context: dict[str, Any]) -> HTMLResponse:
    """Every bad row, by row and column, with the file's counts: nothing was written."""
    bad = [b.as_json() for b in exc.bad_rows]
    return render(
        v, "import.html", 422, rejected=exc.summary, bad_rows=bad, reason=exc.reason, **context
    )


def routes(router: APIRouter, gate: PageGate) -> None:
    @router.get("/import")
    def import_page(v: Annotated[Viewer, Depends(gate.viewer)]) -> HTMLResponse:
        return render(v, "import.html", **form_context(v))

    @router.post("/import")
    def check(
        v: Annotated[Viewer, Depends(gate.writer)],
        kind: Text,
        file: UploadFile | None = None,
        office: Text = "",
    ) -> HTMLResponse:
        context = form_context(v, kind=kind, office=office)
        path: Path | None = None
        try:
            if file is None or not file.filename:
                raise InvalidData(NO_FILE, field="file")
            token, path = stash(file, v.user["username"])
            summary = v.cw.import_ledger(kind, str(path), office=office or None, dry_run=True)
        except LedgerRejected as exc:
            if path is not None:
                discard(path)
            return rejected(v, exc, context)
        except CaseworkError as exc:
            if path is not None:
                discard(path)
            return refused(v, exc, "import.html", **context)
        return render(v, "import.html", checked=summary, token=token, **context)

    @router.post("/import/run")
    def run(
        v: Annotated[Viewer, Depends(gate.writer)],
        token: Text,
        kind: Text,
        office: Text = "",
    ) -> HTMLResponse:
        context = form_context(v, kind=kind, office=office)
        try:
            path = stashed(token, v.user["username"])
            summary = v.cw.import_ledger(kind, str(path), office=office or None)
        except LedgerRejected as exc:
            return rejected(v, exc, context)
        except CaseworkError as exc:
            return refused(v, exc, "import.html", **context)
        discard(path)
        return render(v, "import.html", imported=summary, **context)
