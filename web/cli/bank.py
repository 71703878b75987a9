"""`khlang bank`: import, export, list, show and review items; IOC ratings forms.

Each command parses its options, calls one service of :mod:`itembank` and prints the result.
Refusals print every problem in Thai (file, row, column) and exit with status 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click

FILTER_HELP = {
    "area": "กลุ่มสาระ (ท ค ว ส พ ศ ง ต)",
    "indicator": "ตัวชี้วัด เช่น 'ค 1.1 ป.6/2' (ลงท้าย * = ขึ้นต้นด้วย)",
    "trait": "ตัวชี้วัดคุณลักษณะ เช่น 1.2",
    "competency": "สมรรถนะสำคัญ 1–5",
    "grade": "ชั้น เช่น ป.6",
    "level": "ระดับพฤติกรรม (remember … create)",
    "type": "ชนิดข้อสอบ (multiple_choice, true_false, …)",
    "status": "สถานะ (draft, in_review, approved, retired)",
    "text": "ข้อความในโจทย์",
}


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The search filters every listing command shares."""
    for name in reversed(FILTER_HELP):
        f = click.option(f"--{name}", default=None, help=FILTER_HELP[name])(f)
    f = click.option("--all-versions", is_flag=True, help="ทุกฉบับ ไม่ใช่เฉพาะฉบับล่าสุด")(f)
    return f


def _filters(opts: dict[str, Any]) -> Any:
    from itembank.schemas import SearchFilters

    indicator = opts.get("indicator")
    prefix = bool(indicator and indicator.endswith("*"))
    return SearchFilters(
        learning_area=opts.get("area"), indicator=indicator.rstrip("*").strip() if indicator else None,
        indicator_prefix=prefix, trait=opts.get("trait"), competency=opts.get("competency"),
        grade=opts.get("grade"), cognitive_level=opts.get("level"), type=opts.get("type"),
        status=opts.get("status"), text=opts.get("text"), latest_only=not opts.get("all_versions"),
    )


def _config() -> dict[str, Any]:
    from web.cli import make_app  # configuration is read in the factory, once (honours --instance)

    return dict(make_app().config)


@contextmanager
def _session(url: str | None) -> Iterator[Any]:
    from itembank.store import Store
    from web.migrations import current, head

    url = url or _config()["DATABASE_URL"]
    if current(url) != head():
        raise click.ClickException("ฐานข้อมูลยังไม่เป็นโครงสร้างล่าสุด: สั่ง `khlang db upgrade` ก่อน "
                                   "(the database needs `khlang db upgrade`)")
    store = Store(url)
    try:
        with store.session() as s:
            yield s
    finally:
        store.dispose()


def _actor(name: str | None, role: str) -> Any:
    from itembank.authz import Actor

    return Actor.system() if not name else Actor(None, name, role)


def refusals(f: Callable[..., Any]) -> Callable[..., Any]:
    """Show an ItemBankError as the Thai problem list and exit 1 (click.ClickException)."""

    @wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from itembank.errors import KhlangError

        try:
            return f(*args, **kwargs)
        except KhlangError as e:
            problems = e.problems or (e,)
            head = f"ไม่ดำเนินการ: พบปัญหา {len(problems)} รายการ ไม่มีการบันทึกใด ๆ " \
                   f"(refused: {len(problems)} problems, nothing written)"
            raise click.ClickException("\n".join([head, *(p.text("th") for p in problems)])) from None

    return wrapper


url_option = click.option("--url", default=None, help="DATABASE_URL (ค่าเริ่มต้น: จากการตั้งค่าของ Khlang)")
as_option = click.option("--as", "as_name", default=None, help="ชื่อผู้ใช้ที่ทำรายการ (ค่าเริ่มต้น: system)")


@click.group()
def bank() -> None:
    """คลังข้อสอบ: นำเข้า ส่งออก ค้นหา พิจารณาข้อสอบ (item bank)."""


@bank.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="ตรวจทุกแถว ไม่บันทึก (check every row; write nothing)")
@url_option
@as_option
@refusals
def import_command(path: Path, dry_run: bool, url: str | None, as_name: str | None) -> None:
    """นำเข้าข้อสอบจาก CSV หรือ XLSX ตามแม่แบบ: ทุกแถว หรือไม่นำเข้าเลย."""
    from itembank.importing import import_items

    with _session(url) as s:
        report = import_items(s, _actor(as_name, "officer"), path, dry_run=dry_run)
    for notice in report.notices:
        click.echo("หมายเหตุ: " + notice.text("th"))
    click.echo(report.summary_th())


