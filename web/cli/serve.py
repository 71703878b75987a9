"""`khlang serve`: apply pending migrations, then serve the web app."""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="ที่อยู่ที่รับการเชื่อมต่อ")
@click.option("--port", default=5000, show_default=True, type=int, help="พอร์ต")
@click.option("--debug", is_flag=True, help="โหมดพัฒนา (reloader และ debugger): อย่าใช้กับผู้ใช้จริง")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, debug: bool) -> None:
    """เปิดเว็บ Khlang (ใช้ฐานข้อมูลตาม DATABASE_URL หรือ SQLite ในโฟลเดอร์ instance)"""
    from web.cli import make_app

    app = make_app(ctx, {"DEBUG": True} if debug else None)  # production refuses to start in debug
    run_app(app, host, port, debug)


def run_app(app, host: str, port: int, debug: bool = False) -> None:
    """Migrate (MIGRATE_ON_START) and run Flask's own server; production uses gunicorn."""
    if app.config["MIGRATE_ON_START"]:
        from web.migrations import upgrade

        upgrade(app.config["DATABASE_URL"])
    import os

    from itembank.store import display_url
    from web.jobs import start_embedded_consumer

    if not debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true":  # the reloader's parent runs no jobs
        start_embedded_consumer(app)
    click.echo(f"Khlang: http://{host}:{port}/  (ฐานข้อมูล {display_url(app.config['DATABASE_URL'])})")
    app.run(host=host, port=port, debug=debug, use_reloader=debug)

