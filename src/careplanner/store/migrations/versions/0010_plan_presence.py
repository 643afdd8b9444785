"""Who has a person's draft open for editing, on which workstation (the practice server's presence).

One row per person whose draft is open; `heartbeat_at` is renewed by the editing workstation every half
minute and read against the server's own clock (never a workstation's), so a row whose workstation
crashed or lost the network counts as stale after two minutes. The local store carries the table too
(one schema, one set of migrations) but never writes to it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 18:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_presence",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("draft_id", sa.String(length=36), nullable=True),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("workstation", sa.String(length=100), nullable=False),
        sa.Column("holder", sa.String(length=36), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_plan_presence_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_plan_presence_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_presence")),
        sa.UniqueConstraint("person_id", name=op.f("uq_plan_presence_person_id")),
    )


def downgrade() -> None:
    op.drop_table("plan_presence")
