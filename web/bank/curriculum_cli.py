"""`khlang curriculum`: look up, list and check curriculum codes (no database needed).

Refusals (an unknown code or edition) are rendered by the root group (:mod:`web.cli`), Thai first.
"""

from __future__ import annotations

import sys

import click

from itembank.curriculum import (
    EDITIONS,
    CompetencyCode,
    CurriculumError,
    LearningArea,
    StandardCode,
    TraitIndicatorCode,
    load_curriculum,
    normalise,
)

_edition_option = click.option(
    "--edition",
    default=None,
    metavar="ฉบับ",
    help="ฉบับหลักสูตร (ค่าเริ่มต้น 2551-rev2560; มี " + ", ".join(EDITIONS) + ") / curriculum edition",
)


@click.group()
def curriculum() -> None:
    """หลักสูตรแกนกลาง: ตัวชี้วัด คุณลักษณะอันพึงประสงค์ สมรรถนะ / the curriculum reference."""


@curriculum.command("show")
@click.argument("code", nargs=-1, required=True)
@_edition_option
def show(code: tuple[str, ...], edition: str | None) -> None:
    """แสดงตัวชี้วัด มาตรฐาน กลุ่มสาระ คุณลักษณะ หรือสมรรถนะตามรหัส เช่น 'ค 1.1 ป.6/2', 'ค 1.1', 'ค', '1.2'
    / show an indicator, standard, learning area, trait or competency by its code."""
    cur = load_curriculum(edition)
    click.echo(_describe(cur, normalise(" ".join(code))))


def _describe(cur, text: str) -> str:
    if "/" in text:
        ind = cur.indicator(text)
        lines = [f"{ind.code}  [{ind.status}]  ฉบับ {ind.edition}", f"  {ind.text}"]
        std = cur.standard(ind.code.standard)
        if std.text:
            lines.append(f"  มาตรฐาน {std.code}: {std.text}")
        lines += [f"  แหล่ง: {s}" for s in ind.sources] + [f"  หมายเหตุ: {n}" for n in ind.notes]
        return "\n".join(lines)
    if text.startswith("สมรรถนะ") or (text.isdigit() and len(text) == 1):
        comp = cur.competency(CompetencyCode.parse(text))
        return f"สมรรถนะที่ {comp.code}: {comp.name_th}" + (f"\n  {comp.definition}" if comp.definition else "")
    if text[:1].isdigit():
        ti = cur.trait_indicator(TraitIndicatorCode.parse(text))
        return f"คุณลักษณะ {ti.code}  [{ti.status}]\n  {ti.text}"
    if len(text) == 1 or text.startswith("กลุ่มสาระ"):
        area = LearningArea.parse(text)
        lines = [f"{area.letter}  {area.name_th} ({area.name_en})  {cur.area_version(area)}"]
        for strand in cur.strands(area):
            lines.append(f"  สาระที่ {strand.number} {strand.name_th}")
            for std in cur.standards(area, strand.number):
                lines.append(f"    {std.code}  [{std.status}]  {std.text or '(ไม่มีข้อความ)'}")
        return "\n".join(lines)
    std = cur.standard(StandardCode.parse(text))
    n = len(cur.indicators(standard=std.code))
    return f"{std.code}  [{std.status}]\n  {std.text or '(ไม่มีข้อความ)'}\n  ตัวชี้วัดที่มีข้อมูล: {n} ข้อ"


