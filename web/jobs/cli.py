"""`khlang jobs`: the history of background jobs (งานเบื้องหลัง) with their progress and outcome."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from web.admin.cli_actor import as_option

#: Thai and English words of a job's status.
STATUS_WORDS = {
    "queued": ("รอคิว", "queued"),
    "running": ("กำลังทำงาน", "running"),
    "done": ("เสร็จแล้ว", "done"),
    "refused": ("ไม่ดำเนินการ", "refused"),
    "failed": ("ล้มเหลว", "failed"),
}


@contextmanager
def _session(ctx: click.Context) -> Iterator[Any]:
    from web.cli import make_app
    from web.store_ext import get_store

    with get_store(make_app(ctx)).read_session() as s:
        yield s


def _actor(session: Any, as_name: str | None) -> Any:
    """The system actor (every job), or the named active account (its own jobs, or every job if it may)."""
    from web.admin.cli_actor import actor_for

    return actor_for(session, as_name)


def _say(th: str, en: str) -> str:
    from web.cli import lang

    return en if lang() == "en" else th


def _when(value: Any) -> str:
    from exports.text import display_date
    from web.cli import lang

    return display_date(value, lang()) if value else "-"


def status_line(job: Any) -> str:
    """One line of a job: status, done/total (or %), and its Thai (or English) message."""
    th, en = STATUS_WORDS.get(job.status, (job.status, job.status))
    amount = f"{job.done}/{job.total}" if job.total else f"{round(job.progress * 100)}%"
    return f"{_say(th, en)} {amount} {_say(job.message_th, job.message_en or job.message_th)}".rstrip()


@click.group("jobs")
def jobs() -> None:
    """งานเบื้องหลัง: รายการ ความคืบหน้า และผลของงาน / background jobs and their progress."""


@jobs.command("list")
@click.option("--kind", default=None, help="ชนิดงาน เช่น analyse, reports / job kind")
@click.option("--status", default=None, help="สถานะ: queued running done refused failed")
@click.option("--limit", default=30, show_default=True, help="จำนวนงาน / how many")
@as_option
@click.pass_context
def list_command(ctx: click.Context, kind: str | None, status: str | None, limit: int, as_name: str | None) -> None:
    """งานล่าสุดก่อน: รหัส ชนิด ผู้สั่ง เวลา สถานะ ความคืบหน้า / the newest jobs first."""
    from itembank.jobs import list_jobs

    with _session(ctx) as s:
        rows = list_jobs(s, _actor(s, as_name), kind=kind, status=status, limit=limit)
    if not rows:
        click.echo(_say("ยังไม่มีงานเบื้องหลัง", "no jobs yet"))
    for j in rows:
        click.echo("\t".join((j.id, j.kind, j.created_by_name, _when(j.created_at), status_line(j))))


@jobs.command("show")
@click.argument("job_id")
@as_option
@click.pass_context
def show_command(ctx: click.Context, job_id: str, as_name: str | None) -> None:
    """งานหนึ่งงาน: อาร์กิวเมนต์ ความคืบหน้า ผล และปัญหาที่พบ / one job in full."""
    from itembank.jobs import get_job

    with _session(ctx) as s:
        j = get_job(s, _actor(s, as_name), job_id)
    click.echo(f"{j.id} · {j.kind} · {_say('ผู้สั่ง', 'by')} {j.created_by_name}")
    click.echo(status_line(j))
    click.echo(_say(f"สั่งเมื่อ {_when(j.created_at)} · เริ่ม {_when(j.started_at)} · เสร็จ {_when(j.finished_at)}",
                    f"queued {_when(j.created_at)} · started {_when(j.started_at)} · finished {_when(j.finished_at)}"))
    for name, value in j.arguments.items():
        click.echo(f"  {name} = {value}")
    for line in (j.outcome or {}).get("problems" if _say("th", "en") == "th" else "problems_en") or ():
        click.echo(f"  - {line}")
