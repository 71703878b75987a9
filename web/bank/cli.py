"""`khlang bank`: import, export, list, show and review items; IOC ratings forms.

Each command parses its options, calls one service of :mod:`itembank` and prints the result with the
words of the pages (:mod:`itembank.vocabulary`, พ.ศ. dates in the office's time zone; English under
``khlang --lang en``). Refusals are rendered by the root group (:mod:`web.cli`), in Thai first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from web.cli import lang
from web.cli.params import InputPath, OutputPath

FILTER_HELP = {
    "area": "กลุ่มสาระ (ท ค ว ส พ ศ ง ต) / learning area",
    "indicator": "ตัวชี้วัด เช่น 'ค 1.1 ป.6/2' (ลงท้าย * = ขึ้นต้นด้วย) / indicator, * for a prefix",
    "trait": "ตัวชี้วัดคุณลักษณะ เช่น 1.2 / desired-trait indicator",
    "competency": "สมรรถนะสำคัญ 1–5 / key competency",
    "grade": "ชั้น เช่น ป.6 / grade",
    "level": "ระดับพฤติกรรม: จำ เข้าใจ นำไปใช้ วิเคราะห์ ประเมินค่า สร้างสรรค์ (หรือ remember … create)",
    "type": "ชนิดข้อสอบ: เลือกตอบ ถูก-ผิด เติมคำตอบสั้น ตอบเป็นตัวเลข จับคู่ เขียนตอบ (หรือ multiple_choice …)",
    "status": "สถานะ: ฉบับร่าง รอพิจารณา อนุมัติแล้ว เลิกใช้ (หรือ draft, in_review, approved, retired)",
    "text": "ข้อความในโจทย์ / text in the stem",
}


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The search filters every listing command shares."""
    for name in reversed(FILTER_HELP):
        f = click.option(f"--{name}", default=None, help=FILTER_HELP[name])(f)
    return click.option("--all-versions", is_flag=True, help="ทุกฉบับ ไม่ใช่เฉพาะฉบับล่าสุด / every version")(f)


def _filters(opts: dict[str, Any], **defaults: Any) -> Any:
    from itembank.search import parse_filters

    given = {k: v for k, v in opts.items() if k in FILTER_HELP and v is not None}
    return parse_filters(**{**defaults, **given}, all_versions=bool(opts.get("all_versions")))


def _config() -> dict[str, Any]:
    from web.cli import config  # the app's configuration (honours --instance) without building the app

    return config()


@contextmanager
def _session(url: str | None, *, write: bool = False) -> Iterator[Any]:
    """A session on the configured database; refused in Thai while it awaits `khlang db upgrade`.

    Writes check the schema first; reads check it only when they fail, so that `bank list` does not
    load the migration tool on every call.
    """
    from itembank.store import Store

    url = url or _config()["DATABASE_URL"]
    if write:
        _check_schema(url)
    store = Store(url)
    try:
        with (store.session() if write else store.read_session()) as s:
            yield s
    except Exception as e:
        from itembank.errors import KhlangError

        if not isinstance(e, KhlangError):  # a missing table or column: say what to do, if that is why
            _check_schema(url)
        raise
    finally:
        store.dispose()


def _check_schema(url: str) -> None:
    from web.migrations import current, head

    if current(url) != head():
        raise click.ClickException(_say("ฐานข้อมูลยังไม่เป็นโครงสร้างล่าสุด: สั่ง `khlang db upgrade` ก่อน",
                                        "the database needs `khlang db upgrade` first"))


def _say(th: str, en: str) -> str:
    return en if lang() == "en" else th


def _actor(name: str | None, role: str, session: Any = None) -> Any:
    """The system actor, or the account named by ``--as`` (checked; its own roles apply, `role` is unused)."""
    from web.admin.cli_actor import actor_for

    return actor_for(session, name)


def _word(kind: str, code: str | None) -> str:
    from itembank.vocabulary import label

    return label(kind, code, lang()) if code else "-"


def _when(value: Any) -> str:
    from exports.text import display_date

    return display_date(value, lang(), _config().get("BABEL_DEFAULT_TIMEZONE", "Asia/Bangkok"))


url_option = click.option("--url", default=None, help="DATABASE_URL (ค่าเริ่มต้น: จากการตั้งค่าของ Khlang)")
as_option = click.option("--as", "as_name", default=None,
                         help="ชื่อผู้ใช้ที่ทำรายการ ตรวจกับบัญชีผู้ใช้ (ค่าเริ่มต้น: system) / act as this account")


