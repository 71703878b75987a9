"""วิเคราะห์ข้อสอบ (analysis): item statistics, flags, review tasks, plots, calibration, linking and DIF jobs.

The pages read :mod:`scoring.analysis` (overview, statistics table, an item's history, parameter
sets); the analysis itself (CTT, IRT calibration on the district's scale with fixed anchors or a
Stocking–Lord link, item fit, DIF by sex and school size, writing back) runs as the ``analyse`` job.
Plots are matplotlib SVGs from :mod:`exports.plots` (the same library as the documents), served as
images by the routes below.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.auth import acting, requires
from web.store_ext import read_session

bp = Blueprint("analysis", __name__, url_prefix="/analysis")

#: The IRT models the page offers (scoring.analysis.run_analysis); "none" is CTT only.
MODEL_LABELS = {
    "2pl": _l("IRT แบบ 2 พารามิเตอร์ (2PL)"),
    "1pl": _l("IRT แบบ 1 พารามิเตอร์ (1PL)"),
    "rasch": _l("โมเดลราช (Rasch)"),
    "3pl": _l("IRT แบบ 3 พารามิเตอร์ (3PL)"),
    "none": _l("วิเคราะห์แบบดั้งเดิม (CTT) อย่างเดียว"),
}
ANCHOR_LABELS = {
    "fixed": _l("ตรึงค่าพารามิเตอร์ข้อยึดจากคลัง (fixed anchors)"),
    "link": _l("ประมาณค่าอิสระแล้วเชื่อมโยงสเกลแบบ Stocking–Lord"),
}
DECISION_LABELS = {"good": _l("ใช้ได้"), "revise": _l("ควรปรับปรุง"), "drop": _l("ควรตัดทิ้ง")}
DIF_NAMES = {"sex": _l("เพศ"), "school_size": _l("ขนาดโรงเรียน")}
TASK_STATUS_LABELS = {"open": _l("รอตรวจทาน"), "kept": _l("คงไว้"), "rekeyed": _l("แก้เฉลยแล้ว"), "cancelled": _l("ยกเลิกข้อ"),
                      "revised": _l("ปรับปรุงแล้ว"), "dismissed": _l("ไม่ต้องแก้ไข")}
_CODE = re.compile(r"^[0-9A-Za-z\u0E00-\u0E7F._\-/ ]{1,120}$")


def clean_code(value: str | None) -> str:
    """A code from a URL, or 404 (control characters never reach the database)."""
    if not value or not _CODE.match(value):
        abort(404)
    return value


@bp.app_template_filter("an_num")
def _num(value, digits: int = 2) -> str:
    """2-decimal numbers, '–' for none (NaN too)."""
    if value is None:
        return "–"
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if v != v:
        return "–"
    from psychometrics.tables import fixed

    return fixed(v, digits, grouping=True)  # never "-0.000"


@bp.context_processor
def _labels() -> dict:
    from scoring.analysis import FLAG_WORDS, flag_text
    from web.i18n import page_language

    locale = page_language()
    return {"FLAG_WORDS": FLAG_WORDS, "MODEL_LABELS": MODEL_LABELS, "ANCHOR_LABELS": ANCHOR_LABELS,
            "DECISION_LABELS": DECISION_LABELS, "TASK_STATUS_LABELS": TASK_STATUS_LABELS, "page_locale": locale,
            "DIF_NAMES": DIF_NAMES,
            "flag_label": lambda kind: flag_text(kind, locale)}


def _svg(fig) -> Response:
    """A matplotlib figure as an SVG image (its own inline styles allowed: it is an image, not the page)."""
    from exports.plots import to_svg

    response = Response(to_svg(fig), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/")
@requires("scores.read")
def index():
    """Every administration with its analysis status; analysts start the analysis from here."""
    from scoring.analysis import analysis_overview

    with read_session() as s:
        rows = analysis_overview(s, acting())
    return render_template("analysis/index.html", rows=rows, can_run=acting().may("item.write_statistics"))


@bp.get("/<code>/")
@requires("scores.read")
def statistics(code: str):
    """The item statistics of one administration: whole test, TIF, one row per item with flags and tasks."""
    from scoring.analysis import administration_statistics

    code = clean_code(code)
    flagged_only = request.args.get("flagged") == "1"
    with read_session() as s:
        data = administration_statistics(s, acting(), code)
    rows = [it for it in data.items if it.flags] if flagged_only else list(data.items)
    return render_template("analysis/statistics.html", data=data, rows=rows, flagged_only=flagged_only,
                           can_run=acting().may("item.write_statistics"), has_curves=bool(data.curves()),
                           can_decide=acting().may("review_task.decide") and acting().may("scores.recompute"))


@bp.post("/<code>/run")
@requires("item.write_statistics")
def run(code: str):
    """Start the analysis (CTT, IRT calibration and linking, fit, DIF, write-back) as a job."""
    from scoring.analysis import check_can_analyse
    from web.jobs import get_jobs

    code = clean_code(code)
    model = request.form.get("model", "2pl")
    anchor = request.form.get("anchor_mode", "fixed")
    scale = (request.form.get("scale") or "").strip() or None
    try:
        drift = float(request.form.get("drift_limit") or 0.5)
    except ValueError:
        drift = -1.0
    problems = []
    if model not in MODEL_LABELS:
        problems.append(_("โมเดล: เลือกจากรายการ"))
    if anchor not in ANCHOR_LABELS:
        problems.append(_("การเชื่อมโยงสเกล: เลือกจากรายการ"))
    if not 0 < drift <= 5:
        problems.append(_("เกณฑ์ค่า b เปลี่ยน: ต้องเป็นตัวเลขมากกว่า 0 ไม่เกิน 5 (logit)"))
    if scale is not None and not _CODE.match(scale):
        problems.append(_("ชื่อสเกล: ใช้ได้เฉพาะตัวอักษร ตัวเลข และ . _ - /"))
    if problems:
        for p in problems:
            flash(p, "error")
        return redirect(url_for("analysis.statistics", code=code))
    with read_session() as s:
        code = check_can_analyse(s, acting(), code)
    from itembank.audit import record_student_read
    from web.store_ext import write_session

    with write_session() as s:  # PDPA: the analysis reads every student's answers on this person's behalf
        record_student_read(s, acting(), "answers.analysis", object_id=code, commit=True)
    handle = get_jobs().enqueue("analyse", actor=acting(), administration=code, model=model, anchor_mode=anchor,
                                scale=scale, drift_limit=drift)
    return redirect(url_for("jobs.show", job_id=handle.id))


@bp.post("/<code>/tasks/<int:task_id>/decide")
@requires("review_task.decide")
def decide_task(code: str, task_id: int):
    """An officer's decision on a review task; a probable mis-key's decision rescores the administration."""
    from itembank.errors import KhlangError
    from scoring.rescoring import decide_task as decide
    from web.i18n import page_language
    from web.store_ext import write_session

    code = clean_code(code)
    decision = request.form.get("decision", "")
    keys = [k.strip() for k in re.split(r"[,\s]+", request.form.get("key", "")) if k.strip()] or None
    mode = "drop" if request.form.get("cancel_mode") == "drop" else "credit"
    with write_session() as s:
        try:
            done = decide(s, acting(), task_id, decision, key=keys, cancel_mode=mode,
                          comment=request.form.get("comment", "").strip()[:2000])
        except KhlangError as e:
            if e.kind in ("forbidden", "not_found"):
                raise
            s.rollback()
            flash(e.text(page_language()), "error")
            return redirect(url_for("analysis.statistics", code=code))
    flash(done.message(page_language()), "info")
    return redirect(url_for("analysis.statistics", code=code))


@bp.get("/items/<path:item_code>")
@requires("scores.read")
def item(item_code: str):
    """An item across administrations: p, r, a, b, fit, DIF and flags per source, its ICC and options plot."""
    from scoring.analysis import item_history

    item_code = clean_code(item_code)
    with read_session() as s:
        history = item_history(s, acting(), item_code)
    return render_template("analysis/item.html", h=history, has_options=history.options() is not None)


@bp.get("/plots/tif.svg")
@requires("scores.read")
def tif_plot():
    """Test information and SE of an administration's calibrated items."""
    from exports.plots import information_figure
    from scoring.analysis import administration_statistics

    code = clean_code(request.args.get("administration"))
    with read_session() as s:
        curves = administration_statistics(s, acting(), code).curves()
    if not curves:
        abort(404)
    return _svg(information_figure(curves))


