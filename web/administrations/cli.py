"""`khlang admin ...` (administrations and their release) and `khlang students ...` (rosters).

Each command parses its options, calls one service of :mod:`scoring` and prints the result with Thai
labels and พ.ศ. dates (Asia/Bangkok). Refusals are printed by the root group.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from web.cli.params import InputPath, OutputPath


def _app(ctx: click.Context) -> Any:
    from web.cli import make_app

    if "app" not in ctx.meta:
        ctx.meta["app"] = make_app(ctx)
    return ctx.meta["app"]


@contextmanager
def _session(ctx: click.Context, *, write: bool = False) -> Any:
    from itembank.authz import Actor
    from web.store_ext import get_store

    store = get_store(_app(ctx))
    with store.session() if write else store.read_session() as s:
        yield s, Actor.system()


def _lang() -> str:
    from web.cli import lang

    return lang()


def _say(th: str, en: str) -> str:
    return en if _lang() == "en" else th


def _when(value) -> str:
    from exports.text import display_date

    return display_date(value, _lang()) or "-"


def _time(value: str | None):
    from scoring.administrations import parse_time

    return parse_time(value) if value else None


def show_info(info, progress: bool = False) -> None:
    from scoring.administrations import STATUS_TH

    th, en = STATUS_TH[info.status()]
    click.echo(f"{info.code}  {info.title}  [{_say(th, en)}]")
    click.echo(_say(f"  ฉบับ {info.form_code} ({info.n_items} ข้อ) ชั้น {info.grade} ภาคเรียน {info.term}/{info.year_be} "
                    f"ชุด {', '.join(v for v in info.variants if v) or '-'}",
                    f"  form {info.form_code} ({info.n_items} items), grade {info.grade}, term {info.term}/{info.year_be}, "
                    f"variants {', '.join(v for v in info.variants if v) or '-'}"))
    click.echo(_say(f"  เผยแพร่ {_when(info.release_at)} · เฉลย {_when(info.key_release_at)} · "
                    f"ผลสอบ {_when(info.results_release_at)}" + (f" · ปิด {_when(info.closed_at)}" if info.closed_at else ""),
                    f"  release {_when(info.release_at)} · key {_when(info.key_release_at)} · "
                    f"results {_when(info.results_release_at)}" + (f" · closed {_when(info.closed_at)}" if info.closed_at else "")))
    if progress:
        click.echo(_say("  โรงเรียน      ดาวน์โหลด  ส่งคำตอบ              ส่งแล้ว/นักเรียน",
                        "  school        downloads  uploaded              answered/students"))
        for p in info.schools:
            click.echo(f"  {p.code}  {p.n_downloads:>9}  {_when(p.uploaded_at):<20}  {p.n_answered}/{p.n_students}  {p.name}")


@click.group("admin")
def admin() -> None:
    """การสอบ: สร้าง รายการ ดู เผยแพร่ (ตามเวลา) ปิดรับคำตอบ

    Administrations: create, list, show, release (by time), close.
    """


@admin.command("create")
@click.argument("code")
@click.option("--form", "form_code", required=True, help="รหัสฉบับข้อสอบที่ยืนยันแล้ว / frozen form code")
@click.option("--year", "year_be", type=int, required=True, help="ปีการศึกษา พ.ศ. เช่น 2568 / academic year (BE)")
@click.option("--term", type=int, default=2, show_default=True, help="ภาคเรียน / term")
@click.option("--grade", default=None, help="ชั้น เช่น ป.6 (ค่าเริ่มต้นตามฉบับ) / grade")
@click.option("--title", default="", help="ชื่อการสอบ / title")
@click.option("--schools", default=None, help="รหัสโรงเรียนคั่นด้วยจุลภาค (ค่าเริ่มต้น ทุกโรงเรียน) / school codes")
@click.option("--release-at", default=None, help="เวลาเผยแพร่ เช่น '2569-12-08 09:00' / release time")
@click.option("--key-release-at", default=None, help="เวลาเผยแพร่เฉลย / key release time")
@click.option("--results-release-at", default=None, help="เวลาเผยแพร่ผลสอบ / results release time")
@click.pass_context
def create_command(ctx, code, form_code, year_be, term, grade, title, schools, release_at, key_release_at,
                   results_release_at):
    """สร้างการสอบจากฉบับข้อสอบที่ยืนยันแล้ว / create an administration of a frozen form"""
    from scoring.administrations import create_administration

    with _session(ctx, write=True) as (s, actor):
        info = create_administration(
            s, actor, code, title, form_code, year_be=year_be, term=term, grade=grade,
            schools=schools.split(",") if schools else None, release_at=_time(release_at),
            key_release_at=_time(key_release_at), results_release_at=_time(results_release_at))
        show_info(info)


@admin.command("list")
@click.pass_context
def list_command(ctx):
    """รายการการสอบ / the administrations"""
    from scoring.administrations import list_administrations

    with _session(ctx) as (s, actor):
        for info in list_administrations(s, actor):
            show_info(info)


@admin.command("show")
@click.argument("code")
@click.pass_context
def show_command(ctx, code):
    """การสอบหนึ่งรายการ พร้อมความครบถ้วนรายโรงเรียน (ดาวน์โหลด ส่งคำตอบ จำนวนนักเรียน) / one administration"""
    from scoring.administrations import get_administration

    with _session(ctx) as (s, actor):
        show_info(get_administration(s, actor, code), progress=True)


@admin.command("close")
@click.argument("code")
@click.pass_context
def close_command(ctx, code):
    """ปิดรับคำตอบ / close an administration to uploads"""
    from scoring.administrations import close_administration

    with _session(ctx, write=True) as (s, actor):
        show_info(close_administration(s, actor, code))


@admin.command("release")
@click.argument("code")
@click.option("--at", "at", default=None, help="เวลาเผยแพร่ (ค่าเริ่มต้น ตอนนี้) เช่น '2569-12-08 09:00' / release time")
@click.option("--key-at", default=None, help="เวลาเผยแพร่เฉลย / key release time")
@click.option("--results-at", default=None, help="เวลาเผยแพร่ผลสอบ / results release time")
@click.option("--booklets", type=click.Choice(["queue", "now", "no"]), default="queue", show_default=True,
              help="พิมพ์แบบทดสอบรายโรงเรียน: เข้าคิว, ทันที, ไม่พิมพ์ / render the schools' booklets")
@click.pass_context
def release_command(ctx, code, at, key_at, results_at, booklets):
    """กำหนดเวลาเผยแพร่ (ตอนนี้ถ้าไม่ระบุ): โรงเรียนเห็นแบบทดสอบตั้งแต่เวลานั้น / set the release time

    The schools' booklets are rendered once per school by a background job (--booklets queue).
    """
    from scoring.administrations import release_administration

    with _session(ctx, write=True) as (s, actor):
        show_info(release_administration(s, actor, code, _time(at), key_at=_time(key_at),
                                         results_at=_time(results_at)))
    _booklets(ctx, code, booklets)


def _booklets(ctx, code: str, how: str, again: bool = False) -> None:
    if how == "no":
        return
    if how == "queue":
        from web.jobs import get_jobs

        handle = get_jobs(_app(ctx)).enqueue("render_release_booklets", administration=code, again=again)
        click.echo(_say(f"ส่งงานพิมพ์แบบทดสอบเข้าคิว: งาน {handle.id} (ดู: khlang jobs show {handle.id})",
                        f"queued the booklet rendering: job {handle.id} (see khlang jobs show {handle.id})"))
        return
    from web.jobs.tasks import render_release_booklets

    outcome = render_release_booklets(_app(ctx), code, again=again)
    if not outcome.get("ok"):
        raise click.ClickException(_say(outcome.get("message_th", ""), outcome.get("message_en", "")))
    click.echo(_say(outcome["message_th"], outcome["message_en"]))


@admin.command("booklets")
@click.argument("code")
@click.option("--again", is_flag=True, help="พิมพ์ใหม่ทุกโรงเรียน / render every school again")
@click.option("--queue", is_flag=True, help="ส่งเข้าคิวงานเบื้องหลัง / run as a background job")
@click.pass_context
def booklets_command(ctx, code, again, queue):
    """พิมพ์แบบทดสอบรายโรงเรียน (แต่ละชุดครั้งเดียว ประทับชื่อโรงเรียน) / render the schools' booklets"""
    _booklets(ctx, code, "queue" if queue else "now", again)


