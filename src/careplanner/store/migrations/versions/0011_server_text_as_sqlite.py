"""The practice server's text behaves as the local store's: compared by code point, any length
(store/collation.py). Nothing changes on SQLite.

On a server database created with a linguistic collation (the machine's locale, as Debian's and Windows'
installers give), the patient list came out in another order than the local store's and a search by the
start of an NHS number found nobody; and a value longer than a column's declared length (which SQLite
never enforces) failed the save on the server only.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 18:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from careplanner.store.collation import text_as_sqlite

    text_as_sqlite(op.get_bind())


def downgrade() -> None:
    # Neither the database's own collation nor the old limits are worth restoring: both made the server
    # answer differently from the local store.
    pass
