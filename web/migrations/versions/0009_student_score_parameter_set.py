"""student score: the parameter set θ was estimated with

``student_score.parameter_set_id``: the :class:`itembank.parameter_sets.ParameterSet` whose item
parameters gave the student's θ (EAP, WLE) and scale score, so exports and reports say which set
they used. NULL where θ came from the bank's latest statistics (a pilot's) or was not estimated.
A plain id (no foreign key): sets are never changed or deleted once made.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('student_score', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parameter_set_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('student_score', schema=None) as batch_op:
        batch_op.drop_column('parameter_set_id')
