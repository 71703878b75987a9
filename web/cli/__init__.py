"""The `khlang` command line: one root group, one lazily loaded subgroup per area.

Subcommands are imported only when called, so `khlang --help` loads no database or numerics code
and `khlang irt calibrate` starts without Flask or SQLAlchemy (its cold-start time is benchmarked).
Each entry maps a command name to "module:attribute" of a click command or group, with the short
help shown by `khlang --help` (Thai first).

Refusals are rendered here and nowhere else: any :class:`~itembank.errors.KhlangError` raised by
a command (or by the services it calls) is printed as its message, or as the list of its problems
(file, row, column), in the language of ``--lang`` (Thai by default), and the command exits 1. A
file the user named that cannot be read or written gets the same treatment (no traceback).
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import click

from web.cli.thai_click import install, set_language

install()  # click's own words (Usage, Options, Error …) in Thai first

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    # name: (module:attribute, short help shown by `khlang --help` without importing the module)
    "db": ("web.cli.db:db", "ฐานข้อมูล: migrations (db upgrade) / database schema"),
    "curriculum": ("web.bank.curriculum_cli:curriculum", "หลักสูตร: ตัวชี้วัด คุณลักษณะ สมรรถนะ / curriculum"),
    "bank": ("web.bank.cli:bank", "คลังข้อสอบ: นำเข้า ส่งออก ค้นหา พิจารณา / item bank"),
    "demo": ("web.admin.cli:demo", "เขตพื้นที่ตัวอย่าง: demo seed / demo run"),
    "users": ("web.admin.users_cli:users", "บัญชีผู้ใช้: เพิ่ม ปิด รหัสผ่าน บทบาท โทเค็น / user accounts"),
    "audit": ("web.admin.audit_cli:audit", "บันทึกการใช้งาน: ส่งออก CSV / export the audit log"),
    "privacy": ("web.admin.privacy_cli:privacy", "ข้อมูลส่วนบุคคลของนักเรียน: ส่งออกตามคำขอ ลบเมื่อพ้นกำหนด / PDPA"),
    "backup": ("web.admin.backup_cli:backup", "สำรองฐานข้อมูล / back up the database"),
    "restore": ("web.admin.backup_cli:restore", "กู้คืนฐานข้อมูลจากไฟล์สำรอง / restore a backup"),
    "serve": ("web.cli.serve:serve", "เปิดเว็บ Khlang / serve the web app"),
    "irt": ("web.analysis.cli:irt", "IRT: ประมาณค่าพารามิเตอร์ ประมาณค่าความสามารถ / calibrate, score"),
    "ctt": ("web.analysis.ctt_cli:ctt", "วิเคราะห์ข้อสอบแบบดั้งเดิม (CTT) / classical item analysis"),
    "forms": ("web.forms.cli:forms", "ฉบับข้อสอบ: จัดฉบับ ยืนยัน ชุดสลับข้อ พิมพ์ / test forms"),
    "admin": ("web.administrations.cli:admin", "การสอบ: สร้าง เผยแพร่ตามเวลา ปิดรับคำตอบ / administrations"),
    "students": ("web.administrations.cli:students", "รายชื่อนักเรียน: นำเข้า ดูรายชื่อ / rosters"),
    "scores": ("web.scores.cli:scores", "คะแนน: แม่แบบ นำเข้าคำตอบ ส่งออกคะแนน / answer uploads and scores"),
    "supervision": ("web.supervision.cli:supervision", "การนิเทศ: แผน การนิเทศ ข้อเสนอแนะ รายงาน ก.ต.ป.น. / supervision"),
    "qa": ("web.supervision.cli:qa", "การประกันคุณภาพ: SAR สมศ. สรุประดับเขต / quality assurance"),
    "worker": ("web.cli.worker:worker", "งานเบื้องหลัง: คิว Redis หรือ SQLite / run queued jobs"),
    "jobs": ("web.jobs.cli:jobs", "งานเบื้องหลัง: รายการและความคืบหน้า / job history and progress"),
    "analysis": ("web.analysis.run_cli:analysis", "วิเคราะห์ข้อสอบของการสอบและบันทึกกลับคลัง / analyse an administration"),
    "reports": ("web.reports.cli:reports", "รายงานผลการสอบ: โรงเรียน เขต ห้อง ใบแจ้งผล ข้อสอบ / reports"),
}

LANGS = ("th", "en")


class LazyGroup(click.Group):
    """The root group: loads a subcommand's module only when it is called, renders every refusal."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # each invocation starts in the default language (`--help` exits before `--lang` is read,
        # and a process may run several commands, as the tests do)
        set_language(os.environ.get("KHLANG_LANG") or "th")
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(SUBCOMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        cmd = super().get_command(ctx, name)
        if cmd is not None or name not in SUBCOMMANDS:
            return cmd
        module_name, attr = SUBCOMMANDS[name][0].split(":")
        return getattr(importlib.import_module(module_name), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUBCOMMANDS[name][1]) for name in sorted(SUBCOMMANDS)]
        with formatter.section("คำสั่ง (Commands)"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        from itembank.errors import KhlangError

        try:
            return super().invoke(ctx)
        except KhlangError as e:
            raise click.ClickException(render_error(e, lang(ctx))) from None
        except OSError as e:
            if e.filename is None:
                raise
            raise click.ClickException(render_os_error(e, lang(ctx))) from None
        except Exception as e:
            stale = _schema_behind(ctx, lang(ctx)) if type(e).__module__.startswith("sqlalchemy") else None
            if stale is None:
                raise
            raise click.ClickException(stale) from None


def _schema_behind(ctx: click.Context, language: str = "th") -> str | None:
    """A database error from a database whose schema is older than this Khlang (an upgrade without
    ``khlang db upgrade``): say so and what to run, instead of a traceback. None when the schema is current
    (or cannot be read): the error is then a real one and shows as it is."""
    try:
        from web.migrations import current, head

        now, latest = current(config(ctx)["DATABASE_URL"]), head()
    except Exception:  # noqa: BLE001  the original error is the one to show
        return None
    if now == latest:
        return None
    if language == "en":
        return (f"the database is at schema revision {now or '(none)'} but this Khlang needs {latest}: "
                "run `khlang db upgrade` first (nothing stored is lost)")
    return (f"ฐานข้อมูลยังเป็นรุ่น {now or '(ว่าง)'} แต่ Khlang รุ่นนี้ต้องการรุ่น {latest}: "
            "สั่ง khlang db upgrade ก่อน (ข้อมูลเดิมไม่หาย)")


def render_error(e: Any, language: str = "th") -> str:
    """The one text form of a refusal on the command line: its message, or a head and its problems."""
    if not e.problems:
        return e.text(language)
    lines = [p.text(language) for p in e.problems]
    n = len(lines)
    if language == "en":
        head = f"refused: {n} problem{'s' if n != 1 else ''}, nothing written"
    else:
        head = f"ไม่ดำเนินการ: พบปัญหา {n} รายการ ไม่มีการบันทึกใด ๆ"
    return "\n".join([head, *lines])


_OS_TH = {
    FileNotFoundError: ("ไม่พบไฟล์หรือโฟลเดอร์", "no such file or folder"),
    PermissionError: ("ไม่มีสิทธิ์อ่านหรือเขียน", "permission denied"),
    IsADirectoryError: ("เป็นโฟลเดอร์ ไม่ใช่ไฟล์", "is a folder, not a file"),
    NotADirectoryError: ("ส่วนหนึ่งของเส้นทางไม่ใช่โฟลเดอร์", "a part of the path is not a folder"),
}


def render_os_error(e: OSError, language: str = "th") -> str:
    """A file the user named could not be read or written: say which, in the user's language."""
    th, en = next((v for k, v in _OS_TH.items() if isinstance(e, k)),
                  (f"อ่านหรือเขียนไฟล์ไม่ได้ ({e.strerror})", f"cannot read or write ({e.strerror})"))
    return f"{e.filename}: {en if language == 'en' else th}"


@click.group(cls=LazyGroup)
@click.version_option("0.1.0", prog_name="khlang")
@click.option(
    "--instance",
    envvar="KHLANG_INSTANCE",
    type=click.Path(file_okay=False),
    default=None,
    help="โฟลเดอร์ instance (ฐานข้อมูล SQLite, khlang.cfg); ค่าเริ่มต้น ./instance / the instance folder",
)
@click.option(
    "--lang", "language", envvar="KHLANG_LANG", type=click.Choice(LANGS), default="th", show_default=True,
    help="ภาษาของข้อความ: th (ไทย) หรือ en (English) / language of messages and labels",
    is_eager=True, callback=lambda ctx, param, value: set_language(value) or value,
)
@click.pass_context
def cli(ctx: click.Context, instance: str | None, language: str) -> None:
    """Khlang (คลัง): คลังข้อสอบและระบบวัดผลของสำนักงานเขตพื้นที่การศึกษา

    Khlang: the item bank and assessment service of a Thai educational service area office.
    """
    ctx.obj = {"instance": instance, "lang": language}


def lang(ctx: click.Context | None = None) -> str:
    """The language the user chose with ``khlang --lang`` ("th" by default)."""
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is None:
        return "th"
    obj = ctx.find_root().obj or {}
    return obj.get("lang") or "th"


def instance_path(ctx: click.Context | None = None) -> str:
    """The instance folder of this call: ``khlang --instance``, KHLANG_INSTANCE, or ./instance."""
    ctx = ctx or click.get_current_context()
    chosen = (ctx.find_root().obj or {}).get("instance") or os.environ.get("KHLANG_INSTANCE")
    return os.path.abspath(chosen or os.path.join(os.getcwd(), "instance"))


def config(ctx: click.Context | None = None) -> dict[str, Any]:
    """The configuration a command needs, read as the app would read it but without building the app."""
    from web.config import load_config

    return load_config(instance_path(ctx))


def make_app(ctx: click.Context | None = None, overrides: dict | None = None):
    """The Flask app for a command: the one place the CLI reads configuration (instance folder, env)."""
    from web import create_app

    ctx = ctx or click.get_current_context()
    app = create_app(overrides, instance_path=instance_path(ctx))

    from web.store_ext import get_store

    ctx.call_on_close(get_store(app).dispose)  # the command's connections close with it
    return app


def main() -> None:
    # BLAS runs on one thread in every command unless the user sets OPENBLAS_NUM_THREADS: the engine
    # splits persons between its own threads and limits BLAS to one inside them anyway
    # (psychometrics.irt.calibration._compute_threads, psychometrics.irt.ability), while starting
    # OpenBLAS's thread pool when numpy is imported costs 60–100 ms of every cold command on two cores
    # (benchmarks/cli.py: the calibrate command's start-up). Set before numpy can be imported.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    cli(prog_name="khlang")
