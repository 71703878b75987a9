"""ผู้ดูแลระบบ: schools, academic years, jobs, the audit log, backups.

The index of these pages is ``admin.index`` (:mod:`web.admin.views`). Backups are taken here but
never offered for download: a backup holds every account and every secure item, so it leaves the
server only the way the command line takes it (a person with a shell on the machine).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from itembank.errors import KhlangError
from web.auth import acting, client_ip, requires
from web.i18n import page_language as _locale
from web.store_ext import read_session, write_session

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")

PER_PAGE = 50

EVENT_TH = {
    "auth.sign_in": _l("ลงชื่อเข้าใช้"), "auth.sign_out": _l("ออกจากระบบ"), "auth.failure": _l("ลงชื่อเข้าใช้ไม่สำเร็จ"),
    "auth.locked": _l("ระงับการลงชื่อเข้าใช้ชั่วคราว"), "auth.totp_failure": _l("รหัสยืนยันตัวตนไม่ถูกต้อง"),
    "access.denied": _l("ถูกปฏิเสธการเข้าถึง"), "download": _l("ดาวน์โหลดเอกสาร"), "student.read": _l("อ่านข้อมูลนักเรียน"),
    "audit.export": _l("ส่งออกบันทึกการใช้งาน"), "user.create": _l("เพิ่มผู้ใช้"), "user.enable": _l("เปิดบัญชี"),
    "user.disable": _l("ปิดบัญชี"), "user.password": _l("ตั้งรหัสผ่านใหม่"), "user.roles": _l("เปลี่ยนบทบาท"),
    "user.totp": _l("ยืนยันตัวตนสองชั้น"), "token.issue": _l("ออกโทเคน API"), "token.revoke": _l("ยกเลิกโทเคน API"),
    "school.create": _l("เพิ่มโรงเรียน"), "school.update": _l("แก้ไขข้อมูลโรงเรียน"), "backup.run": _l("สำรองฐานข้อมูล"),
    "item.enemy_add": _l("เพิ่มข้อสอบคู่ห้าม"), "item.enemy_remove": _l("นำข้อสอบคู่ห้ามออก"),
}
OUTCOME_TH = {"ok": _l("สำเร็จ"), "denied": _l("ถูกปฏิเสธ"), "failed": _l("ไม่สำเร็จ")}
SIZE_TH = {"small": _l("เล็ก"), "medium": _l("กลาง"), "large": _l("ใหญ่"), "extra_large": _l("ใหญ่พิเศษ")}
SCHOOL_FIELDS = ("name_th", "name_en", "amphoe", "tambon", "network", "size", "grades")


def _page() -> int:
    try:
        return max(1, min(int(request.args.get("page", "1")), 1_000_000))
    except ValueError:
        return 1


def _clean(value: str | None, limit: int) -> str:
    """A form field without control characters (PostgreSQL refuses NUL), trimmed to its column."""
    return "".join(ch for ch in (value or "") if ch >= " " or ch == "\t").strip()[:limit]


# ------------------------------------------------------------------------------------------ schools


def _school_rows(session, q: str, network: str):
    from itembank.schools import find_schools

    return find_schools(session, acting(), q=q, network=network)


def _networks(session) -> list[str]:
    from itembank.schools import school_networks

    return school_networks(session, acting())


def _school_fields(form) -> dict[str, str | None]:
    limits = {"name_th": 200, "name_en": 200, "amphoe": 100, "tambon": 100, "network": 150, "size": 20, "grades": 100}
    values = {f: _clean(form.get(f), limits[f]) or None for f in SCHOOL_FIELDS}
    if values["size"] and values["size"] not in SIZE_TH:
        values["size"] = None
    return values


def _check_school(code: str, values: dict) -> list[str]:
    problems = []
    if not (len(code) == 10 and code.isdigit()):
        problems.append(f"รหัสโรงเรียน {code!r}: ต้องเป็นตัวเลข 10 หลักตามรหัสกระทรวง")
    if not values.get("name_th"):
        problems.append("ชื่อโรงเรียน (ภาษาไทย): ต้องระบุ")
    return problems


@bp.get("/schools")
@requires("school.write")
def schools():
    """โรงเรียน: the list (search by code or name, by network), paged, with the form to add one."""
    q = _clean(request.args.get("q"), 100)
    network = _clean(request.args.get("network"), 150)
    page = _page()
    with read_session() as s:
        rows = _school_rows(s, q, network)
        networks = _networks(s)
    total = len(rows)
    n_pages = max(1, -(-total // PER_PAGE))
    rows = rows[(page - 1) * PER_PAGE: page * PER_PAGE]
    return render_template("admin_pages/schools.html", schools=rows, q=q, network=network, networks=networks,
                           total=total, page=page, n_pages=n_pages, sizes=SIZE_TH, values={})


@bp.post("/schools")
@requires("school.write")
def add_school():
    """Add one school (10-digit ministry code, Thai name, district, network, size, grades)."""
    from itembank.audit import record
    from itembank.schools import SchoolBase, add_schools

    code = _clean(request.form.get("code"), 20)
    values = _school_fields(request.form)
    problems = _check_school(code, values)
    if not problems:
        try:
            with write_session() as s:
                add_schools(s, acting(), [SchoolBase(code=code, **values)])
                record(s, "school.create", actor=acting(), ip=client_ip(), object_type="school", object_id=code)
        except KhlangError as e:
            if e.kind not in ("invalid", "conflict"):
                raise
            problems.append(e.text(_locale()))
    if problems:
        with read_session() as s:
            rows = _school_rows(s, "", "")
            networks = _networks(s)
        return render_template("admin_pages/schools.html", schools=rows[:PER_PAGE], q="", network="",
                               networks=networks, total=len(rows), page=1, n_pages=max(1, -(-len(rows) // PER_PAGE)),
                               sizes=SIZE_TH, values={"code": code, **values}, problems=problems), 422
    flash(f"เพิ่มโรงเรียน {values['name_th']} ({code}) แล้ว", "ok")
    return redirect(url_for("admin_pages.schools", q=code))


@bp.get("/schools/<code>")
@requires("school.write")
def edit_school(code: str):
    """One school's details to edit (its code stays: accounts, rosters and visits refer to it)."""
    from itembank.schools import get_school

    with read_session() as s:
        school = get_school(s, acting(), _clean(code, 20))
        networks = _networks(s)
    return render_template("admin_pages/school.html", school=school, values={f: getattr(school, f) for f in SCHOOL_FIELDS},
                           sizes=SIZE_TH, networks=networks)


