"""Offline sync (issue 15): the server's change log, workstations' pushes, the epoch, conflicts, and a
replica's outbox and state (models/sync.py says what each holds). Both back ends get every table.

On the practice server (PostgreSQL) the change-log function and one deferred trigger per synced table are
made (sync/change_log.py), and the epoch row is written with a new random value (`server init` and
`server restore` write a new one again). Rows changed before this revision have no change rows: a
workstation joining as a replica first copies every document (sync/server_side.py `server_documents`).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 21:10:00
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_change",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("txid", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("doc_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_change")),
        sa.UniqueConstraint("txid", "kind", "doc_id", name="uq_sync_change_txid"),
    )
    op.create_table(
        "sync_client",
        sa.Column("workstation_id", sa.String(length=36), nullable=False),
        sa.Column("last_op_seq", sa.BigInteger(), nullable=False),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("workstation_id", name=op.f("pk_sync_client")),
    )
    op.create_table(
        "sync_epoch",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("epoch", sa.String(length=36), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_sync_epoch_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_epoch")),
    )
    op.create_table(
        "sync_conflict",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("plan_a_id", sa.String(length=36), nullable=False),
        sa.Column("plan_b_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict")),
    )
    op.create_index(op.f("ix_sync_conflict_person_id"), "sync_conflict", ["person_id"], unique=False)
    _create_outbox(op.get_bind())
    op.create_index(op.f("ix_sync_outbox_doc_id"), "sync_outbox", ["doc_id"], unique=False)
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "sync_doc",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("doc_id", sa.String(length=36), nullable=False),
        sa.Column("server_revision", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "doc_id", name=op.f("pk_sync_doc")),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from careplanner.sync import change_log

    bind.execute(sa.text("INSERT INTO sync_epoch (id, epoch) VALUES (1, :e)"), {"e": str(uuid.uuid4())})
    present = set(sa.inspect(bind).get_table_names())
    change_log.create_all(op.execute, present)


def _create_outbox(bind: sa.engine.Connection) -> None:
    """AUTOINCREMENT on SQLite, so an op_seq is never used twice even after the outbox is emptied (the
    server skips any op_seq at or below the last it applied). Written out, as SQLAlchemy puts AUTOINCREMENT
    on the column without the primary key's name, and both back ends name it."""
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE TABLE sync_outbox ("
            "op_seq INTEGER NOT NULL CONSTRAINT pk_sync_outbox PRIMARY KEY AUTOINCREMENT, "
            "op_id VARCHAR(36) NOT NULL, kind VARCHAR(30) NOT NULL, doc_id VARCHAR(36) NOT NULL, "
            "base_revision INTEGER, payload TEXT NOT NULL, made_at DATETIME NOT NULL, "
            "CONSTRAINT uq_sync_outbox_op_id UNIQUE (op_id))"
        )
        return
    op.create_table(
        "sync_outbox",
        sa.Column("op_seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("doc_id", sa.String(length=36), nullable=False),
        sa.Column("base_revision", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("op_seq", name=op.f("pk_sync_outbox")),
        sa.UniqueConstraint("op_id", name=op.f("uq_sync_outbox_op_id")),
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        from careplanner.sync import change_log

        change_log.drop_all(op.execute)
    for table in ("sync_doc", "sync_state", "sync_outbox", "sync_conflict", "sync_epoch", "sync_client"):
        op.drop_table(table)
    op.drop_table("sync_change")
