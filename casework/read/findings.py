"""A problem the audit found in the stored history, by case (or table) and sequence."""

from __future__ import annotations

from dataclasses import dataclass

from casework.read.shapes import FindingJSON


@dataclass(frozen=True)
class Finding:
    """One problem found in the stored history."""

    case_no: str
    seq: int | None
    problem: str

    def as_json(self) -> FindingJSON:
        return FindingJSON(case_no=self.case_no, seq=self.seq, problem=self.problem)

    def __str__(self) -> str:
        where = f"{self.case_no} seq {self.seq}" if self.seq is not None else self.case_no
        return f"{where}: {self.problem}"