@click.group()
def bank() -> None:
    """คลังข้อสอบ: นำเข้า ส่งออก ค้นหา พิจารณาข้อสอบ / the item bank."""


@bank.command("import")
@click.argument("path", type=InputPath(formats=(".csv", ".xlsx")))
@click.option("--dry-run", is_flag=True, help="ตรวจทุกแถว ไม่บันทึก / check every row, write nothing")
@url_option
@as_option
def import_command(path: Path, dry_run: bool, url: str | None, as_name: str | None) -> None:
    """นำเข้าข้อสอบจาก CSV หรือ XLSX ตามแม่แบบ: ทุกแถว หรือไม่นำเข้าเลย / import items, all or none."""
    from itembank.importing import import_items

    with _session(url, write=True) as s:
        report = import_items(s, _actor(as_name, "officer", s), path, dry_run=dry_run)
    for notice in report.notices:
        click.echo(_say("หมายเหตุ: ", "note: ") + notice.text(lang()))
    click.echo(report.summary_th())


@bank.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default=None, is_eager=True,
              help="csv หรือ xlsx (ค่าเริ่มต้น: ตามนามสกุลของ --out) / file format")
@click.option("--out", "out", required=True, type=OutputPath(formats=(".csv", ".xlsx"), format_option="fmt"),
              help="ไฟล์ปลายทาง .csv หรือ .xlsx / the file to write")
@click.option("--headers", type=click.Choice(["th", "en"]), default="th", show_default=True,
              help="หัวคอลัมน์ภาษาไทยหรืออังกฤษ / column headers")
@filter_options
@url_option
def export_command(fmt: str | None, out: Path, headers: str, url: str | None, **filters: Any) -> None:
    """ส่งออกข้อสอบเป็นแม่แบบ CSV/XLSX (นำเข้ากลับได้โดยไม่เปลี่ยนแปลง) / export items as the template."""
    from itembank.exporting import export_items

    chosen = _filters(filters)
    with _session(url) as s:
        n = export_items(s, _actor(None, "system"), out, fmt=fmt, filters=chosen, headers=headers)
    click.echo(_say(f"ส่งออกข้อสอบ {n} ข้อไปที่ {out}", f"{n} items written to {out}"))
    if filters.get("all_versions"):
        click.echo(_say("หมายเหตุ: ไฟล์ที่มีทุกฉบับของข้อสอบมีรหัสซ้ำ จึงนำเข้ากลับไม่ได้",
                        "note: an all-versions export repeats item codes and cannot be imported back"), err=True)


@bank.command("template")
@click.option("--out", "out", required=True, type=OutputPath(formats=(".csv", ".xlsx")),
              help="ไฟล์ปลายทาง .xlsx หรือ .csv / the file to write")
@click.option("--headers", type=click.Choice(["th", "en"]), default="th", show_default=True,
              help="หัวคอลัมน์ภาษาไทยหรืออังกฤษ / column headers")
def template_command(out: Path, headers: str) -> None:
    """เขียนแม่แบบข้อสอบเปล่าพร้อมตัวอย่างหนึ่งแถวและคำอธิบายทุกคอลัมน์ / a blank item template."""
    from itembank.exporting import write_csv, write_xlsx
    from itembank.template import example_row

    writer = write_csv if out.suffix.lower() == ".csv" else write_xlsx
    writer(out, [example_row()], headers=headers)
    click.echo(_say(f"แม่แบบข้อสอบ: {out} (ลบแถวตัวอย่างแล้วกรอกข้อสอบตั้งแต่แถวที่ 2)",
                    f"item template: {out} (delete the example row, fill in items from row 2)"))


@bank.command("list")
@filter_options
@click.option("--page", default=1, show_default=True, help="หน้าที่ / page")
@click.option("--per-page", default=20, show_default=True, help="จำนวนต่อหน้า / items per page")
@url_option
def list_command(page: int, per_page: int, url: str | None, **filters: Any) -> None:
    """แสดงรายการข้อสอบตามตัวกรอง / list items matching the filters."""
    from itembank.sanitize import plain_text
    from itembank.search import search_items

    chosen = _filters(filters)
    with _session(url) as s:
        result = search_items(s, _actor(None, "system"), chosen, page=page, per_page=per_page)
    click.echo(_say(f"พบ {result.total} รายการ หน้า {result.page}/{result.n_pages}",
                    f"{result.total} found, page {result.page}/{result.n_pages}"))
    for v in result.items:
        stem = plain_text(v.stem)
        stem = stem if len(stem) <= 50 else stem[:49] + "…"
        click.echo("\t".join((v.item_code, f"v{v.number}", _word("item_type", v.type), _word("status", v.status),
                              v.grade or "-", _word("cognitive_level", v.cognitive_level),
                              "; ".join(v.indicator_codes), stem)))


