"""The school portal: its own administrations after release, downloads, roster and answer uploads, its results.

A school sees only the administrations its school takes part in, and only from their release time:
the embargo lives in :mod:`scoring.administrations`, so before release (or for another school's
administration) every page here answers the same 404 as for one that does not exist. Booklets were
rendered at release; a download only sends the stored file and records who took it. Uploads are
checked first (every row problem with file, row and column, in Thai), kept on the server, and only
stored after the school confirms.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from itembank.errors import KhlangError
from web.administrations.views import plain_not_found
from web.auth import acting, audit_download, requires
from web.i18n import is_english as _english
from web.i18n import page_language as _lang
from web.portal.staging import discard, stage, staged
from web.store_ext import read_session, write_session

bp = Blueprint("portal", __name__, url_prefix="/school")
bp.register_error_handler(KhlangError, plain_not_found)  # a not_found answers the plain 404


def _school():
    """The signed-in account's school; a non-school account has no portal pages (404)."""
    from itembank.schools import School

    actor = acting()
    if actor.school_id is None:
        abort(404)
    with read_session() as s:
        school = s.get(School, actor.school_id)
    if school is None:
        abort(404)
    return school


def _own(code: str):
    """The administration `code` as this school sees it (its own row only); 404 before release / not its own."""
    from scoring.administrations import get_administration

    _school()
    with read_session() as s:
        return get_administration(s, acting(), code)


def _released(at: dt.datetime | None) -> bool:
    return at is not None and at <= dt.datetime.now(dt.UTC)


def problem_rows(e: KhlangError) -> list[dict]:
    """A refusal as table rows: file, row, column and the message (without the place, shown in its columns)."""
    rows = []
    for p in (e.problems or (e,)):
        w = p.where
        body = (p.message_en if _english() else p.message_th) or p.message_th or p.message_en
        if body is None:
            body = p.text(_lang())
        rows.append({"file": w.file if w else "", "row": w.row if w else None, "column": w.column if w else "",
                     "message": body})
    return rows


def _audit_students(what: str, administration: str, school_id: int, n_students: int | None = None) -> None:
    """PDPA: a read of student rows is audited unless it is the students' own school (itembank.audit)."""
    from itembank.audit import record_student_read

    with write_session() as s:
        record_student_read(s, acting(), what, school_id=school_id, object_id=administration, n_students=n_students,
                            commit=True)


@bp.get("/")
@requires("administration.download")
def index():
    """The school's administrations that are released, with what it has done in each."""
    from scoring.administrations import get_administration, list_administrations, school_copies

    actor = acting()
    if actor.school_id is None:
        return render_template("portal/index.html", school=None, cards=[])
    school = _school()
    cards = []
    with read_session() as s:
        for a in list_administrations(s, actor):
            info = get_administration(s, actor, a.code)
            cards.append({"info": info, "mine": info.schools[0] if info.schools else None,
                          "copies": school_copies(s, actor, a.code, school.code),
                          "results": _released(info.results_release_at)})
    return render_template("portal/index.html", school=school, cards=cards)


@bp.get("/<code>")
@requires("administration.download")
def show(code: str):
    """One administration: downloads, the upload template, roster and answer uploads, results when released."""
    from scoring.administrations import school_copies

    info = _own(code)
    school = _school()
    with read_session() as s:
        copies = school_copies(s, acting(), info.code, school.code)
    key = _released(info.key_release_at)
    files = _form_files(info, key)
    return render_template("portal/show.html", info=info, school=school, mine=info.schools[0] if info.schools else None,
                           copies=copies, results=_released(info.results_release_at), key=key,
                           sheet=files["sheet"], keys=files["keys"])


