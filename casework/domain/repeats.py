"""Repeat petitions (同人同事): the same person, and how alike two matters read.

The same person is the same ID number or, when either lacks one, the same name and phone. How
alike two matters are is the Dice coefficient of the character bigrams of their title and
request, after NFKC and without whitespace or punctuation (petition.md 1.2). casework shows
both with the earlier cases; a person decides whether it is the same matter (``case link``).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from casework.domain.model import Data, Party


class Earlier(NamedTuple):
    """An earlier case of the same person, and how the person matched."""

    case_no: str
    office: str
    state: str
    title: str
    data: Data
    matched: list[str]


def same_person(a: Party, b: Party) -> list[str] | None:
    """How two parties are the same person (``["id_number"]``, ``["name", "phone"]``), or
    None when they are not known to be."""
    if a.id_number and b.id_number:
        return ["id_number"] if a.id_number == b.id_number else None
    if a.phone and b.phone and a.name == b.name and a.phone == b.phone:
        return ["name", "phone"]
    return None


def matched(ours: Iterable[Party], theirs: Iterable[Party]) -> list[str] | None:
    """The strongest way any party of one case is a party of the other."""
    best: list[str] | None = None
    others = list(theirs)
    for a in ours:
        for b in others:
            found = same_person(a, b)
            if found == ["id_number"]:
                return found
            if found is not None:
                best = found
    return best


def _letters(text: str) -> str:
    normal = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in normal if not (ch.isspace() or _is_punct(ch)))


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in {"P", "S"}


def bigrams(text: str) -> Counter[str]:
    letters = _letters(text)
    return Counter(letters[i : i + 2] for i in range(len(letters) - 1))


def similarity(a: str, b: str) -> float:
    """The Dice coefficient of two texts' character bigrams, 0..1 with two decimals."""
    x, y = bigrams(a), bigrams(b)
    total = sum(x.values()) + sum(y.values())
    if not total:
        return 0.0
    shared = sum((x & y).values())
    return round(2 * shared / total, 2)


def matter_text(title: str, request: object) -> str:
    """What a matter says: its title and its request (请求、事实和理由)."""
    return f"{title}{request or ''}"
