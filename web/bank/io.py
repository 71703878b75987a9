"""คลังข้อสอบ: import with a dry-run table of row problems then commit; export; instruments as PDF and DOCX.

Import is three steps, each its own request:

1. ``POST /bank/import``: the uploaded file is kept server-side in the instance folder under a random
   name (with a small record of who uploaded it and its display name); the browser only ever holds
   that random token, never a path.
2. ``GET /bank/import/<token>``: the dry run (:func:`itembank.importing.import_items` with
   ``dry_run=True``): every row problem in Thai with file, row and column, or the summary (new /
   changed / unchanged) and a confirm button. Only the uploader sees it (another person: 404).
3. ``POST /bank/import/<token>/commit``: every row in one transaction, or nothing; importing the same
   file again changes nothing (unchanged content is recognised by its hash). A file with more rows
   than ``BANK_IMPORT_SYNC_ROWS`` is imported by the ``import_items`` job (progress page).

Staged files older than a day are removed when the next file is staged.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _

from itembank.errors import ItemBankError, KhlangError
from itembank.schemas import SearchFilters
from web.auth import acting, audit_download, requires
from web.store_ext import read_session, write_session

bp = Blueprint("bank_io", __name__, url_prefix="/bank")

#: Filters of the export page: the same names as the bank's list page.
FILTER_FIELDS = ("learning_area", "indicator", "trait", "competency", "grade", "cognitive_level", "type",
                 "status", "text")
EXTENSIONS = (".xlsx", ".csv")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
STAGE_MAX_AGE_S = 24 * 3600
DEFAULT_SYNC_ROWS = 2000
PROBLEMS_SHOWN = 500  # rows of the problem table in the page; the CSV has them all
DEFAULT_SYNC_BYTES = 1024 * 1024  # about 4,000 rows: a bigger file is checked by a job, not in the request
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ------------------------------------------------------------------------------------------- staging

def stage_dir() -> Path:
    folder = Path(current_app.instance_path) / "bank-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def display_name(filename: str | None) -> str:
    """The name a person gave the file, safe to show and to name in messages (never used as a path)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>\"]", "", name).strip()[:120]
    return name or "items"


def refuse(th: str, en: str, code: str = "import.file_refused") -> ItemBankError:
    return ItemBankError(code, kind="invalid", message_th=th, message_en=en)


def check_upload(storage: Any) -> tuple[str, str]:
    """(display name, suffix) of an uploaded file, or a Thai refusal (no file, not .xlsx/.csv)."""
    if storage is None or not getattr(storage, "filename", None):
        raise refuse("ยังไม่ได้เลือกไฟล์: เลือกไฟล์ข้อสอบ .xlsx หรือ .csv ตามแม่แบบ",
                     "no file: choose an item file (.xlsx or .csv)", "import.file_missing")
    name = display_name(storage.filename)
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise refuse(f"{name}: รับเฉพาะไฟล์ .xlsx หรือ .csv ตามแม่แบบข้อสอบ (ไฟล์ .xls รุ่นเก่าให้บันทึกเป็น .xlsx ก่อน)",
                     f"{name}: only .xlsx or .csv item files are accepted")
    return name, suffix


def _save_limited(storage: Any, path: Path) -> None:
    """Copy the upload to `path`, refusing (Thai) once it is over the import's size limit."""
    from itembank.importing.files import DEFAULT_LIMITS

    limit = DEFAULT_LIMITS.max_bytes
    written = 0
    with open(path, "wb") as out:
        while chunk := storage.stream.read(1 << 20):
            written += len(chunk)
            if written > limit:
                out.close()
                path.unlink(missing_ok=True)
                raise refuse(f"{display_name(storage.filename)}: ไฟล์ใหญ่เกิน {limit // (1024 * 1024)} MB "
                             "แบ่งเป็นหลายไฟล์แล้วนำเข้าทีละไฟล์",
                             f"the file is larger than {limit // (1024 * 1024)} MB", "import.file_too_large")
            out.write(chunk)
    if written == 0:
        path.unlink(missing_ok=True)
        raise refuse(f"{display_name(storage.filename)}: ไฟล์ว่างเปล่า", "the file is empty", "import.file_empty")


