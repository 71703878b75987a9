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

import json
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask

from itembank.errors import KhlangError

JobFunction = Callable[..., dict[str, Any]]


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


def _refused_input(job: str, code: str, th: str, en: str | None = None) -> dict[str, Any]:
    return {"ok": False, "job": job, "code": code, "kind": "invalid",
            "message_th": f"ไม่ดำเนินการ: {th}", "message_en": f"refused: {en or th}",
            "problems": [th], "problems_en": [en or th]}


def _actor(as_name: str | None) -> Any:
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
            report = import_file(s, _actor(as_name), Path(path), dry_run=dry_run)
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
    """ประมาณค่าพารามิเตอร์ข้อสอบ (IRT calibration) of a RESPONSES.csv into PARAMS.csv (+ .meta.json).

    The same files as ``khlang irt calibrate`` (:mod:`web.cli.irt`): a malformed response file or
    data the estimator refuses comes back as ``ok=False`` with the row and column named.
    """
    import click

    from psychometrics.errors import ConvergenceWarning, PsychometricsError
    from psychometrics.irt.calibration import calibrate as fit
    from web.cli.irt import MODELS, read_responses, write_params

    responses, out = Path(responses_csv), Path(out_csv)
    model = model.lower()
    if model not in MODELS:
        return _refused_input("calibrate", "calibrate.model_unknown",
                              f"ไม่รู้จักโมเดล {model!r} (ใช้ได้: {', '.join(MODELS)})",
                              f"unknown model {model!r} (one of {', '.join(MODELS)})")
    if not out_csv:
        return _refused_input("calibrate", "calibrate.out_missing", "ไม่ได้ระบุไฟล์ผลลัพธ์ (out_csv)",
                              "no output file (out_csv)")
    t0 = time.perf_counter()
    try:
        x, item_ids, _ = read_responses(responses)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            # as `khlang irt calibrate`: "1pl" and "pcm" fix θ ~ N(0, 1); "rasch" estimates its variance
            result = fit(x, "rasch" if model == "1pl" else model, n_quadrature=n_quadrature, max_iter=max_iter,
                         tol=tol, item_ids=item_ids, estimate_variance=False if model in ("1pl", "pcm") else None)
    except click.ClickException as e:           # the CSV contract's refusal: file, row and column named
        return _refused_input("calibrate", "calibrate.invalid_file", e.format_message())
    except PsychometricsError as e:
        return _refused_input("calibrate", "calibrate.invalid_data", f"{responses.name}: {e}")
    write_params(out, result)
    meta = {"time_fit_s": round(result.time_fit_s, 4), "time_total_s": round(time.perf_counter() - t0, 4),
            "log_likelihood": result.log_likelihood, "iterations": result.n_iter, "converged": result.converged,
            "n_persons": result.n_persons, "n_items": result.params.n_items,
            "settings": {**result.settings, "quadrature_n": n_quadrature, "engine": "khlang"}}
    Path(f"{out}.meta.json").write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")
    state_th = "ลู่เข้า" if result.converged else "ยังไม่ลู่เข้า"
    return {
        "ok": True, "job": "calibrate", "file": str(out), "model": model,
        "n_items": result.params.n_items, "n_persons": result.n_persons,
        "log_likelihood": float(result.log_likelihood), "iterations": int(result.n_iter),
        "converged": bool(result.converged), "time_fit_s": float(result.time_fit_s),
        "message_th": f"{out.name}: ประมาณค่า {result.params.n_items} ข้อ จากผู้สอบ {result.n_persons} คน "
                      f"({model}) {result.n_iter} รอบ {state_th}",
        "message_en": f"{out.name}: {result.params.n_items} items, {result.n_persons} persons ({model}), "
                      f"{result.n_iter} EM cycles, {'converged' if result.converged else 'NOT converged'}",
        "warnings": [str(w.message) for w in caught],
    }


def render_booklet(app: Flask, form_code: str, variant: str | None = None, out_pdf: str = "",
                   thai_digits: bool = True) -> dict[str, Any]:
    """พิมพ์แบบทดสอบ (bulk render): the booklet of a frozen form (a variant, or the form's own order).

    Written as PDF, or as editable DOCX when `out_pdf` ends in ``.docx`` (as ``khlang forms render``).
    """
    from exports.booklet import render_booklet_pdf
    from exports.docx import booklet_docx
    from itembank.authz import Actor
    from testgen.booklets import booklet_for
    from web.store_ext import get_store

    if not out_pdf:
        return _refused_input("render_booklet", "render.out_missing", "ไม่ได้ระบุไฟล์ผลลัพธ์ (out_pdf)",
                              "no output file (out_pdf)")
    out = Path(out_pdf)
    try:
        with get_store(app).read_session() as s:
            booklet = booklet_for(s, Actor.system(), form_code, variant, district=app.config["DISTRICT_NAME"])
    except KhlangError as e:
        return refused("render_booklet", e)
    if out.suffix.lower() == ".docx":
        booklet_docx(booklet, out, thai_digits=thai_digits)
    else:
        out.write_bytes(render_booklet_pdf(booklet, thai_digits=thai_digits))
    label = f" ชุด {variant}" if variant else ""
    return {
        "ok": True, "job": "render_booklet", "file": str(out), "form_code": form_code, "variant": variant,
        "n_items": len(booklet.items), "n_bytes": out.stat().st_size,
        "message_th": f"เขียนแบบทดสอบ {form_code}{label} ที่ {out.name} ({len(booklet.items)} ข้อ)",
        "message_en": f"wrote booklet {form_code}{' variant ' + variant if variant else ''} to {out.name} "
                      f"({len(booklet.items)} items)",
    }


#: Every job, by the name callers enqueue it with.
JOBS: dict[str, JobFunction] = {f.__name__: f for f in (import_items, calibrate, render_booklet)}
