"""Database helpers for tests that need them directly (import this, never `conftest`: with several
conftest.py files in tests/, `from conftest import ...` may find the wrong one)."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlmodel import SQLModel


def all_tables() -> list[str]:
    from web.models_registry import import_all_models

    import_all_models()
    return [t.name for t in SQLModel.metadata.sorted_tables]


def clear_tables(engine: Engine) -> None:
    """Delete every row of every table of the schema (keeps alembic_version)."""
    tables = all_tables()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            from itembank.audit import append_only_ddl, drop_append_only_ddl

            guarded = "audit_log" in tables  # the append-only trigger is lifted for the wipe only
            for statement in drop_append_only_ddl("sqlite") if guarded else ():
                conn.execute(text(statement))
            for t in reversed(tables):
                conn.execute(text(f'DELETE FROM "{t}"'))  # noqa: S608 - table names from our metadata
            for statement in append_only_ddl("sqlite") if guarded else ():
                conn.execute(text(statement))
