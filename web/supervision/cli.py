"""`khlang supervision ...` (plans, visits, recommendations, records, the ก.ต.ป.น. report) and `khlang qa ...`.

Each command parses its options, calls one service of :mod:`supervision` and prints the result or
hands the document to :mod:`exports.supervision`. Refusals are printed by the root group (Thai, or
English under ``khlang --lang en``). Commands act as the system (the command line's actor).
"""

from __future__ import annotations

import datetime as dt
import json
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
    """A session and the actor: the system, or the account named by ``--as`` (its roles and school apply)."""
    from itembank.accounts import actor_for
    from itembank.authz import Actor
    from web.store_ext import get_store

    as_name = ctx.params.get("as_name")
    store = get_store(_app(ctx))
    with store.session() if write else store.read_session() as s:
        yield s, (actor_for(s, as_name) if as_name else Actor.system())


def as_option(f: Any) -> Any:
    return click.option("--as", "as_name", default=None, metavar="USERNAME",
                        help="ทำรายการในนามผู้ใช้ (เช่น ศึกษานิเทศก์ โรงเรียน); ไม่ระบุ = ระบบ / act as this account")(f)


def _say(th: str, en: str) -> str:
    from web.cli import lang

    return en if lang() == "en" else th


def _date(value: Any) -> str:
    from exports.text import display_date
    from web.cli import lang

    return display_date(value, lang())


def _district(ctx: click.Context) -> str:
    return str(_app(ctx).config.get("DISTRICT_NAME", ""))


def _json(path: Path) -> Any:
    from supervision.errors import SupervisionError

    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise SupervisionError("file.bad_json", message_th=f"{path.name}: อ่าน JSON ไม่ได้ ({e})",
                               message_en=f"{path.name}: not valid JSON ({e})") from None


YEAR = click.option("--year", "year", type=int, required=True, help="ปีการศึกษา (พ.ศ.) เช่น 2569 / academic year (BE)")


@click.group("supervision")
def supervision() -> None:
    """การนิเทศ ติดตาม: แผน การนิเทศ ข้อเสนอแนะ บันทึกการนิเทศ รายงาน ก.ต.ป.น.

    Supervision: plans, visits, recommendations, printable records, the committee report.
    """


@supervision.command("forms")
@click.pass_context
def forms_command(ctx):
    """แบบบันทึกการนิเทศที่มี (แบบอ้างอิงและแบบที่สำนักงานเพิ่มเอง) / the supervision forms"""
    from supervision.forms import list_forms

    with _session(ctx, write=True) as (s, actor):
        forms = list_forms(s, actor)
    for f in forms:
        click.echo(f"{f.code}\t{f.title_th}\t" + _say(f"{len(f.items)} ข้อ {len(f.domains)} ด้าน",
                                                        f"{len(f.items)} items, {len(f.domains)} domains"))


@supervision.command("form-add")
@click.argument("path", type=InputPath(formats=(".json",)))
@as_option
@click.pass_context
def form_add_command(ctx, as_name, path: Path):
    """เพิ่มแบบบันทึกของสำนักงานจากไฟล์ JSON (รายการ มาตรา เกณฑ์) โดยไม่ต้องเขียนโปรแกรม / add an office's own form"""
    from supervision.forms import save_form

    with _session(ctx, write=True) as (s, actor):
        form = save_form(s, actor, _json(path))
    click.echo(_say(f"เพิ่มแบบ {form.code}: {form.title_th} ({len(form.items)} ข้อ)",
                    f"added form {form.code}: {form.title_th} ({len(form.items)} items)"))


@supervision.command("plan-import")
@click.argument("path", type=InputPath(formats=(".csv", ".xlsx")))
@YEAR
@as_option
@click.pass_context
def plan_import_command(ctx, as_name, path: Path, year: int):
    """นำเข้าแผนการนิเทศ (รหัสโรงเรียน/กลุ่มเครือข่าย ประเด็นการนิเทศ เดือน รูปแบบ ผู้นิเทศ) / import plan lines"""
    from supervision.plans import import_plan_file

    with _session(ctx, write=True) as (s, actor):
        n = import_plan_file(s, actor, year, str(path))
    click.echo(_say(f"เพิ่มแผนการนิเทศ {n} รายการ ปีการศึกษา {year}", f"added {n} plan lines for {year}"))


