"""Each agreed or declined version of a person's plan has its own number, kept by the database itself.

The service numbers a new version as the person's highest + 1 inside the agreeing transaction; on the practice
server two workstations agree at once, so the database now refuses a second version with the same number
(drafts carry no number, and NULLs never collide). One draft per person stays the service's rule, not the
schema's: offline sync will keep two drafts made apart as a conflict to merge (research/sync.md).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 19:10:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain CREATE INDEX on both back ends: no table rebuild, so the guard triggers stay as they are.
    op.create_index("uq_care_plan_person_version", "care_plan", ["person_id", "version_number"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_care_plan_person_version", table_name="care_plan")
