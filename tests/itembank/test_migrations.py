"""Migrations: they build the schema the models describe, on both databases."""

from __future__ import annotations

from sqlalchemy import inspect

from web.migrations import check, current, head


def test_migrations_match_the_models(db_url):
    """compare_metadata finds no difference: regenerate with `python -m web.migrations.autogen`."""
    assert check(db_url) == []


def test_database_is_at_head(db_url):
    assert current(db_url) == head() is not None


def test_immutability_trigger_is_installed(store):
    with store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars().all()
        else:
            names = conn.exec_driver_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal").scalars().all()
    assert {"item_version_immutable", "item_version_indicator_immutable", "item_version_trait_immutable",
            "item_version_competency_immutable"} <= set(names)


def test_search_indexes_exist(store):
    indexes = {i["name"] for i in inspect(store.engine).get_indexes("item_version")}
    assert {"ix_item_version_area_grade_status", "ix_item_version_latest_area"} <= indexes
    tag_indexes = {i["name"] for i in inspect(store.engine).get_indexes("item_version_indicator")}
    assert "ix_item_version_indicator_code" in tag_indexes


def test_upgrade_and_downgrade_on_a_fresh_sqlite_file(tmp_path):
    from web.migrations import downgrade, upgrade

    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    upgrade(url)
    assert current(url) == head()
    downgrade(url, "base")
    assert current(url) is None
    upgrade(url)
    assert check(url) == []


def test_khlang_db_upgrade_and_current(tmp_path):
    from click.testing import CliRunner

    from web.cli.db import db

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    runner = CliRunner()
    before = runner.invoke(db, ["current", "--url", url])
    assert before.exit_code == 1 and "ยังไม่มีตาราง" in before.output
    result = runner.invoke(db, ["upgrade", "--url", url])
    assert result.exit_code == 0, result.output
    assert f"revision {head()}" in result.output
    after = runner.invoke(db, ["current", "--url", url])
    assert after.exit_code == 0 and f"revision {head()}; ล่าสุด {head()}" in after.output
