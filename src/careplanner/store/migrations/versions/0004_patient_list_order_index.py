"""Patient-list order: an index on (family name, first name), and search tokens that carry the list order.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 18:50:21.072888
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index("ix_person_list_order", ["family_name", "first_name", "id"], unique=False)
    with op.batch_alter_table("person_name_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_key", sa.String(length=500), nullable=False, server_default=""))
        batch_op.drop_index("ix_person_name_token_token")
        batch_op.create_index("ix_person_name_token_search", ["token", "sort_key", "person_id"], unique=False)

    # Derived data, filled with the app's own rule (see 0003 for why importing it here is safe).
    from careplanner.clinical.name_search import sort_key

    conn = op.get_bind()
    people = conn.execute(sa.text("SELECT id, family_name, first_name FROM person")).fetchall()
    if people:
        conn.execute(
            sa.text("UPDATE person_name_token SET sort_key = :key WHERE person_id = :pid"),
            [{"key": sort_key(family, first, pid), "pid": pid} for pid, family, first in people],
        )


def downgrade() -> None:
    with op.batch_alter_table("person_name_token", schema=None) as batch_op:
        batch_op.drop_index("ix_person_name_token_search")
        batch_op.create_index("ix_person_name_token_token", ["token", "person_id"], unique=False)
        batch_op.drop_column("sort_key")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_list_order")
