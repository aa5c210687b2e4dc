"""The files of a case file (卷宗) uploaded through the web: kept by their SHA-256 in a folder
beside the database, recorded as the case's document step, and handed back on download.

The folder is ``CASEWORK_FILES`` when set, else ``<database>.files`` beside a SQLite file,
else ``files`` in the application directory (as the key file). A file is named by its digest,
so the same file uploaded twice is kept once, and a file edited on disk is refused on download
rather than handed out as the recorded one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from datetime import datetime
from typing import TYPE_CHECKING, BinaryIO, NamedTuple

from casework.api.base import Base
from casework.errors import InvalidData, NotFound

if TYPE_CHECKING:
    from casework.domain.results import DocumentResult

FILES_ENV = "CASEWORK_FILES"
CHUNK = 1 << 20
# Characters a file name keeps: no folders, no control characters, at most 200 of them.
NAME_LIMIT = 200


class StoredFile(NamedTuple):
    path: str
    name: str
    sha256: str


def files_dir(db_file: str | None) -> str:
    chosen = os.environ.get(FILES_ENV)
    if chosen:
        return os.path.abspath(os.path.expanduser(chosen))
    if db_file:
        return os.path.abspath(db_file) + ".files"
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return os.path.join(base, "casework", "files")


def clean_name(name: str | None) -> str:
    """The upload's own name without folders or control characters (``文件`` when none)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    kept = "".join(ch for ch in base if ch.isprintable())[:NAME_LIMIT].strip()
    return kept if kept not in ("", ".", "..") else "文件"


class Documents(Base):
    """Upload and download of a case file's documents."""

    def files_dir(self) -> str:
        url = self.engine.url
        return files_dir(url.database if url.get_backend_name() == "sqlite" else None)

    def stored_path(self, sha256: str) -> str:
        return os.path.join(self.files_dir(), sha256[:2], sha256)

    def store_document(
        self,
        case_no: str,
        kind: str,
        name: str | None,
        content: BinaryIO,
        at: str | datetime | None = None,
        note: str | None = None,
    ) -> DocumentResult:
        """Record a document with its uploaded file: the step names the file and its
        SHA-256 (as ``add_document`` with a path), and the file is kept by that digest. A
        refused step keeps nothing."""
        folder = tempfile.mkdtemp(prefix="casework-doc-")
        path = os.path.join(folder, clean_name(name))
        try:
            with open(path, "wb") as out:
                shutil.copyfileobj(content, out, CHUNK)
            if os.path.getsize(path) == 0:
                raise InvalidData("上传的文件为空 (the file is empty)", field="file")
            done = self.add_document(case_no, kind, path, at, note)  # type: ignore[attr-defined]
            digest = done["document"]["sha256"] or sha256_of(path)
            target = self.stored_path(digest)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if not os.path.exists(target):
                shutil.move(path, target)
            return done  # type: ignore[no-any-return]
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def document_file(self, case_no: str, seq: int) -> StoredFile:
        """The kept file of the document recorded by event ``seq`` of a case the user may
        see (its SHA-256 checked again before it is handed out)."""
        case = self.show(case_no)  # type: ignore[attr-defined]
        doc = next((d for d in case["documents"] if d["event_seq"] == seq), None)
        if doc is None or not doc["sha256"]:
            raise NotFound(f"案件 {case_no} 没有第 {seq} 号文件 (no such file)", field="seq")
        path = self.stored_path(doc["sha256"])
        if not os.path.isfile(path):
            raise NotFound(
                f"文件 {doc['file_name']} 未随系统保存 (the file was not kept)", field="seq"
            )
        if sha256_of(path) != doc["sha256"]:
            raise InvalidData(
                f"文件 {doc['file_name']} 与登记的 SHA-256 不符 (the kept file was altered)",
                field="seq",
            )
        return StoredFile(path, doc["file_name"] or "文件", doc["sha256"])


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