def _clean_old(folder: Path) -> None:
    now = time.time()
    for p in folder.iterdir():
        try:
            if now - p.stat().st_mtime > STAGE_MAX_AGE_S:
                p.unlink()
        except OSError:
            continue


def stage(storage: Any, actor: Any) -> str:
    """Keep an uploaded item file under a random name; return the token that finds it again."""
    name, suffix = check_upload(storage)
    folder = stage_dir()
    _clean_old(folder)
    token = secrets.token_urlsafe(24)
    path = folder / f"{token}{suffix}"
    _save_limited(storage, path)
    record = {"owner_id": actor.user_id, "owner": actor.username, "name": name, "suffix": suffix,
              "at": time.time()}
    (folder / f"{token}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return token


def staged(token: str, actor: Any) -> tuple[Path, dict[str, Any]]:
    """The staged file of `token` and its record; 404 when it is missing, expired or someone else's."""
    if not TOKEN.match(token or ""):
        abort(404)
    folder = stage_dir()
    try:
        record = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        abort(404)
    if record.get("owner_id") != actor.user_id or record.get("owner") != actor.username:
        abort(404)
    suffix = record.get("suffix")
    path = folder / f"{token}{suffix}"
    if suffix not in EXTENSIONS or not path.is_file():
        abort(404)
    return path, record


# ------------------------------------------------------------------------------------------- checking

_EDITION_IN_TEXT = re.compile(r"หลักสูตรฉบับ ([0-9A-Za-z.()\- ]*[0-9])")


def _edition_words(text: str) -> str:
    """A curriculum edition's key in a message (``2551-rev2560``) as people name it."""
    from itembank.curriculum.editions import EDITION_ALIASES, EDITIONS

    def named(m: re.Match[str]) -> str:
        found = EDITIONS.get(EDITION_ALIASES.get(m.group(1), m.group(1)))
        return found.title_th if found else m.group(0)

    return _EDITION_IN_TEXT.sub(named, text)


def problem_rows(e: KhlangError) -> list[dict[str, Any]]:
    """Every problem of a refusal as a table row: file, row, column and the Thai message alone."""
    out = []
    for p in e.problems or (e,):
        where = p.where
        text = p.text("th")
        if where is not None and where.th() and text.startswith(where.th() + ": "):
            text = text[len(where.th()) + 2:]
        text = _edition_words(text)
        out.append({"file": where.file if where else None, "row": where.row if where else None,
                    "column": where.column if where else None, "message": text, "code": p.code})
    return out


def dry_run(path: Path, name: str, actor: Any) -> dict[str, Any]:
    """The dry run of a staged file, as plain data: {"ok": True, "summary", "notices"} or {"ok": False,
    "problems"}; nothing is written."""
    from itembank.importing import import_items

    try:
        with write_session() as s:
            report = import_items(s, actor, path, dry_run=True, display_name=name)
            s.rollback()
    except ItemBankError as e:
        if e.kind != "invalid":
            raise
        return {"ok": False, "problems": problem_rows(e)}
    u = report.upsert
    summary = {"n_rows": report.n_rows, "n_created": u.n_created, "n_new_version": u.n_new_version,
               "n_unchanged": u.n_unchanged, "codes_created": list(u.codes_created),
               "codes_new_version": list(u.codes_new_version)}
    return {"ok": True, "summary": summary, "notices": [problem_rows(n)[0] for n in report.notices]}


def _record_path(token: str) -> Path:
    return stage_dir() / f"{token}.json"


def checked(token: str, path: Path, record: dict[str, Any], actor: Any) -> dict[str, Any] | None:
    """The dry run of a staged file, kept with it so that a reload (or the commit) does not read it again.

    A file over ``BANK_IMPORT_SYNC_BYTES`` is checked by the ``import_items`` job (``dry_run``): None
    until that job has ended."""
    result = record.get("checked")
    if result is None:
        if path.stat().st_size > sync_bytes():
            result = _checked_by_job(path, record, actor)
            if result is None:
                _record_path(token).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
                return None
        else:
            result = dry_run(path, record["name"], actor)
        record["checked"] = result
        record.pop("check_job", None)
        _record_path(token).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return result


_WHERE_TEXT = re.compile(r"^(?P<file>.*?)(?: แถว (?P<row>\d+))?(?: คอลัมน์ (?P<column>[^:]*))?: (?P<message>.*)$", re.S)


def _problem_of_text(text: str, name: str) -> dict[str, Any]:
    """A job's problem line (``items.csv แถว 3 คอลัมน์ เฉลย: …``) as a table row."""
    m = _WHERE_TEXT.match(text)
    if m is None or (m["row"] is None and m["column"] is None and m["file"] != name):
        return {"file": None, "row": None, "column": None, "message": _edition_words(text), "code": ""}
    return {"file": m["file"] or None, "row": int(m["row"]) if m["row"] else None, "column": m["column"],
            "message": _edition_words(m["message"]), "code": ""}


def _checked_by_job(path: Path, record: dict[str, Any], actor: Any) -> dict[str, Any] | None:
    from itembank.jobs import get_job
    from web.jobs import get_jobs

    job_id = record.get("check_job")
    if job_id is None:
        handle = get_jobs(current_app).enqueue("import_items", actor=actor, path=str(path), dry_run=True,
                                               as_name=actor.username)
        record["check_job"] = handle.id
        job_id = handle.id
    with read_session() as s:
        try:
            job = get_job(s, actor, job_id)
        except KhlangError:
            record.pop("check_job", None)
            return None
    if not job.is_finished:
        return None
    out = job.outcome or {}
    name = record["name"]
    if out.get("ok"):
        summary = {k: int(out.get(k) or 0) for k in ("n_rows", "n_created", "n_new_version", "n_unchanged")}
        summary.update(codes_created=[], codes_new_version=[])
        return {"ok": True, "summary": summary, "notices": [_problem_of_text(t, name) for t in out.get("notices", [])]}
    problems = out.get("problems") or [out.get("message_th") or _("ตรวจไฟล์ไม่สำเร็จ")]
    return {"ok": False, "problems": [_problem_of_text(str(t), name) for t in problems]}


def forget_check(token: str, record: dict[str, Any]) -> None:
    """The bank changed: the next look at this file checks it again."""
    record.pop("checked", None)
    _record_path(token).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def sync_rows() -> int:
    return int(current_app.config.get("BANK_IMPORT_SYNC_ROWS", DEFAULT_SYNC_ROWS))


def sync_bytes() -> int:
    return int(current_app.config.get("BANK_IMPORT_SYNC_BYTES", DEFAULT_SYNC_BYTES))


# ------------------------------------------------------------------------------------------- pages

@bp.get("/import")
@requires("item.import")
def import_page():
    """นำเข้าข้อสอบ: choose a file; the next page shows the dry run."""
    return render_template("bank_io/import.html")


@bp.post("/import")
@requires("item.import")
def upload():
    """Keep the file server-side and show its dry run."""
    try:
        token = stage(request.files.get("file"), acting())
    except ItemBankError as e:
        return render_template("bank_io/import.html", refusal=problem_rows(e)), 422
    return redirect(url_for("bank_io.check", token=token))


def _check_page(token: str, name: str, result: dict[str, Any]):
    big = result["ok"] and result["summary"]["n_rows"] > sync_rows()
    return render_template("bank_io/check.html", token=token, name=name, result=result, big=big,
                           shown=PROBLEMS_SHOWN), 200 if result["ok"] else 422


@bp.get("/import/<token>")
@requires("item.import")
def check(token: str):
    """The dry run of a staged file: the table of row problems, or the summary and the confirm step."""
    actor = acting()
    path, record = staged(token, actor)
    result = checked(token, path, record, actor)
    if result is None:
        return render_template("bank_io/checking.html", token=token, name=record["name"],
                               job_id=record.get("check_job"))
    return _check_page(token, record["name"], result)


@bp.post("/import/<token>/commit")
@requires("item.import")
def commit(token: str):
    """Import every row of the staged file in one transaction, or nothing (as a job when it is big).

    The import checks every row again (the bank may have changed since the dry run): a problem now
    shows the table again and writes nothing."""
    from itembank.importing import import_items

    actor = acting()
    path, record = staged(token, actor)
    name = record["name"]
    result = checked(token, path, record, actor)
    if result is None:  # still being checked
        return redirect(url_for("bank_io.check", token=token))
    if not result["ok"]:
        return _check_page(token, name, result)
    forget_check(token, record)
    if result["summary"]["n_rows"] > sync_rows():
        from web.jobs import get_jobs

        handle = get_jobs(current_app).enqueue("import_items", actor=actor, path=str(path), dry_run=False,
                                               as_name=actor.username)
        return redirect(url_for("jobs.show", job_id=handle.id))
    try:
        with write_session() as s:
            report = import_items(s, actor, path, dry_run=False, display_name=name)
    except ItemBankError as e:
        if e.kind != "invalid":
            raise
        return _check_page(token, name, {"ok": False, "problems": problem_rows(e)})
    u = report.upsert
    flash(_("นำเข้าแล้ว %(name)s: ข้อสอบใหม่ %(new)d ข้อ, แก้ไขเป็นฉบับใหม่ %(changed)d ข้อ, ไม่เปลี่ยนแปลง %(same)d ข้อ",
            name=name, new=u.n_created, changed=u.n_new_version, same=u.n_unchanged), "success")
    return redirect(url_for("bank.list_items"))


@bp.get("/import/<token>/problems.csv")
@requires("item.import")
def problems_csv(token: str):
    """Every row problem of the dry run as a CSV (file, row, column, problem) to work through in a spreadsheet."""
    import csv

    from itembank.template import csv_neutralise

    actor = acting()
    path, record = staged(token, actor)
    result = checked(token, path, record, actor)
    if result is None or result["ok"]:
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["ไฟล์", "แถว", "คอลัมน์", "ปัญหา"])
    for p in result["problems"]:
        writer.writerow([csv_neutralise(str(p.get("file") or "")), p.get("row") or "",
                         csv_neutralise(str(p.get("column") or "")), csv_neutralise(str(p["message"]))])
    stem = re.sub(r"[^0-9A-Za-z._-]+", "-", Path(record["name"]).stem).strip("-") or "items"
    return send_file(io.BytesIO(out.getvalue().encode("utf-8-sig")), as_attachment=True,
                     download_name=f"{stem}-problems.csv", mimetype="text/csv")


