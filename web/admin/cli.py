"""`khlang demo seed` / `khlang demo run`: the demo district (:mod:`demo`) on the configured database."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("demo")
def demo() -> None:
    """เขตพื้นที่การศึกษาตัวอย่าง: โรงเรียน ผู้ใช้ ข้อสอบ เครื่องมือวัด"""


@demo.command("seed")
@click.option("--reset", is_flag=True, help="ลบข้อมูลทั้งหมดแล้วสร้างใหม่")
@click.option("--seed", "seed_value", default=2569, show_default=True, help="เลขสุ่มตั้งต้น (ผลเหมือนเดิมทุกครั้ง)")
@click.pass_context
def seed_command(ctx: click.Context, reset: bool, seed_value: int) -> None:
    """สร้างเขตพื้นที่ตัวอย่างในฐานข้อมูล (ต้องว่าง หรือใช้ --reset)"""
    report = _seed(ctx, reset, seed_value)
    if report is None:
        click.echo("ฐานข้อมูลมีข้อมูลอยู่แล้ว: ไม่ได้สร้างใหม่ (ใช้ --reset เพื่อเริ่มใหม่)")


def _seed(ctx: click.Context, reset: bool, seed_value: int):
    """Migrate (or reset), then seed an empty database; None when it already holds items."""
    from demo.seed import is_seeded, seed_demo
    from testgen.documents import documents_folder
    from web.cli import make_app
    from web.migrations import downgrade, upgrade
    from web.store_ext import get_store

    app = make_app(ctx)
    url = app.config["DATABASE_URL"]
    if reset:  # every table dropped by the migrations themselves, then made again
        downgrade(url, "base")
    upgrade(url)
    _write_district_name(app)
    store = get_store(app)
    if is_seeded(store):  # never after --reset; a demo seeded before sign-in gets its passwords
        _demo_passwords(store, app.config["DEMO_PASSWORD"], only_without_password=True)
        return None
    report = seed_demo(store, seed=seed_value, min_ioc=app.config["IOC_THRESHOLD"],
                       progress=lambda m: click.echo(f"  {m}"), booklets_dir=Path(app.instance_path) / "booklets",
                       documents_dir=documents_folder(app.instance_path),
                       district=app.config["DISTRICT_NAME"])
    _demo_passwords(store, app.config["DEMO_PASSWORD"])
    click.echo(f"สร้างเขตตัวอย่างแล้ว: โรงเรียน {report.n_schools}, ผู้ใช้ {report.n_users}, "
               f"ข้อสอบ {report.n_items} (อนุมัติ {report.n_approved}), ชุดบทอ่าน {report.n_sets}, "
               f"เครื่องมือวัด {report.n_instruments}, ฉบับข้อสอบ {report.n_forms} ใน {report.seconds:.1f} วินาที")
    return report


@demo.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def run_command(ctx: click.Context, host: str, port: int) -> None:
    """สร้างเขตตัวอย่าง (ถ้ายังไม่มี) แล้วเปิดเว็บ"""
    from web.cli import make_app
    from web.cli.serve import run_app

    _seed(ctx, False, 2569)
    run_app(make_app(ctx), host, port)


def _demo_passwords(store, password: str, only_without_password: bool = False) -> None:
    """Every demo account signs in with the public demo password (README), in demo mode only."""
    from demo import demo_users
    from itembank.accounts import set_demo_password
    from itembank.authz import Actor

    with store.session() as s:
        set_demo_password(s, Actor.system(), [u.username for u in demo_users()], password,
                          only_without_password=only_without_password)


def _write_district_name(app) -> None:
    """The demo district's name and DEMO_MODE go into the instance's khlang.cfg (unless set there)."""
    from pathlib import Path

    from demo import DISTRICT

    path = Path(app.instance_path) / "khlang.cfg"
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if "DISTRICT_NAME" not in existing:
        with path.open("a", encoding="utf-8") as f:
            f.write(f"# written by khlang demo seed\nDISTRICT_NAME = {DISTRICT['name_th']!r}\n")
        app.config["DISTRICT_NAME"] = DISTRICT["name_th"]
    if "DEMO_MODE" not in existing:  # the sign-in page lists the demo accounts; production refuses it
        with path.open("a", encoding="utf-8") as f:
            f.write("DEMO_MODE = True\n")
        app.config["DEMO_MODE"] = True
