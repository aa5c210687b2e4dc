"""Wrapping for fixed-width output (casework/read/text_wrap.py, text_table.py) and the widths
of terminal tables (cli/table_layout.py): lines break at spaces, between Chinese characters
and after ``key=``, never inside a number, a code or an English word."""

from __future__ import annotations

import pytest

from casework.read.text_table import text_table
from casework.read.text_wrap import display_width, longest_atom, wrap
from cli.table_layout import measure, widths


def test_display_width_counts_chinese_double() -> None:
    assert display_width("调解 1,932件") == 4 + 1 + 5 + 2
    assert display_width("（２）") == 6  # full-width forms are wide too


@pytest.mark.parametrize("width", range(6, 30))
def test_numbers_and_codes_stay_whole(width: int) -> None:
    text = (
        "共调解纠纷1,932件，见XF-2020-panzhou-00001号（2020）粤0981民诉前调1206号"
        " dispute_type=neighbour"
    )
    lines = wrap(text, width)
    assert all(display_width(line) <= width for line in lines if display_width(line) > 0)
    joined = "\n".join(lines)
    tokens = ("1,932", "0981", "1206", "（2020）", "neighbour", "dispute_type=")
    for token in (*tokens, "XF-2020-panzhou-00001"):
        if display_width(token) <= width:  # a wider piece can only be folded
            assert token in joined, token
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_punctuation_keeps_to_its_neighbour() -> None:
    assert wrap("甲乙，丙丁", 4) == ["甲", "乙，", "丙丁"]  # no line starts with ，
    assert wrap("甲乙（丙）", 6) == ["甲乙", "（丙）"]  # （ does not end a line
    assert wrap("", 10) == [""] and wrap("a\nb", 10) == ["a", "b"]


def test_the_narrowest_width_is_the_longest_piece() -> None:
    assert longest_atom("已归档 archived") == 8
    assert longest_atom("amount=1234567, form=written") == 8  # "1234567," after "amount="
    assert longest_atom("调解中") == 2


def test_a_piece_wider_than_the_line_is_folded_as_a_last_resort() -> None:
    assert wrap("abcdefgh", 3) == ["abc", "def", "gh"]


def test_table_widths_keep_figures_whole_or_say_it_does_not_fit() -> None:
    case = measure("案件编号 case_no", ["XF-2020-panzhou-00001"])
    figure = measure("剩余 days left", ["-279", "3"])
    title = measure("事由 title", ["邻里纠纷调解申请及后续处理情况"])
    assert figure.numeric and not case.numeric and (figure.least, case.least) == (4, 21)
    sizes = widths([case, figure, title], 60)
    assert sizes is not None and sizes[0] == 21 and sizes[1] >= 4 and sum(sizes) + 8 <= 60
    assert widths([case, figure, title], 30) is None  # 21 + 4 + 2 and the rules: too wide


def test_a_header_broken_by_its_caller_keeps_its_lines() -> None:
    assert measure("信访登\n记件数", ["1"]).least == 6
    assert measure("信访登记件数", ["1"]).least == 2


@pytest.mark.parametrize("width", [40, 60, 80, 100])
def test_a_text_table_splits_its_columns_to_fit(width: int) -> None:
    header = ["单位", *[f"指标{i}号数量" for i in range(10)]]
    rows = [["潘州街道司法所", *[f"{i * 1234}" for i in range(10)]], ["合计", *["0"] * 10]]
    blocks = text_table(header, rows, width)
    lines = [line for block in blocks for line in block]
    assert all(display_width(line) <= width for line in lines)
    shown = " ".join(lines).split()
    assert all(f"{i * 1234}" in shown for i in range(10))  # every figure whole
    assert all(block[-2].startswith("潘州街道司法所") for block in blocks)
    assert len(blocks) > 1 if width < 100 else len(blocks) >= 1
