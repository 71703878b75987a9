"""การจัดสอบ (administrations) for the district: pages.

The list, creating an administration of a frozen form, its three times (release, key, results; typed
in the office's time zone, shown back in พ.ศ.), release now (a confirmed step that also queues the
schools' booklets), and the completeness of every school with the late ones to copy or export.
Every rule (embargo, who may) lives in :mod:`scoring.administrations`; these views only deliver.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from itembank.errors import KhlangError
from web.auth import acting, requires
from web.i18n import is_english as _english
from web.store_ext import read_session, write_session

bp = Blueprint("administrations", __name__, url_prefix="/administrations")

#: not_found refusals whose message is worth showing (they never echo what someone probed with)
TOLD_NOT_FOUND = ("booklet.not_rendered",)


def plain_not_found(e: KhlangError):
    """A service's not_found becomes the plain 404 (the same body whatever was asked for: nothing to compare)."""
    from web import errors

    if e.kind == "not_found" and e.code not in TOLD_NOT_FOUND:
        return errors.http_error(404)
    return errors.domain_error(e)


bp.register_error_handler(KhlangError, plain_not_found)

STATUS_CLASS = {"closed": "retired", "awaiting_release": "draft", "open": "approved"}


def office_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Bangkok")


def local_input(value: dt.datetime | None) -> str:
    """A stored UTC time as a ``datetime-local`` input value in the office's zone."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(office_zone()).strftime("%Y-%m-%dT%H:%M")


def parse_local(text: str | None) -> dt.datetime | None:
    """A ``datetime-local`` value (office zone; a พ.ศ. year is read too) as UTC; empty: None."""
    from scoring.administrations import parse_time

    text = (text or "").strip()
    if not text:
        return None
    return parse_time(text, str(office_zone()))


def status_th(info) -> str:
    from scoring.administrations import STATUS_TH

    th, en = STATUS_TH[info.status()]
    return _(th) if not _english() else en


def _not_for_schools() -> None:
    """District pages: a school account uses the portal (the same 404 as a missing administration)."""
    actor = acting()
    if actor.role == "school":
        abort(404)


def _info(code: str):
    from scoring.administrations import get_administration

    with read_session() as s:
        return get_administration(s, acting(), code)


@bp.get("/")
@requires("administration.read")
def index():
    """Every administration, newest first."""
    from scoring.administrations import list_administrations

    if acting().role == "school":
        return redirect(url_for("portal.index"))
    with read_session() as s:
        rows = list_administrations(s, acting())
    return render_template("administrations/index.html", rows=rows, status_th=status_th, STATUS_CLASS=STATUS_CLASS,
                           may_write=acting().may("administration.write"))


def _choices():
    from scoring.administrations import administration_choices

    with read_session() as s:
        return administration_choices(s, acting())


@bp.get("/new")
@requires("administration.write")
def new():
    """The form that creates an administration of a frozen form."""
    _not_for_schools()
    return render_template("administrations/new.html", choices=_choices(), given={}, errors=[],
                           this_year=_this_year_be())


def _this_year_be() -> int:
    now = dt.datetime.now(office_zone())
    return now.year + 543 - (1 if now.month < 5 else 0)  # the Thai academic year starts in May


@bp.post("/new")
@requires("administration.write")
def create():
    """Create the administration; refusals are shown above the form, with what was typed kept."""
    from scoring.administrations import create_administration

    _not_for_schools()
    f = request.form
    given = {k: f.get(k, "").strip()[:300] for k in ("code", "title", "form", "grade", "year_be", "term",
                                                     "release_at", "key_release_at", "results_release_at")}
    given["schools"] = [c.strip() for c in f.getlist("schools") if c.strip()][:5000]
    given["all_schools"] = f.get("all_schools") == "1"
    errors = []
    try:
        year_be = int(given["year_be"] or 0)
        term = int(given["term"] or 0)
    except ValueError:
        year_be = term = 0
        errors.append(_("ปีการศึกษาและภาคเรียนต้องเป็นตัวเลข (เช่น 2569 และ 1)"))
    if not given["all_schools"] and not given["schools"]:
        errors.append(_("เลือกโรงเรียนที่เข้าร่วมอย่างน้อย 1 โรง หรือเลือก ทุกโรงเรียน"))
    if not given["form"]:
        errors.append(_("เลือกฉบับข้อสอบ"))
    if not errors:
        try:
            times = {k: parse_local(given[k]) for k in ("release_at", "key_release_at", "results_release_at")}
            with write_session() as s:
                info = create_administration(s, acting(), given["code"], given["title"], given["form"],
                                             year_be=year_be, term=term, grade=given["grade"] or None,
                                             schools=None if given["all_schools"] else given["schools"], **times)
        except KhlangError as e:
            errors.append(e.text("en" if _english() else "th"))
        else:
            flash(_("สร้างการสอบ %(code)s แล้ว", code=info.code), "success")
            return redirect(url_for("administrations.show", code=info.code))
    return render_template("administrations/new.html", choices=_choices(), given=given, errors=errors,
                           this_year=_this_year_be()), 422


@bp.get("/<code>")
@requires("administration.read")
def show(code: str):
    """One administration: its times, release, booklets, and every school's downloads and uploads."""
    from scoring.administrations import late_schools

    _not_for_schools()
    info = _info(code)
    actor = acting()
    return render_template(
        "administrations/show.html", info=info, status_th=status_th, STATUS_CLASS=STATUS_CLASS,
        late_download=late_schools(info, "download"), late_upload=late_schools(info, "upload"),
        inputs={"release_at": local_input(info.release_at), "key_release_at": local_input(info.key_release_at),
                "results_release_at": local_input(info.results_release_at)},
        may_release=actor.may("administration.release"), may_write=actor.may("administration.write"),
        released=info.status() != "awaiting_release")