@bp.get("/import/template.<fmt>")
@requires("item.import")
def template(fmt: str):
    """The blank item template with one example row and a sheet that explains every column."""
    from itembank.exporting import write_csv, write_xlsx
    from itembank.template import example_row

    if fmt not in ("xlsx", "csv"):
        abort(404)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"template.{fmt}"
        (write_xlsx if fmt == "xlsx" else write_csv)(path, [example_row()])
        data = path.read_bytes()
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"khlang-items-template.{fmt}",
                     mimetype=XLSX_MIME if fmt == "xlsx" else "text/csv")


# ------------------------------------------------------------------------------------------- export

def _export_filters() -> tuple[SearchFilters, dict[str, str]]:
    given = {k: request.args.get(k, "").strip()[:200] for k in FILTER_FIELDS}
    given = {k: v for k, v in given.items() if v and "\x00" not in v}
    return SearchFilters(**given), given


@bp.get("/export")
@requires("item.export")
def export_page():
    """ส่งออกข้อสอบ: the bank, filtered as on the list page, as XLSX or CSV in the import template."""
    from itembank import service
    from itembank.curriculum import AREA_LETTERS
    from web.bank.labels import GRADES

    filters, given = _export_filters()
    with read_session() as s:
        total = service.search_items(s, acting(), filters, page=1, per_page=1).total
    return render_template("bank_io/export.html", given=given, total=total, areas=AREA_LETTERS, grades=GRADES)


