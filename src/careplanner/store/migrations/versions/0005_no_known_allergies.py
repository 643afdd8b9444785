"""Medical review: a "No known allergies" statement, so the person's copy can say so (never silence), and a
person-facing note on each medicine ("What this means for me") so the clinician's reason is never printed.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 15:07:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("medical_review", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("no_known_allergies", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("medicine", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("medicine", schema=None) as batch_op:
        batch_op.drop_column("person_note")
    with op.batch_alter_table("medical_review", schema=None) as batch_op:
        batch_op.drop_column("no_known_allergies")