@admin.command("download")
@click.argument("code")
@click.option("--school", "school_code", required=True, help="รหัสโรงเรียน 10 หลัก / school code")
@click.option("--variant", default="", help="ชุด / variant")
@click.option("--out", "out", required=True, type=OutputPath(formats=(".pdf",)), help="ไฟล์ PDF / output PDF")
@click.pass_context
def download_command(ctx, code, school_code, variant, out: Path):
    """ดาวน์โหลดแบบทดสอบของโรงเรียน (บันทึกผู้ดาวน์โหลด โรงเรียน ชุด เวลา) / download a school's booklet"""
    import shutil

    from scoring.administrations import booklet_download

    with _session(ctx, write=True) as (s, actor):
        path = booklet_download(s, actor, code, school_code, variant.upper())
    shutil.copyfile(path, out)
    click.echo(_say(f"เขียน {out.name}", f"wrote {out.name}"))


@admin.command("proctor-pack")
@click.argument("code")
@click.option("--school", "school_code", required=True, help="รหัสโรงเรียน 10 หลัก / school code")
@click.option("--date", "exam_date", default=None, help="วันสอบ ปี-เดือน-วัน พ.ศ. หรือ ค.ศ. (ค่าเริ่มต้น: ตามการสอบ) / exam date")
@click.option("--arabic-digits", is_flag=True, help="ใช้เลขอารบิก / Arabic digits")
@click.option("--out", "out", required=True, type=OutputPath(formats=(".pdf",)), help="ไฟล์ PDF / output PDF")
@click.pass_context
def proctor_pack_command(ctx, code, school_code, exam_date, arabic_digits, out: Path):
    """ชุดเอกสารกรรมการคุมสอบของโรงเรียน: คำชี้แจง บัญชีลงชื่อผู้เข้าสอบ ใบปะหน้าซอง / a school's proctor's kit"""
    import datetime as dt

    from exports.render import write
    from scoring.proctor import proctor_pack

    when = None
    if exam_date:
        try:
            y, m, d = (int(x) for x in exam_date.strip().split("-"))
            when = dt.date(y - 543 if y >= 2400 else y, m, d)  # พ.ศ. or ค.ศ.
        except ValueError as e:
            raise click.BadParameter(_say(f"วันที่ {exam_date!r} ไม่ถูกต้อง: ใช้รูปแบบ ปี-เดือน-วัน เช่น 2569-12-15",
                                          f"bad date {exam_date!r}: use YEAR-MM-DD, e.g. 2026-12-15"),
                                     param_hint="--date") from e
    with _session(ctx) as (s, actor):
        pack = proctor_pack(s, actor, code, school_code, district=_app(ctx).config["DISTRICT_NAME"], exam_date=when)
    write(pack, out, "pdf", thai_digits=not arabic_digits)
    n = sum(len(r.candidates) for r in pack.rooms)
    click.echo(_say(f"เขียน {out.name}: {len(pack.rooms)} ห้องสอบ นักเรียน {n} คน",
                    f"wrote {out.name}: {len(pack.rooms)} rooms, {n} students"))


