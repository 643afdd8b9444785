"""After `server restore`, an agreement the server lost keeps its own time when a workstation sends it again
(issue 15, hazard H-71).

`sync_epoch` gains `began_at` (when the epoch began) and `lost_after` (the newest time the server's own
history held then: after a restore, the time the backup stopped). On the practice server the agreement guard
(store/guards.py `careplanner_frozen_version`) is made again: an agreement still needs the account signed in,
and its time must be the present, or lie in that lost stretch (a few minutes' margin either side), so an
agreement made on a workstation before the restore comes back as it was. A server never restored has no
lost stretch, and nothing can be back-dated there.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 02:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from careplanner.store import guards

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_FUNCTION = "careplanner_frozen_version"


def upgrade() -> None:
    with op.batch_alter_table("sync_epoch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("began_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("lost_after", sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $guard$ {guards.PG_FUNCTIONS[_FUNCTION]} $guard$"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":  # the guard as before: no lost stretch
        body = guards.PG_FUNCTIONS[_FUNCTION].replace(f" AND NOT {guards.RESTORED_AGREEMENT_TIME}", "")
        op.execute(
            f"CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $guard$ {body} $guard$"
        )
    with op.batch_alter_table("sync_epoch", schema=None) as batch_op:
        batch_op.drop_column("lost_after")
        batch_op.drop_column("began_at")