@curriculum.command("list")
@click.option("--area", default=None, help="กลุ่มสาระ เช่น ค / learning area")
@click.option("--grade", default=None, help="ชั้น เช่น ป.6 / grade")
@click.option("--standard", default=None, help="มาตรฐาน เช่น 'ค 1.1' / standard")
@click.option(
    "--what",
    type=click.Choice(["indicators", "standards", "traits", "competencies", "scales"]),
    default="indicators",
    show_default=True,
)
@_edition_option
def list_(area: str | None, grade: str | None, standard: str | None, what: str, edition: str | None) -> None:
    """รายการตัวชี้วัด (กรองตามกลุ่มสาระ ชั้น มาตรฐาน) หรือมาตรฐาน คุณลักษณะ สมรรถนะ เกณฑ์ระดับ
    / list indicators (by area, grade, standard), standards, traits, competencies or scales."""
    cur = load_curriculum(edition)
    if what == "indicators":
        rows = cur.indicators(area=area, grade=grade, standard=standard)
        for ind in rows:
            click.echo(f"{ind.code}\t{ind.status}\t{ind.text}")
        if area and grade and not rows:
            raise click.ClickException(f"ไม่มีข้อมูลตัวชี้วัดกลุ่มสาระ {area} ชั้น {grade} ในหลักสูตรฉบับ {cur.edition}")
        click.echo(f"# {len(rows)} ตัวชี้วัด, หลักสูตรฉบับ {cur.edition}", err=True)
    else:
        click.echo("\n".join(_LISTS[what](cur, area)))


def _standards(cur, area: str | None) -> list[str]:
    return [f"{std.code}\t{std.status}\t{std.text or ''}" for std in cur.standards(area)]


def _traits(cur, area: str | None) -> list[str]:
    lines = []
    for trait in cur.traits:
        lines.append(f"{trait.number}\t{trait.name_th}")
        lines += [f"  {ti.code}\t{ti.status}\t{ti.text}" for ti in trait.indicators]
    return lines


def _competencies(cur, area: str | None) -> list[str]:
    return [f"{comp.code}\t{comp.name_th}" for comp in cur.competencies]


def _scales(cur, area: str | None) -> list[str]:
    return ["ระดับผลการเรียน 8 ระดับ:",
            *(f"  {lv.grade:g}\t{lv.label}\t{lv.min_pct}–{lv.max_pct}%" for lv in cur.grade_scale),
            "ระดับคุณภาพ 4 ระดับ (คุณลักษณะ / อ่าน คิดวิเคราะห์ เขียน):",
            *(f"  {q.code}\t{q.label}" for q in cur.quality_scale)]


_LISTS = {"standards": _standards, "traits": _traits, "competencies": _competencies, "scales": _scales}


@curriculum.command("check")
@click.argument("codes", nargs=-1)
@click.option(
    "--kind", type=click.Choice(["indicator", "trait", "competency"]), default="indicator", show_default=True
)
@_edition_option
def check(codes: tuple[str, ...], kind: str, edition: str | None) -> None:
    """ตรวจและทำรหัสให้เป็นรูปมาตรฐาน; อ่านจาก stdin ทีละบรรทัดเมื่อไม่ให้รหัสหรือให้ '-'.

    พิมพ์รูปมาตรฐานของรหัสที่ถูกต้อง และข้อความภาษาไทยบอกสิ่งที่ผิดของรหัสที่ไม่ถูกต้อง;
    exit status 1 เมื่อมีรหัสผิดอย่างน้อยหนึ่งรหัส

    Check and normalise codes (from stdin when none or "-" is given); exit 1 on any invalid code.
    """
    cur = load_curriculum(edition)
    items = list(codes)
    if not items or items == ["-"]:
        items = [line for line in sys.stdin.read().splitlines() if line.strip()]
    bad = 0
    for text in items:
        try:
            if kind == "indicator":
                out = str(cur.check_indicator(text))
            elif kind == "trait":
                out = str(cur.trait_indicator(text).code)
            else:
                out = str(cur.competency(text).code)
            click.echo(f"{out}\t{'(ปรับจาก ' + repr(text) + ')' if out != text else 'ถูกต้อง'}")
        except CurriculumError as e:
            bad += 1
            click.echo(f"ผิด\t{e.text('th')}")
    if bad:
        raise click.ClickException(f"รหัสผิด {bad} จาก {len(items)} รหัส")


@curriculum.command("editions")
def editions() -> None:
    """ฉบับหลักสูตรที่มีข้อมูล / the curriculum editions Khlang holds."""
    for key, spec in EDITIONS.items():
        cur = load_curriculum(key)
        click.echo(f"{key}\t{len(cur.indicators())} ตัวชี้วัด\t{spec.title_th}")
