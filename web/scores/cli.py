"""`khlang scores ...`: the answer template of a school, importing its answers, exporting scores.

Each command parses its options, calls one service of :mod:`scoring` and writes or prints the result.
Refusals (every row problem in Thai) are printed by the root group.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import click

from web.administrations.cli import _lang, _say, _session
from web.cli.params import InputPath, OutputPath


def write_table(table, out: Path) -> None:
    """A table as .xlsx (Thai font) or .csv (UTF-8 with BOM so Excel reads Thai; formula-like cells neutralised)."""
    from exports.xlsx import neutralise, write_tables

    if out.suffix.lower() == ".xlsx":
        write_tables(out, [table], locale=_lang())
        return
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(table.columns)
    w.writerows([("" if v is None else neutralise(v)) for v in row] for row in table.rows)
    out.write_text(buf.getvalue(), encoding="utf-8-sig")


def audit_student_read(ctx, what: str, admin: str, school_code: str | None, n_students: int) -> None:
    """PDPA: printing or writing student-level rows is a read of student data, audited (one row per command)."""
    from itembank.audit import record_student_read
    from itembank.schools import get_school

    with _session(ctx, write=True) as (s, actor):
        school_id = get_school(s, actor, school_code).id if school_code else None
        record_student_read(s, actor, what, school_id=school_id, object_id=admin, n_students=n_students, commit=True)


@click.group("scores")
def scores() -> None:
    """คะแนน: แม่แบบไฟล์คำตอบ นำเข้าคำตอบ ส่งออกคะแนน

    Scores: answer templates, answer imports, score exports.
    """


@scores.command("template")
@click.argument("admin")
@click.option("--school", "school_code", required=True, help="รหัสโรงเรียน 10 หลัก / school code")
@click.option("--out", "out", required=True, type=OutputPath(formats=(".csv", ".xlsx")), help="ไฟล์ผลลัพธ์ / output")
@click.pass_context
def template_command(ctx, admin, school_code, out: Path):
    """แม่แบบไฟล์คำตอบของโรงเรียน: รายชื่อนักเรียน คอลัมน์ชุด และหนึ่งคอลัมน์ต่อข้อ / a school's upload file"""
    from scoring.uploads import answer_template

    with _session(ctx) as (s, actor):
        table = answer_template(s, actor, admin, school_code)
    audit_student_read(ctx, "answer_template", admin, school_code, len(table.rows))
    write_table(table, out)
    click.echo(_say(f"เขียนแม่แบบ {out.name}: นักเรียน {len(table.rows)} คน", f"wrote {out.name}: {len(table.rows)} students"))


@scores.command("import")
@click.argument("admin")
@click.argument("path", type=InputPath(formats=(".csv", ".xlsx")))
@click.option("--school", "school_code", required=True, help="รหัสโรงเรียน 10 หลัก / school code")
@click.option("--queue", is_flag=True, help="ส่งเข้าคิวงานเบื้องหลัง / run as a background job")
@click.pass_context
def import_command(ctx, admin, path: Path, school_code, queue):
    """นำเข้าคำตอบของโรงเรียน ทั้งไฟล์หรือไม่นำเข้าเลย; ไฟล์ที่แก้แล้วแทนที่ไฟล์เดิม / import a school's answers"""
    from scoring.uploads import import_answers

    if queue:
        from web.administrations.cli import _app
        from web.jobs import get_jobs

        handle = get_jobs(_app(ctx)).enqueue("import_answer_file", administration=admin, school=school_code,
                                             path=str(path.resolve()))
        click.echo(_say(f"ส่งเข้าคิวแล้ว: งาน {handle.id} (ดู: khlang jobs show {handle.id})",
                        f"queued: job {handle.id} (see khlang jobs show {handle.id})"))
        return

    with _session(ctx, write=True) as (s, actor):
        click.echo(import_answers(s, actor, admin, school_code, path).message(_lang()))


