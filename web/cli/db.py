"""`khlang db`: the schema of the store (Alembic migrations in web/migrations)."""

from __future__ import annotations

import click


def _url(url: str | None) -> str:
    if url:
        return url
    from web.cli import config  # the configuration as the app reads it (honours --instance)

    return config()["DATABASE_URL"]


@click.group()
def db() -> None:
    """ฐานข้อมูล: สร้างและปรับโครงสร้างตาราง (migrations)"""


@db.command("upgrade")
@click.option("--url", help="DATABASE_URL (ค่าเริ่มต้น: จากการตั้งค่าของ Khlang)")
@click.option("--revision", default="head", show_default=True)
def upgrade_command(url: str | None, revision: str) -> None:
    """ปรับฐานข้อมูลให้เป็นโครงสร้างล่าสุด (apply migrations up to REVISION)."""
    from itembank.store import display_url
    from web.migrations import current, upgrade

    url = _url(url)
    upgrade(url, revision)
    click.echo(f"ฐานข้อมูล {display_url(url)} อยู่ที่ revision {current(url)}")


@db.command("current")
@click.option("--url", help="DATABASE_URL (ค่าเริ่มต้น: จากการตั้งค่าของ Khlang)")
def current_command(url: str | None) -> None:
    """แสดง revision ปัจจุบันของฐานข้อมูล และ revision ล่าสุดของโปรแกรม."""
    from itembank.store import display_url
    from web.migrations import current, head

    url = _url(url)
    now, latest = current(url), head()
    click.echo(f"ฐานข้อมูล {display_url(url)}: revision {now or '(ยังไม่มีตาราง)'}; ล่าสุด {latest}")
    if now != latest:
        click.echo("ยังไม่เป็นโครงสร้างล่าสุด: สั่ง `khlang db upgrade`", err=True)
        raise SystemExit(1)
