"""นิเทศและประกันคุณภาพ (supervision and QA): pages.

Plans and their coverage, visits recorded on a form that is data (every item of the form becomes a
row of radio buttons on its scale), a school's acknowledgement, recommendations moving from open to
verified, the QA district summary (and a school's own record), and the ก.ต.ป.น. report. Every
page calls a service of :mod:`supervision`; the services keep a school to its own visits and a
supervisor to the schools the plan assigns.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l

import supervision  # noqa: F401  (registers the room's actions, which @requires checks)
from itembank.errors import KhlangError
from web.auth import acting, audit_download, requires
from web.i18n import page_language as _locale
from web.store_ext import read_session, write_session

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

MAX_ID = 2_147_483_647
PER_PAGE = 50
MONTH_TH = ("", "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
            "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
KIND_TH = {"classroom_visit": _l("เยี่ยมชั้นเรียน"), "learning_management": _l("นิเทศการจัดการเรียนรู้"),
           "area_followup": _l("ติดตามระดับเขตพื้นที่")}
#: The tabs of the area: (endpoint, label, action).
TABS = (
    ("supervision.index", _l("ภาพรวม"), "visit.read"),
    ("supervision.plan", _l("แผนการนิเทศ"), "supervision.plan_read"),
    ("supervision.visits", _l("บันทึกการนิเทศ"), "visit.read"),
    ("supervision.recommendations", _l("ข้อเสนอแนะ"), "visit.read"),
    ("supervision.forms", _l("แบบบันทึก"), "visit.read"),
    ("supervision.qa", _l("ประกันคุณภาพ"), "qa.read"),
    ("supervision.committee", _l("รายงาน ก.ต.ป.น."), "committee.read"),
)


def current_year(today: dt.date | None = None) -> int:
    """The academic year (พ.ศ.) of a day: a Thai school year opens in May."""
    today = today or dt.date.today()
    return today.year + 543 - (1 if today.month < 5 else 0)


def _year() -> int:
    try:
        year = int(request.args.get("year") or request.form.get("academic_year") or current_year())
    except ValueError:
        return current_year()
    return year if 2400 <= year <= 2700 else current_year()


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        return 1


def _clean(value: str | None, limit: int = 500) -> str:
    return "".join(ch for ch in (value or "") if ch >= " " or ch in "\n\t").strip()[:limit]


def _is_school() -> bool:
    actor = acting()
    return actor.school_id is not None and "school" in actor.roles


def _id(value: int) -> int:
    if value > MAX_ID:
        abort(404)
    return value


@contextmanager
def _hidden():
    """Another school's object and a missing one get the same plain 404 (no name, no code echoed)."""
    try:
        yield
    except KhlangError as e:
        if e.kind == "not_found":
            abort(404)
        raise


def _problems(e: KhlangError) -> list[str]:
    locale = _locale()
    return [p.text(locale) for p in (e.problems or (e,))]


def _context(**kw):
    actor = acting()
    tabs = [(ep, label) for ep, label, action in TABS if actor.may(action)]
    return {"tabs": tabs, "year": kw.pop("year", _year()), "is_school": _is_school(), "may": actor.may,
            "status_th": _status_th(), "kind_th": KIND_TH, **kw}


def _status_th() -> dict[str, str]:
    from supervision.visits import STATUS_TH

    return STATUS_TH


