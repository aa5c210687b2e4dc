"""JSON as the CLI prints it: non-ASCII kept, dates and other values as text (``default=str``),
so that an answer of the API equals the CLI's ``--json`` of the same command."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.responses import JSONResponse, StreamingResponse


class JSON(JSONResponse):
    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=str).encode("utf-8")


# Bytes of a streamed JSON array gathered before each write: few writes, little held.
STREAM_BYTES = 64 * 1024


def json_array(rows: Iterable[Any]) -> Iterator[bytes]:
    """A JSON array of ``rows``, as :class:`JSON` writes a list, a few rows at a time."""
    buffer = bytearray(b"[")
    first = True
    for row in rows:
        if not first:
            buffer += b","
        buffer += json.dumps(row, ensure_ascii=False, default=str).encode("utf-8")
        first = False
        if len(buffer) >= STREAM_BYTES:
            yield bytes(buffer)
            buffer.clear()
    buffer += b"]"
    yield bytes(buffer)


def json_rows(rows: Iterable[Any]) -> StreamingResponse:
    """A listing answered as it is read (a JSON array), however many rows it has."""
    return StreamingResponse(json_array(rows), media_type=JSON.media_type)
