"""JSON as the CLI prints it: non-ASCII kept, dates and other values as text (``default=str``),
so that an answer of the API equals the CLI's ``--json`` of the same command."""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse


class JSON(JSONResponse):
    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, default=str).encode("utf-8")