@bank.command("show")
@click.argument("code")
@click.option("--version", "number", type=int, default=None, help="ฉบับที่ (ค่าเริ่มต้น: ล่าสุด) / version number")
@url_option
def show_command(code: str, number: int | None, url: str | None) -> None:
    """แสดงข้อสอบหนึ่งข้อ: เนื้อหา เฉลย ตัวชี้วัด สถานะ IOC และประวัติการพิจารณา / one item in full."""
    from itembank.browse import item_page
    from itembank.exporting import item_row
    from itembank.statistics import item_record
    from itembank.template import BY_NAME

    with _session(url) as s:
        page = item_page(s, _actor(None, "system"), code, number)
        record = item_record(s, _actor(None, "system"), code)
    v, ioc = page.version, page.ioc
    ioc_text = f"{ioc.ioc:.2f}" if ioc.ioc is not None else "-"
    click.echo(_say(f"{v.item_code} ฉบับที่ {v.number} · สถานะ {page.status} ({_word('status', page.status)}) · "
                    f"IOC {ioc_text} (n={ioc.n_experts}) · ผู้เขียน {v.author_name}",
                    f"{v.item_code} version {v.number} · {_word('status', page.status)} · "
                    f"IOC {ioc_text} (n={ioc.n_experts}) · author {v.author_name}"))
    for name, value in item_row(v).items():
        if value:
            click.echo(f"{BY_NAME[name].th} ({name}): {value}")
    for event in page.history:
        click.echo(f"  {_when(event.at)} {_word('status', event.from_status)} → {_word('status', event.to_status)} "
                   f"{_say('โดย', 'by')} {event.actor_name} {event.comment}")
    _echo_statistics(record)


