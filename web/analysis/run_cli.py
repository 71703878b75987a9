"""`khlang analysis run ADMIN`: item analysis of an administration, written back to the bank.

Runs :func:`scoring.analysis.run_analysis` here with its progress printed, or with ``--queue`` as
the ``analyse`` job (progress in its record: ``khlang jobs show ID``).
"""

from __future__ import annotations

from typing import Any

import click


def _say(th: str, en: str) -> str:
    from web.cli import lang

    return en if lang() == "en" else th


@click.group("analysis")
def analysis() -> None:
    """วิเคราะห์ข้อสอบของการสอบแล้วบันทึกค่าสถิติกลับคลังข้อสอบ / analyse an administration, write back."""


@analysis.command("run")
@click.argument("administration")
@click.option("--model", type=click.Choice(("2pl", "1pl", "rasch", "3pl", "none")), default="2pl", show_default=True,
              help="โมเดล IRT (none = CTT อย่างเดียว) / IRT model (none: CTT only)")
@click.option("--anchor", "anchor_mode", type=click.Choice(("fixed", "link")), default="fixed", show_default=True,
              help="fixed: ตรึงค่าพารามิเตอร์ในคลัง; link: ประมาณค่าอิสระแล้วเชื่อมโยงแบบ Stocking–Lord "
                   "/ fixed anchors or a free run linked by Stocking–Lord")
@click.option("--scale", default=None, help="ชื่อสเกล (ค่าเริ่มต้น district-<ชั้น>) / scale name")
@click.option("--drift-limit", default=0.5, show_default=True, help="ค่า b เปลี่ยนได้ไม่เกิน (logit) / b drift limit")
@click.option("--queue", is_flag=True, help="ส่งเข้าคิวงานเบื้องหลัง / run as a background job")
@click.pass_context
def run_command(ctx: click.Context, administration: str, model: str, anchor_mode: str, scale: str | None,
                drift_limit: float, queue: bool) -> None:
    """วิเคราะห์ CTT (p, r กลุ่ม 27 %, ตัวลวง, KR-20) IRT ความสอดคล้อง และ DIF แล้วบันทึกกลับคลัง

    CTT, IRT calibration, item fit and DIF of ADMINISTRATION's stored answers, written back to the bank.
    """
    from web.cli import make_app

    app = make_app(ctx)
    arguments = {"administration": administration, "model": model, "anchor_mode": anchor_mode, "scale": scale,
                 "drift_limit": drift_limit}
    if queue:
        from web.jobs import get_jobs

        handle = get_jobs(app).enqueue("analyse", **arguments)
        click.echo(_say(f"ส่งเข้าคิวแล้ว: งาน {handle.id} (ดูความคืบหน้า: khlang jobs show {handle.id})",
                        f"queued: job {handle.id} (progress: khlang jobs show {handle.id})"))
        return
    outcome = _run(app, arguments)
    click.echo(_say(outcome["message_th"], outcome["message_en"]))


@analysis.command("tasks")
@click.option("--all", "show_all", is_flag=True, help="ทุกสถานะ (ค่าเริ่มต้น: ที่ยังเปิดอยู่) / every status")
@click.option("--admin", "administration", default=None, help="เฉพาะการสอบนี้ / of one administration")
@click.pass_context
def tasks_command(ctx: click.Context, show_all: bool, administration: str | None) -> None:
    """งานตรวจทานข้อสอบที่การวิเคราะห์เปิดไว้: เฉลยอาจผิด ตัวลวงไม่มีคนเลือก DIF ระดับ C ค่า b เปลี่ยน / review tasks."""
    from itembank.authz import Actor
    from itembank.review_tasks import list_review_tasks
    from web.cli import lang, make_app
    from web.store_ext import get_store

    with get_store(make_app(ctx)).read_session() as s:
        rows = list_review_tasks(s, Actor.system(), status=None if show_all else "open",
                                 source=f"admin:{administration}" if administration else None)
    if not rows:
        click.echo(_say("ไม่มีงานตรวจทาน", "no review tasks"))
    for t in rows:
        where = t.details.get("position")
        click.echo("\t".join((f"#{t.id}", t.item_code, f"v{t.version_number}", t.kind_text(lang()), t.source,
                              _say(f"ข้อ {where}", f"item {where}") if where else "-", t.status)))


@analysis.command("decide")
@click.argument("task_id", type=int)
@click.argument("decision", type=click.Choice(("kept", "rekeyed", "cancelled", "revised", "dismissed")))
@click.option("--comment", default="", help="เหตุผล / comment")
@click.option("--key", default=None, help="rekeyed: เฉลยใหม่ เช่น ข หรือ ข,ง / the new key")
@click.option("--as", "as_name", default=None, help="ชื่อผู้ใช้ที่ตัดสิน / who decides")
@click.option("--role", default="officer", show_default=True, help="บทบาทของผู้ใช้ตาม --as / role of --as")
@click.pass_context
def decide_command(ctx: click.Context, task_id: int, decision: str, comment: str, key: str | None,
                   as_name: str | None, role: str) -> None:
    """ตัดสินงานตรวจทาน: kept (คงไว้) rekeyed (แก้เฉลย) cancelled (ยกเลิกข้อ) revised dismissed / decide a task."""
    from itembank.authz import Actor
    from scoring.rescoring import decide_task
    from web.cli import lang, make_app
    from web.store_ext import get_store

    actor = Actor.system() if not as_name else Actor(None, as_name, role)
    keys = [k.strip() for k in key.split(",") if k.strip()] if key else None
    with get_store(make_app(ctx)).session() as s:  # a mis-key's decision rescores (scoring.rescoring.decide_task)
        click.echo(decide_task(s, actor, task_id, decision, key=keys, comment=comment).message(lang()))


def _run(app: Any, arguments: dict[str, Any]) -> dict[str, Any]:
    from itembank.authz import Actor
    from scoring.analysis import run_analysis
    from web.store_ext import get_store

    def progress(done: int, total: int, th: str = "", en: str = "") -> None:
        click.echo(f"[{done}/{total}] {_say(th, en)}", err=True)

    with get_store(app).session() as s:
        out = run_analysis(s, Actor.system(), arguments["administration"],
                           model=None if arguments["model"] == "none" else arguments["model"],
                           anchor_mode=arguments["anchor_mode"], scale=arguments["scale"],
                           drift_limit=arguments["drift_limit"], progress=progress)
    return summary(out)


def summary(out: dict[str, Any]) -> dict[str, Any]:
    """The outcome of an analysis as a job returns it (Thai and English lines, counts, timings)."""
    t = out["timings"]
    tail_th = (f"บันทึก {out['n_statistics']} ข้อ ชุดพารามิเตอร์ {out['parameter_set'] or '-'} "
               f"งานตรวจทานใหม่ {out['n_new_tasks']} งาน ({t['total_s']:.1f} วินาที)")
    tail_en = (f"wrote {out['n_statistics']} items, parameter set {out['parameter_set'] or '-'}, "
               f"{out['n_new_tasks']} new review tasks ({t['total_s']:.1f} s)")
    from urllib.parse import quote

    return {"ok": True, "job": "analyse", **{k: v for k, v in out.items() if k != "result"},
            "url": f"/analysis/{quote(str(out['administration']), safe='')}/",
            "message_th": f"{out['administration']}: {out['message_th']} · {tail_th}",
            "message_en": f"{out['administration']}: {out['message_en']} · {tail_en}"}
