"""ผังการออกข้อสอบและฉบับข้อสอบ (blueprints and forms): pages.

Blueprint → shortage report → assembly (a job) → preview of the assembled forms with their TIF/SE and
fulfilment → freeze → variants → booklets, keys and answer sheets. Every service is in
:mod:`testgen.planning` (and :mod:`testgen.forms`, :mod:`testgen.booklets`); the views only deliver.
"""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from itembank.browse import display_names
from itembank.curriculum import AREA_LETTERS, AREA_NAMES_TH
from itembank.errors import KhlangError
from web.auth import acting, audit_download, requires
from web.bank.labels import GRADES, LEVEL_LABELS, TYPE_LABELS
from web.store_ext import read_session, write_session

bp = Blueprint("forms", __name__, url_prefix="/forms")

OBJECTIVE_LABELS = {"none": _l("ไม่กำหนด (ตามผังเท่านั้น)"),
                    "maximin": _l("สารสนเทศสูงสุดช่วง θ −1 ถึง 1 (ใช้เฉพาะข้อที่มีค่า IRT)"),
                    "ctt": _l("ค่าความยาก 0.2–0.9 อำนาจจำแนกรวมสูงสุด")}
DOC_LABELS = {"booklet": _l("แบบทดสอบ"), "key": _l("เฉลย"), "sheet": _l("กระดาษคำตอบ")}
PER_PAGE = 50


@bp.context_processor
def _forms_labels() -> dict:
    def may(action: str) -> bool:
        actor = acting()
        return actor is not None and actor.may(action)

    return {"OBJECTIVE_LABELS": OBJECTIVE_LABELS, "DOC_LABELS": DOC_LABELS, "may": may}


def _not_found(e: KhlangError) -> None:
    if e.kind in ("not_found", "forbidden"):
        abort(404)


def _problems(e: KhlangError) -> list[str]:
    from flask_babel import get_locale

    locale = str(get_locale() or "th")
    return [p.text(locale) for p in (e.problems or (e,))]


# -- loading what a page shows ---------------------------------------------------------------------------


def load_assembly(job_id: str) -> tuple[Any, dict[str, Any] | None]:
    """The assemble job `job_id` of the signed-in person and its draft (None until it is done); 404 otherwise."""
    from itembank.jobs import get_job

    with read_session() as s:
        try:
            job = get_job(s, acting(), job_id)
        except KhlangError as e:
            _not_found(e)
            raise
    if job.kind != "assemble":
        abort(404)
    outcome = job.outcome or {}
    return job, (outcome.get("draft") if outcome.get("ok") else None)


def send_document(kind: str, code: str, variant: str | None) -> Response | None:
    """The rendered PDF of a form's file, recorded in the audit log; None when it is not rendered yet."""
    from urllib.parse import quote

    from web.forms.documents import DOCUMENTS, find_document

    if kind not in DOCUMENTS:
        abort(404)
    with read_session() as s:
        doc = find_document(s, acting(), current_app, code, kind, variant)
    if not doc.ready:
        return None
    audit_download(f"form_{kind}", code, variant=doc.variant)
    return Response(doc.path.read_bytes(), mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(doc.filename)}"})


def prepare_documents(code: str) -> Any:
    """Enqueue the render of the form's files not yet rendered (the caller checked form.render)."""
    from web.forms.documents import form_documents
    from web.jobs import get_jobs

    with read_session() as s:
        docs = form_documents(s, acting(), current_app, code)
    return get_jobs(current_app).enqueue("render_form_documents", actor=acting(), form_code=docs[0].form_code)


