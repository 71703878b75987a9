"""`khlang forms ...`: blueprints → assembled forms → frozen forms → variants → booklets, keys, sheets.

Each command parses its options, calls one service of :mod:`testgen` and prints the result, or hands
the document to :func:`exports.render.write`. Refusals are printed by the root group (Thai, or
English under ``khlang --lang en``).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from web.admin.cli_actor import give_as_option
from web.cli.params import InputPath, OutputPath


def _app(ctx: click.Context) -> Any:
    """The configured app of this command (made once)."""
    from web.cli import make_app

    if "app" not in ctx.meta:
        ctx.meta["app"] = make_app(ctx)
    return ctx.meta["app"]


@contextmanager
def _session(ctx: click.Context, *, write: bool = False) -> Any:
    """A session on the configured store, and the actor the command line acts as: the account named by
    ``--as`` (checked: an active account, its roles authorized by the services) or the system actor."""
    from web.admin.cli_actor import actor_for, chosen_as
    from web.store_ext import get_store

    store = get_store(_app(ctx))
    with store.session() if write else store.read_session() as s:
        yield s, actor_for(s, chosen_as())


def _lang() -> str:
    from web.cli import lang

    return lang()


def _say(th: str, en: str) -> str:
    return en if _lang() == "en" else th


@click.group("forms")
def forms() -> None:
    """ฉบับข้อสอบ: จัดฉบับตามผัง ยืนยันฉบับ สร้างชุดสลับข้อ พิมพ์แบบทดสอบ เฉลย กระดาษคำตอบ

    Test forms: assemble on a blueprint, freeze, make variants, print booklets, keys and answer sheets.
    """


@forms.command("assemble")
@click.argument("blueprint")
@click.option("--forms", "n_forms", type=int, default=None, help="จำนวนฉบับ (ค่าเริ่มต้นตามผัง) / number of forms")
@click.option("--grade", default=None, help="ชั้น เช่น ป.6 (ค่าเริ่มต้นตามผัง) / grade")
@click.option("--time-limit", type=float, default=30.0, show_default=True, help="เวลาสูงสุด (วินาที) / seconds")
@click.option("--seed", type=int, default=0, show_default=True, help="เลขสุ่มตั้งต้น / random seed")
@click.option("--freeze", "freeze_prefix", default=None,
              help="ยืนยันฉบับทันทีด้วยรหัส PREFIX-1, PREFIX-2, ... / freeze at once as PREFIX-1, ...")
@click.option("--title", default=None, help="ชื่อแบบทดสอบเมื่อยืนยันฉบับ / title of the frozen forms")
@click.option("--minutes", type=int, default=None, help="เวลาสอบ (นาที) / testing time in minutes")
@click.pass_context
def assemble_command(ctx, blueprint, n_forms, grade, time_limit, seed, freeze_prefix, title, minutes):
    """จัดฉบับข้อสอบจากผัง (ไฟล์ .json หรือรหัสผังที่บันทึกไว้) ด้วยข้อสอบที่อนุมัติแล้วในคลัง

    Assemble forms on a blueprint (a .json file or a stored code) from the bank's approved items.
    """
    from testgen.forms import assemble_forms

    with _session(ctx, write=True) as (s, actor):
        out = assemble_forms(s, actor, blueprint, n_forms=n_forms, grade=grade, time_limit=time_limit, seed=seed,
                             freeze_prefix=freeze_prefix, title=title, minutes=minutes)
        click.echo(str(out.assembly.result.summary()))
        for form in out.frozen:
            click.echo(_say(f"ยืนยันฉบับ {form.code}: {form.n_items} ข้อ {form.total_points:g} คะแนน "
                            f"(hash {form.content_hash[:12]})",
                            f"froze {form.code}: {form.n_items} items, {form.total_points:g} points "
                            f"(hash {form.content_hash[:12]})"))


@forms.command("save-blueprint")
@click.argument("path", type=InputPath(formats=(".json",)))
@click.option("--code", required=True, help="รหัสผัง / blueprint code")
@click.pass_context
def save_blueprint_command(ctx, path: Path, code: str):
    """บันทึกผังการออกข้อสอบจากไฟล์ JSON / store a blueprint from a JSON file"""
    from testgen.blueprint_io import read_blueprint_file
    from testgen.forms import save_blueprint

    bp, grade = read_blueprint_file(path)
    with _session(ctx, write=True) as (s, actor):
        save_blueprint(s, actor, code, bp, grade=grade)
    click.echo(_say(f"บันทึกผัง {code}: {bp.name} ({len(bp.rows)} แถว)",
                    f"stored blueprint {code}: {bp.name} ({len(bp.rows)} rows)"))


@forms.command("freeze")
@click.argument("code")
@click.option("--items", required=True, help="รหัสข้อสอบตามลำดับ คั่นด้วยจุลภาค / item codes in order, comma-separated")
@click.option("--title", required=True, help="ชื่อแบบทดสอบ / title")
@click.option("--minutes", type=int, default=None, help="เวลาสอบ (นาที) / testing time in minutes")
@click.pass_context
def freeze_command(ctx, code, items, title, minutes):
    """ยืนยันฉบับข้อสอบจากรายการข้อสอบ (ใช้ฉบับล่าสุดของแต่ละข้อ) / freeze a form of the items' latest versions"""
    from testgen.forms import freeze_items

    with _session(ctx, write=True) as (s, actor):
        form = freeze_items(s, actor, code, title, items.split(","), time_minutes=minutes)
    click.echo(_say(f"ยืนยันฉบับ {form.code}: {form.n_items} ข้อ (hash {form.content_hash[:12]})",
                    f"froze {form.code}: {form.n_items} items (hash {form.content_hash[:12]})"))