def _num(value: Any, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _echo_statistics(record: Any) -> None:
    """The item's statistics, one line per version and administration (ประวัติค่าสถิติ), then its review tasks."""
    history = record.history
    if record.n_administrations:
        click.echo(_say(f"ใช้สอบแล้ว {record.n_administrations} ครั้ง ผู้สอบรวม {record.n_examinees:,} คน",
                        f"given in {record.n_administrations} administrations to {record.n_examinees:,} examinees"))
    for t in record.tasks:
        click.echo(_say(f"งานตรวจทาน #{t.id} {t.kind_text('th')} ({t.source}) สถานะ {t.status}",
                        f"review task #{t.id} {t.kind_text('en')} ({t.source}) {t.status}"))
    if not history:
        return
    click.echo(_say("ประวัติค่าสถิติ (ฉบับ แหล่ง n p r a b infit DIF วันที่):",
                    "statistics history (version source n p r a b infit DIF date):"))
    for h in history:
        flags = f" [{', '.join(h.flags)}]" if h.flags else ""
        click.echo(f"  v{h.version_number} {h.source} n={h.n} p={_num(h.p)} r={_num(h.r)} a={_num(h.a)} "
                   f"b={_num(h.b)} infit={_num(h.infit)} DIF={h.dif_class or '-'} {_when(h.computed_at)}{flags}")


@bank.group("review")
def review() -> None:
    """การพิจารณาข้อสอบ: ส่งพิจารณา อนุมัติ ส่งกลับแก้ไข เลิกใช้ / submit, approve, return, retire."""


def _review_command(step: str, help_text: str, needs_reason: bool) -> None:
    @review.command(step, help=help_text)
    @click.argument("code")
    @click.option("--version", "number", type=int, default=None, help="ฉบับที่ (ค่าเริ่มต้น: ล่าสุด) / version")
    @click.option("--comment", "--reason", "comment", default="", required=needs_reason,
                  help="ความเห็น / เหตุผล (comment, reason)")
    @as_option
    @click.option("--role", default="reviewer", show_default=True,
                  help="ไม่ใช้แล้ว: บทบาทมาจากบัญชีผู้ใช้ของ --as / unused: the account's roles apply")
    @click.option("--min-ioc", type=float, default=None,
                  help="เกณฑ์ IOC ขั้นต่ำเมื่ออนุมัติ (ค่าเริ่มต้น: IOC_THRESHOLD ของเขต) / minimum IOC")
    @url_option
    def command(code: str, number: int | None, comment: str, as_name: str | None, role: str,
                min_ioc: float | None, url: str | None) -> None:
        from itembank.service import review_item

        if step == "approve" and min_ioc is None:
            min_ioc = _config().get("IOC_THRESHOLD")
        from itembank.review import review_duplicates
        from itembank.sanitize import plain_text

        with _session(url, write=True) as s:
            actor = _actor(as_name, role, s)
            moved = review_item(s, actor, code, step, number=number, comment=comment,
                                min_ioc=None if min_ioc is None else float(min_ioc))
            clones = review_duplicates(s, actor, [moved.id]).get(moved.id, []) if step != "retire" else []
        click.echo(_say(f"{code} ฉบับที่ {moved.number}: {moved.status} ({_word('status', moved.status)})",
                        f"{code} version {moved.number}: {moved.status}"))
        for d in clones:  # the reviewer sees what the item resembles
            stem = plain_text(d.stem)[:80]
            click.echo(_say(f"  คล้ายกับ {d.item_code} ฉบับที่ {d.number} ({d.kind_th}): {stem}",
                            f"  resembles {d.item_code} version {d.number} ({d.kind_en}): {stem}"))


_review_command("submit", "ส่งข้อสอบเข้าพิจารณา (ฉบับร่าง → รอพิจารณา) / submit for review.", False)
_review_command("approve", "อนุมัติข้อสอบ (รอพิจารณา → อนุมัติแล้ว): ผู้อนุมัติต้องไม่ใช่ผู้เขียน และ IOC ผ่านเกณฑ์ "
                "/ approve: not by its author, IOC at the threshold.", False)
_review_command("return", "ส่งข้อสอบกลับไปแก้ไข (→ ฉบับร่าง) พร้อมเหตุผล / return to draft with a reason.", True)
_review_command("retire", "เลิกใช้ข้อสอบ (→ เลิกใช้) / retire.", False)


@bank.command("ioc-form")
@click.option("--out", "out", required=True, type=OutputPath(formats=(".xlsx",)),
              help="ไฟล์แบบประเมิน .xlsx / the form to write")
@click.option("--expert", default="", help="ชื่อผู้เชี่ยวชาญ (ใส่ในช่อง B2) / the expert's name")
@filter_options
@url_option
def ioc_form_command(out: Path, expert: str, url: str | None, **filters: Any) -> None:
    """สร้างแบบประเมินความสอดคล้อง (IOC) เป็น XLSX สำหรับผู้เชี่ยวชาญหนึ่งคน / an IOC form for one expert."""
    from itembank.exporting import iter_versions
    from itembank.exporting.ioc import write_ioc_form

    chosen = _filters(filters, status="in_review")
    with _session(url) as s:
        versions = list(iter_versions(s, _actor(None, "system"), chosen))
    write_ioc_form(out, versions, expert_name=expert)
    click.echo(_say(f"แบบประเมิน IOC {len(versions)} ข้อ: {out}", f"IOC form of {len(versions)} items: {out}"))


@bank.command("ioc-import")
@click.argument("path", type=InputPath(formats=(".xlsx",)))
@click.option("--expert", default=None, help="ชื่อผู้เชี่ยวชาญ (ค่าเริ่มต้น: จากช่อง B2) / the expert's name")
@url_option
def ioc_import_command(path: Path, expert: str | None, url: str | None) -> None:
    """นำเข้าคะแนนความสอดคล้อง (IOC) จากแบบประเมินที่ผู้เชี่ยวชาญกรอกแล้ว / read a filled-in IOC form."""
    from itembank.importing.ioc import import_ioc_form

    with _session(url, write=True) as s:
        report = import_ioc_form(s, _actor(None, "system"), path, expert_name=expert)
    click.echo(_say(f"{report.file}: ผู้เชี่ยวชาญ {report.expert_name} ให้คะแนน {report.n_rated} ข้อ "
                    f"(เว้นว่าง {report.n_blank} ข้อ)",
                    f"{report.file}: {report.expert_name} rated {report.n_rated} items ({report.n_blank} blank)"))
    for code, number, ioc, n in report.results:
        click.echo(_say(f"  {code} ฉบับที่ {number}: IOC = {ioc:.2f} จากผู้เชี่ยวชาญ {n} คน",
                        f"  {code} version {number}: IOC = {ioc:.2f} from {n} experts"))
