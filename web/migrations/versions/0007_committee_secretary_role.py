"""committee secretary role

A new person role, the secretary of the district's monitoring and supervision committee
(เลขานุการคณะกรรมการ ก.ต.ป.น.): the CHECK constraint on ``user_account.role`` lists it. SQLite
changes a CHECK constraint by copying the table (batch mode), with foreign keys switched off for
the copy (the tables that refer to ``user_account`` keep their rows).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = ('officer', 'reviewer', 'analyst', 'supervisor', 'qa', 'admin', 'school')
_AFTER = ('officer', 'reviewer', 'analyst', 'supervisor', 'qa', 'secretary', 'admin', 'school')


def _check(roles: Sequence[str]) -> str:
    return f"role IN ({', '.join(repr(r) for r in roles)})"


def _replace(roles: Sequence[str]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # the copy drops and renames user_account: foreign keys off for it (a no-op inside a transaction, so
        # the transaction is committed first; each statement below is its own and the copy is checked after)
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=OFF")
        op.execute("BEGIN IMMEDIATE")
    with op.batch_alter_table('user_account', schema=None, recreate="auto") as batch_op:
        batch_op.drop_constraint('ck_user_role', type_='check')
        batch_op.create_check_constraint('ck_user_role', _check(roles))
    if bind.dialect.name == "sqlite":
        problems = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign keys broken by the copy of user_account: {problems[:5]}")
        op.execute("COMMIT")
        op.execute("PRAGMA foreign_keys=ON")
        op.execute("BEGIN IMMEDIATE")


def upgrade() -> None:
    _replace(_AFTER)


def downgrade() -> None:
    # the old schema has no such role: a secretary account is disabled (no other role would grant the same
    # rights, and a QA officer's are wider) and the role is taken off every account that held it
    op.execute("UPDATE user_account SET role = 'qa', is_active = false WHERE role = 'secretary'")
    op.execute("UPDATE user_account SET roles = TRIM(REPLACE(REPLACE(' ' || roles || ' ', ' secretary ', ' '), "
               "'  ', ' ')) WHERE ' ' || roles || ' ' LIKE '% secretary %'")
    op.execute("UPDATE user_account SET roles = role WHERE roles = ''")
    _replace(_BEFORE)
