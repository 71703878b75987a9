"""`khlang backup --out DIR` and `khlang restore FILE`: online backups of the configured database."""

from __future__ import annotations

from pathlib import Path

import click

from web.admin.cli_actor import as_option, store_session
from web.cli import lang


def _say(th: str, en: str) -> str:
    return en if lang() == "en" else th


def _actor(as_name: str | None):
    from web.admin.cli_actor import actor_for

    with store_session(write=False) as s:
        return actor_for(s, as_name)


@click.command("backup")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="โฟลเดอร์ที่เก็บไฟล์สำรอง (ต้องมีอยู่แล้ว) / folder for the backup")
@as_option
def backup(out_dir: Path, as_name: str | None) -> None:
    """สำรองฐานข้อมูลขณะระบบทำงาน (SQLite: backup API; PostgreSQL: pg_dump -Fc) พร้อมไฟล์ตรวจสอบ .json"""
    from itembank.backup import backup as run_backup
    from web.cli import config

    result = run_backup(config()["DATABASE_URL"], _actor(as_name), out_dir)
    rows = sum(result.counts.values())
    click.echo(_say(f"สำรองแล้ว: {result.path} ({rows} แถว, SHA-256 {result.sha256[:16]}…)",
                    f"backed up: {result.path} ({rows} rows, SHA-256 {result.sha256[:16]}…)"))


@click.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="ยืนยันการแทนที่ข้อมูลทั้งหมดในฐานข้อมูล / confirm replacing everything")
@as_option
def restore(backup_file: Path, yes: bool, as_name: str | None) -> None:
    """กู้คืนฐานข้อมูลจากไฟล์สำรอง: ข้อมูลปัจจุบันทั้งหมดถูกแทนที่ (ต้องใส่ --yes)"""
    from itembank.backup import restore as run_restore
    from web.cli import config

    if not yes:
        raise click.UsageError(_say("การกู้คืนแทนที่ข้อมูลทั้งหมด: ใส่ --yes เพื่อยืนยัน",
                                    "restoring replaces everything: add --yes to confirm"))
    counts = run_restore(config()["DATABASE_URL"], _actor(as_name), backup_file)
    click.echo(_say(f"กู้คืนแล้ว: {sum(counts.values())} แถว ใน {len(counts)} ตาราง",
                    f"restored: {sum(counts.values())} rows in {len(counts)} tables"))