@supervision.command("coverage")
@YEAR
@as_option
@click.pass_context
def coverage_command(ctx, as_name, year: int):
    """ความครอบคลุมตามแผน: โรงเรียนตามแผน นิเทศแล้วกี่ครั้ง / coverage of the plan"""
    from supervision.plans import plan_coverage

    with _session(ctx) as (s, actor):
        cov = plan_coverage(s, actor, year)
    for r in cov.rows:
        state = _say("นิเทศแล้ว", "visited") if r.is_visited else _say("ยังไม่ได้นิเทศ", "not visited")
        click.echo(f"{r.school_code}\t{r.school}\t{r.network}\t{r.n_visits}\t{state}")
    click.echo(_say(f"นิเทศแล้ว {cov.n_visited}/{cov.n_planned} โรง (ร้อยละ {cov.percent:.2f}) นอกแผน {cov.n_unplanned_visits} ครั้ง",
                    f"visited {cov.n_visited}/{cov.n_planned} schools ({cov.percent:.2f}%), {cov.n_unplanned_visits} "
                    "visits outside the plan"))


@supervision.command("visit")
@click.argument("path", type=InputPath(formats=(".json",)))
@as_option
@click.pass_context
def visit_command(ctx, as_name, path: Path):
    """บันทึกการนิเทศจากไฟล์ JSON (โรงเรียน แบบ คะแนนรายข้อ บันทึก ข้อเสนอแนะ follow_up_of closes) / record a visit"""
    from supervision.visits import record_visit, visit_draft_from_dict

    draft = visit_draft_from_dict(_json(path))
    with _session(ctx, write=True) as (s, actor):
        v = record_visit(s, actor, draft)
    click.echo(_say(f"บันทึกการนิเทศรหัส {v.id}: {v.school} ค่าเฉลี่ย {v.overall_mean:.2f} ({v.interpretation})",
                    f"visit {v.id}: {v.school_code} mean {v.overall_mean:.2f} ({v.interpretation})"))
    for r in v.recommendations:
        click.echo(_say(f"  ข้อเสนอแนะรหัส {r.id}: {r.text} (กำหนด {_date(r.due_on)})",
                        f"  recommendation {r.id}: {r.text} (due {_date(r.due_on)})"))
    if v.closed:
        click.echo(_say(f"  ปิดข้อเสนอแนะ {', '.join(map(str, v.closed))}", f"  closed {', '.join(map(str, v.closed))}"))


@supervision.command("visit-template")
@click.argument("form_code")
@click.option("--out", type=OutputPath((".json",)), required=True, help="ไฟล์ .json ที่จะกรอก / the file to fill in")
@click.option("--school", default="", help="รหัสโรงเรียน / school code")
@click.option("--year", type=int, default=2569, show_default=True, help="ปีการศึกษา (พ.ศ.) / academic year")
@click.pass_context
def visit_template_command(ctx, form_code: str, out: Path, school: str, year: int):
    """ไฟล์ JSON สำหรับกรอกการนิเทศตามแบบบันทึก (รหัสทุกข้อ คำถามบันทึกเพิ่มเติม) / a visit file to fill in"""
    from supervision.forms import visit_template

    with _session(ctx, write=True) as (s, actor):
        data = visit_template(s, actor, form_code, school_code=school, academic_year=year)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(_say(f"แบบกรอก {form_code}: {out} ({len(data['ratings'])} ข้อ)",
                    f"visit file for {form_code}: {out} ({len(data['ratings'])} items)"))


@supervision.command("visits")
@YEAR
@click.option("--school", default=None, help="รหัสโรงเรียน 10 หลัก / school code")
@as_option
@click.pass_context
def visits_command(ctx, as_name, year: int, school: str | None):
    """รายการการนิเทศของปี / the year's visits"""
    from supervision.visits import list_visits

    with _session(ctx, write=True) as (s, actor):
        rows = list_visits(s, actor, academic_year=year, school_code=school)
    for v in rows:
        mean = "-" if v.overall_mean is None else f"{v.overall_mean:.2f}"
        click.echo(f"{v.id}\t{_date(v.visited_on)}\t{v.school_code}\t{v.school}\t{v.form_code}\t{mean}\t{v.interpretation}")
    if not rows:
        click.echo(_say("ยังไม่มีการนิเทศ", "no visits yet"))


