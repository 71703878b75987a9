"""item version: options that carry an order

``item_version.options_ordered``: the options carry an order (numbers, ก < ข …) that booklet variants
keep. Part of a version's content, so the immutability trigger is installed again with the column in
its list. Stored versions whose options are numbers in order are marked from their options
(:func:`itembank.option_order.detect_ordered`), which is what their content hash already says.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _reinstall_guard(columns: tuple[str, ...]) -> None:
    from itembank.models import drop_immutability_ddl, immutability_ddl

    dialect = op.get_bind().dialect.name
    for statement in drop_immutability_ddl(dialect) + immutability_ddl(dialect, columns):
        op.execute(statement)


def _mark_ordered() -> None:
    from itembank.option_order import detect_ordered

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, options FROM item_version WHERE type = 'multiple_choice'")).all()
    ordered = []
    for vid, options in rows:
        opts = json.loads(options) if isinstance(options, str) else (options or [])
        if detect_ordered("multiple_choice", [str(o.get("text", "")) for o in opts]):
            ordered.append(vid)
    for start in range(0, len(ordered), 500):
        bind.execute(sa.text("UPDATE item_version SET options_ordered = :yes WHERE id IN :ids")
                     .bindparams(sa.bindparam("ids", expanding=True)),
                     {"yes": True, "ids": ordered[start:start + 500]})


def upgrade() -> None:
    op.add_column('item_version', sa.Column('options_ordered', sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    _mark_ordered()  # the guard in place does not list the new column yet
    from itembank.models import IMMUTABLE_COLUMNS

    _reinstall_guard(IMMUTABLE_COLUMNS)


def downgrade() -> None:
    from itembank.models import IMMUTABLE_COLUMNS, drop_immutability_ddl

    for statement in drop_immutability_ddl(op.get_bind().dialect.name):
        op.execute(statement)  # SQLite refuses to drop a column a trigger names
    op.execute("ALTER TABLE item_version DROP COLUMN options_ordered")
    _reinstall_guard(tuple(c for c in IMMUTABLE_COLUMNS if c != "options_ordered"))