def _svg(fig) -> Response:
    from exports.plots import to_svg

    return Response(to_svg(fig), mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=300"})


def tif_svg(previews) -> Response:
    """One form: information_figure (TIF and SE); several: every form's TIF on one plot."""
    from exports.plots import forms_information_figure, information_figure

    if len(previews) == 1 and previews[0].curves:
        return _svg(information_figure(previews[0].curves))
    return _svg(forms_information_figure([(p.label, p.curves) for p in previews]))


# -- blueprints ------------------------------------------------------------------------------------------


@bp.get("/blueprints/")
@requires("blueprint.write")
def blueprints():
    """Stored blueprints, and where to build a new one from the curriculum."""
    from testgen.planning import list_blueprints

    with read_session() as s:
        rows = list_blueprints(s, acting())
        names = display_names(s, [b.created_by_name for b in rows])
    return render_template("forms/blueprints.html", blueprints=rows, areas=AREA_LETTERS, grades=GRADES,
                           AREA_NAMES_TH=AREA_NAMES_TH, names=names)


def _grid_form(area: str, grade: str, values: dict[str, Any], status: int = 200, errors: list[str] | None = None):
    from testgen.planning import LEVELS, taxonomy_grid

    grid = []
    if area and grade:
        with read_session() as s:
            grid = taxonomy_grid(s, acting(), area, grade)
    from testgen.planning import TYPES

    standards: dict[str, list] = {}
    for row in grid:
        standards.setdefault(row.standard, []).append(row)
    # the bank's supply of each level and type over the indicators shown (an item of two indicators counts twice)
    level_supply = {lv: sum(r.supply.get(lv, 0) for r in grid) for lv in LEVELS}
    type_supply = {t: sum(r.supply_types.get(t, 0) for r in grid) for t in TYPES}
    row_totals, grand_total = _totals(values, [r.code for r in grid], LEVELS)
    return render_template("forms/blueprint_new.html", area=area, grade=grade, areas=AREA_LETTERS, grades=GRADES,
                           AREA_NAMES_TH=AREA_NAMES_TH, standards=standards, levels=LEVELS, values=values,
                           errors=errors or [], n_rows=len(grid), types=TYPES, level_supply=level_supply,
                           type_supply=type_supply, row_totals=row_totals, grand_total=grand_total), status


def _totals(values: dict[str, Any], indicators: list[str], levels) -> tuple[dict[str, str], str]:
    """Each indicator's total and the form's, as the builder shows them before its script runs (forms.js keeps
    them as counts are typed): "7", or "9–11" when a cell is a range (minima–maxima), "–" for none."""
    rows = {}
    for code in indicators:
        bounds = [_range(str(values.get(f"n|{code}|{lv}", ""))) or (0, 0) for lv in levels]
        rows[code] = (sum(b[0] for b in bounds), sum(max(b) for b in bounds))
    low, high = sum(b[0] for b in rows.values()), sum(b[1] for b in rows.values())
    return {code: _total_text(*b) for code, b in rows.items()}, _total_text(low, high)


def _total_text(low: int, high: int) -> str:
    return "–" if not high else str(low) if low == high else f"{low}–{high}"


@bp.get("/blueprints/new")
@requires("blueprint.write")
def new_blueprint():
    """Build a blueprint: pick a learning area and grade, then counts per indicator × cognitive level."""
    from testgen.planning import cells_of, limits_of, objective_of, read_blueprint

    area = request.args.get("area", "").strip()
    grade = request.args.get("grade", "").strip()
    values: dict[str, Any] = {"n_forms": 1, "objective": "none", "max_overlap": 0}
    source = request.args.get("from", "").strip()
    if source:
        with read_session() as s:
            try:
                stored, bpr = read_blueprint(s, acting(), source)
            except KhlangError as e:
                _not_found(e)
                raise
        cells = cells_of(bpr)
        values.update(code=stored.code, name=stored.name, n_forms=bpr.n_forms, objective=objective_of(bpr),
                      max_overlap=bpr.max_overlap)
        for c in cells:
            values[f"n|{c.indicator}|{c.level}"] = _shown(c.items, c.upper)
            if c.item_type:
                values[f"type|{c.indicator}"] = c.item_type
        for lim in limits_of(bpr):
            values[f"{'lv' if lim.kind == 'level' else 'ty'}|{lim.value}"] = _shown(lim.min_items, lim.max_items)
        if any(c.max_items is not None for c in cells):
            values["test_length"] = bpr.test_length
        grade = grade or (stored.grade or "")
        area = area or (cells[0].indicator.split(" ")[0] if cells else "")
    if area and area not in AREA_LETTERS:
        area = ""
    if grade and grade not in GRADES:
        grade = ""
    return _grid_form(area, grade, values)


def _shown(low: int, high: int) -> str:
    """A count as the builder shows it: "3", or "2-4" for a range."""
    return str(low) if low == high else f"{low}-{high}"


_RANGE = re.compile(r"^\s*(\d{1,3})\s*(?:[-–~]\s*(\d{1,3})\s*)?$")


def _range(value: str) -> tuple[int, int] | None:
    """"3" → (3, 3); "2-4" (or 2–4) → (2, 4); blank → (0, 0); anything else → None."""
    if not (value or "").strip():
        return 0, 0
    m = _RANGE.match(value)
    if m is None:
        return None
    low = int(m.group(1))
    return low, int(m.group(2)) if m.group(2) else low


def _int(value: str, default: int | None = 0) -> int | None:
    value = (value or "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        return None


@bp.post("/blueprints/new")
@requires("blueprint.write")
def save_blueprint():
    """Save the blueprint of the table; every bad cell is named and nothing is written."""
    from testgen.planning import BlueprintCell, CountLimit, blueprint_from_cells, check_code, store_blueprint

    form = request.form
    area, grade = form.get("area", "").strip(), form.get("grade", "").strip()
    values: dict[str, Any] = dict(form.items())
    errors: list[str] = []
    cells, limits = [], []
    for key, raw in form.items():
        kind, _sep, rest = key.partition("|")
        if kind not in ("n", "lv", "ty") or not rest:
            continue
        n = _range(raw)
        if kind != "n":
            if n is None:
                errors.append(_("จำนวนข้อทั้งฉบับของ %(w)s: ต้องเป็นจำนวนเต็ม หรือช่วง เช่น 2-4 (ได้ %(v)s)",
                                w=(LEVEL_LABELS if kind == "lv" else TYPE_LABELS).get(rest, rest), v=raw))
            elif (raw or "").strip():
                limits.append(CountLimit("level" if kind == "lv" else "type", rest, *n))
            continue
        indicator, level = (rest.split("|", 1) + [""])[:2]
        if n is None:
            errors.append(_("ตัวชี้วัด %(i)s ช่อง %(l)s: จำนวนข้อต้องเป็นจำนวนเต็ม หรือช่วง เช่น 2-4 (ได้ %(v)s)",
                            i=indicator, l=level, v=raw))
            continue
        item_type = form.get(f"type|{indicator}", "").strip() or None
        cells.append(BlueprintCell(indicator, level, n[0], item_type, n[1] if n[1] != n[0] else None))
    length = _int(form.get("test_length", ""), None) if (form.get("test_length") or "").strip() else None
    if (form.get("test_length") or "").strip() and length is None:
        errors.append(_("ความยาวแบบทดสอบ: ต้องเป็นจำนวนเต็ม"))
    n_forms, overlap = _int(form.get("n_forms", "1"), 1), _int(form.get("max_overlap", "0"), 0)
    if n_forms is None:
        errors.append(_("จำนวนฉบับ: ต้องเป็นจำนวนเต็ม"))
    if overlap is None:
        errors.append(_("จำนวนข้อที่ซ้ำกันได้: ต้องเป็นจำนวนเต็ม"))
    if grade not in GRADES:
        errors.append(_("ชั้น: ต้องเลือกชั้น"))
    if errors:
        return _grid_form(area, grade, values, 422, errors)
    try:
        code = check_code(form.get("code", ""))
        bp_ = blueprint_from_cells(form.get("name", ""), cells, n_forms=n_forms or 1,
                                   objective=form.get("objective", "none"), max_overlap=overlap or 0,
                                   limits=limits, test_length=length)
        with write_session() as s:
            store_blueprint(s, acting(), code, bp_, grade=grade)
    except KhlangError as e:
        if e.kind not in ("invalid", "conflict"):
            raise
        return _grid_form(area, grade, values, 422, _problems(e))
    flash(_("บันทึกผัง %(c)s แล้ว: ดูรายงานข้อสอบไม่พอก่อนจัดฉบับ", c=code), "notice")
    return redirect(url_for("forms.show_blueprint", code=code))


@bp.get("/blueprints/<code>")
@requires("form.read")
def show_blueprint(code: str):
    """A blueprint: its rows, the shortage report (before assembling) and the assemble button."""
    from testgen.planning import cells_of, read_blueprint, shortage_report

    n_forms = request.args.get("n_forms", type=int)
    if n_forms is not None and not 1 <= n_forms <= 10:
        n_forms = None
    with read_session() as s:
        try:
            stored, bpr = read_blueprint(s, acting(), code)
        except KhlangError as e:
            _not_found(e)
            raise
        report_error = None
        try:
            report = shortage_report(s, acting(), code, n_forms=n_forms)
        except KhlangError as e:
            report, report_error = None, _problems(e)
        names = display_names(s, [stored.created_by_name])
    return render_template("forms/blueprint.html", stored=stored, bp=bpr, report=report, report_error=report_error,
                           n_forms=n_forms or bpr.n_forms, names=names, editable=bool(cells_of(bpr)))


@bp.post("/blueprints/<code>/assemble")
@requires("form.assemble")
def assemble(code: str):
    """Assemble on the blueprint as a job; its page shows the progress, then links to the forms."""
    from testgen.planning import read_blueprint
    from web.jobs import get_jobs

    with read_session() as s:
        try:
            read_blueprint(s, acting(), code)
        except KhlangError as e:
            _not_found(e)
            raise
    n_forms = _int(request.form.get("n_forms", ""), None)
    seed = _int(request.form.get("seed", "0"), 0)
    if n_forms is not None and not 1 <= n_forms <= 10:
        flash(_("จำนวนฉบับต้องอยู่ระหว่าง 1 ถึง 10"), "error")
        return redirect(url_for("forms.show_blueprint", code=code))
    handle = get_jobs(current_app).enqueue("assemble", actor=acting(), blueprint=code, n_forms=n_forms,
                                           seed=seed or 0, time_limit=float(current_app.config.get(
                                               "FORMS_ASSEMBLY_SECONDS", 20.0)))
    return redirect(url_for("jobs.show", job_id=handle.id))


# -- assembled forms, before freezing --------------------------------------------------------------------


@bp.get("/assemblies/<job_id>")
@requires("form.read")
def assembly(job_id: str):
    """The assembled forms of a job: each form as printed, its TIF/SE and fulfilment, then all compared; freeze."""
    from testgen.planning import describe_draft, frozen_from

    job, draft = load_assembly(job_id)
    if draft is None:
        return redirect(url_for("jobs.show", job_id=job_id))
    with read_session() as s:
        previews = describe_draft(s, acting(), draft)
        frozen = frozen_from(s, acting(), job_id)
        names = display_names(s, [job.created_by_name])
    return render_template("forms/assembly.html", job=job, draft=draft, previews=previews, frozen=frozen,
                           may_freeze=acting().may("form.freeze"), names=names)


@bp.get("/assemblies/<job_id>/tif.svg")
@requires("form.read")
def assembly_tif(job_id: str):
    """TIF/SE of form `form` (1-based) of the assembly, or of every form on one plot without `form`."""
    from testgen.planning import describe_draft

    draft = load_assembly(job_id)[1]
    if draft is None:
        abort(404)
    with read_session() as s:
        previews = describe_draft(s, acting(), draft)
    f = request.args.get("form", type=int)
    if f is not None:
        if not 1 <= f <= len(previews):
            abort(404)
        previews = [previews[f - 1]]
    return tif_svg(previews)


@bp.post("/assemblies/<job_id>/freeze")
@requires("form.freeze")
def freeze(job_id: str):
    """Freeze every assembled form as CODE-1, CODE-2, … (all or none)."""
    from testgen.planning import freeze_draft

    draft = load_assembly(job_id)[1]
    if draft is None:
        abort(404)
    minutes = _int(request.form.get("minutes", ""), None)
    try:
        with write_session() as s:
            forms = freeze_draft(s, acting(), draft, job_id, request.form.get("prefix", ""),
                                 request.form.get("title", ""), minutes)
            codes = [f.code for f in forms]
    except KhlangError as e:
        if e.kind not in ("invalid", "conflict"):
            raise
        for p in _problems(e):
            flash(p, "error")
        return redirect(url_for("forms.assembly", job_id=job_id))
    flash(_("ยืนยันฉบับแล้ว: %(c)s (แก้ไขไม่ได้อีก)", c=", ".join(codes)), "notice")
    if len(codes) > 1:
        return redirect(url_for("forms.compare", codes=",".join(codes)))
    return redirect(url_for("forms.show_form", code=codes[0]))


# -- frozen forms ----------------------------------------------------------------------------------------


@bp.get("/")
@requires("form.read")
def list_forms():
    """Frozen forms (newest code first), and one's own assemblies waiting to be frozen."""
    from itembank.jobs import list_jobs
    from testgen.overview import list_form_overviews

    page = max(1, request.args.get("page", 1, type=int) or 1)
    with read_session() as s:
        overviews = list_form_overviews(s, acting())
        jobs = list_jobs(s, acting(), kind="assemble", limit=20) if acting().may("form.assemble") else []
    n_pages = max(1, -(-len(overviews) // PER_PAGE))
    page = min(page, n_pages)
    shown = overviews[(page - 1) * PER_PAGE: page * PER_PAGE]
    return render_template("forms/list.html", overviews=shown, total=len(overviews), page=page, n_pages=n_pages,
                           jobs=jobs)


def _codes() -> list[str]:
    """Form codes from ``?codes=A,B`` or ticked boxes ``?c=A&c=B``."""
    codes = request.args.get("codes", "").split(",") + request.args.getlist("c")
    return [c.strip() for c in codes if c.strip()]


@bp.get("/compare")
@requires("form.read")
def compare():
    """Parallel forms side by side: their TIF curves on one plot and their statistics."""
    from testgen.planning import compare as compare_forms

    codes = _codes()
    if not codes:
        flash(_("เลือกฉบับที่จะเปรียบเทียบก่อน"), "error")
        return redirect(url_for("forms.list_forms"))
    with read_session() as s:
        try:
            previews = compare_forms(s, acting(), codes)
        except KhlangError as e:
            _not_found(e)
            if e.kind == "invalid":
                abort(404)
            raise
    return render_template("forms/compare.html", previews=previews, codes=",".join(p.code for p in previews))


@bp.get("/compare.svg")
@requires("form.read")
def compare_svg():
    from testgen.planning import compare as compare_forms

    codes = _codes()
    with read_session() as s:
        try:
            previews = compare_forms(s, acting(), codes)
        except KhlangError as e:
            _not_found(e)
            abort(404)
    return tif_svg(previews)


@bp.get("/<code>")
@requires("form.read")
def show_form(code: str):
    """A frozen form as printed, its TIF/SE, blueprint fulfilment, variants and downloads."""
    from testgen.planning import form_preview, siblings
    from web.forms.documents import form_documents

    with read_session() as s:
        try:
            preview = form_preview(s, acting(), code)
        except KhlangError as e:
            _not_found(e)
            raise
        parallel = siblings(s, acting(), preview)
        actor = acting()
        documents = form_documents(s, actor, current_app, code) if actor.may("form.render") else []
        names = display_names(s, [preview.created_by_name])
    return render_template("forms/form.html", f=preview, parallel=parallel, may_variants=actor.may("form.variants"),
                           may_render=actor.may("form.render"), documents=documents, names=names,
                           n_missing=sum(not d.ready for d in documents))


@bp.get("/<code>/tif.svg")
@requires("form.read")
def form_tif(code: str):
    from testgen.planning import form_preview

    with read_session() as s:
        try:
            preview = form_preview(s, acting(), code)
        except KhlangError as e:
            _not_found(e)
            raise
    return tif_svg([preview])


@bp.post("/<code>/variants")
@requires("form.variants")
def variants(code: str):
    """Make booklet variants A, B, C… (replacing earlier ones)."""
    from testgen.forms import make_form_variants

    count = _int(request.form.get("count", "4"), 4)
    seed = _int(request.form.get("seed", "1"), 1)
    if count is None or seed is None:
        flash(_("จำนวนชุดและเลขสุ่มต้องเป็นจำนวนเต็ม"), "error")
        return redirect(url_for("forms.show_form", code=code))
    try:
        with write_session() as s:
            labels = [v.label for v in make_form_variants(s, acting(), code, count, seed)]
    except KhlangError as e:
        _not_found(e)
        if e.kind != "invalid":
            raise
        for p in _problems(e):
            flash(p, "error")
        return redirect(url_for("forms.show_form", code=code))
    flash(_("สร้างชุด %(l)s แล้ว", l=", ".join(labels)), "notice")
    return redirect(url_for("forms.show_form", code=code) + "#variants")


@bp.post("/<code>/documents")
@requires("form.render")
def prepare(code: str):
    """Render the form's booklets, keys and answer sheet as a job; its page links back to the downloads."""
    try:
        handle = prepare_documents(code)
    except KhlangError as e:
        _not_found(e)
        raise
    return redirect(url_for("jobs.show", job_id=handle.id))


@bp.get("/<code>/<kind>.pdf")
@requires("form.render")
def download(code: str, kind: str):
    """แบบทดสอบ, เฉลย or กระดาษคำตอบ of a frozen form as PDF (``?variant=A``), recorded in the audit log."""
    try:
        sent = send_document(kind, code, request.args.get("variant"))
    except KhlangError as e:
        _not_found(e)
        raise
    if sent is None:
        flash(_("ไฟล์นี้ยังไม่ได้พิมพ์: กด \"เตรียมไฟล์\" แล้วรอให้งานเสร็จ"), "error")
        return redirect(url_for("forms.show_form", code=code) + "#downloads")
    return sent