def _form_files(info, key: bool) -> dict:
    """The form's answer sheet and (after the key release) its keys of the administration's variants, as
    rendered by the forms' job (render_form_documents, queued at release); only the files already there.
    Read as the system: the caller has already passed the embargo of this school's administration."""
    from itembank.authz import Actor
    from web.forms.documents import form_documents

    with read_session() as s:
        docs = form_documents(s, Actor.system(), current_app, info.form_code)
    return {"sheet": next((d for d in docs if d.kind == "sheet" and d.ready), None),
            "keys": [d for d in docs if key and d.kind == "key" and d.ready and (d.variant or "") in info.variants]}


@bp.get("/<code>/sheet")
@requires("administration.download")
def sheet(code: str):
    """The answer sheet (PDF, the same for every variant); the download is recorded."""
    info = _own(code)
    school = _school()
    doc = _form_files(info, False)["sheet"]
    return _send_recorded(info, school, doc, "answer_sheet", "", f"{info.code}-answer-sheet.pdf")


@bp.get("/<code>/key/<variant>")
@requires("administration.download")
def answer_key(code: str, variant: str):
    """The key of one variant (``-``: the form without variants), only after the key release; recorded."""
    info = _own(code)
    school = _school()
    label = "" if variant == "-" else variant.upper()[:8]
    doc = next((d for d in _form_files(info, _released(info.key_release_at))["keys"] if (d.variant or "") == label),
               None)
    return _send_recorded(info, school, doc, "key", label, f"{info.code}-key-{label or 'form'}.pdf")


def _send_recorded(info, school, doc, document: str, variant: str, name: str):
    """A rendered file of the form (None: not rendered, 404), its download recorded and audited."""
    from scoring.administrations import record_download

    if doc is None:
        abort(404)
    with write_session() as s:
        record_download(s, acting(), info.code, school.code, document, variant)
    audit_download(document, info.code, school=school.code, variant=variant)
    return send_file(doc.path, as_attachment=True, mimetype="application/pdf", download_name=name)


@bp.get("/<code>/booklet/<variant>")
@requires("administration.download")
def booklet(code: str, variant: str):
    """The school's stamped booklet of one variant (``-``: the form without variants); the download is recorded."""
    from scoring.administrations import booklet_download

    info = _own(code)
    school = _school()
    label = "" if variant == "-" else variant.upper()[:8]
    with write_session() as s:
        path = booklet_download(s, acting(), info.code, school.code, label)
    audit_download("booklet", info.code, school=school.code, variant=label)
    return send_file(path, as_attachment=True, mimetype="application/pdf",
                     download_name=f"{info.code}-{school.code}-{label or 'form'}.pdf")


@bp.get("/<code>/template.<fmt>")
@requires("answers.upload")
def template(code: str, fmt: str):
    """The school's answer file to fill: its roll for the grade, a variant column, one column per item."""
    from scoring.uploads import answer_template
    from web.administrations.views import table_response

    info = _own(code)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    school = _school()
    with read_session() as s:
        table = answer_template(s, acting(), info.code, school.code)
    _audit_students("answer_template", info.code, school.id, len(table.rows))
    return table_response(table, fmt, f"{info.code}-{school.code}-answers.{fmt}")


# ------------------------------------------------------------------------------ uploads: check, confirm


def _check(kind: str, info, school, path, name):
    from scoring.rosters import check_roster
    from scoring.uploads import check_answers

    with read_session() as s:
        if kind == "answers":
            return check_answers(s, acting(), info.code, school.code, path, display_name=name)
        return check_roster(s, acting(), school.code, path, info.year_be, display_name=name)


def _upload(kind: str, code: str):
    info = _own(code)
    school = _school()
    try:
        item = stage(request.files.get("file"), acting(), kind, info.code)
    except KhlangError as e:
        return render_template("portal/check.html", info=info, kind=kind, problems=problem_rows(e), name="",
                               check=None), 422
    try:
        check = _check(kind, info, school, item.path, item.name)
    except KhlangError as e:
        discard(item)
        if e.kind == "not_found":
            raise
        return render_template("portal/check.html", info=info, kind=kind, problems=problem_rows(e), name=item.name,
                               check=None), 422
    return render_template("portal/check.html", info=info, kind=kind, problems=[], name=item.name, check=check,
                           token=item.token, lang=_lang())


