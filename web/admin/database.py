"""Dropping and migrating the configured database again (the demo's ``--reset``)."""

from __future__ import annotations


def reset_database(url: str) -> None:
    """Drop every table and migrate again (the demo's --reset)."""
    from sqlmodel import SQLModel

    from itembank.store import make_engine
    from web.migrations import upgrade
    from web.models_registry import import_all_models

    import_all_models()
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            SQLModel.metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        engine.dispose()
    upgrade(url)