@bp.get("/export/items.<fmt>")
@requires("item.export")
def export_file(fmt: str):
    """The matching items (latest versions) as a template file that imports back unchanged."""
    from itembank.exporting import export_items

    if fmt not in ("xlsx", "csv"):
        abort(404)
    filters, given = _export_filters()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"items.{fmt}"
        with read_session() as s:
            n = export_items(s, acting(), path, fmt=fmt, filters=filters)
        data = path.read_bytes()
    audit_download("item_export", None, format=fmt, n_items=n, filters=given)
    stamp = time.strftime("%Y%m%d")
    return send_file(io.BytesIO(data), as_attachment=True, download_name=f"khlang-items-{stamp}.{fmt}",
                     mimetype=XLSX_MIME if fmt == "xlsx" else "text/csv")


# ------------------------------------------------------------------------------------------- instruments

def instrument_sheet(row: Any) -> Any:
    """The bank's instrument as the document :mod:`exports.instruments` prints (Thai labels included)."""
    from exports.instruments import InstrumentCriterion, InstrumentLevel, InstrumentSheet
    from itembank import vocabulary

    def label(kind: str, code: str | None) -> str:
        try:
            return vocabulary.label(kind, code, "th") if code else ""
        except Exception:  # an unknown code prints as itself
            return code or ""

    return InstrumentSheet(
        code=row.code, title=row.title, kind=row.kind, kind_th=label("instrument_kind", row.kind),
        purpose_th=label("purpose", row.purpose), grade=row.grade or "", description=row.description or "",
        criteria=tuple(InstrumentCriterion(str(c.get("text", "")), str(c.get("trait_code") or ""))
                       for c in row.criteria or ()),
        levels=tuple(InstrumentLevel(str(lv.get("label", "")), lv.get("score"), str(lv.get("description") or ""))
                     for lv in row.levels or ()),
        district=current_app.config.get("DISTRICT_NAME", ""),
    )


