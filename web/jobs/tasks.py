"""The jobs themselves: plain functions ``job(app, **arguments) -> dict``, each a thin wrapper of a service.

A job returns a plain, picklable dict that Huey's result store keeps::

    {"ok": True, "job": "import_items", "message_th": "...", "message_en": "...", ...counts}
    {"ok": False, "job": "import_items", "code": "import.invalid", "message_th": "...",
     "problems": ["items.xlsx แถว 3 คอลัมน์ ตัวชี้วัด: ...", ...], "problems_en": [...]}

A refusal (a :class:`~itembank.errors.KhlangError`, or a refused input file of the IRT contract)
becomes ``ok=False`` with the Thai problem list: it is an answer, not a crash. Anything else is
left to propagate: :mod:`web.jobs` logs it and Huey records the failure.

:data:`JOBS` lists every job by name; :func:`web.jobs.init_app` wraps each as a Huey task of the
app's own Huey instance. The functions never read configuration except through `app`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask

from itembank.errors import KhlangError

if TYPE_CHECKING:
    from itembank.authz import Actor

JobFunction = Callable[..., dict[str, Any]]

#: (job id, job name) of the job this thread runs now; None outside a queued job.
CURRENT_JOB: ContextVar[tuple[str | None, str] | None] = ContextVar("khlang_current_job", default=None)

Progress = Callable[[int, int, str, str], None]


def progress_reporter(app: Flask) -> Progress | None:
    """A callback ``(done, total, message_th, message_en)`` writing the running job's progress to its record.

    None outside a queued job (a command runs the service directly and prints its own progress).
    """
    current = CURRENT_JOB.get()
    if current is None or current[0] is None:
        return None
    job_id, name = current

    def report(done: int, total: int, message_th: str = "", message_en: str = "") -> None:
        from itembank.jobs import report_progress
        from web.store_ext import get_store

        with get_store(app).session() as s:
            report_progress(s, job_id, name, done, total, message_th, message_en)

    return report


def refused(job: str, e: KhlangError) -> dict[str, Any]:
    """The outcome of a job a service refused: every problem in Thai (and English), nothing written."""
    problems = e.problems or (e,)
    n = len(problems)
    return {
        "ok": False, "job": job, "code": e.code, "kind": e.kind,
        "message_th": f"ไม่ดำเนินการ: พบปัญหา {n} รายการ ไม่มีการบันทึกใด ๆ",
        "message_en": f"refused: {n} problem{'s' if n != 1 else ''}, nothing written",
        "problems": [p.text("th") for p in problems],
        "problems_en": [p.text("en") for p in problems],
    }


def failed(job: str | None, error: str) -> dict[str, Any]:
    """The outcome of a job that failed unexpectedly (`error`: the exception's repr, as Huey keeps it)."""
    return {"ok": False, "job": job, "code": "jobs.failed", "kind": "invalid",
            "message_th": f"งานล้มเหลวโดยไม่คาดคิด: {error}", "message_en": f"the job failed: {error}",
            "problems": [error], "problems_en": [error], "error": error}


def _refused_input(job: str, code: str, th: str, en: str | None = None) -> dict[str, Any]:
    return {"ok": False, "job": job, "code": code, "kind": "invalid",
            "message_th": f"ไม่ดำเนินการ: {th}", "message_en": f"refused: {en or th}",
            "problems": [th], "problems_en": [en or th]}


def actor_named(as_name: str | None) -> Actor:
    """The actor a job acts as: the system, or an officer named `as_name` (``--as``)."""
    from itembank.authz import Actor

    return Actor.system() if not as_name else Actor(None, as_name, "officer")


def import_items(app: Flask, path: str, dry_run: bool = False, as_name: str | None = None) -> dict[str, Any]:
    """นำเข้าข้อสอบ (big import): :func:`itembank.importing.import_items` of a CSV/XLSX template file.

    Every row in one transaction, or nothing: a refused file returns its Thai problem list
    (file, row, column) and writes nothing.
    """
    from itembank.importing import import_items as import_file
    from web.store_ext import get_store

    if not Path(path).is_file():
        return _refused_input("import_items", "import.file_missing", f"ไม่พบไฟล์ {Path(path).name}",
                              f"file not found: {Path(path).name}")
    try:
        with get_store(app).session() as s:
            report = import_file(s, actor_named(as_name), Path(path), dry_run=dry_run)
    except KhlangError as e:
        return refused("import_items", e)
    u = report.upsert
    return {
        "ok": True, "job": "import_items", "file": report.file, "dry_run": report.dry_run,
        "n_rows": report.n_rows, "n_created": u.n_created, "n_new_version": u.n_new_version,
        "n_unchanged": u.n_unchanged,
        "message_th": report.summary_th().split("\n")[0],
        "message_en": report.summary_th().split("\n")[-1].strip("()"),
        "notices": [n.text("th") for n in report.notices],
    }


def calibrate(app: Flask, responses_csv: str, model: str = "2pl", out_csv: str = "",
              n_quadrature: int = 61, max_iter: int = 500, tol: float = 1e-4) -> dict[str, Any]:
    """ประมาณค่าพารามิเตอร์ข้อสอบ (IRT calibration): :func:`scoring.calibration.calibrate_file`.

    The same files and provenance record as ``khlang irt calibrate``: a malformed response file or
    data the estimator refuses comes back as ``ok=False`` with the row and column named.
    """
    from scoring.calibration import calibrate_file

    try:
        run = calibrate_file(Path(responses_csv), model, Path(out_csv) if out_csv else None,
                             n_quadrature=n_quadrature, max_iter=max_iter, tol=tol)
    except KhlangError as e:
        return refused("calibrate", e)
    r = run.result
    return {
        "ok": True, "job": "calibrate", "file": str(run.out), "model": run.model,
        "n_items": run.n_items, "n_persons": run.n_persons,
        "log_likelihood": float(r.log_likelihood), "iterations": int(r.n_iter),
        "converged": run.converged, "time_fit_s": float(r.time_fit_s),
        "message_th": run.message("th"), "message_en": run.message("en"), "warnings": list(run.warnings),
    }


def render_booklet(app: Flask, form_code: str, variant: str | None = None, out_pdf: str = "",
                   thai_digits: bool = True) -> dict[str, Any]:
    """พิมพ์แบบทดสอบ (bulk render): the booklet of a frozen form (a variant, or the form's own order).

    Written as PDF, or as editable DOCX when `out_pdf` ends in ``.docx`` (as ``khlang forms render``);
    any other extension is refused before any work.
    """
    from exports.data import Booklet
    from exports.render import check_format, write
    from itembank.authz import Actor
    from testgen.booklets import build_booklet
    from web.store_ext import get_store

    if not out_pdf:
        return _refused_input("render_booklet", "render.out_missing", "ไม่ได้ระบุไฟล์ผลลัพธ์ (out_pdf)",
                              "no output file (out_pdf)")
    out = Path(out_pdf)
    try:
        check_format(Booklet, out.suffix)
        with get_store(app).read_session() as s:
            booklet = build_booklet(s, Actor.system(), form_code, variant, district=app.config["DISTRICT_NAME"])
        write(booklet, out, thai_digits=thai_digits)
    except KhlangError as e:
        return refused("render_booklet", e)
    label = f" ชุด {variant}" if variant else ""
    return {
        "ok": True, "job": "render_booklet", "file": str(out), "form_code": form_code, "variant": variant,
        "n_items": len(booklet.items), "n_bytes": out.stat().st_size,
        "message_th": f"เขียนแบบทดสอบ {form_code}{label} ที่ {out.name} ({len(booklet.items)} ข้อ)",
        "message_en": f"wrote booklet {form_code}{' variant ' + variant if variant else ''} to {out.name} "
                      f"({len(booklet.items)} items)",
    }


def analyse(app: Flask, administration: str, model: str = "2pl", anchor_mode: str = "fixed",
            scale: str | None = None, drift_limit: float = 0.5) -> dict[str, Any]:
    """วิเคราะห์ข้อสอบของการสอบ: :func:`scoring.analysis.run_analysis`, progress in the job's record."""
    from itembank.authz import Actor
    from scoring.analysis import run_analysis
    from web.analysis.run_cli import summary
    from web.store_ext import get_store

    try:
        with get_store(app).session() as s:
            out = run_analysis(s, Actor.system(), administration, model=None if model == "none" else model,
                               anchor_mode=anchor_mode, scale=scale, drift_limit=drift_limit,
                               progress=progress_reporter(app))
    except KhlangError as e:
        return refused("analyse", e)
    return summary(out)


def school_reports(app: Flask, administration: str, fmt: str = "pdf", folder: str = "") -> dict[str, Any]:
    """รายงานผลระดับโรงเรียนทุกโรงเรียน (bulk reports): one file per school, progress school by school."""
    from web.reports.cli import every_school_report

    if not folder or not Path(folder).is_dir():
        return _refused_input("school_reports", "reports.folder_missing", f"ไม่พบโฟลเดอร์ {folder}",
                              f"no folder {folder}")
    try:
        return every_school_report(app, administration, fmt, Path(folder), progress_reporter(app))
    except KhlangError as e:
        return refused("school_reports", e)


def render_release_booklets(app: Flask, administration: str, out_dir: str = "", again: bool = False) -> dict[str, Any]:
    """พิมพ์แบบทดสอบรายโรงเรียนเมื่อเผยแพร่: :func:`scoring.booklet_release.render_release_booklets` with
    :func:`exports.stamp.render_school_copies` (each variant rendered once, stamped for every school)."""
    import os

    from exports.stamp import render_school_copies
    from itembank.authz import Actor
    from scoring.booklet_release import render_release_booklets as render_release
    from web.store_ext import get_store

    root = Path(out_dir or os.path.join(app.instance_path, "booklets", administration))
    try:
        out = render_release(get_store(app), Actor.system(), administration, render_school_copies, folder=root,
                             district=app.config["DISTRICT_NAME"], again=again, progress=progress_reporter(app))
    except KhlangError as e:
        return refused("render_release_booklets", e)
    return {"ok": True, "job": "render_release_booklets", "administration": administration, "schools": out.n_schools,
            "variants": list(out.variants), "folder": str(root),
            "message_th": out.message("th"), "message_en": out.message("en")}


def import_answer_file(app: Flask, administration: str, school: str, path: str) -> dict[str, Any]:
    """นำเข้าคำตอบของโรงเรียน (answer upload): :func:`scoring.uploads.import_answers`, all rows or none."""
    from itembank.authz import Actor
    from scoring.uploads import import_answers
    from web.store_ext import get_store

    progress = progress_reporter(app)
    if progress:
        progress(0, 1, f"กำลังนำเข้าคำตอบของโรงเรียน {school}", f"importing the answers of school {school}")
    try:
        with get_store(app).session() as s:
            out = import_answers(s, Actor.system(), administration, school, path)
    except KhlangError as e:
        return refused("import_answer_file", e)
    if progress:
        progress(1, 1, out.message("th"), out.message("en"))
    return {"ok": True, "job": "import_answer_file", "administration": administration, "school": school,
            "status": out.status, "n_students": out.n_students, "message_th": out.message("th"),
            "message_en": out.message("en")}



def assemble(app: Flask, blueprint: str, n_forms: int | None = None, seed: int = 0,
             time_limit: float = 30.0) -> dict[str, Any]:
    """ประกอบฉบับข้อสอบตามผัง: :func:`testgen.planning.assemble_draft`; the forms wait, not frozen, in the outcome
    (``draft``) for the officer to preview and freeze at ``url``."""
    from itembank.authz import Actor
    from testgen.planning import assemble_draft
    from web.store_ext import get_store

    progress = progress_reporter(app)
    current = CURRENT_JOB.get()
    job_id = current[0] if current else None
    if progress:
        progress(0, 2, f"กำลังจัดฉบับตามผัง {blueprint}", f"assembling on blueprint {blueprint}")
    try:
        with get_store(app).session() as s:
            draft = assemble_draft(s, Actor.system(), blueprint, n_forms=n_forms, seed=seed, time_limit=time_limit)
    except KhlangError as e:
        from urllib.parse import quote

        return {**refused("assemble", e), "url": f"/forms/blueprints/{quote(blueprint, safe='')}#shortage"}
    if progress:
        progress(2, 2, "จัดฉบับเสร็จแล้ว", "assembled")
    n = len(draft["forms"])
    best = draft["provenance"]["status"] == "optimal"
    return {"ok": True, "job": "assemble", "blueprint": blueprint, "n_forms": n, "draft": draft,
            "url": f"/forms/assemblies/{job_id}" if job_id else None,
            "message_th": f"จัดฉบับตามผัง {blueprint} ได้ {n} ฉบับ "
                          f"({'ดีที่สุดแล้ว' if best else 'ดีที่สุดที่หาได้ในเวลาที่กำหนด'}) รอตรวจและยืนยันฉบับ",
            "message_en": f"assembled {n} form(s) on {blueprint} ({'optimal' if best else 'best found in time'}); "
                          "preview and freeze them"}


from web.analysis.jobs import analysis_calibrate, analysis_dif, analysis_link  # noqa: E402  (its area keeps them)
from web.forms.jobs import render_form_documents  # noqa: E402  (its area keeps it; registered here)
from web.supervision.jobs import committee_report  # noqa: E402  (its area keeps it; registered here)

#: Every job, by the name callers enqueue it with.
JOBS: dict[str, JobFunction] = {f.__name__: f for f in (import_items, calibrate, render_booklet, analyse,
                                                        school_reports, render_release_booklets, import_answer_file,
                                                        committee_report, assemble, render_form_documents,
                                                        analysis_calibrate, analysis_link, analysis_dif)}