@bp.post("/schools/<code>")
@requires("school.write")
def update_school(code: str):
    from itembank.schools import get_school
    from itembank.schools import update_school as update

    values = _school_fields(request.form)
    code = _clean(code, 20)
    problems = _check_school(code, values)
    if not problems:
        with write_session() as s:
            changed = update(s, acting(), code, values, ip=client_ip())
        flash(f"บันทึกข้อมูล{values['name_th']}แล้ว" if changed else "ไม่มีการเปลี่ยนแปลง", "ok")
        return redirect(url_for("admin_pages.edit_school", code=code))
    with read_session() as s:
        school = get_school(s, acting(), code)
        networks = _networks(s)
    return render_template("admin_pages/school.html", school=school, values=values, sizes=SIZE_TH,
                           networks=networks, problems=problems), 422


# ------------------------------------------------------------------------------------ years and terms


def _date_field(name: str, label: str, problems: list[str]) -> dt.date | None:
    raw = _clean(request.form.get(name), 20)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.append(f"{label}: {raw!r} ไม่ใช่วันที่ (เลือกจากปฏิทิน)")
        return None


@bp.get("/years")
@requires("year.write")
def years():
    """ปีการศึกษาและภาคเรียน: every year with its dates and terms, and the form to add or change one."""
    from scoring.years import list_years

    with read_session() as s:
        rows = list_years(s, acting())
    return render_template("admin_pages/years.html", years=rows, values={})