def load_instrument(code: str) -> Any:
    from itembank import service

    if not code or len(code) > 120 or re.search(r"[\x00-\x1f\x7f]", code):
        abort(404)
    with read_session() as s:
        try:
            return service.get_instrument(s, acting(), code)
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise


def _instrument_file(code: str, fmt: str):
    from exports.render import render

    row = load_instrument(code)
    data = render(instrument_sheet(row), fmt)
    audit_download("instrument", row.code, format=fmt)
    safe = re.sub(r"[^0-9A-Za-z._-]+", "-", row.code).strip("-") or "instrument"
    return send_file(io.BytesIO(data), as_attachment=fmt == "docx", download_name=f"{safe}.{fmt}",
                     mimetype="application/pdf" if fmt == "pdf" else DOCX_MIME)


@bp.get("/instruments/<code>/pdf")
@requires("instrument.download")
def instrument_pdf(code: str):
    """พิมพ์เครื่องมือวัด: the rating scale, rubric or checklist as an A4 PDF (Sarabun)."""
    return _instrument_file(code, "pdf")


@bp.get("/instruments/<code>/docx")
@requires("instrument.download")
def instrument_docx(code: str):
    """The instrument as an editable DOCX (Thai written with the complex-script fonts)."""
    return _instrument_file(code, "docx")
