"""`khlang forms ...`: blueprints → assembled forms → frozen forms → variants → booklets, keys, sheets."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click


def _app_store(ctx: click.Context):
    from web.cli import make_app
    from web.store_ext import get_store

    app = make_app(ctx)
    return app, get_store(app)


def thai_errors(f: Callable[..., Any]) -> Callable[..., Any]:
    """A refusal of the domain (KhlangError) becomes its Thai message and exit status 1."""

    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from itembank.errors import KhlangError

        try:
            return f(*args, **kwargs)
        except KhlangError as e:
            raise click.ClickException(e.text("th")) from e

    return wrapper


@click.group("forms")
def forms() -> None:
    """ฉบับข้อสอบ: จัดฉบับตามผัง ยืนยันฉบับ สร้างชุดสลับข้อ พิมพ์แบบทดสอบ เฉลย กระดาษคำตอบ"""


def _load_blueprint(session, source: str):
    from testgen.blueprint_io import blueprint_from_dict
    from testgen.errors import TestGenError
    from testgen.forms import get_blueprint

    path = Path(source)
    if path.suffix.lower() == ".json" and path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise TestGenError("blueprint.file_invalid", message_th=f"{path.name}: อ่านไฟล์ JSON ไม่ได้ ({e})",
                               message_en=f"{path.name}: not valid JSON ({e})") from e
        return None, blueprint_from_dict(data), data.get("grade")
    row, bp = get_blueprint(session, source)
    return row.code, bp, row.grade


@forms.command("assemble")
@click.argument("blueprint")
@click.option("--forms", "n_forms", type=int, default=None, help="จำนวนฉบับ (ค่าเริ่มต้นตามผัง)")
@click.option("--grade", default=None, help="ชั้น เช่น ป.6 (ค่าเริ่มต้นตามผัง)")
@click.option("--time-limit", type=float, default=30.0, show_default=True, help="เวลาสูงสุด (วินาที)")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--freeze", "freeze_prefix", default=None, help="ยืนยันฉบับทันทีด้วยรหัส PREFIX-1, PREFIX-2, ...")
@click.option("--title", default=None, help="ชื่อแบบทดสอบเมื่อยืนยันฉบับ")
@click.option("--minutes", type=int, default=None, help="เวลาสอบ (นาที)")
@click.pass_context
@thai_errors
def assemble_command(ctx, blueprint, n_forms, grade, time_limit, seed, freeze_prefix, title, minutes):
    """จัดฉบับข้อสอบจากผัง (ไฟล์ .json หรือรหัสผังที่บันทึกไว้) ด้วยข้อสอบที่อนุมัติแล้วในคลัง"""
    from dataclasses import replace

    from itembank.authz import Actor
    from testgen.forms import assemble_from_bank, freeze_form

    _, store = _app_store(ctx)
    actor = Actor.system()
    with store.session() as s:
        code, bp, bp_grade = _load_blueprint(s, blueprint)
        if n_forms:
            bp = replace(bp, n_forms=n_forms)
        out = assemble_from_bank(s, actor, bp, grade=grade or bp_grade, time_limit=time_limit, seed=seed)
        click.echo(str(out.result.summary()))
        if freeze_prefix:
            prov = {"blueprint": bp.name, "solver": out.result.solver, "objective": out.result.objective_kind,
                    "objective_value": out.result.objective, "status": out.result.status, "seed": seed}
            for f in range(len(out.result.forms)):
                form = freeze_form(s, actor, f"{freeze_prefix}-{f + 1}", title or bp.name,
                                   out.form_version_ids(f), blueprint_code=code, provenance=prov,
                                   time_minutes=minutes, anchors=[int(a) for a in out.result.anchors])
                click.echo(f"ยืนยันฉบับ {form.code}: {form.n_items} ข้อ {form.total_points:g} คะแนน "
                           f"(hash {form.content_hash[:12]})")


@forms.command("save-blueprint")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--code", required=True, help="รหัสผัง")
@click.pass_context
@thai_errors
def save_blueprint_command(ctx, path: Path, code: str):
    """บันทึกผังการออกข้อสอบจากไฟล์ JSON"""
    from itembank.authz import Actor
    from testgen.forms import save_blueprint

    _, store = _app_store(ctx)
    with store.session() as s:
        _, bp, grade = _load_blueprint(s, str(path))
        save_blueprint(s, Actor.system(), code, bp, grade=grade)
    click.echo(f"บันทึกผัง {code}: {bp.name} ({len(bp.rows)} แถว)")


@forms.command("freeze")
@click.argument("code")
@click.option("--items", required=True, help="รหัสข้อสอบตามลำดับ คั่นด้วยจุลภาค")
@click.option("--title", required=True)
@click.option("--minutes", type=int, default=None)
@click.pass_context
@thai_errors
def freeze_command(ctx, code, items, title, minutes):
    """ยืนยันฉบับข้อสอบจากรายการข้อสอบ (ใช้ฉบับล่าสุดที่อนุมัติแล้วของแต่ละข้อ)"""
    from itembank import service
    from itembank.authz import Actor
    from testgen.forms import freeze_form

    _, store = _app_store(ctx)
    with store.session() as s:
        ids = [service.get_version(s, c.strip()).id for c in items.split(",") if c.strip()]
        form = freeze_form(s, Actor.system(), code, title, ids, time_minutes=minutes)
    click.echo(f"ยืนยันฉบับ {form.code}: {form.n_items} ข้อ (hash {form.content_hash[:12]})")


@forms.command("variants")
@click.argument("form_code")
@click.option("--count", type=int, default=4, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.pass_context
@thai_errors
def variants_command(ctx, form_code, count, seed):
    """สร้างชุดสลับข้อและตัวเลือก (A, B, C, ...) พร้อมเฉลยของแต่ละชุด"""
    from itembank.authz import Actor
    from testgen.forms import make_form_variants

    _, store = _app_store(ctx)
    with store.session() as s:
        rows = make_form_variants(s, Actor.system(), form_code, count, seed)
        labels = [r.label for r in rows]
    click.echo(f"ฉบับ {form_code}: ชุด {', '.join(labels)} (seed {seed})")


@forms.command("list")
@click.pass_context
@thai_errors
def list_command(ctx):
    """รายการฉบับข้อสอบที่ยืนยันแล้ว"""
    from itembank.authz import Actor
    from testgen.forms import form_variants, list_forms

    _, store = _app_store(ctx)
    with store.read_session() as s:
        for f in list_forms(s, Actor.system()):
            labels = "".join(v.label for v in form_variants(s, f))
            click.echo(f"{f.code}\t{f.grade or ''}\t{f.n_items} ข้อ\t{f.total_points:g} คะแนน\tชุด {labels or '-'}\t{f.title}")


@forms.command("show")
@click.argument("form_code")
@click.pass_context
@thai_errors
def show_command(ctx, form_code):
    """รายละเอียดฉบับ: ข้อสอบ ผังที่ใช้และการบรรลุผัง สารสนเทศของแบบทดสอบที่ θ = −3…3"""
    from itembank.authz import Actor
    from testgen.forms import THETA_GRID, form_information, form_variants, form_versions, get_form

    _, store = _app_store(ctx)
    with store.read_session() as s:
        form = get_form(s, Actor.system(), form_code)
        rows = form_versions(s, form)
        click.echo(f"{form.code}: {form.title}  ({form.grade or ''}, {form.n_items} ข้อ, {form.total_points:g} คะแนน)")
        click.echo(f"content hash {form.content_hash}; provenance {json.dumps(form.provenance, ensure_ascii=False)}")
        for fi, v, code in rows:
            click.echo(f"{fi.position:>3}. {code} ฉบับที่ {v.number}  {v.learning_area} {v.cognitive_level or ''} "
                       f"{'[' + fi.set_code + ']' if fi.set_code else ''}{' (ร่วม)' if fi.is_anchor else ''}")
        tif = form_information(s, form)
        if tif is None:
            click.echo("TIF: ข้อสอบยังไม่มีค่าพารามิเตอร์ IRT")
        else:
            click.echo("TIF  " + "  ".join(f"θ={t:+.0f}: {i:.2f}" for t, i in zip(THETA_GRID, tif, strict=True)))
        _fulfilment(s, form, rows)
        labels = [v.label for v in form_variants(s, form)]
        click.echo(f"ชุดสลับข้อ: {', '.join(labels) or '-'}")


def _fulfilment(session, form, rows) -> None:
    from testgen.assembler import prepare, validate
    from testgen.bank import bank_pool
    from testgen.forms import get_blueprint
    from testgen.models import StoredBlueprint

    if form.blueprint_id is None:
        return
    stored = session.get(StoredBlueprint, form.blueprint_id)
    _, bp = get_blueprint(session, stored.code)
    from dataclasses import replace

    import numpy as np

    bp = replace(bp, n_forms=1, anchor_count=0, anchor_rows=(), objective=None)
    pool, versions = bank_pool(session, grade=form.grade, statuses=("approved", "retired", "in_review", "draft"))
    index = {v.id: i for i, v in enumerate(versions)}
    chosen = np.array([index[v.id] for _, v, _ in rows if v.id in index], dtype=int)
    problems = validate(prepare(pool, bp), [chosen])
    click.echo(f"ผัง {stored.code}: " + ("ครบทุกแถว" if not problems else "; ".join(p.message_th for p in problems)))


@forms.command("flag-compromised")
@click.argument("item_code")
@click.option("--reason", required=True)
@click.pass_context
@thai_errors
def flag_command(ctx, item_code, reason):
    """ระบุว่าข้อสอบรั่ว: ฉบับใหม่จะใช้ข้อนี้ไม่ได้"""
    from itembank.authz import Actor
    from testgen.forms import flag_compromised

    _, store = _app_store(ctx)
    with store.session() as s:
        flag_compromised(s, Actor.system(), item_code, reason)
    click.echo(f"ระบุ {item_code} ว่าข้อสอบรั่วแล้ว")


@forms.command("render")
@click.argument("form_code")
@click.option("--variant", default=None, help="ชุด (A, B, ...); ไม่ระบุ = ลำดับของฉบับ")
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), default="pdf", show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--school", default=None, help="รหัสโรงเรียน 10 หลัก: ประทับชื่อโรงเรียนลงทุกหน้า")
@click.option("--arabic-digits", is_flag=True, help="เลขหน้าเป็นเลขอารบิก")
@click.pass_context
@thai_errors
def render_command(ctx, form_code, variant, fmt, out: Path, school, arabic_digits):
    """พิมพ์แบบทดสอบ (PDF หรือ DOCX ที่แก้ไขได้)"""
    from exports.booklet import render_booklet_pdf
    from exports.docx import booklet_docx
    from exports.stamp import stamp_copy
    from itembank.authz import Actor
    from testgen.booklets import booklet_for

    app, store = _app_store(ctx)
    with store.read_session() as s:
        booklet = booklet_for(s, Actor.system(), form_code, variant, district=app.config["DISTRICT_NAME"])
        stamp = _school_stamp(s, school) if school else None
    if fmt == "docx":
        if stamp:
            from dataclasses import replace

            booklet = replace(booklet, school=stamp.name, school_code=stamp.code)
        booklet_docx(booklet, out, thai_digits=not arabic_digits)
    else:
        pdf = render_booklet_pdf(booklet, thai_digits=not arabic_digits)
        out.write_bytes(stamp_copy(pdf, stamp) if stamp else pdf)
    click.echo(f"เขียน {out} ({len(booklet.items)} ข้อ)")


def _school_stamp(session, code: str):
    from sqlalchemy import select

    from exports.stamp import SchoolStamp
    from scoring.models import School
    from testgen.errors import TestGenError

    school = session.scalar(select(School).where(School.code == code))
    if school is None:
        raise TestGenError("school.not_found", kind="not_found", message_th=f"ไม่พบโรงเรียนรหัส {code}",
                           message_en=f"no school {code}")
    return SchoolStamp(school.code, school.name_th.removeprefix("โรงเรียน"))


@forms.command("key")
@click.argument("form_code")
@click.option("--variant", default=None)
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="เฉลย .pdf, .docx หรือ .csv (item_id,key สำหรับนำเข้าการตรวจ)")
@click.pass_context
@thai_errors
def key_command(ctx, form_code, variant, out: Path):
    """เฉลยของชุด (PDF, DOCX หรือ CSV)"""
    from exports.docx import key_docx
    from exports.keys import render_key_pdf, write_key_csv
    from itembank.authz import Actor
    from testgen.booklets import answer_key_for

    _, store = _app_store(ctx)
    with store.read_session() as s:
        key = answer_key_for(s, Actor.system(), form_code, variant)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        write_key_csv(key, out)
    elif suffix == ".docx":
        key_docx(key, out)
    else:
        render_key_pdf(key, out)
    click.echo(f"เขียน {out}")


@forms.command("answer-sheet")
@click.argument("form_code")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--spec-out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="ตำแหน่งวงกลมทุกวง (มม.) เป็น JSON สำหรับเครื่องอ่าน OMR")
@click.pass_context
@thai_errors
def answer_sheet_command(ctx, form_code, out: Path, spec_out: Path | None):
    """กระดาษคำตอบ (PDF) พร้อมผังตำแหน่ง (JSON)"""
    from exports.answer_sheet import render_answer_sheet
    from itembank.authz import Actor
    from testgen.booklets import answer_sheet_for

    _, store = _app_store(ctx)
    with store.read_session() as s:
        spec = answer_sheet_for(s, Actor.system(), form_code)
    render_answer_sheet(spec, out, spec_out=spec_out or out.with_suffix(".json"))
    click.echo(f"เขียน {out}")
