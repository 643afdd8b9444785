"""Tamper guards: triggers that test the new row too, drafts-only inserts, content seals of agreed versions,
and the store's own note of the newest audit entry.

- The plan content triggers now refuse a row moved into (or inserted into) an agreed or declined version,
  and `care_plan` accepts only drafts as new rows (see store/guards.py, the one list of triggers).
- Every agreed or declined version already in the store gets its content seal recorded now, one audit
  entry each ("content_hash_recorded", "recorded at upgrade"), appended to the chain like any entry. What
  a version held before this upgrade cannot be proved from here on; from now on it can.
- `audit_head_mark` keeps, inside the store, the newest audit entry noted so far. A store upgraded with a
  note beside it that still matches its trail starts with that note as its mark.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 15:45:00.000000
"""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

HEAD_NOTE = "careplanner.audit-head.json"


def _mark_from_note(conn: sa.engine.Connection) -> None:
    """Start the mark from the note beside the store, when there is one and the trail still matches it."""
    if conn.dialect.name != "sqlite":
        return  # a practice server has no note beside it
    rows = conn.exec_driver_sql("PRAGMA database_list").fetchall()
    main = next((str(r[2]) for r in rows if r[1] == "main" and r[2]), "")
    if not main:
        return
    try:
        raw = json.loads((Path(main).parent / HEAD_NOTE).read_text(encoding="utf-8"))
        seq, digest = int(raw["seq"]), str(raw["hash"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    found = conn.exec_driver_sql("SELECT hash FROM audit_event WHERE seq = ?", (seq,)).scalar()
    if found == digest:
        conn.exec_driver_sql("INSERT INTO audit_head_mark (id, seq, hash) VALUES (1, ?, ?)", (seq, digest))


def upgrade() -> None:
    # Imported here: the guard list and the seal are the app's own rules (as 0003 imports its own).
    from careplanner.services.audit import Action, record_seals
    from careplanner.store import guards

    op.create_table(
        "audit_head_mark",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head_mark")),
    )
    conn = op.get_bind()
    guards.create_all(op.execute, conn.dialect.name)
    versions = [
        str(r[0])
        for r in conn.exec_driver_sql(
            "SELECT id FROM care_plan WHERE status <> 'draft' ORDER BY created_at, id"
        ).fetchall()
    ]
    record_seals(
        conn,
        versions,
        action=Action.CONTENT_RECORDED,
        user_id=None,
        note="recorded at upgrade",
        revision=revision,
    )
    _mark_from_note(conn)


FROZEN = "SELECT RAISE(ABORT, 'agreed or declined plan versions cannot be changed')"
NOT_DRAFT = "(SELECT status FROM care_plan WHERE id = {row}.plan_id) <> 'draft'"


def downgrade() -> None:
    from careplanner.store import guards

    op.execute("DROP TRIGGER IF EXISTS care_plan_draft_only_insert")
    for table in guards.PLAN_CONTENT_TABLES:
        for when, row in (("insert", "NEW"), ("update", "OLD")):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_frozen_{when}")
            op.execute(
                f"CREATE TRIGGER {table}_frozen_{when} BEFORE {when.upper()} ON {table} "
                f"WHEN {NOT_DRAFT.format(row=row)} BEGIN {FROZEN}; END"
            )
    op.drop_table("audit_head_mark")