@click.group("students")
def students() -> None:
    """รายชื่อนักเรียน: นำเข้าจาก CSV/XLSX ของโรงเรียน ดูรายชื่อ

    Rosters: import a school's CSV/XLSX, list.
    """


@students.command("import")
@click.argument("path", type=InputPath(formats=(".csv", ".xlsx")))
@click.option("--school", "school_code", required=True, help="รหัสโรงเรียน 10 หลัก / school code")
@click.option("--year", "year_be", type=int, required=True, help="ปีการศึกษา พ.ศ. / academic year (BE)")
@click.pass_context
def import_command(ctx, path: Path, school_code, year_be):
    """นำเข้ารายชื่อนักเรียน (ชั้น ห้อง เลขที่ เลขประจำตัว คำนำหน้า ชื่อ นามสกุล เพศ) ทั้งไฟล์หรือไม่นำเข้าเลย

    Import a roster; all rows or none; a second import of the same file changes nothing.
    """
    from scoring.rosters import import_roster

    with _session(ctx, write=True) as (s, actor):
        click.echo(import_roster(s, actor, school_code, path, year_be).message(_lang()))


@students.command("list")
@click.option("--school", "school_code", required=True, help="รหัสโรงเรียน 10 หลัก / school code")
@click.option("--year", "year_be", type=int, required=True, help="ปีการศึกษา พ.ศ. / academic year (BE)")
@click.option("--grade", default=None, help="ชั้น เช่น ป.6 / grade")
@click.pass_context
def list_students_command(ctx, school_code, year_be, grade):
    """รายชื่อนักเรียนของโรงเรียน / a school's students"""
    from scoring.rosters import roster

    sex = {"M": _say("ชาย", "M"), "F": _say("หญิง", "F"), None: "-"}
    with _session(ctx) as (s, actor):
        for r in roster(s, actor, school_code, year_be, grade):
            click.echo(f"{r.grade}/{r.room}  {r.seat or '-':>3}  {r.student_code}  {sex[r.sex]}  {r.name or ''}".rstrip())