@supervision.command("recommendations")
@YEAR
@click.option("--status", type=click.Choice(["open", "in_progress", "done", "verified"]), default=None,
              help="สถานะ / status")
@as_option
@click.pass_context
def recommendations_command(ctx, as_name, year: int, status: str | None):
    """ข้อเสนอแนะจากการนิเทศและสถานะ (เกินกำหนดมีเครื่องหมาย !) / recommendations and their status"""
    from supervision.visits import list_recommendations

    with _session(ctx) as (s, actor):
        rows = list_recommendations(s, actor, academic_year=year, status=status)
    today = dt.date.today()
    for r in rows:
        flag = "!" if r.is_overdue(today) else " "
        click.echo(f"{flag}{r.id}\t{_date(r.due_on)}\t{r.status_th if _say('th', 'en') == 'th' else r.status}\t{r.text}")


@supervision.command("recommendation")
@click.argument("recommendation_id", type=int)
@click.argument("status", type=click.Choice(["open", "in_progress", "done", "verified"]))
@click.option("--note", default="", help="บันทึกเพิ่มเติม / note")
@as_option
@click.pass_context
def recommendation_command(ctx, as_name, recommendation_id: int, status: str, note: str):
    """เปลี่ยนสถานะข้อเสนอแนะ (open → in_progress → done → verified) / move a recommendation along"""
    from supervision.visits import update_recommendation

    with _session(ctx, write=True) as (s, actor):
        r = update_recommendation(s, actor, recommendation_id, status, note)
    click.echo(_say(f"ข้อเสนอแนะรหัส {r.id}: {r.status_th}", f"recommendation {r.id}: {r.status}"))


@supervision.command("acknowledge")
@click.argument("visit_id", type=int)
@as_option
@click.pass_context
def acknowledge_command(ctx, as_name, visit_id: int):
    """โรงเรียนรับทราบผลการนิเทศ (ใช้กับ --as บัญชีโรงเรียน) / the school acknowledges a visit"""
    from supervision.visits import acknowledge_visit

    with _session(ctx, write=True) as (s, actor):
        v = acknowledge_visit(s, actor, visit_id)
    click.echo(_say(f"{v.school} รับทราบผลการนิเทศรหัส {v.id} แล้ว", f"{v.school_code} acknowledged visit {v.id}"))


@supervision.command("record")
@click.argument("visit_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), default="pdf", show_default=True, is_eager=True,
              help="รูปแบบไฟล์ / format")
@click.option("--out", type=OutputPath((".pdf", ".docx"), format_option="fmt"), required=True, help="ไฟล์ผลลัพธ์ / output")
@click.option("--arabic-digits", is_flag=True, help="ใช้เลขอารบิก / Arabic digits")
@as_option
@click.pass_context
def record_command(ctx, as_name, visit_id: int, fmt: str, out: Path, arabic_digits: bool):
    """พิมพ์บันทึกการนิเทศ (PDF หรือ DOCX) พร้อมช่องลงนาม / print a visit record"""
    from exports.render import write
    from supervision.records import visit_record

    with _session(ctx, write=True) as (s, actor):
        record = visit_record(s, actor, visit_id, _district(ctx))
    write(record, out, fmt, thai_digits=not arabic_digits)
    click.echo(_say(f"บันทึกการนิเทศรหัส {visit_id}: {out}", f"visit record {visit_id}: {out}"))


@supervision.command("notes")
@YEAR
@click.option("--recommendations", "recs", type=InputPath(formats=(".txt",)), default=None,
              help="ข้อเสนอแนะของคณะกรรมการ ข้อละบรรทัด (.txt) / one recommendation per line")
@click.option("--practices", type=InputPath(formats=(".json",)), default=None,
              help="แนวปฏิบัติที่ดี [{school, title, text}] (.json) / good practices")
