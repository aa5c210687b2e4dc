"""A problem the audit found in the stored history, by case (or table) and sequence."""

from __future__ import annotations

from collections.abc import Iterable
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


# Findings an audit keeps to report: a database tampered with wholesale (every case edited)
# would otherwise hold one finding a case, which is what once grew the audit's memory with
# the cases. Every finding is counted; the first ones, in the order found, are kept.
KEPT = 10_000


class Found:
    """The findings of one audit: each counted, the first ``kept`` kept."""

    def __init__(self, kept: int = KEPT) -> None:
        self.kept: list[Finding] = []
        self.total = 0
        self._room = kept

    def add(self, finding: Finding) -> None:
        self.total += 1
        if len(self.kept) < self._room:
            self.kept.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.add(finding)