@bank.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None,
              help="csv หรือ xlsx (ค่าเริ่มต้น: ตามนามสกุลของ --out)")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="ไฟล์ปลายทาง .csv หรือ .xlsx")
@click.option("--headers", type=click.Choice(["th", "en"]), default="th", show_default=True,
              help="หัวคอลัมน์ภาษาไทยหรืออังกฤษ")
@filter_options
@url_option
@refusals
def export_command(fmt: str | None, out: Path, headers: str, url: str | None, **filters: Any) -> None:
    """ส่งออกข้อสอบเป็นแม่แบบ CSV/XLSX (นำเข้ากลับได้โดยไม่เปลี่ยนแปลง)."""
    from itembank.exporting import export_items

    with _session(url) as s:
        n = export_items(s, _actor(None, "system"), out, fmt=fmt, filters=_filters(filters), headers=headers)
    click.echo(f"ส่งออกข้อสอบ {n} ข้อไปที่ {out} ({n} items written)")
    if filters.get("all_versions"):
        click.echo("หมายเหตุ: ไฟล์ที่มีทุกฉบับของข้อสอบมีรหัสซ้ำ จึงนำเข้ากลับไม่ได้ (an all-versions export "
                   "repeats item codes and cannot be imported back)", err=True)


@bank.command("template")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--headers", type=click.Choice(["th", "en"]), default="th", show_default=True)
def template_command(out: Path, headers: str) -> None:
    """เขียนแม่แบบข้อสอบเปล่า (.xlsx หรือ .csv) พร้อมตัวอย่างหนึ่งแถวและคำอธิบายทุกคอลัมน์."""
    from itembank.exporting import write_csv, write_xlsx
    from itembank.template import example_row

    writer = write_csv if out.suffix.lower() == ".csv" else write_xlsx
    writer(out, [example_row()], headers=headers)
    click.echo(f"แม่แบบข้อสอบ: {out} (ลบแถวตัวอย่างแล้วกรอกข้อสอบตั้งแต่แถวที่ 2)")


@bank.command("list")
@filter_options
@click.option("--page", default=1, show_default=True)
@click.option("--per-page", default=20, show_default=True)
@url_option
@refusals
def list_command(page: int, per_page: int, url: str | None, **filters: Any) -> None:
    """แสดงรายการข้อสอบตามตัวกรอง."""
    from itembank.sanitize import plain_text
    from itembank.search import search_items

    with _session(url) as s:
        result = search_items(s, _actor(None, "system"), _filters(filters), page=page, per_page=per_page)
    click.echo(f"พบ {result.total} รายการ หน้า {result.page}/{result.n_pages}")
    for v in result.items:
        stem = plain_text(v.stem)
        stem = stem if len(stem) <= 50 else stem[:49] + "…"
        tags = "; ".join(v.indicator_codes)
        click.echo(f"{v.item_code}\tv{v.number}\t{v.type}\t{v.status}\t{v.grade or '-'}\t{tags}\t{stem}")


@bank.command("show")
@click.argument("code")
@click.option("--version", "number", type=int, default=None, help="ฉบับที่ (ค่าเริ่มต้น: ล่าสุด)")
@url_option
@refusals
def show_command(code: str, number: int | None, url: str | None) -> None:
    """แสดงข้อสอบหนึ่งข้อ: เนื้อหา เฉลย ตัวชี้วัด สถานะ IOC และประวัติการพิจารณา."""
    from itembank.exporting import item_row
    from itembank.review import review_history
    from itembank.search import to_public
    from itembank.service import get_version
    from itembank.template import BY_NAME

    with _session(url) as s:
        version = get_version(s, code, number)
        public = to_public(s, [version])[0]
        history = review_history(s, version.id)
    click.echo(f"{public.item_code} ฉบับที่ {public.number} · สถานะ {public.status} · "
               f"IOC {public.ioc if public.ioc is not None else '-'} (n={public.ioc_n}) · ผู้เขียน {public.author_name}")
    for name, value in item_row(public).items():
        if value:
            click.echo(f"{BY_NAME[name].th} ({name}): {value}")
    for event in history:
        click.echo(f"  {event.at:%Y-%m-%d %H:%M} {event.from_status or '-'} → {event.to_status} "
                   f"โดย {event.actor_name} {event.comment}")