@click.option("--without", default="", help="หัวข้อที่ไม่ใช้ คั่นด้วยจุลภาค / sections switched off")
@click.option("--meeting", type=click.DateTime(["%Y-%m-%d"]), default=None, help="วันประชุม (ค.ศ. YYYY-MM-DD) / meeting")
@as_option
@click.pass_context
def notes_command(ctx, as_name, year: int, recs: Path | None, practices: Path | None, without: str, meeting):
    """บันทึกข้อเสนอแนะของ ก.ต.ป.น. แนวปฏิบัติที่ดี และหัวข้อที่ไม่ใช้ในรายงาน / the committee's notes for the year"""
    from supervision.committee import save_committee_notes

    lines = recs.read_text(encoding="utf-8-sig").splitlines() if recs else []
    with _session(ctx, write=True) as (s, actor):
        notes = save_committee_notes(s, actor, year, recommendations=lines,
                                     good_practices=_json(practices) if practices else [],
                                     sections_off=[w for w in without.split(",") if w.strip()],
                                     meeting_on=meeting.date() if meeting else None)
    click.echo(_say(f"บันทึกแล้ว: ข้อเสนอแนะ {len(notes.recommendations)} ข้อ แนวปฏิบัติที่ดี {len(notes.good_practices)} เรื่อง",
                    f"saved: {len(notes.recommendations)} recommendations, {len(notes.good_practices)} good practices"))


@supervision.command("report")
@YEAR
@click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), default="pdf", show_default=True, is_eager=True,
              help="รูปแบบไฟล์ / format")
@click.option("--out", type=OutputPath((".pdf", ".docx"), format_option="fmt"), required=True, help="ไฟล์ผลลัพธ์ / output")
@click.option("--without", default="", help="ปิดหัวข้อ: plan,results,qa,support,practices,recommendations / sections off")
@click.option("--arabic-digits", is_flag=True, help="ใช้เลขอารบิก / Arabic digits")
@as_option
@click.pass_context
def report_command(ctx, as_name, year: int, fmt: str, out: Path, without: str, arabic_digits: bool):
    """รายงาน ก.ต.ป.น. ประจำปี (DOCX หรือ PDF) จากแผน การนิเทศ คลังผลการสอบ และ SAR / the committee report"""
    from exports.render import write
    from supervision.committee import committee_report

    with _session(ctx, write=True) as (s, actor):
        report = committee_report(s, actor, year, district=_district(ctx),
                                  without=[w.strip() for w in without.split(",") if w.strip()])
    write(report, out, fmt, thai_digits=not arabic_digits)
    click.echo(_say(f"รายงาน ก.ต.ป.น. ปีการศึกษา {year}: {out} ({len(report.sections)} หัวข้อ)",
                    f"committee report {year}: {out} ({len(report.sections)} sections)"))


# ----------------------------------------------------------------------------------------------- qa


@click.group("qa")
def qa() -> None:
    """การประกันคุณภาพ: SAR ของโรงเรียน ผลการประเมินภายนอก (สมศ.) สรุประดับเขตพื้นที่

    Quality assurance: schools' SAR levels, external (ONESQA) results, the district summary.
    """


@qa.command("template")
@click.option("--out", type=OutputPath((".xlsx",)), required=True, help="ไฟล์แม่แบบ .xlsx / template file")
@click.option("--year", type=int, default=2569, show_default=True, help="ปีการศึกษา (พ.ศ.) / academic year")
def template_command(out: Path, year: int):
    """แม่แบบ XLSX สำหรับกรอกระดับคุณภาพตามมาตรฐาน / the XLSX template"""
    from supervision.qa import write_qa_template

    write_qa_template(out, year)
    click.echo(_say(f"แม่แบบ: {out}", f"template: {out}"))


@qa.command("import")
@click.argument("path", type=InputPath(formats=(".xlsx", ".csv")))
@click.option("--year", type=int, default=None, help="ปีการศึกษา ถ้าไฟล์ไม่มีคอลัมน์ปีการศึกษา / academic year")
@click.option("--source", type=click.Choice(["sar", "external"]), default="sar", show_default=True,
              help="sar = ประเมินตนเอง, external = สมศ. / source")
