"""Where a plan version came from, when it was imported from another organisation's export (issue 13):
the organisation (name and ODS code), the sender's identifier for the version and the identifiers of the
versions it replaces, its status there, who agreed it (name and role), a digest of what was imported (so a
re-import is recognised and a different version under the same identifier refused), and who imported it
here and when. An imported agreed version keeps the sender's agreement date in `agreed_at` and names no
account of this store as agreeing it (`agreed_by_id` empty): it is shown and printed as agreed elsewhere.

On the practice server the guard on `care_plan` is made again (store/guards.py): a draft becomes an agreed
version either agreed now by the person signed in, or imported now by the person signed in with its
provenance and no local account as agreeing it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 05:26:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from careplanner.store import guards

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TEXT_COLUMNS = (
    ("origin_organisation", 200),
    ("origin_ods_code", 20),
    ("origin_identifier", 200),
    ("origin_status", 20),
    ("origin_author", 200),
    ("origin_author_role", 200),
    ("origin_digest", 64),
)


def upgrade() -> None:
    with op.batch_alter_table("care_plan", schema=None) as batch_op:
        for name, length in TEXT_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("origin_replaces", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("imported_by_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("imported_at", sa.DateTime(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        guards.create_all(op.execute, "postgresql")
    else:
        guards.create_all(op.execute)  # in case the batch rebuilt the table (it copies no triggers)


def downgrade() -> None:
    with op.batch_alter_table("care_plan", schema=None) as batch_op:
        for name in ("imported_at", "imported_by_id", "origin_replaces"):
            batch_op.drop_column(name)
        for name, _length in reversed(TEXT_COLUMNS):
            batch_op.drop_column(name)
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        guards.create_all(op.execute)
