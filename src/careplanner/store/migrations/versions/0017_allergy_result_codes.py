"""Allergies and results keep the codes a GP record sends: the allergy's substance and reaction SNOMED CT
codes, and a result's code (SNOMED CT or LOINC, with its system) and UCUM unit code, so they survive the
store and go back out in exports.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 02:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

ALLERGY = (("substance_code", 20), ("reaction_code", 20))
RESULT = (("code_system", 60), ("code", 40), ("unit_code", 40))


def upgrade() -> None:
    with op.batch_alter_table("allergy", schema=None) as batch_op:
        for name, length in ALLERGY:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=""))
    with op.batch_alter_table("test_result", schema=None) as batch_op:
        for name, length in RESULT:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("test_result", schema=None) as batch_op:
        for name, _length in reversed(RESULT):
            batch_op.drop_column(name)
    with op.batch_alter_table("allergy", schema=None) as batch_op:
        for name, _length in reversed(ALLERGY):
            batch_op.drop_column(name)