@click.option("--dry-run", is_flag=True, help="ตรวจทุกแถว ไม่บันทึก / check only")
@as_option
@click.pass_context
def import_command(ctx, as_name, path: Path, year: int | None, source: str, dry_run: bool):
    """นำเข้าระดับคุณภาพจาก SAR หรือ สมศ. (ทุกแถวหรือไม่บันทึกเลย นำเข้าซ้ำไม่เปลี่ยนแปลง) / import SAR levels"""
    from supervision.qa import import_qa_file

    with _session(ctx, write=True) as (s, actor):
        r = import_qa_file(s, actor, path, academic_year=year, source=source, dry_run=dry_run)
    if dry_run:
        click.echo(_say(f"ตรวจแล้ว {r.n_rows} แถว ถูกต้องทั้งหมด (ไม่ได้บันทึก)", f"checked {r.n_rows} rows: all valid (nothing written)"))
        return
    click.echo(_say(f"{r.n_schools} โรงเรียน: เพิ่ม {r.n_created} ปรับปรุง {r.n_updated} ไม่เปลี่ยนแปลง {r.n_unchanged}",
                    f"{r.n_schools} schools: {r.n_created} added, {r.n_updated} updated, {r.n_unchanged} unchanged"))


@qa.command("summary")
@YEAR
@click.option("--target", type=click.IntRange(1, 5), default=3, show_default=True, help="ระดับเป้าหมาย / target level")
@click.option("--schools", "per_school", is_flag=True,
              help="แสดงรายโรงเรียน: ระดับที่ประเมินตนเอง ผลการทดสอบ การเปลี่ยนแปลง / one line per school")
@as_option
@click.pass_context
def summary_command(ctx, as_name, year: int, target: int, per_school: bool):
    """สรุประดับเขตพื้นที่: การกระจายระดับคุณภาพ โรงเรียนต่ำกว่าเป้าหมาย ผลสอบเทียบการประเมินตนเอง / district summary"""
    from supervision.qa import qa_summary
    from supervision.standards import QA_LEVELS

    with _session(ctx) as (s, actor):
        sm = qa_summary(s, actor, year, target_level=target)
    click.echo(_say(f"ปีการศึกษา {year}: ส่ง SAR {sm.n_with_sar}/{sm.n_schools} โรง", f"{year}: SAR from {sm.n_with_sar}/{sm.n_schools} schools"))
    for std, dist in sm.distribution.items():
        counts = " ".join(f"{QA_LEVELS[lv]} {dist.get(lv, 0)}" for lv in QA_LEVELS)
        change = sm.mean_change(std)
        click.echo(f"  {_say('มาตรฐานที่', 'standard')} {std}: {counts}" + ("" if change is None else f" ({change:+.2f})"))
    for code, name, std, lv in sm.below_target:
        click.echo(_say(f"  ต่ำกว่าเป้าหมาย: {code} {name} มาตรฐานที่ {std} ระดับ{QA_LEVELS[lv]}",
                        f"  below target: {code} standard {std} level {lv}"))
    for m in sm.mismatches:
        click.echo(f"  ! {m.school_code} {m.school}: {m.reason_th}")
    if per_school:
        for r in sm.schools:
            levels = " ".join(f"{c}={r.levels.get(c, '-')}" for c in ("1", "1.1", "2", "3"))
            result = "-" if r.result_percent is None else f"{r.result_percent:.2f}"
            change = r.change("1")
            click.echo(f"{r.school_code}\t{r.school}\t{levels}\t{_say('ผลสอบ', 'result')} {result}"
                       f"{' (Q1)' if r.in_bottom_quartile else ''}\t{'' if change is None else f'{change:+d}'}")


@qa.command("school")
@click.argument("school_code")
@YEAR
@as_option
@click.pass_context
def school_command(ctx, as_name, school_code: str, year: int):
    """ระดับคุณภาพของโรงเรียนหนึ่ง (SAR และ สมศ.) / one school's QA record"""
    from supervision.qa import SOURCE_TH, school_qa
    from supervision.standards import QA_LEVELS

    with _session(ctx) as (s, actor):
        rows = school_qa(s, actor, school_code, year)
    for q in rows:
        click.echo(f"{SOURCE_TH[q.source]}\t{q.code}\t{q.level} {QA_LEVELS[q.level]}\t{q.evidence}")
    if not rows:
        click.echo(_say("ยังไม่มีข้อมูล", "no record yet"))