@forms.command("variants")
@click.argument("form_code")
@click.option("--count", type=int, default=4, show_default=True, help="จำนวนชุด / number of variants")
@click.option("--seed", type=int, default=1, show_default=True, help="เลขสุ่มตั้งต้น / random seed")
@click.pass_context
def variants_command(ctx, form_code, count, seed):
    """สร้างชุดสลับข้อและตัวเลือก (A, B, C, ...) พร้อมเฉลยของแต่ละชุด / make booklet variants with their keys"""
    from testgen.forms import make_form_variants

    with _session(ctx, write=True) as (s, actor):
        labels = ", ".join(r.label for r in make_form_variants(s, actor, form_code, count, seed))
    click.echo(_say(f"ฉบับ {form_code}: ชุด {labels} (seed {seed})", f"form {form_code}: variants {labels} (seed {seed})"))


@forms.command("list")
@click.pass_context
def list_command(ctx):
    """รายการฉบับข้อสอบที่ยืนยันแล้ว / the frozen forms"""
    from exports.text import display_date
    from testgen.overview import list_form_overviews

    with _session(ctx) as (s, actor):
        for o in list_form_overviews(s, actor):
            f = o.form
            click.echo("\t".join((f.code, f.grade or "", _say(f"{f.n_items} ข้อ", f"{f.n_items} items"),
                                  _say(f"{f.total_points:g} คะแนน", f"{f.total_points:g} points"),
                                  _say("ชุด ", "variants ") + ("".join(o.variants) or "-"),
                                  display_date(f.frozen_at, _lang()), f.title)))


@forms.command("show")
@click.argument("form_code")
@click.pass_context
def show_command(ctx, form_code):
    """รายละเอียดฉบับ: ข้อสอบ ผังที่ใช้และการบรรลุผัง สารสนเทศของแบบทดสอบที่ θ = −3…3

    A form in full: its items, its blueprint met or not, and the test information at θ = −3…3.
    """
    from testgen.overview import describe_form

    with _session(ctx) as (s, actor):
        overview = describe_form(s, actor, form_code)
        click.echo("\n".join(_overview_lines(overview, _lang())))


def _overview_lines(o: Any, lang: str) -> list[str]:
    """The text of `khlang forms show`: Thai words and พ.ศ. dates (English under --lang en)."""
    import json

    from exports.text import display_date
    from itembank.vocabulary import label
    from testgen.forms import parameter_provenance_text

    def say(th: str, en: str) -> str:
        return en if lang == "en" else th

    f = o.form
    lines = [f"{f.code}: {f.title}  ({f.grade or ''}, "
             + say(f"{f.n_items} ข้อ, {f.total_points:g} คะแนน)", f"{f.n_items} items, {f.total_points:g} points)"),
             say("ยืนยันเมื่อ ", "frozen ") + display_date(f.frozen_at, lang),
             f"content hash {f.content_hash}; provenance {json.dumps(f.provenance, ensure_ascii=False)}",
             parameter_provenance_text(f, lang)]
    for i in o.items:
        words = [say(f"ฉบับที่ {i.version_number}", f"v{i.version_number}"), i.learning_area or "",
                 label("item_type", i.item_type, lang), label("cognitive_level", i.cognitive_level, lang),
                 f"[{i.set_code}]" if i.set_code else "", say("(ร่วม)", "(anchor)") if i.is_anchor else ""]
        lines.append(f"{i.position:>3}. {i.item_code} " + " ".join(w for w in words if w))
    if o.information is None:
        lines.append("TIF: " + say("ข้อสอบยังไม่มีค่าพารามิเตอร์ IRT", "no IRT parameters yet"))
    else:
        lines.append("TIF  " + "  ".join(f"θ={t:+.0f}: {v:.2f}" for t, v in zip(o.theta, o.information, strict=True)))
    if o.blueprint is not None:
        problems = "; ".join(say(*pair) for pair in zip(o.blueprint.problems_th, o.blueprint.problems_en, strict=True))
        lines.append(say("ผัง ", "blueprint ") + f"{o.blueprint.code}: " + (problems or say("ครบทุกแถว", "every row met")))
    lines.append(say("ชุดสลับข้อ: ", "variants: ") + (", ".join(o.variants) or "-"))
    return lines


