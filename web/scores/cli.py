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
    write_table(table, out)
    click.echo(_say(f"เขียนแม่แบบ {out.name}: นักเรียน {len(table.rows)} คน", f"wrote {out.name}: {len(table.rows)} students"))


@scores.command("import")
@click.argument("admin")
@click.argument("path", type=InputPath(formats=(".csv", ".xlsx")))
@click.option("--school", "school_code", required=True, help="รหัสโรงเรียน 10 หลัก / school code")
@click.pass_context
def import_command(ctx, admin, path: Path, school_code):
    """นำเข้าคำตอบของโรงเรียน ทั้งไฟล์หรือไม่นำเข้าเลย; ไฟล์ที่แก้แล้วแทนที่ไฟล์เดิม / import a school's answers"""
    from scoring.uploads import import_answers

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
    write_table(table, out)
    click.echo(_say(f"เขียน {out.name}: นักเรียน {len(table.rows)} คน", f"wrote {out.name}: {len(table.rows)} students"))