@bp.get("/plots/dd.svg")
@requires("scores.read")
def dd_plot():
    """Difficulty and discrimination of every item of an administration (its positions on the x axis)."""
    from exports.plots import dd_figure
    from scoring.analysis import administration_statistics

    code = clean_code(request.args.get("administration"))
    with read_session() as s:
        data = administration_statistics(s, acting(), code)
    if not data.analysed:
        abort(404)
    return _svg(dd_figure([(str(it.position), it.p, it.r) for it in data.items]))


@bp.get("/plots/icc.svg")
@requires("scores.read")
def icc_plot():
    """The item characteristic curve from the item's newest IRT parameters."""
    from exports.plots import icc_figure
    from scoring.analysis import item_history

    code = clean_code(request.args.get("item"))
    with read_session() as s:
        curve = item_history(s, acting(), code).curve()
    if curve is None:
        abort(404)
    return _svg(icc_figure([curve], highlight=[curve.item_id]))


@bp.get("/plots/options.svg")
@requires("scores.read")
def options_plot():
    """How the upper and lower groups chose each option (newest administration, or ?source=admin:CODE)."""
    from exports.plots import options_figure
    from scoring.analysis import item_history

    code = clean_code(request.args.get("item"))
    source = request.args.get("source")
    if source is not None:
        source = clean_code(source.removeprefix("admin:"))
        source = f"admin:{source}"
    with read_session() as s:
        choices = item_history(s, acting(), code).options(source)
    if choices is None:
        abort(404)
    fig = options_figure([choices], columns=1)
    fig.set_size_inches(100 / 25.4, 62 / 25.4)  # one item: room for the title beside the bars
    fig.suptitle(_("กลุ่มสูงและกลุ่มต่ำเลือกแต่ละตัวเลือก (* = คำตอบที่ถูก)"), fontsize=8.5)
    return _svg(fig)


@bp.get("/parameter-sets")
@requires("scores.read")
def parameter_sets():
    """The bank's parameter sets by scale, newest first (each analysis on a scale makes the next one)."""
    from scoring.analysis import parameter_sets as sets

    with read_session() as s:
        rows = sets(s, acting())
    return render_template("analysis/parameter_sets.html", rows=rows)

