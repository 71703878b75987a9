"""`khlang audit export --since DATE --out F.csv`: the append-only audit log as CSV (formulas neutralised)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import click

from web.admin.cli_actor import actor_for, as_option, store_session
from web.cli import lang
from web.cli.params import OutputPath


def parse_since(text: str, tz: str = "Asia/Bangkok") -> datetime:
    """YYYY-MM-DD (ค.ศ., or พ.ศ. when the year is above 2400), midnight in the office's time zone."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter("ใช้รูปแบบ ปปปป-ดด-วว เช่น 2569-12-01 หรือ 2026-12-01 / use YYYY-MM-DD",
                                 param_hint="--since") from None
    if day.year > 2400:
        day = day.replace(year=day.year - 543)
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz))


@click.group("audit")
def audit() -> None:
    """บันทึกการใช้งาน (audit log): ส่งออกเพื่อตรวจสอบ / the audit log"""


@audit.command("export")
@click.option("--since", required=True, help="ตั้งแต่วันที่ (ปปปป-ดด-วว, พ.ศ. หรือ ค.ศ.) / since this date")
@click.option("--out", type=OutputPath(formats=(".csv",)), required=True, help="ไฟล์ CSV / output file")
@as_option
def export(since: str, out, as_name: str | None) -> None:
    """ส่งออกบันทึกการใช้งานตั้งแต่วันที่กำหนดเป็น CSV (เซลล์ที่ขึ้นต้นด้วย = + - @ ถูกทำให้เป็นข้อความ)"""
    from itembank.audit import export_csv
    from web.cli import config

    start = parse_since(since, config()["BABEL_DEFAULT_TIMEZONE"])
    with store_session() as s:
        n = export_csv(s, actor_for(s, as_name), start, out)
    click.echo(f"wrote {n} rows to {out}" if lang() == "en" else f"บันทึก {n} แถวลงใน {out}")
