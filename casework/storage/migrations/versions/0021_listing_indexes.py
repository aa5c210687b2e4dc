"""An index of the cases newest first (issue 18 point 2): ``case list`` and the search read
their cases by (registration time, id), a chunk at a time after the last one read (keyset
paging), so that each page is a seek into this index rather than a sort of every case (0.15 s
at 200,000 cases for the first 50; each further chunk as long again, without it). A search by
a party's name finds the cases from the names: an index of (name, case_id) is read for it
rather than the parties' whole rows (a third of their size).

Revision ID: 0021
Revises: 0020 (re-chained after 0020 when that one is merged)
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_registered_at", "cases", ["registered_at", "id"])
    op.create_index("ix_parties_name_case", "parties", ["name", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_parties_name_case", table_name="parties")
    op.drop_index("ix_cases_registered_at", table_name="cases")