@bp.post("/years")
@requires("year.write")
def save_year():
    from scoring.years import list_years
    from scoring.years import save_year as save

    problems: list[str] = []
    raw_year = _clean(request.form.get("year_be"), 8)
    try:
        year_be = int(raw_year)
    except ValueError:
        year_be = 0
        problems.append(f"ปีการศึกษา {raw_year!r}: ต้องเป็นปี พ.ศ. 4 หลัก เช่น 2569")
    starts = _date_field("starts_on", "วันเปิดปีการศึกษา", problems)
    ends = _date_field("ends_on", "วันสิ้นปีการศึกษา", problems)
    terms = [int(t) for t in request.form.getlist("terms") if t in ("1", "2", "3")]
    if not problems:
        try:
            with write_session() as s:
                info = save(s, acting(), year_be, starts_on=starts, ends_on=ends, terms=terms)
        except KhlangError as e:
            if e.kind != "invalid":
                raise
            problems.extend(p.text(_locale()) for p in (e.problems or (e,)))
    if problems:
        with read_session() as s:
            rows = list_years(s, acting())
        return render_template("admin_pages/years.html", years=rows, problems=problems,
                               values=dict(request.form)), 422
    flash(f"บันทึกปีการศึกษา {info.year_be} (ภาคเรียน {', '.join(map(str, info.terms))}) แล้ว", "ok")
    return redirect(url_for("admin_pages.years"))


# ----------------------------------------------------------------------------------------------- jobs


