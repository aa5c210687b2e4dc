"""An export's cells (casework.read.export_labels, export_cells): labels for codes, values typed
for a spreadsheet, each format's text, and the XLSX cell limit (issue 17 point 1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from casework.read.export_cells import XLSX_CELL_LIMIT, csv_text, json_value, long_cell
from casework.read.export_labels import FieldColumn, Labels, field_cells, value_cell
from workflows import default_registry
from workflows.spec import FieldSpec

CHOICE = FieldSpec("dispute_type", "纠纷类型", "choice", {"neighbour": "邻里"})
AMOUNT = FieldSpec("amount_claimed", "涉及金额(元)", "int", former=("amount",))
DAY = FieldSpec("received_on", "签收材料日期", "date")


def test_values_are_typed_for_a_spreadsheet() -> None:
    assert value_cell(CHOICE, "neighbour") == "邻里"
    assert value_cell(CHOICE, "retired_code") == "retired_code"  # shown as stored
    assert value_cell(AMOUNT, 12000) == 12000 and value_cell(AMOUNT, "350") == 350
    assert value_cell(AMOUNT, Decimal("1.5")) == Decimal("1.5")
    assert value_cell(AMOUNT, "约一万") == "约一万"
    assert value_cell(DAY, "2020-03-30") == date(2020, 3, 30)
    assert value_cell(DAY, "三月") == "三月"
    assert value_cell(FieldSpec("reviewers", "复议人员", "users"), ["a", "b"]) == "a,b"
    assert value_cell(CHOICE, None) is None and value_cell(CHOICE, "") is None


def test_a_field_under_a_former_name_is_found_and_others_are_empty() -> None:
    columns = [FieldColumn("涉及金额(元)", {"mediation": AMOUNT}), FieldColumn("纠纷类型", {})]
    assert field_cells(columns, "mediation", {"amount": 9}) == [9, None]
    assert field_cells(columns, "petition", {"amount": 9}) == [None, None]


def test_labels_of_codes_and_the_union_of_fields() -> None:
    labels = Labels(default_registry())
    assert labels.kind("petition") == "信访事项" and labels.kind("lawsuit") == "lawsuit"
    assert labels.state("mediation", "archived") == "已归档"
    assert labels.state("mediation", "gone") == "gone"
    assert labels.role("respondent") == "被申请人"
    heads = [c.label for c in labels.field_columns(["petition", "mediation"])]
    assert heads.index("纠纷类型") < heads.index("信访形式")  # the registry's order
    assert len(heads) == len(set(heads))
    screening = next(
        c for c in labels.field_columns(["mediation", "major_dispute"]) if c.label == "来源排查"
    )
    assert set(screening.specs) == {"mediation", "major_dispute"}  # one column for both


def test_each_format_writes_instants_and_days() -> None:
    at = datetime(2020, 4, 1, 2, 15, tzinfo=UTC)
    assert csv_text(at) == "2020-04-01T10:15:00+08:00" and json_value(at) == csv_text(at)
    assert csv_text(date(2020, 4, 1)) == "2020-04-01" and csv_text(None) == ""
    assert csv_text(12000) == "12000"


def test_the_xlsx_limit_counts_as_a_spreadsheet_does() -> None:
    assert long_cell(["a", "详" * XLSX_CELL_LIMIT]) is None
    assert long_cell(["a", "详" * (XLSX_CELL_LIMIT + 1)]) == (1, XLSX_CELL_LIMIT + 1)
    # A character outside the BMP is two units in a spreadsheet's count.
    assert long_cell(["𠀀" * (XLSX_CELL_LIMIT // 2 + 1)]) == (0, XLSX_CELL_LIMIT + 1)
