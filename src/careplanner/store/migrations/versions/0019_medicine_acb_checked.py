"""A medicine line the ACB list does not know can be marked by the clinician as checked by hand: not on
the anticholinergic burden scale (issue 12). The mark is kept on the medicine line.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 05:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: on SQLite a batch rebuilds the table, which would drop its tamper
    # guards (store/guards.py triggers) with it.
    op.add_column(
        "medicine", sa.Column("acb_checked", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("medicine", schema=None) as batch_op:
        batch_op.drop_column("acb_checked")
