"""Alembic environment: always run by `careplanner.store.migrate` with an open (keyed) connection."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from careplanner.models import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):  # pragma: no cover - guards misuse from the alembic CLI
    raise RuntimeError(
        "Run migrations through careplanner.store.migrate, which supplies the keyed connection."
    )

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
    # On the practice server, text added by any revision compares and stores as SQLite's does (0011).
    if connection.dialect.name == "postgresql":
        from careplanner.store.collation import text_as_sqlite

        text_as_sqlite(connection)