@scores.command("export")
@click.argument("admin")
@click.option("--out", "out", required=True, type=OutputPath(formats=(".csv", ".xlsx")), help="ไฟล์ผลลัพธ์ / output")
@click.option("--school", "school_code", default=None, help="เฉพาะโรงเรียนนี้ / one school only")
@click.option("--answers", is_flag=True, help="ต่อท้ายด้วยคำตอบตามลำดับข้อของฉบับ / add the answers in form order")
@click.pass_context
def export_command(ctx, admin, out: Path, school_code, answers):
    """ส่งออกคะแนนรายคน (คะแนนดิบ ร้อยละ ระดับผลการเรียน ระดับคุณภาพ θ) / export the scores"""
    from scoring.exports import export_scores

    with _session(ctx) as (s, actor):
        table = export_scores(s, actor, admin, school_code=school_code, answers=answers)
    audit_student_read(ctx, "scores_export", admin, school_code, len(table.rows))
    write_table(table, out)
    click.echo(_say(f"เขียน {out.name}: นักเรียน {len(table.rows)} คน", f"wrote {out.name}: {len(table.rows)} students"))


@scores.command("decide")
@click.argument("admin")
@click.argument("item")
@click.argument("decision", type=click.Choice(["keep", "rekey", "cancel"]))
@click.option("--key", default=None, help="เฉลยใหม่ เช่น ข หรือ ข,ง / the new key (option labels)")
@click.option("--any-of", is_flag=True, help="ตอบตัวใดตัวหนึ่งในเฉลยก็ได้คะแนน / any one of the keys earns the points")
@click.option("--mode", "cancel_mode", type=click.Choice(["credit", "drop"]), default="credit", show_default=True,
              help="ยกเลิกข้อ: credit ให้คะแนนทุกคน, drop ตัดออกจากคะแนนเต็ม / how a cancelled item counts")
@click.pass_context
def decide_command(ctx, admin, item, decision, key, any_of, cancel_mode):
    """ตัดสินข้อสอบที่ถูกระงับ (เก็บเฉลยเดิม เปลี่ยนเฉลย ยกเลิกข้อ) แล้วคำนวณคะแนนใหม่จากคำตอบที่เก็บไว้

    Decide on a held item (keep, rekey, cancel); scores are recomputed from the stored answers.
    """
    from scoring.rescoring import decide_item

    keys = [k.strip() for k in key.split(",") if k.strip()] if key else None
    with _session(ctx, write=True) as (s, actor):
        click.echo(decide_item(s, actor, admin, item, decision, key=keys, any_of=any_of,
                               cancel_mode=cancel_mode).message(_lang()))


@scores.command("recompute")
@click.argument("admin")
@click.pass_context
def recompute_command(ctx, admin):
    """คำนวณคะแนนทั้งการสอบใหม่จากคำตอบที่เก็บไว้ / rescore an administration from its stored answers"""
    from scoring.rescoring import recompute_scores

    with _session(ctx, write=True) as (s, actor):
        click.echo(recompute_scores(s, actor, admin).message(_lang()))


@scores.command("reference")
@click.argument("admin")
@click.argument("level", type=click.Choice(["province", "nation"]))
@click.option("--mean", "mean_percent", type=float, required=True, help="ค่าเฉลี่ยร้อยละ / mean percentage")
@click.option("--sd", type=float, default=None, help="ส่วนเบี่ยงเบนมาตรฐาน / SD")
@click.option("--n", type=int, default=None, help="จำนวนผู้สอบ / number of students")
@click.pass_context
def reference_command(ctx, admin, level, mean_percent, sd, n):
    """บันทึกผลระดับจังหวัดหรือประเทศ เพื่อแสดงเทียบกับเขตและโรงเรียน / enter province or nation figures"""
    from scoring.warehouse import REFERENCE_TH, enter_reference

    with _session(ctx, write=True) as (s, actor):
        enter_reference(s, actor, admin, level, mean_percent, sd=sd, n=n)
    click.echo(_say(f"บันทึกผล{REFERENCE_TH[level]}ของการสอบ {admin}: ร้อยละ {mean_percent:g}",
                    f"stored the {level} figures of {admin}: {mean_percent:g} %"))
