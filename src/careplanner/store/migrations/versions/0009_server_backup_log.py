"""A record of each practice-server backup, so `careplanner server check` can report the age of the last one.

`careplanner server backup` adds a row after pg_dump has written and checked its file. The row names the
file (its name holds no patient data), its size and the database account that took it; the time is the
server's own clock, as is the "now" that `server check` measures the age against. A workstation's
own store gets the table too (the same migrations run on both back ends) and leaves it empty: its backups
are recorded in its audit trail, as before.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 18:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "server_backup_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("taken_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_backup_log")),
    )
    op.create_index("ix_server_backup_log_taken_at", "server_backup_log", ["taken_at"], unique=False)


def downgrade() -> None:
    op.drop_table("server_backup_log")
