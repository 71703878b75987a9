"""`khlang worker`: run the jobs of the configured queue (production: Redis, on one or more machines).

    khlang worker                 # JOBS_WORKERS threads
    khlang worker --workers 4 --worker-type process

Stops on Ctrl-C / SIGINT after the running jobs finish (a second Ctrl-C, or SIGTERM, stops at once).
"""

from __future__ import annotations

import logging

import click


@click.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="จำนวน worker (ค่าเริ่มต้น JOBS_WORKERS) / number of workers")
@click.option("--worker-type", type=click.Choice(["thread", "process"]), default="thread", show_default=True,
              help="thread: งานนำเข้าและพิมพ์ / process: งานคำนวณหนักหลายงานพร้อมกัน")
@click.option("--verbose", "-v", is_flag=True, help="บันทึกรายละเอียด (debug log)")
@click.pass_context
def worker(ctx: click.Context, workers: int | None, worker_type: str, verbose: bool) -> None:
    """ทำงานเบื้องหลังจากคิว (นำเข้าข้อสอบ ประมาณค่า IRT พิมพ์แบบทดสอบ) / run queued jobs"""
    from web.cli import make_app
    from web.jobs import get_jobs, safe_url

    app = make_app(ctx)
    jobs = get_jobs(app)
    jobs.check()  # an unreachable queue is a JobError: the root group says so in Thai
    consumer = jobs.consumer(workers, worker_type=worker_type)
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    where = app.config["JOBS_REDIS_URL"] if jobs.backend == "redis" else jobs.sqlite_path
    click.echo(f"Khlang worker: คิว {jobs.huey.name} ({jobs.backend}, {safe_url(where)}), "
               f"{consumer.workers} {worker_type}; Ctrl-C เพื่อหยุด", err=True)
    if worker_type == "thread":
        import exports.docx  # noqa: F401  the renderers (WeasyPrint, matplotlib, python-docx: ~2 s of imports)
        import exports.pdf  # noqa: F401  load once here, so the first report or booklet job does not wait for them
        import exports.plots  # noqa: F401
    consumer.run()

