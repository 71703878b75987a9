"""`khlang privacy`: PDPA requests and retention (itembank.privacy).

    khlang privacy export --school CODE --student ID --out student.json|student.xlsx [--as USERNAME]
    khlang privacy purge --older-than YEARS [--dry-run] [--yes] [--as USERNAME]
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from web.admin.cli_actor import actor_for, as_option, store_session
from web.cli import lang
from web.cli.params import OutputPath


def _say(th: str, en: str) -> str:
    return en if lang() == "en" else th


@click.group("privacy")
def privacy() -> None:
    """ข้อมูลส่วนบุคคลของนักเรียน (พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล): ส่งออกตามคำขอ ลบเมื่อพ้นระยะเวลาเก็บรักษา

    Students' personal data (PDPA): a data subject's export, the retention purge.
    """


@privacy.command("export")
@click.option("--school", "school_code", required=True, help="รหัสโรงเรียน 10 หลัก / school code")
@click.option("--student", "student_code", required=True, help="เลขประจำตัวนักเรียน / the student's id")
@click.option("--out", type=OutputPath(formats=(".json", ".xlsx")), required=True,
              help="ไฟล์ .json หรือ .xlsx (อ่านได้เฉพาะเจ้าของไฟล์) / output file")
@as_option
def export_command(school_code: str, student_code: str, out: Path, as_name: str | None) -> None:
    """ข้อมูลทั้งหมดของนักเรียนหนึ่งคนที่ Khlang เก็บไว้ (ตามคำขอของเจ้าของข้อมูล มาตรา 30) บันทึกในบันทึกการใช้งาน"""
    from itembank.privacy import export_student

    with store_session() as s:
        data = export_student(s, actor_for(s, as_name), school_code, student_code)
    if out.suffix.lower() == ".xlsx":
        from exports.xlsx import write_tables

        write_tables(out, data.as_tables(), locale=lang())
    else:
        out.write_text(data.as_json() + "\n", encoding="utf-8")
    os.chmod(out, 0o600)  # personal data: the file is its owner's only
    counts = data.counts()
    click.echo(_say(
        f"เขียนข้อมูลของนักเรียน {student_code} ({data.school_name}) ที่ {out}: "
        f"ชุดคำตอบ {counts['response_set']} คะแนน {counts['student_score']} ชั้นเรียน {counts['enrolment']} รายการ",
        f"wrote student {student_code} of {data.school_code} to {out}: {counts}"))


def retention_years() -> int:
    """The office's retention period: PRIVACY_RETENTION_YEARS of the configuration (khlang.cfg or
    KHLANG_PRIVACY_RETENTION_YEARS), a whole number of years, at least 1."""
    from web.cli import config

    value = config().get("PRIVACY_RETENTION_YEARS")
    if value is None:
        raise click.UsageError(_say(
            "ระบุระยะเวลาเก็บรักษาด้วย --older-than จำนวนปี หรือตั้ง PRIVACY_RETENTION_YEARS ใน khlang.cfg",
            "give --older-than YEARS or set PRIVACY_RETENTION_YEARS in khlang.cfg"))
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise click.UsageError(_say(
            f"PRIVACY_RETENTION_YEARS ต้องเป็นจำนวนปีเต็มตั้งแต่ 1 ขึ้นไป (ตั้งไว้ {value!r})",
            f"PRIVACY_RETENTION_YEARS must be a whole number of years, at least 1 (is {value!r})"))
    return value


@privacy.command("purge")
@click.option("--older-than", "years", type=click.IntRange(min=1), default=None,
              help="ระยะเวลาเก็บรักษา (ปี): ลบข้อมูลรายนักเรียนของปีการศึกษาที่สิ้นสุดเกินกว่านี้ "
                   "(ไม่ระบุ: PRIVACY_RETENTION_YEARS ใน khlang.cfg) / retention in years")
@click.option("--dry-run", is_flag=True, help="นับอย่างเดียว ไม่ลบ / count only, change nothing")
@click.option("--yes", is_flag=True, help="ยืนยันการลบโดยไม่ถาม / confirm without asking")
@as_option
def purge_command(years: int | None, dry_run: bool, yes: bool, as_name: str | None) -> None:
    """ลบคำตอบ คะแนนรายคน การลงทะเบียนชั้นเรียน และนักเรียนที่พ้นระยะเวลาเก็บรักษา เก็บสรุปผลและค่าสถิติไว้

    Deletes the student-level rows of academic years that ended more than YEARS ago, in one
    transaction; result summaries and item statistics stay. Administrators only; audited.
    """
    from itembank.privacy import purge

    years = years or retention_years()
    if not dry_run and not yes:
        click.confirm(_say(f"ลบข้อมูลรายนักเรียนของปีการศึกษาที่สิ้นสุดเกิน {years} ปีแล้ว (ย้อนกลับไม่ได้) ยืนยันหรือไม่",
                           f"delete student-level rows of academic years ended over {years} years ago "
                           "(cannot be undone)?"), abort=True)
    with store_session() as s:
        result = purge(s, actor_for(s, as_name), years, dry_run=dry_run)
    click.echo(result.message(lang()))


@privacy.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@as_option
def scan_command(paths: tuple[Path, ...], as_name: str | None) -> None:
    """ตรวจหาเลขประจำตัวประชาชน 13 หลัก (เลขตรวจสอบถูกต้อง) ในฐานข้อมูลและไฟล์/โฟลเดอร์ที่ระบุ พบแล้วจบด้วยรหัส 1

    Scan the database (every text and JSON value) and the files or folders given (exports, logs,
    backups) for valid Thai national id numbers; each is shown masked; exit 1 when any is found.
    """
    from itembank.privacy import scan_database, scan_files

    with store_session() as s:
        found = scan_database(s, actor_for(s, as_name))
    found += scan_files(paths)
    for f in found:
        click.echo(f"{f.where}\t{f.masked_id}")
    if found:
        raise click.ClickException(_say(f"พบเลขประจำตัวประชาชน {len(found)} รายการ: ลบออกหรือแทนด้วยเลขประจำตัวนักเรียน",
                                        f"found {len(found)} national id numbers"))
    click.echo(_say("ไม่พบเลขประจำตัวประชาชนในฐานข้อมูลและไฟล์ที่ตรวจ", "no national id numbers found"))
