"""Holistic needs: what was done after PHQ-9 item 9 was answered above 0; practice crisis team number.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 15:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("holistic_review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("safety_action", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("safety_told", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("safety_numbers_given", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("phone_crisis_team", sa.String(length=40), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("practice", schema=None) as batch_op:
        batch_op.drop_column("phone_crisis_team")
    with op.batch_alter_table("holistic_review", schema=None) as batch_op:
        batch_op.drop_column("safety_numbers_given")
        batch_op.drop_column("safety_told")
        batch_op.drop_column("safety_action")