@bp.post("/<code>/answers")
@requires("answers.upload")
def upload_answers(code: str):
    """Check an answer file (nothing stored yet): the row-problem table, or what importing it would do."""
    return _upload("answers", code)


@bp.post("/<code>/roster")
@requires("roster.import")
def upload_roster(code: str):
    """Check a roster file (nothing stored yet): the row-problem table, or what importing it would do."""
    return _upload("roster", code)


def _confirm(kind: str, code: str, token: str):
    from scoring.rosters import import_roster
    from scoring.uploads import import_answers

    info = _own(code)
    school = _school()
    item = staged(token, acting(), kind, info.code)
    if request.form.get("action") == "cancel":
        discard(item)
        flash(_("ยกเลิกแล้ว ไม่ได้บันทึกไฟล์ %(name)s", name=item.name), "success")
        return redirect(url_for("portal.show", code=info.code))
    try:
        with write_session() as s:
            if kind == "answers":
                done = import_answers(s, acting(), info.code, school.code, item.path, display_name=item.name)
            else:
                done = import_roster(s, acting(), school.code, item.path, info.year_be, display_name=item.name)
    except KhlangError as e:
        if e.kind == "not_found":
            raise
        discard(item)
        return render_template("portal/check.html", info=info, kind=kind, problems=problem_rows(e), name=item.name,
                               check=None), 422
    discard(item)
    flash(done.message(_lang()), "success")
    return redirect(url_for("portal.show", code=info.code))


@bp.post("/<code>/answers/<token>")
@requires("answers.upload")
def confirm_answers(code: str, token: str):
    """Store the checked answer file (or drop it): all rows or none, replacing the school's previous upload."""
    return _confirm("answers", code, token)


@bp.post("/<code>/roster/<token>")
@requires("roster.import")
def confirm_roster(code: str, token: str):
    """Store the checked roster (or drop it): all rows or none."""
    return _confirm("roster", code, token)


# --------------------------------------------------------------------------------------------- results


@bp.get("/<code>/results")
@requires("scores.read")
def results(code: str):
    """The school's results after the results release: the school beside the district, classes, students."""
    from scoring.administrations import load
    from scoring.reports import class_sheet
    from scoring.settings import QUALITY_LEVELS, level_label
    from scoring.warehouse import school_results

    school = _school()
    actor = acting()
    with read_session() as s:
        adm = load(s, actor, code, "scores.read", "results")
        r = school_results(s, actor, adm.code, school.id)
        sheet = class_sheet(s, actor, adm.code, school.code, office=current_app.config.get("DISTRICT_NAME", ""))
    _audit_students("school_results", adm.code, school.id, r.school.n)
    levels = [(q, level_label(q, _lang())) for q in QUALITY_LEVELS]
    return render_template("portal/results.html", r=r, sheet=sheet, school=school, levels=levels)


@bp.get("/<code>/slips.pdf")
@requires("scores.read")
def slips(code: str):
    """Every student's result slip (ใบแจ้งผลการสอบ) as one PDF."""
    import io

    from exports.render import render
    from scoring.administrations import load
    from scoring.reports import result_slips

    school = _school()
    actor = acting()
    with read_session() as s:
        adm = load(s, actor, code, "scores.read", "results")
        data = result_slips(s, actor, adm.code, school.code, office=current_app.config.get("DISTRICT_NAME", ""))
    _audit_students("result_slips", adm.code, school.id, len(data.slips))
    pdf = render(data, "pdf")
    audit_download("result_slips", adm.code, school=school.code)
    return send_file(io.BytesIO(pdf), as_attachment=True, mimetype="application/pdf",
                     download_name=f"{adm.code}-{school.code}-slips.pdf")
