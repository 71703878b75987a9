"""`khlang reports`: school, district, class score sheet, student slips and item analysis as PDF, DOCX or XLSX.

    khlang reports school ADMIN --school CODE --format pdf --out school.pdf
    khlang reports all ADMIN --format pdf --out DIR [--queue]     (every school's report: a job with progress)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from web.cli.params import OutputPath

FORMATS = ("pdf", "docx", "xlsx")
KINDS = {"school": "รายงานผลระดับโรงเรียน", "district": "รายงานผลระดับเขตพื้นที่", "class": "บัญชีคะแนนรายห้อง",
         "slips": "ใบแจ้งผลรายบุคคล", "items": "รายงานการวิเคราะห์ข้อสอบ"}


def _say(th: str, en: str) -> str:
    from web.cli import lang

    return en if lang() == "en" else th


@click.group("reports")
def reports() -> None:
    """รายงานผลการสอบจากคลังผลคะแนน: โรงเรียน เขต บัญชีคะแนน ใบแจ้งผล การวิเคราะห์ข้อสอบ / reports."""


def build_report(app: Any, kind: str, administration: str, school: str | None) -> Any:
    """The report's data from the store, as the system (the command line is the district's own tool)."""
    from itembank.authz import Actor
    from scoring import reports as r
    from web.store_ext import get_store

    office = app.config["DISTRICT_NAME"]
    with get_store(app).read_session() as s:
        actor = Actor.system()
        if kind == "district":
            return r.district_report(s, actor, administration, office=office)
        if kind == "items":
            return r.item_report(s, actor, administration, office=office)
        builder = {"school": r.school_report, "class": r.class_sheet, "slips": r.result_slips}[kind]
        return builder(s, actor, administration, school, office=office)


#: Reports that list students one by one (names, scores): each one written is an audited read (PDPA).
STUDENT_LEVEL = ("class", "slips")


def audit_student_read(app: Any, kind: str, administration: str, school: str | None) -> None:
    """One audit row for a report of student-level rows (the command line acts as the system)."""
    from itembank.audit import record_student_read
    from itembank.authz import Actor
    from itembank.schools import get_school
    from web.store_ext import get_store

    actor = Actor.system()
    with get_store(app).session() as s:
        school_id = get_school(s, actor, school).id if school else None
        record_student_read(s, actor, f"report_{kind}", school_id=school_id, object_id=administration, commit=True)


def _command(kind: str) -> None:
    needs_school = kind in ("school", "class", "slips")

    @reports.command(kind, help=f"{KINDS[kind]} / the {kind} report")
    @click.argument("administration")
    @click.option("--school", default=None, help="รหัสโรงเรียน 10 หลัก (โรงเรียน บัญชีคะแนน ใบแจ้งผล) / school code")
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True, is_eager=True,
                  help="รูปแบบไฟล์ / file format")
    @click.option("--out", type=OutputPath((".pdf", ".docx", ".xlsx"), format_option="fmt"), required=True,
                  help="ไฟล์ที่จะเขียน / file to write")
    @click.pass_context
    def command(ctx: click.Context, administration: str, school: str | None, fmt: str, out: Path) -> None:
        from exports.render import write
        from web.cli import make_app

        if needs_school and not school:
            raise click.UsageError(_say("ต้องระบุ --school รหัสโรงเรียน", "--school CODE is required"), ctx)
        app = make_app(ctx)
        data = build_report(app, kind, administration, school)
        if kind in STUDENT_LEVEL:
            audit_student_read(app, kind, administration, school)
        write(data, out, fmt)
        click.echo(_say(f"เขียน{KINDS[kind]} ที่ {out}", f"wrote the {kind} report to {out}"))


for _kind in KINDS:
    _command(_kind)


@reports.command("all")
@click.argument("administration")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="pdf", show_default=True)
@click.option("--out", "folder", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="โฟลเดอร์ที่จะเขียนรายงานทุกโรงเรียน / folder for every school's report")
@click.option("--queue", is_flag=True, help="ส่งเข้าคิวงานเบื้องหลัง / run as a background job")
@click.pass_context
def all_command(ctx: click.Context, administration: str, fmt: str, folder: Path, queue: bool) -> None:
    """รายงานผลระดับโรงเรียนของทุกโรงเรียน (งานเบื้องหลังพร้อมความคืบหน้า) / every school's report."""
    from web.cli import make_app

    app = make_app(ctx)
    folder.mkdir(parents=True, exist_ok=True)
    if queue:
        from web.jobs import get_jobs

        handle = get_jobs(app).enqueue("school_reports", administration=administration, fmt=fmt,
                                       folder=str(folder.resolve()))
        click.echo(_say(f"ส่งเข้าคิวแล้ว: งาน {handle.id} (ดูความคืบหน้า: khlang jobs show {handle.id})",
                        f"queued: job {handle.id} (progress: khlang jobs show {handle.id})"))
        return

    def progress(done: int, total: int, th: str = "", en: str = "") -> None:
        click.echo(f"[{done}/{total}] {_say(th, en)}", err=True)

    outcome = every_school_report(app, administration, fmt, folder, progress)
    click.echo(_say(outcome["message_th"], outcome["message_en"]))


def every_school_report(app: Any, administration: str, fmt: str, folder: Path, progress: Any = None) -> dict:
    """Every school's report of an administration into `folder` (one file per school), reporting progress."""
    from exports.render import write
    from itembank.authz import Actor
    from scoring.reports import report_schools
    from web.store_ext import get_store

    with get_store(app).read_session() as s:
        codes = report_schools(s, Actor.system(), administration)
    files = []
    for k, code in enumerate(codes):
        if progress:
            progress(k, len(codes), f"รายงานโรงเรียน {code} ({k + 1}/{len(codes)})", f"school {code}")
        out = Path(folder) / f"{administration}_{code}.{fmt}"
        write(build_report(app, "school", administration, code), out, fmt)
        files.append(str(out))
    if progress:
        progress(len(codes), len(codes), "เสร็จแล้ว", "done")
    return {"ok": True, "job": "school_reports", "n_files": len(files), "files": files,
            "message_th": f"เขียนรายงานผลระดับโรงเรียน {len(files)} โรงเรียน ที่ {folder}",
            "message_en": f"wrote {len(files)} school reports to {folder}"}
