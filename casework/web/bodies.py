"""The JSON bodies the API takes, checked before any API method is called: unknown keys, wrong
types and oversized values are refused (422) with nothing written. The API checks the rest
(lengths of titles and notes, control characters, dates, ID numbers) as it does for the CLI."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from casework.errors import InvalidData

# Generous bounds: the API's own checks give the precise limit and message; these only keep a
# megabyte of text from reaching them.
Text = Annotated[str, StringConstraints(max_length=20_000)]
Short = Annotated[str, StringConstraints(max_length=500)]
Value = Annotated[str, StringConstraints(max_length=20_000)] | int


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Login(Body):
    username: Short
    password: Short


class NewPassword(Body):
    old: Short
    new: Short


class Party(Body):
    """A party as an object; the CLI's ``ROLE:NAME[:ID[:PHONE]]`` is taken as text too."""

    role: Short
    name: Short
    id_number: Short | None = None
    phone: Short | None = None

    def spec(self) -> str:
        """The party as the API parses it; a colon inside a part would split it wrongly."""
        parts = [self.role, self.name, self.id_number or "", self.phone or ""]
        for key, part in zip(("role", "name", "id_number", "phone"), parts, strict=True):
            if ":" in part or "：" in part:
                raise InvalidData(
                    f"当事人 party 的 {key} 不能含冒号 (no colon)", field=f"party.{key}"
                )
        return ":".join(parts).rstrip(":")


class Registration(Body):
    kind: Short
    office: Short
    title: Text
    parties: Annotated[list[Short | Party], Field(max_length=100)] = []
    data: Annotated[dict[Short, Value], Field(max_length=200)] = {}
    at: Short | None = None
    note: Text | None = None
    ref: Short | None = None


class Step(Body):
    trigger: Short
    data: Annotated[dict[Short, Value], Field(max_length=200)] = {}
    note: Text | None = None
    at: Short | None = None
    ref: Short | None = None


def as_text(data: dict[str, str | int]) -> dict[str, str]:
    """Values as the API takes them, text (as ``--set`` gives them); a number as its digits."""
    return {key: str(value) for key, value in data.items()}
