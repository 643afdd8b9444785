"""A person's details changed on an offline workstation and on the server to different values: the
workstation's values are kept with the conflict, so a clinician can choose either (issue 15).

`sync_conflict` gains `details`: for a conflict about a person's details (plan ids empty), JSON of each
clashing field with the workstation's value and the server's value when it was found; "" for plan
conflicts. Synced to every replica like the rest of the row (the stores are encrypted; never logged).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 05:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("sync_conflict", schema=None) as batch_op:
        batch_op.drop_column("details")
