"""Search tokens for people's names (folded words), backfilled for people already in the store.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 18:01:30.683426
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_name_token",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("token", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_name_token_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "token", name=op.f("pk_person_name_token")),
    )
    with op.batch_alter_table("person_name_token", schema=None) as batch_op:
        batch_op.create_index("ix_person_name_token_token", ["token", "person_id"], unique=False)

    # The folding rules are the app's own (clinical.name_search); tokens are derived data, so using the
    # current rules here is safe: a later change of rules would come with its own re-tokenising revision.
    from careplanner.clinical.name_search import name_tokens

    conn = op.get_bind()
    people = conn.execute(
        sa.text("SELECT id, first_name, family_name, preferred_name FROM person")
    ).fetchall()
    rows = [
        {"person_id": pid, "token": token}
        for pid, first, family, preferred in people
        for token in name_tokens(first, family, preferred or "")
    ]
    if rows:
        conn.execute(
            sa.text("INSERT INTO person_name_token (person_id, token) VALUES (:person_id, :token)"), rows
        )


def downgrade() -> None:
    with op.batch_alter_table("person_name_token", schema=None) as batch_op:
        batch_op.drop_index("ix_person_name_token_token")

    op.drop_table("person_name_token")