def _paged(rows: list, page: int) -> tuple[list, int]:
    return rows[(page - 1) * PER_PAGE: page * PER_PAGE], max(1, -(-len(rows) // PER_PAGE))


# --------------------------------------------------------------------------------------------- overview


@bp.get("/")
@requires("visit.read")
def index():
    """The year at a glance: coverage of the plan, visits, recommendations open and due, and what to do next."""
    from supervision.plans import plan_coverage
    from supervision.visits import list_recommendations, list_visits

    actor, year, today = acting(), _year(), dt.date.today()
    with read_session() as s:
        visits = list_visits(s, actor, academic_year=year)
        recs = list_recommendations(s, actor, academic_year=year)
        coverage = plan_coverage(s, actor, year) if actor.may("supervision.plan_read") else None
    names = {v.school_id: v.school for v in visits}
    if coverage:
        names.update({r.school_id: r.school for r in coverage.rows})
    open_recs = [r for r in recs if r.status in ("open", "in_progress")]
    due_soon = [r for r in open_recs if r.due_on and today <= r.due_on <= today + dt.timedelta(days=7)]
    overdue = [r for r in open_recs if r.is_overdue(today)]
    not_visited = [r for r in coverage.rows if not r.is_visited] if coverage else []
    to_acknowledge = [v for v in visits if not v.acknowledged] if _is_school() else []
    return render_template("supervision/index.html", **_context(
        year=year, visits=list(reversed(visits))[:10], n_visits=len(visits), coverage=coverage,
        open_recs=open_recs, due_soon=due_soon, overdue=overdue, not_visited=not_visited[:20],
        n_not_visited=len(not_visited), names=names, to_acknowledge=to_acknowledge, today=today, months=MONTH_TH))


# ------------------------------------------------------------------------------------------------- plan


@bp.get("/plan")
@requires("supervision.plan_read")
def plan():
    """แผนการนิเทศ: the year's plan lines by month and, for every planned school, whether it was visited."""
    from supervision.plans import MODE_TH, plan_coverage, plan_entries

    actor, year = acting(), _year()
    with read_session() as s:
        entries = plan_entries(s, actor, year)
        coverage = plan_coverage(s, actor, year)
        names = {r.school_id: (r.school_code, r.school) for r in coverage.rows}
        supervisors = _supervisors(s)
    return render_template("supervision/plan.html", **_context(
        year=year, entries=entries, coverage=coverage, names=names, mode_th=MODE_TH, months=MONTH_TH,
        supervisors=supervisors, values={}))


def _supervisors(session) -> list:
    """The supervisors an administrator may assign (others assign themselves)."""
    from itembank.accounts import list_users

    actor = acting()
    if not actor.may("user.read"):
        return []
    return [u for u in list_users(session, actor) if "supervisor" in u.roles and u.is_active]


@bp.post("/plan")
@requires("supervision.plan_write")
def add_plan_line():
    """Add one line to the year's plan: a school (or a network), a topic, a month, a mode, a supervisor."""
    from flask_login import current_user

    from itembank.accounts import list_users
    from supervision.plans import PlanEntryDraft, add_plan_entries

    actor, year, f = acting(), _year(), request.form
    try:
        month = int(f.get("month") or 0)
    except ValueError:
        month = 0
    who_id, who_name = actor.user_id, current_user.user.display_name
    problems: list[str] = []
    try:
        with write_session() as s:
            if actor.may("user.read") and f.get("supervisor"):
                chosen = [u for u in list_users(s, actor) if u.username == f.get("supervisor")]
                if chosen:
                    who_id, who_name = chosen[0].id, chosen[0].display_name
            school_code = _clean(f.get("school_code"), 10) or None
            add_plan_entries(s, actor, year, [PlanEntryDraft(
                topic=_clean(f.get("topic"), 300), month=month, school_code=school_code,
                network=None if school_code else (_clean(f.get("network"), 150) or None),
                mode=f.get("mode") or "school_based", supervisor_id=who_id, supervisor_name=who_name)])
    except KhlangError as e:
        if e.kind not in ("invalid", "not_found", "conflict"):
            raise
        problems = _problems(e)
    if problems:
        for p in problems:
            flash(p, "error")
    else:
        flash("เพิ่มแผนการนิเทศแล้ว", "ok")
    return redirect(url_for("supervision.plan", year=year))


@bp.post("/plan/import")
@requires("supervision.plan_write")
def import_plan():
    """Add the plan lines of a CSV/XLSX file (รหัสโรงเรียน or กลุ่มเครือข่าย, ประเด็นการนิเทศ, เดือน, รูปแบบ, ผู้นิเทศ)."""
    import tempfile

    from supervision.plans import import_plan_file

    year = _year()
    upload = request.files.get("file")
    suffix = Path(upload.filename or "").suffix.lower() if upload else ""
    if upload is None or suffix not in (".csv", ".xlsx"):
        flash("เลือกไฟล์แผนการนิเทศ .csv หรือ .xlsx", "error")
        return redirect(url_for("supervision.plan", year=year))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / (Path(upload.filename).name or f"plan{suffix}")
        upload.save(path)
        try:
            with write_session() as s:
                n = import_plan_file(s, acting(), year, str(path))
        except KhlangError as e:
            if e.kind not in ("invalid", "not_found"):
                raise
            for p in _problems(e)[:30]:
                flash(p, "error")
            return redirect(url_for("supervision.plan", year=year))
    flash(f"เพิ่มแผนการนิเทศ {n} รายการ ปีการศึกษา {year}", "ok")
    return redirect(url_for("supervision.plan", year=year))


@bp.get("/forms")
@requires("visit.read")
def forms():
    """แบบบันทึกการนิเทศ: the reference forms and the office's own (items, scale, bands), and adding one as JSON."""
    from supervision.forms import list_forms

    with read_session() as s:
        rows = list_forms(s, acting())
    return render_template("supervision/forms.html", **_context(forms=rows))


@bp.post("/forms")
@requires("supervision.form_write")
def add_form():
    """Add an office's own form from a JSON file (code, title_th, scale, bands, domains with items, prompts)."""
    import json

    from supervision.forms import save_form

    upload = request.files.get("file")
    try:
        data = json.loads((upload.read() if upload else b"").decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as e:
        flash(f"{upload.filename if upload else ''}: อ่าน JSON ไม่ได้ ({e})", "error")
        return redirect(url_for("supervision.forms"))
    try:
        with write_session() as s:
            form = save_form(s, acting(), data)
    except KhlangError as e:
        if e.kind not in ("invalid", "conflict"):
            raise
        for p in _problems(e)[:30]:
            flash(p, "error")
        return redirect(url_for("supervision.forms"))
    flash(f"เพิ่มแบบบันทึก {form.title_th} ({len(form.items)} ข้อ) แล้ว", "ok")
    return redirect(url_for("supervision.forms"))


# ----------------------------------------------------------------------------------------------- visits


@bp.get("/visits")
@requires("visit.read")
def visits():
    """บันทึกการนิเทศ of the year (a school: its own; a supervisor: the assigned schools'), newest first."""
    from supervision.forms import list_forms
    from supervision.visits import list_visits

    actor, year, page = acting(), _year(), _page()
    school = _clean(request.args.get("school"), 10) or None
    with read_session() as s:
        rows = list(reversed(list_visits(s, actor, academic_year=year, school_code=school)))
        forms = list_forms(s, actor)
    shown, n_pages = _paged(rows, page)
    return render_template("supervision/visits.html", **_context(
        year=year, visits=shown, total=len(rows), page=page, n_pages=n_pages, school=school or "",
        forms={f.code: f.title_th for f in forms}))


def _form_choices(session) -> list:
    from supervision.forms import list_forms

    return list_forms(session, acting())


def _assigned_schools(session, year: int) -> list[tuple[str, str]]:
    """The schools this person may record a visit at: the assigned ones for a supervisor, else every planned one."""
    from supervision.plans import assigned_school_ids, plan_coverage

    actor = acting()
    rows = plan_coverage(session, actor, year).rows
    if actor.role == "supervisor":
        mine = assigned_school_ids(session, year, actor.user_id)
        rows = tuple(r for r in rows if r.school_id in mine)
    return [(r.school_code, r.school) for r in rows]


@bp.get("/visits/new")
@requires("visit.write")
def new_visit():
    """The visit form built from the chosen form's data: facts, a row of scores per item, prompts, recommendations."""
    from supervision.forms import load_form
    from supervision.visits import get_visit, list_recommendations

    actor, year = acting(), _year()
    values: dict = {"academic_year": year, "visited_on": dt.date.today().isoformat(), "term": 2 if
                    dt.date.today().month in (11, 12, 1, 2, 3, 4) else 1}
    follow = request.args.get("follow_up_of", type=int)
    open_recs = []
    with read_session() as s:
        forms = _form_choices(s)
        codes = [f.code for f in forms]
        code = request.args.get("form") or ("classroom_visit" if "classroom_visit" in codes else codes[0])
        if follow:
            earlier = get_visit(s, actor, _id(follow))
            school_code = _school_code(s, earlier.school_id)
            values.update(school_code=school_code, follow_up_of=earlier.id, teacher_name=earlier.teacher_name,
                          visit_no=earlier.visit_no + 1, academic_year=earlier.academic_year)
            code = request.args.get("form") or earlier.form_code
            open_recs = [r for r in list_recommendations(s, actor, school_code=school_code) if r.status != "verified"]
        form = load_form(s, code)
        schools = _assigned_schools(s, int(values["academic_year"]))
    from flask_login import current_user

    values.setdefault("supervisor_name", current_user.user.display_name)
    values.setdefault("supervisor_position", current_user.user.position or "")
    return render_template("supervision/visit_form.html", **_context(
        year=values["academic_year"], form=form, forms=forms, schools=schools, values=values, ratings={},
        open_recs=open_recs, problems=[]))


def _school_code(session, school_id: int) -> str:
    from itembank.schools import School

    school = session.get(School, school_id)
    return school.code if school else ""


def _draft_from_form(f) -> tuple[dict, list[str]]:
    """The form's fields as the dict :func:`supervision.visits.visit_draft_from_dict` reads, and its own problems."""
    problems: list[str] = []
    data: dict = {k: _clean(f.get(k), 300) for k in (
        "school_code", "form_code", "visited_on", "period", "teacher_name", "teacher_position", "learning_area",
        "subject", "grade", "topic", "supervisor_name", "supervisor_position")}
    for key, label in (("academic_year", "ปีการศึกษา"), ("term", "ภาคเรียน"), ("visit_no", "นิเทศครั้งที่")):
        try:
            data[key] = int(f.get(key) or (1 if key != "academic_year" else 0))
        except ValueError:
            problems.append(f"{label}: {f.get(key)!r} ต้องเป็นตัวเลข")
            data[key] = 1 if key != "academic_year" else 0
    data["ratings"] = {k[len("r-"):]: v for k, v in f.items() if k.startswith("r-")}
    data["narrative"] = {k[len("n-"):]: _clean(v, 4000) for k, v in f.items() if k.startswith("n-")}
    data["suggestions"] = _clean(f.get("suggestions"), 4000)
    data["indicator_codes"] = [c.strip() for c in _clean(f.get("indicator_codes"), 500).replace(",", "\n").splitlines()
                               if c.strip()]
    data["qa_codes"] = [c.strip() for c in _clean(f.get("qa_codes"), 200).replace(",", " ").split() if c.strip()]
    data["recommendations"] = [{"text": _clean(t, 1000), "due_on": _clean(d, 20)} for t, d in
                               zip(f.getlist("rec_text"), f.getlist("rec_due"), strict=False) if _clean(t, 1000)]
    follow = f.get("follow_up_of", "").strip()
    data["follow_up_of"] = int(follow) if follow.isdigit() and int(follow) <= MAX_ID else None
    data["closes"] = [int(c) for c in f.getlist("closes") if c.isdigit() and int(c) <= MAX_ID]
    return data, problems


@bp.post("/visits")
@requires("visit.write")
def record_visit():
    """Record the visit; every problem (a score outside the scale, a school not assigned…) is shown, nothing stored."""
    from supervision.forms import load_form
    from supervision.visits import list_recommendations, visit_draft_from_dict
    from supervision.visits import record_visit as record

    actor = acting()
    data, problems = _draft_from_form(request.form)
    if not problems:
        try:
            with write_session() as s:
                visit = record(s, actor, visit_draft_from_dict(data))
        except KhlangError as e:
            if e.kind not in ("invalid", "not_found", "conflict", "forbidden"):
                raise
            problems = _problems(e)
    if not problems:
        flash(f"บันทึกการนิเทศ{visit.school}แล้ว: ค่าเฉลี่ย {visit.overall_mean:.2f} ({visit.interpretation})"
              if visit.overall_mean is not None else f"บันทึกการนิเทศ{visit.school}แล้ว", "ok")
        return redirect(url_for("supervision.show_visit", visit_id=visit.id))
    with write_session() as s:
        forms = _form_choices(s)
        try:
            form = load_form(s, data["form_code"])
        except KhlangError:
            form = forms[0]
        year = data["academic_year"] if 2400 <= data["academic_year"] <= 2700 else current_year()
        schools = _assigned_schools(s, year)
        open_recs = []
        if data.get("follow_up_of") and data.get("school_code"):
            try:
                open_recs = [r for r in list_recommendations(s, actor, school_code=data["school_code"])
                             if r.status != "verified"]
            except KhlangError:
                open_recs = []
    values = {**data, "recommendations": data["recommendations"]}
    return render_template("supervision/visit_form.html", **_context(
        year=year, form=form, forms=forms, schools=schools, values=values, ratings=data["ratings"],
        open_recs=open_recs, problems=problems)), 422


@bp.get("/visits/<int:visit_id>")
@requires("visit.read")
def show_visit(visit_id: int):
    """One visit: facts, scores per item with domain and overall means and their Thai reading, links, recommendations."""
    from supervision.records import visit_record
    from supervision.visits import get_visit, list_recommendations

    actor = acting()
    with read_session() as s, _hidden():
        visit = get_visit(s, actor, _id(visit_id))
        record = visit_record(s, actor, visit.id)
        code = _school_code(s, visit.school_id)
        recs = [r for r in list_recommendations(s, actor, school_code=code) if r.visit_id == visit.id]
    return render_template("supervision/visit.html", **_context(
        year=visit.academic_year, visit=visit, record=record, recs=recs, moves=_moves(recs), today=dt.date.today()))


@bp.post("/visits/<int:visit_id>/acknowledge")
@requires("visit.acknowledge")
def acknowledge(visit_id: int):
    """The school acknowledges the visit (รับทราบผลการนิเทศ)."""
    from supervision.visits import acknowledge_visit

    with write_session() as s, _hidden():
        v = acknowledge_visit(s, acting(), _id(visit_id))
    flash(f"{v.school} รับทราบผลการนิเทศแล้ว", "ok")
    return redirect(url_for("supervision.show_visit", visit_id=v.id))


@bp.get("/visits/<int:visit_id>/record.<fmt>")
@requires("visit.read")
def visit_record_file(visit_id: int, fmt: str):
    """บันทึกการนิเทศ as printed: PDF or DOCX with the signature lines."""
    import io

    from flask import current_app

    from exports.render import render
    from supervision.records import visit_record

    if fmt not in ("pdf", "docx"):
        abort(404)
    with read_session() as s, _hidden():
        record = visit_record(s, acting(), _id(visit_id), str(current_app.config.get("DISTRICT_NAME", "")))
    data = render(record, fmt, thai_digits=False)
    audit_download("visit_record", str(visit_id), format=fmt)
    mime = "application/pdf" if fmt == "pdf" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True,
                     download_name=f"visit-{record.reference}.{fmt}")


# -------------------------------------------------------------------------------------- recommendations


@bp.get("/recommendations")
@requires("visit.read")
def recommendations():
    """ข้อเสนอแนะ of the year with their status; the school reports progress, the supervisor verifies."""
    from supervision.visits import STATUS_TH, list_recommendations, list_visits

    actor, year, page = acting(), _year(), _page()
    status = request.args.get("status") if request.args.get("status") in STATUS_TH else None
    with read_session() as s:
        rows = list_recommendations(s, actor, academic_year=year, status=status)
        visits = {v.id: v for v in list_visits(s, actor, academic_year=year)}
    if actor.role == "supervisor":  # the schools assigned to them (their visits' schools)
        rows = [r for r in rows if r.visit_id in visits]
    shown, n_pages = _paged(rows, page)
    return render_template("supervision/recommendations.html", **_context(
        year=year, recs=shown, total=len(rows), page=page, n_pages=n_pages, status=status or "",
        visits=visits, moves=_moves(shown), today=dt.date.today()))


def _moves(recs) -> dict[int, list[str]]:
    """For each recommendation, the statuses this person may move it to (the service checks again)."""
    from supervision.visits import STATUS_TH, TRANSITIONS

    actor = acting()
    out = {}
    for r in recs:
        allowed = sorted(TRANSITIONS[r.status], key=list(STATUS_TH).index)
        out[r.id] = [m for m in allowed if actor.may("recommendation.verify" if m == "verified"
                                                     else "recommendation.update")]
    return out


@bp.post("/recommendations/<int:recommendation_id>")
@requires("recommendation.update")
def update_recommendation(recommendation_id: int):
    """Move a recommendation along (open → in progress → done → verified) with a note."""
    from supervision.visits import update_recommendation as update

    status = request.form.get("status", "")
    try:
        with write_session() as s, _hidden():
            r = update(s, acting(), _id(recommendation_id), status, _clean(request.form.get("note"), 1000))
    except KhlangError as e:
        if e.kind != "conflict":
            raise
        flash(e.text(_locale()), "error")
    else:
        flash(f"ข้อเสนอแนะ “{r.text[:60]}”: {r.status_th}", "ok")
    back = request.form.get("back", "")
    if back.startswith("/supervision/") and "//" not in back:
        return redirect(back)
    return redirect(url_for("supervision.recommendations", year=_year()))


# ------------------------------------------------------------------------------------------------- QA


@bp.get("/qa")
@requires("qa.read")
def qa():
    """The district QA summary (levels per standard, below target, mismatches with results); a school: its own."""
    from supervision.qa import qa_summary
    from supervision.standards import QA_LEVELS, qa_codes

    actor, year = acting(), _year()
    if not actor.may("qa.summary"):
        if actor.school_id is None:
            abort(403)
        with read_session() as s:
            return redirect(url_for("supervision.school_qa", code=_school_code(s, actor.school_id), year=year))
    try:
        target = min(5, max(1, int(request.args.get("target", "3"))))
    except ValueError:
        target = 3
    with read_session() as s:
        summary = qa_summary(s, actor, year, target_level=target)
    page = _page()
    shown, n_pages = _paged(list(summary.schools), page)
    return render_template("supervision/qa.html", **_context(
        year=year, summary=summary, levels=QA_LEVELS, names=qa_codes(), target=target, schools=shown, page=page,
        n_pages=n_pages))


@bp.get("/qa/schools/<code>")
@requires("qa.read")
def school_qa(code: str):
    """One school's SAR and สมศ. levels for the year, with evidence notes (a school: only its own)."""
    from supervision.qa import SOURCE_TH
    from supervision.qa import school_qa as rows_of
    from supervision.standards import QA_LEVELS, qa_codes

    actor, year = acting(), _year()
    code = _clean(code, 10)
    from itembank.schools import get_school

    with read_session() as s, _hidden():
        rows = rows_of(s, actor, code, year)
        school = get_school(s, actor, code)
    return render_template("supervision/school_qa.html", **_context(
        year=year, rows=rows, school=school, levels=QA_LEVELS, names=qa_codes(), sources=SOURCE_TH))


@bp.get("/qa/template.xlsx")
@requires("qa.write")
def qa_template():
    """The XLSX template for SAR levels (one row per school and standard)."""
    import tempfile
    from pathlib import Path

    from supervision.qa import write_qa_template

    with tempfile.TemporaryDirectory() as d:
        path = write_qa_template(Path(d) / "sar.xlsx", _year())
        data = path.read_bytes()
    import io

    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"sar-{_year()}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.post("/qa/import")
@requires("qa.write")
def qa_import():
    """Import SAR (or สมศ.) levels from XLSX/CSV: checked first when "ตรวจอย่างเดียว", all rows or none."""
    import tempfile
    from pathlib import Path

    from supervision.qa import import_qa_file

    upload = request.files.get("file")
    year = _year()
    if upload is None or not upload.filename:
        flash("เลือกไฟล์ .xlsx หรือ .csv ก่อนนำเข้า", "error")
        return redirect(url_for("supervision.qa", year=year))
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        flash(f"{upload.filename}: ใช้ได้เฉพาะไฟล์ .xlsx หรือ .csv", "error")
        return redirect(url_for("supervision.qa", year=year))
    source = "external" if request.form.get("source") == "external" else "sar"
    dry = request.form.get("dry_run") == "1"
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"upload{suffix}"
        upload.save(path)
        try:
            with write_session() as s:
                r = import_qa_file(s, acting(), path, academic_year=year, source=source, dry_run=dry,
                                   display_name=Path(upload.filename).name)
        except KhlangError as e:
            if e.kind not in ("invalid", "not_found"):
                raise
            for p in _problems(e)[:30]:
                flash(p, "error")
            return redirect(url_for("supervision.qa", year=year))
    if dry:
        flash(f"ตรวจแล้ว {r.n_rows} แถว ถูกต้องทั้งหมด (ยังไม่ได้บันทึก)", "ok")
    else:
        flash(f"{r.n_schools} โรงเรียน: เพิ่ม {r.n_created} ปรับปรุง {r.n_updated} ไม่เปลี่ยนแปลง {r.n_unchanged}", "ok")
    return redirect(url_for("supervision.qa", year=year))


# ------------------------------------------------------------------------------------ committee report


@bp.get("/committee")
@requires("committee.read")
def committee():
    """รายงาน ก.ต.ป.น.: the sections, the committee's notes (entered by the secretariat), PDF and DOCX."""
    from supervision.committee import SECTIONS, committee_notes

    year = _year()
    with read_session() as s:
        notes = committee_notes(s, acting(), year)
    return render_template("supervision/committee.html", **_context(year=year, sections=SECTIONS, notes=notes,
                                                                    files=_committee_files(year)))


_FILE = re.compile(r"^committee-(\d{4})-(\d{8}T\d{6}Z)-[0-9a-f]{8}\.(pdf|docx)$")


def _committee_dir() -> Path:
    from flask import current_app

    folder = Path(current_app.instance_path) / "committee"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _committee_files(year: int) -> list[dict]:
    """The reports of `year` rendered by jobs, newest first (a job still running has no file yet)."""
    out = []
    for path in sorted(_committee_dir().glob(f"committee-{year}-*"), reverse=True):
        m = _FILE.match(path.name)
        if m and path.stat().st_size > 0:
            at = dt.datetime.strptime(m.group(2), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            out.append({"name": path.name, "fmt": m.group(3).upper(), "at": at, "size": path.stat().st_size})
    return out[:10]


@bp.post("/committee/<int:year>/render")
@requires("committee.read")
def committee_render(year: int):
    """Render the report as a job with progress (a district's PDF takes a while); the page then lists the file."""
    import secrets

    from flask import current_app

    from web.jobs import get_jobs

    fmt = request.form.get("fmt", "pdf")
    if fmt not in ("pdf", "docx") or not 2400 <= year <= 2700:
        abort(404)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = _committee_dir() / f"committee-{year}-{stamp}-{secrets.token_hex(4)}.{fmt}"
    handle = get_jobs(current_app).enqueue("committee_report", actor=acting(), year=year, fmt=fmt, out=str(out),
                                           as_name=acting().username)
    return redirect(url_for("jobs.show", job_id=handle.id))


@bp.get("/committee/files/<name>")
@requires("committee.read")
def committee_saved(name: str):
    """A report a job rendered (only names the jobs write are served, from the instance folder)."""
    m = _FILE.match(name)
    path = _committee_dir() / name
    if not m or not path.is_file():
        abort(404)
    audit_download("committee_report", m.group(1), format=m.group(3), file=name)
    return send_file(path, as_attachment=True, download_name=f"committee-{m.group(1)}.{m.group(3)}")


@bp.post("/committee")
@requires("committee.write")
def save_committee():
    """Save the committee's recommendations (one per line), good practices and the sections switched off."""
    from supervision.committee import save_committee_notes

    year, f = _year(), request.form
    practices = []
    for school, title, text in zip(f.getlist("gp_school"), f.getlist("gp_title"), f.getlist("gp_text"), strict=False):
        if _clean(title) or _clean(text):
            practices.append({"school": _clean(school, 200), "title": _clean(title, 300), "text": _clean(text, 2000)})
    meeting = None
    if f.get("meeting_on"):
        try:
            meeting = dt.date.fromisoformat(f["meeting_on"][:10])
        except ValueError:
            flash(f"วันประชุม {f['meeting_on'][:20]!r}: ไม่ใช่วันที่ (เลือกจากปฏิทิน)", "error")
            return redirect(url_for("supervision.committee", year=year))
    try:
        with write_session() as s:
            save_committee_notes(s, acting(), year, recommendations=_clean(f.get("recommendations"), 20000).splitlines(),
                                 good_practices=practices, sections_off=f.getlist("off"), meeting_on=meeting)
    except KhlangError as e:
        if e.kind != "invalid":
            raise
        flash(e.text(_locale()), "error")
    else:
        flash(f"บันทึกข้อมูลรายงาน ก.ต.ป.น. ปีการศึกษา {year} แล้ว", "ok")
    return redirect(url_for("supervision.committee", year=year))


@bp.get("/committee/<int:year>.<fmt>")
@requires("committee.read")
def committee_file(year: int, fmt: str):
    """The committee report of `year` as PDF or DOCX (drawn from the plan, the visits, the warehouse and QA)."""
    import io

    from flask import current_app

    from exports.render import render
    from supervision.committee import committee_report

    if fmt not in ("pdf", "docx") or not 2400 <= year <= 2700:
        abort(404)
    with read_session() as s:
        report = committee_report(s, acting(), year, district=str(current_app.config.get("DISTRICT_NAME", "")))
    data = render(report, fmt, thai_digits=False)
    audit_download("committee_report", str(year), format=fmt)
    mime = "application/pdf" if fmt == "pdf" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=f"committee-{year}.{fmt}")
