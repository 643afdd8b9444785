"""Medicines keep their dm+d code (a SNOMED CT UK drug extension id) when a GP record brings one, so the
code survives the store and can feed the ACB matcher and later exports.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 21:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("medicine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dmd_code", sa.String(length=20), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("medicine", schema=None) as batch_op:
        batch_op.drop_column("dmd_code")
