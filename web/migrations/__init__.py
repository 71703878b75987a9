"""Alembic migrations of the whole Khlang schema, applied by `khlang db upgrade` and on `khlang serve`.

The migration environment lives in `web` because `web` may import every room: env.py sees every
room's tables through :func:`web.models_registry.import_all_models`. The centre (`itembank`) may
not import satellites, so it cannot hold this environment.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

HERE = Path(__file__).resolve().parent


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    """An Alembic Config for `url` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (creating an SQLite file if needed)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current(url: str) -> str | None:
    """The revision the database at `url` is at (None for an empty database)."""
    from itembank.store import make_engine

    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def check(url: str) -> list[tuple]:
    """Differences between the models and the migrated database at `url` (empty when in step)."""
    from alembic.autogenerate import compare_metadata
    from sqlmodel import SQLModel

    from itembank.store import make_engine
    from web.models_registry import import_all_models

    import_all_models()
    engine = make_engine(url, read_only=True)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                            "render_as_batch": conn.dialect.name == "sqlite"})
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()