@bank.group("review")
def review() -> None:
    """การพิจารณาข้อสอบ: submit → approve, return (ส่งกลับแก้ไข), retire."""


def _review_command(name: str, help_text: str, needs_reason: bool) -> None:
    @review.command(name, help=help_text)
    @click.argument("code")
    @click.option("--version", "number", type=int, default=None, help="ฉบับที่ (ค่าเริ่มต้น: ล่าสุด)")
    @click.option("--comment", "--reason", "comment", default="", required=needs_reason,
                  help="ความเห็น / เหตุผล")
    @click.option("--as", "as_name", default=None, help="ชื่อผู้ใช้ที่ทำรายการ (ค่าเริ่มต้น: system)")
    @click.option("--role", default="reviewer", show_default=True, help="บทบาทของผู้ใช้ตาม --as")
    @click.option("--min-ioc", type=float, default=None,
                  help="เกณฑ์ IOC ขั้นต่ำเมื่ออนุมัติ (ค่าเริ่มต้น: IOC_THRESHOLD ของเขต)")
    @url_option
    @refusals
    def command(code: str, number: int | None, comment: str, as_name: str | None, role: str,
                min_ioc: float | None, url: str | None) -> None:
        from itembank import review as service
        from itembank.service import get_version

        actor = _actor(as_name, role)
        with _session(url) as s:
            version = get_version(s, code, number)
            if name == "submit":
                moved = service.submit_for_review(s, actor, version.id, comment)
            elif name == "approve":
                if min_ioc is None:
                    min_ioc = float(_config().get("IOC_THRESHOLD", service.DEFAULT_MIN_IOC))
                moved = service.approve(s, actor, version.id, comment, min_ioc=min_ioc)
            elif name == "return":
                moved = service.return_to_draft(s, actor, version.id, comment)
            else:
                moved = service.retire(s, actor, version.id, comment)
            click.echo(f"{code} ฉบับที่ {moved.number}: {moved.status}")


_review_command("submit", "ส่งข้อสอบเข้าพิจารณา (draft → in_review).", False)
_review_command("approve", "อนุมัติข้อสอบ (in_review → approved): ผู้อนุมัติต้องไม่ใช่ผู้เขียน และ IOC ผ่านเกณฑ์.", False)
_review_command("return", "ส่งข้อสอบกลับไปแก้ไข (→ draft) พร้อมเหตุผล.", True)
_review_command("retire", "เลิกใช้ข้อสอบ (→ retired).", False)


@bank.command("ioc-form")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--expert", default="", help="ชื่อผู้เชี่ยวชาญ (ใส่ในช่อง B2)")
@filter_options
@url_option
@refusals
def ioc_form_command(out: Path, expert: str, url: str | None, **filters: Any) -> None:
    """สร้างแบบประเมินความสอดคล้อง (IOC) เป็น XLSX สำหรับผู้เชี่ยวชาญหนึ่งคน."""
    from itembank.exporting import iter_versions
    from itembank.exporting.ioc import write_ioc_form

    opts = dict(filters)
    if not opts.get("status"):
        opts["status"] = "in_review"
    with _session(url) as s:
        versions = list(iter_versions(s, _actor(None, "system"), _filters(opts)))
    write_ioc_form(out, versions, expert_name=expert)
    click.echo(f"แบบประเมิน IOC {len(versions)} ข้อ: {out}")


@bank.command("ioc-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--expert", default=None, help="ชื่อผู้เชี่ยวชาญ (ค่าเริ่มต้น: จากช่อง B2 ของแบบประเมิน)")
@url_option
@refusals
def ioc_import_command(path: Path, expert: str | None, url: str | None) -> None:
    """นำเข้าคะแนนความสอดคล้อง (IOC) จากแบบประเมินที่ผู้เชี่ยวชาญกรอกแล้ว."""
    from itembank.importing.ioc import import_ioc_form

    with _session(url) as s:
        report = import_ioc_form(s, _actor(None, "system"), path, expert_name=expert)
    click.echo(f"{report.file}: ผู้เชี่ยวชาญ {report.expert_name} ให้คะแนน {report.n_rated} ข้อ "
               f"(เว้นว่าง {report.n_blank} ข้อ)")
    for code, number, ioc, n in report.results:
        click.echo(f"  {code} ฉบับที่ {number}: IOC = {ioc:.2f} จากผู้เชี่ยวชาญ {n} คน")
