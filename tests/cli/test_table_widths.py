"""Terminal output readable at 80 and 120 columns (issue 17 point 2): every figure and code of
a command's ``--json`` output appears whole in its text, and no line is wider than the
terminal, for ``stats`` (and ``--by office|month|quarter``), ``due``, ``case list``,
``case show`` and ``report``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from casework.api import Casework
from casework.read.text_wrap import display_width
from tests import mediations as M
from tests import petitions as P
from tests.helpers import Cli

# Towns besides panzhou and shanmei (tests/helpers.py STAFF), each given a clerk here.
TOWNS = ("dajing", "nantang", "shigu", "changpo")
TITLES = (
    "拖欠工资",
    "关于XF-2019-panzhou-00001号信访事项的复查申请及1,250,000元补偿款",
    "邻里噪音 noise complaint about the neighbour's workshop at night",
    "征地补偿款分配纠纷（涉及村民小组12户共计38人）",
)
AS_OF = "2020-11-30"
# A figure inside a sentence or a title: 1,250,000 · 97.78 · 2020.
NUMBER_IN_TEXT = re.compile(r"\d[\d,]*(?:\.\d+)?")
# A run of Latin letters, digits and their punctuation in Chinese text (XF-2019-panzhou-00001).
CODE_IN_TEXT = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z_,.-]*[0-9A-Za-z])?")


@pytest.fixture
def wide(cw: Casework) -> dict[str, str]:
    """A few dozen cases over six towns and eleven months, a mediation agreement of over a
    million yuan (a figure with thousands separators): the case numbers to show."""
    admin = cw.acting("admin")
    for town in TOWNS:
        admin.add_user(f"clerk_{town}", f"{town}登记员", "clerk", town)
    offices = [("panzhou", "clerk_pz"), ("shanmei", "clerk_sm")]
    offices += [(town, f"clerk_{town}") for town in TOWNS]
    shown: dict[str, str] = {}
    for i in range(24):
        office, clerk = offices[i % len(offices)]
        at = f"2020-{i % 11 + 1:02d}-{i % 20 + 3:02d}"
        title = TITLES[i % len(TITLES)]
        case_no = P.register(cw, at, office, clerk, title=title)
        if title == TITLES[1]:  # a long title, figures and a case number inside Chinese text
            shown.setdefault("petition", case_no)
    case_no = M.accepted(cw, "2020-05-06", title="合同纠纷 contract dispute over 1,000 tonnes")
    M.agree(cw, case_no, "2020-05-20", {"amount": "1234567"})
    shown["mediation"] = case_no
    M.accepted(cw, "2020-10-12", title="房屋漏水纠纷")
    return shown


def figures(doc: object, skip: frozenset[str] = frozenset()) -> Iterator[int | float]:
    """Every number in a JSON document, but under the keys ``skip`` (values no text shows)."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key not in skip:
                yield from figures(value, skip)
    elif isinstance(doc, list):
        for value in doc:
            yield from figures(value, skip)
    elif isinstance(doc, int | float) and not isinstance(doc, bool):
        yield doc