@bp.post("/<code>/schedule")
@requires("administration.release")
def schedule(code: str):
    """Set (or clear) the release, key release and results release times."""
    from scoring.administrations import schedule_administration

    _not_for_schools()
    f = request.form
    try:
        times = {k: parse_local(f.get(k, "")[:40]) for k in ("release_at", "key_release_at", "results_release_at")}
        with write_session() as s:
            schedule_administration(s, acting(), code, **times)
    except KhlangError as e:
        if e.kind == "not_found":
            raise
        flash(e.text("en" if _english() else "th"), "error")
    else:
        flash(_("บันทึกกำหนดเวลาแล้ว"), "success")
    return redirect(url_for("administrations.show", code=code))


@bp.get("/<code>/release")
@requires("administration.release")
def confirm_release(code: str):
    """Release now: a page that says what will happen and asks to confirm."""
    _not_for_schools()
    return render_template("administrations/release.html", info=_info(code), status_th=status_th)


@bp.post("/<code>/release")
@requires("administration.release")
def release(code: str):
    """Release now and queue the schools' booklets (each rendered once, stamped per school)."""
    from scoring.administrations import release_administration

    _not_for_schools()
    if request.form.get("confirm") != "yes":
        flash(_("ยังไม่ได้ยืนยันการเผยแพร่"), "error")
        return redirect(url_for("administrations.confirm_release", code=code))
    with write_session() as s:
        info = release_administration(s, acting(), code)
    flash(_("เผยแพร่การสอบ %(code)s แล้ว โรงเรียนเห็นแบบทดสอบตั้งแต่ตอนนี้", code=info.code), "success")
    return _queue_booklets(info.code, again=False)


@bp.post("/<code>/booklets")
@requires("administration.release")
def booklets(code: str):
    """Render the schools' booklets again (every school) as a background job."""
    _not_for_schools()
    info = _info(code)
    return _queue_booklets(info.code, again=request.form.get("again") == "1")


def _queue_booklets(code: str, again: bool):
    from scoring.administrations import get_administration
    from web.jobs import get_jobs

    with read_session() as s:
        form_code = get_administration(s, acting(), code).form_code
    jobs = get_jobs(current_app)  # the form's answer sheet and keys (once per form), then each school's booklets
    jobs.enqueue("render_form_documents", actor=acting(), form_code=form_code)
    handle = jobs.enqueue("render_release_booklets", actor=acting(), administration=code, again=again)
    return redirect(url_for("jobs.show", job_id=handle.id))


@bp.get("/<code>/late/<what>.<fmt>")
@requires("administration.read")
def late_export(code: str, what: str, fmt: str):
    """The schools not yet downloaded / uploaded as CSV or XLSX (to send reminders from)."""
    from scoring.administrations import LATE, late_table

    _not_for_schools()
    if what not in LATE or fmt not in ("csv", "xlsx"):
        abort(404)
    info = _info(code)
    from web.i18n import display_date

    table = late_table(info, what, when=display_date)
    name = f"{info.code}-late-{what}.{fmt}"
    return table_response(table, fmt, name)


def table_response(table, fmt: str, name: str):
    """A table as a CSV (UTF-8 with BOM, formula-like cells neutralised) or XLSX download."""
    from exports.xlsx import neutralise, write_tables

    if fmt == "xlsx":
        with tempfile.TemporaryDirectory() as tmp:
            data = write_tables(Path(tmp) / "t.xlsx", [table], locale="en" if _english() else "th").read_bytes()
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(table.columns)
        w.writerows([("" if v is None else neutralise(v)) for v in row] for row in table.rows)
        data, mime = buf.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"
    return send_file(io.BytesIO(data), as_attachment=True, download_name=name, mimetype=mime)
