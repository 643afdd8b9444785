"""Conditions and allergies keep their FHIR clinical status, so history (inactive, resolved, remission) is
held as history and exported as it came, instead of becoming a current problem or allergy.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 15:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("condition", "allergy"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("clinical_status", sa.String(length=20), nullable=False, server_default="active")
            )


def downgrade() -> None:
    for table in ("condition", "allergy"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("clinical_status")