@bp.get("/jobs")
@requires("job.read_any")
def jobs():
    """Everyone's jobs, newest first, by status and kind (each opens the job's own page)."""
    from itembank.jobs import JOB_STATUSES, list_jobs
    from web.jobs.views import KIND_TH, STATUS_TH, job_out

    status = request.args.get("status") or None
    kind = request.args.get("kind") or None
    status = status if status in JOB_STATUSES else None
    kind = kind if kind in KIND_TH else None
    page = _page()
    with read_session() as s:
        rows = list_jobs(s, acting(), status=status, kind=kind, limit=5000)
    total = len(rows)
    shown = [job_out(j) for j in rows[(page - 1) * PER_PAGE: page * PER_PAGE]]
    return render_template("admin_pages/jobs.html", jobs=shown, status=status or "", kind=kind or "",
                           statuses=STATUS_TH, kinds=KIND_TH, total=total, page=page,
                           n_pages=max(1, -(-total // PER_PAGE)))


# ------------------------------------------------------------------------------------------ audit log


def _audit_rows(session, *, who: str, event: str, outcome: str, since: dt.date | None, until: dt.date | None,
                page: int):
    """One page of the audit log; the days are the office's (Asia/Bangkok), not UTC."""
    from itembank.audit import audit_page

    tz = _office_tz()
    start = dt.datetime.combine(since, dt.time(), tz).astimezone(dt.UTC) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.UTC) if until else None
    return audit_page(session, acting(), who=who, event=event, outcome=outcome, since=start, until=end, page=page,
                      per_page=PER_PAGE)


def _office_tz():
    from zoneinfo import ZoneInfo

    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Bangkok")


def _day_arg(name: str, problems: list[str], label: str) -> dt.date | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw[:10])
    except ValueError:
        problems.append(f"{label}: {raw[:20]!r} ไม่ใช่วันที่ (เลือกจากปฏิทิน)")
        return None


@bp.get("/audit")
@requires("audit.read")
def audit():
    """บันทึกการใช้งาน: who did what, when (พ.ศ.), from where; filtered by person, event, outcome, dates; paged."""
    problems: list[str] = []
    who = _clean(request.args.get("who"), 80)
    event = _clean(request.args.get("event"), 60)
    outcome = request.args.get("outcome") if request.args.get("outcome") in OUTCOME_TH else ""
    since = _day_arg("since", problems, "ตั้งแต่วันที่")
    until = _day_arg("until", problems, "ถึงวันที่")
    page = _page()
    with read_session() as s:
        rows, total = _audit_rows(s, who=who, event=event, outcome=outcome, since=since, until=until, page=page)
    args = {k: v for k, v in {"who": who, "event": event, "outcome": outcome, "since": since and since.isoformat(),
                                "until": until and until.isoformat()}.items() if v}
    return render_template("admin_pages/audit.html", rows=rows, total=total, page=page,
                           n_pages=max(1, -(-total // PER_PAGE)), events=EVENT_TH, outcomes=OUTCOME_TH, args=args,
                           problems=problems, detail=_detail)


@bp.get("/audit.csv")
@requires("audit.read")
def audit_csv():
    """The audit log since a day (default: 30 days ago) as UTF-8 CSV for Excel; the export is itself audited."""
    import tempfile

    from flask import send_file

    from itembank.audit import export_csv

    problems: list[str] = []
    day = _day_arg("since", problems, "ตั้งแต่วันที่") or (dt.date.today() - dt.timedelta(days=30))
    since = dt.datetime.combine(day, dt.time(), _office_tz()).astimezone(dt.UTC)
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "audit.csv"
        with write_session() as s:
            export_csv(s, acting(), since, out)
        data = out.read_bytes()
    import io

    return send_file(io.BytesIO(data), mimetype="text/csv", as_attachment=True,
                     download_name=f"audit-{day.isoformat()}.csv")


def _detail(row) -> str:
    """The detail of an audit row as one short line (never a password: the services do not record one)."""
    from itembank.authz import ROLE_TH

    def word(v) -> str:  # a role code is shown as the role's Thai name, as everywhere else
        return ROLE_TH.get(v, str(v)) if isinstance(v, str) else str(v)

    detail = row.detail or {}
    parts = [f"{k}: {', '.join(map(word, v)) if isinstance(v, list) else word(v)}" for k, v in sorted(detail.items())]
    return "; ".join(parts)[:300]


# -------------------------------------------------------------------------------------------- backups


def _backup_dir() -> Path:
    folder = Path(current_app.config.get("BACKUP_DIR") or Path(current_app.instance_path) / "backups")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _backups(folder: Path) -> list[dict]:
    """The backups in the folder, newest first, from their manifests (name, when, rows, SHA-256)."""
    found = []
    for manifest in sorted(folder.glob("khlang-*.json"), reverse=True):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            when = dt.datetime.strptime(data["created_at"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except (OSError, ValueError, KeyError, TypeError):
            continue
        file = folder / str(data.get("file", ""))
        found.append({"name": file.name, "at": when, "rows": sum((data.get("counts") or {}).values()),
                      "tables": len(data.get("counts") or {}), "sha256": str(data.get("sha256", ""))[:16],
                      "size": file.stat().st_size if file.is_file() else None, "backend": data.get("backend", "")})
    return found[:100]


@bp.get("/backups")
@requires("backup.run")
def backups():
    """สำรองข้อมูล: the backups taken (kept on the server, mode 0600) and a button to take one now."""
    return render_template("admin_pages/backups.html", backups=_backups(_backup_dir()))


@bp.post("/backups")
@requires("backup.run")
def run_backup():
    """Take a consistent online backup now (SQLite backup API or pg_dump), then list it."""
    from itembank.audit import record
    from itembank.backup import backup

    result = backup(current_app.config["DATABASE_URL"], acting(), _backup_dir())
    with write_session() as s:
        record(s, "backup.run", actor=acting(), ip=client_ip(), object_type="backup", object_id=result.path.name,
               detail={"rows": sum(result.counts.values()), "sha256": result.sha256[:16]})
    flash(f"สำรองข้อมูลแล้ว: {result.path.name} ({sum(result.counts.values())} แถว)", "ok")
    return redirect(url_for("admin_pages.backups"))