def strings(doc: object, keys: frozenset[str]) -> Iterator[str]:
    """The string values of a JSON document under ``keys`` (codes, dates)."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in keys and isinstance(value, str):
                yield value
            else:
                yield from strings(value, keys)
    elif isinstance(doc, list):
        for value in doc:
            yield from strings(value, keys)


def whole(token: str, text: str) -> bool:
    """Whether ``token`` appears in ``text`` with no letter, digit or code character on
    either side: not a piece of a longer number or code, nor cut by a line break (a minus
    before a figure is no such character: ``超期 3日`` shows ``days_left: -3``)."""
    before, after = r"(?<![0-9A-Za-z_.,])", r"(?![0-9A-Za-z_-]|[.,][0-9])"
    return re.search(before + re.escape(token) + after, text) is not None


def check(text: str, tokens: set[str], columns: int) -> None:
    split = sorted(t for t in tokens if not whole(t, text))
    assert split == [], f"not whole in the text: {split}\n{text}"
    wide = [line for line in text.splitlines() if display_width(line) > columns]
    assert wide == [], f"wider than {columns}: {wide}"


def number_tokens(doc: object, skip: frozenset[str] = frozenset()) -> set[str]:
    """The figures as the text prints them: counts as they are, rates with two decimals."""
    return {f"{abs(v):.2f}" if isinstance(v, float) else str(abs(v)) for v in figures(doc, skip)}


def stats_tokens(doc: dict[str, object]) -> set[str]:
    """``stats`` prints counts with thousands separators and rates as percentages; the
    groups' keys and the metrics' names are codes."""
    tokens = {f"{v:.2f}%" if isinstance(v, float) else f"{v:,}" for v in figures(doc)}
    rows = doc.get("rows") or [{"metrics": doc["metrics"]}]
    assert isinstance(rows, list)
    tokens |= {str(r["key"]) for r in rows if "key" in r}
    return tokens | {name for r in rows for name in r["metrics"]}


@pytest.fixture(params=[80, 120])
def columns(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    width: int = request.param
    monkeypatch.setenv("COLUMNS", str(width))
    return width


def shown(cli: Cli, *args: str) -> tuple[str, object]:
    """A command's text and its ``--json`` document."""
    text = cli(*args)
    assert text.exit_code == 0, text.stderr
    doc = cli(*args, "--json")
    assert doc.exit_code == 0, doc.stderr
    return text.stdout, json.loads(doc.stdout)


@pytest.mark.parametrize("by", [None, "office", "month", "quarter"])
def test_stats_at_width(cli: Cli, wide: dict[str, str], columns: int, by: str | None) -> None:
    args = ["stats", "--from", "2020-01-01", "--to", AS_OF, *(["--by", by] if by else [])]
    text, doc = shown(cli, *args)
    assert isinstance(doc, dict)
    tokens = stats_tokens(doc)
    assert "1,234,567" in tokens  # the agreement's amount, mediation.agreement_amount
    if by == "office":
        assert len(doc["rows"]) >= 28  # every office a group: too many for columns
    check(text, tokens, columns)


def test_due_and_case_list_at_width(cli: Cli, wide: dict[str, str], columns: int) -> None:
    codes = frozenset({"case_no", "state", "date", "registered_on"})
    text, doc = shown(cli, "due", "--as-of", AS_OF)
    assert doc, "the fixture's cases have limits running"
    check(text, number_tokens(doc) | set(strings(doc, codes)), columns)
    text, doc = shown(cli, "case", "list", "--all", "--as-of", AS_OF)
    check(text, number_tokens(doc) | set(strings(doc, codes)), columns)


def test_case_show_at_width(cli: Cli, wide: dict[str, str], columns: int) -> None:
    # the case's version and its documents' event numbers are not shown
    skip = frozenset({"version", "event_seq"})
    codes = frozenset({"case_no", "office", "state", "trigger", "to_state", "actor", "limit"})
    for case_no in wide.values():
        text, doc = shown(cli, "case", "show", case_no, "--as-of", AS_OF)
        assert isinstance(doc, dict)
        in_title = set(CODE_IN_TEXT.findall(doc["title"]))  # 1,250,000 and a case number
        check(text, number_tokens(doc, skip) | set(strings(doc, codes)) | in_title, columns)


@pytest.mark.parametrize(
    "report", [["annual", "--year", "2020"], ["monthly", "--month", "2020-11"]]
)
def test_report_at_width(cli: Cli, wide: dict[str, str], columns: int, report: list[str]) -> None:
    """The report's figures, in its table and in its sentences, whole within the terminal's
    width and never over 100 columns."""
    text = cli("report", *report)
    assert text.exit_code == 0, text.stderr
    doc = json.loads(cli("report", *report, "--format", "json").stdout)
    sentences = [doc["paragraph"], *[s["text"] for s in doc.get("sections", [])]]
    tokens = number_tokens(doc["rows"]) | {n for s in sentences for n in NUMBER_IN_TEXT.findall(s)}
    check(text.stdout, tokens, min(columns, 100))