@forms.command("flag-compromised")
@click.argument("item_code")
@click.option("--reason", required=True, help="เหตุผล / reason")
@click.pass_context
def flag_command(ctx, item_code, reason):
    """ระบุว่าข้อสอบรั่ว: ฉบับใหม่จะใช้ข้อนี้ไม่ได้ / flag an item as exposed: no new form may use it"""
    from testgen.forms import flag_compromised

    with _session(ctx, write=True) as (s, actor):
        flag_compromised(s, actor, item_code, reason)
    click.echo(_say(f"ระบุ {item_code} ว่าข้อสอบรั่วแล้ว", f"flagged {item_code} as compromised"))


@forms.command("render")
@click.argument("form_code")
@click.option("--variant", default=None, help="ชุด (A, B, ...); ไม่ระบุ = ลำดับของฉบับ / variant; none: the form's order")
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), default=None, is_eager=True,
              help="pdf หรือ docx (ค่าเริ่มต้นตามนามสกุลของ --out) / by default from the --out extension")
@click.option("--out", required=True, type=OutputPath(formats=(".pdf", ".docx"), format_option="fmt"),
              help="ไฟล์แบบทดสอบ .pdf หรือ .docx / the booklet file")
@click.option("--school", default=None, help="รหัสโรงเรียน 10 หลัก: ประทับชื่อโรงเรียนลงทุกหน้า / stamp this school")
@click.option("--arabic-digits", is_flag=True, help="เลขหน้าเป็นเลขอารบิก / Arabic page numbers")
@click.option("--exam-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="วันสอบ ค.ศ. YYYY-MM-DD (ไม่ระบุ = เว้นว่างให้เขียน) / exam date; none: a blank to fill")
@click.option("--academic-year", default="", help="เช่น 'ภาคเรียนที่ 2 ปีการศึกษา 2568' (ไม่ระบุ = จากวันสอบ) / term line")
@click.pass_context
def render_command(ctx, form_code, variant, fmt, out: Path, school, arabic_digits, exam_date, academic_year):
    """พิมพ์แบบทดสอบ (PDF หรือ DOCX ที่แก้ไขได้) / print a booklet (PDF, or editable DOCX)"""
    from exports.render import write
    from testgen.booklets import build_booklet

    with _session(ctx) as (s, actor):
        booklet = build_booklet(s, actor, form_code, variant, school=school, district=_app(ctx).config["DISTRICT_NAME"],
                                exam_date=exam_date.date() if exam_date else None, academic_year=academic_year)
    write(booklet, out, fmt, thai_digits=not arabic_digits)
    click.echo(_say(f"เขียน {out} ({len(booklet.items)} ข้อ)", f"wrote {out} ({len(booklet.items)} items)"))


@forms.command("key")
@click.argument("form_code")
@click.option("--variant", default=None, help="ชุด (A, B, ...) / variant")
@click.option("--out", required=True, type=OutputPath(formats=(".pdf", ".docx", ".csv")),
              help="เฉลย .pdf, .docx หรือ .csv (item_id,key สำหรับนำเข้าการตรวจ) / the key file")
@click.pass_context
def key_command(ctx, form_code, variant, out: Path):
    """เฉลยของชุด (PDF, DOCX หรือ CSV) / the key of a variant"""
    from exports.render import write
    from testgen.booklets import build_answer_key

    with _session(ctx) as (s, actor):
        key = build_answer_key(s, actor, form_code, variant)
    write(key, out)
    click.echo(_say(f"เขียน {out}", f"wrote {out}"))


@forms.command("answer-sheet")
@click.argument("form_code")
@click.option("--out", required=True, type=OutputPath(formats=(".pdf",)), help="กระดาษคำตอบ .pdf / the sheet")
@click.option("--spec-out", type=OutputPath(formats=(".json",)), default=None,
              help="ตำแหน่งวงกลมทุกวง (มม.) เป็น JSON สำหรับเครื่องอ่าน OMR (ค่าเริ่มต้นข้างไฟล์ PDF) / bubble layout")
@click.pass_context
def answer_sheet_command(ctx, form_code, out: Path, spec_out: Path | None):
    """กระดาษคำตอบ (PDF) พร้อมผังตำแหน่ง (JSON) / the answer sheet (PDF) and its layout (JSON)"""
    from exports.render import write
    from testgen.booklets import build_answer_sheet

    with _session(ctx) as (s, actor):
        spec = build_answer_sheet(s, actor, form_code)
    write(spec, out)
    write(spec, spec_out or out.with_suffix(".json"))
    click.echo(_say(f"เขียน {out}", f"wrote {out}"))


give_as_option(forms)  # every forms command acts as --as USERNAME (checked), or as the system
