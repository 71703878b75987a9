"""The `khlang` command line: one root group, one lazily loaded subgroup per area.

Subcommands are imported only when called, so `khlang irt calibrate` starts without
loading Flask or SQLAlchemy (its cold-start time is part of the benchmark).
Each entry maps a command name to "module:attribute" of a click command or group.
"""

from __future__ import annotations

import importlib

import click

SUBCOMMANDS: dict[str, tuple[str, str]] = {
    # name: (module:attribute, short help shown by `khlang --help` without importing the module)
    "db": ("web.cli.db:db", "ฐานข้อมูล: migrations (db upgrade)"),
    "curriculum": ("web.cli.curriculum:curriculum", "หลักสูตร: ตัวชี้วัด คุณลักษณะ สมรรถนะ"),
    "bank": ("web.cli.bank:bank", "คลังข้อสอบ: import, export, list, review"),
    "demo": ("web.admin.cli:demo", "เขตพื้นที่ตัวอย่าง: demo seed / demo run"),
    "serve": ("web.cli.serve:serve", "เปิดเว็บ Khlang"),
    "irt": ("web.cli.irt:irt", "IRT: calibrate, score"),
    "ctt": ("web.cli.ctt:ctt", "วิเคราะห์ข้อสอบแบบดั้งเดิม (CTT)"),
    "forms": ("web.forms.cli:forms", "ฉบับข้อสอบ: assemble, freeze, variants, render"),
    "worker": ("web.cli.worker:worker", "งานเบื้องหลัง: khlang worker (คิว Redis หรือ SQLite)"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(SUBCOMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        cmd = super().get_command(ctx, name)
        if cmd is not None or name not in SUBCOMMANDS:
            return cmd
        target, _ = SUBCOMMANDS[name]
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as e:  # an area not built yet
            if e.name == module_name:
                return None
            raise
        return getattr(module, attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUBCOMMANDS[name][1]) for name in sorted(SUBCOMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
@click.version_option("0.1.0", prog_name="khlang")
@click.option(
    "--instance",
    envvar="KHLANG_INSTANCE",
    type=click.Path(file_okay=False),
    default=None,
    help="โฟลเดอร์ instance (ฐานข้อมูล SQLite, khlang.cfg); ค่าเริ่มต้น ./instance",
)
@click.pass_context
def cli(ctx: click.Context, instance: str | None) -> None:
    """Khlang (คลัง): คลังข้อสอบและระบบวัดผลของสำนักงานเขตพื้นที่การศึกษา"""
    ctx.obj = {"instance": instance}


def make_app(ctx: click.Context | None = None, overrides: dict | None = None):
    """The Flask app for a command: the one place the CLI reads configuration (instance folder, env)."""
    import os

    from web import create_app

    ctx = ctx or click.get_current_context()
    root = ctx.find_root()
    instance = (root.obj or {}).get("instance") or os.path.join(os.getcwd(), "instance")
    app = create_app(overrides, instance_path=os.path.abspath(instance))

    from web.store_ext import get_store

    ctx.call_on_close(get_store(app).dispose)  # the command's connections close with it
    return app


def main() -> None:
    cli(prog_name="khlang")
