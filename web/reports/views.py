"""รายงาน (reports): school, district and item-analysis reports as pages, PDF, DOCX and XLSX.

The data is :func:`scoring.reports.report_for` (the same :class:`~exports.data.ResultsReport` the
command ``khlang reports`` writes); the page shows its facts, numbered sections, tables and charts,
and the downloads render it through :func:`exports.render.render`. A school account reads only its
own school's report (beside the district), after the results are released.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from web.auth import acting, audit_download, requires
from web.store_ext import read_session

bp = Blueprint("reports", __name__, url_prefix="/reports")

FORMATS = {"pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_CODE = re.compile(r"^[0-9A-Za-z\u0E00-\u0E7F._\-/ ]{1,120}$")


def _clean(value: str | None, required: bool = True) -> str | None:
    if value is None or value == "":
        if required:
            abort(404)
        return None
    if not _CODE.match(value):
        abort(404)
    return value


_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")


@bp.context_processor
def _helpers() -> dict:
    return {"is_number": lambda v: bool(_NUMBER.match(str(v).strip()))}


def build(code: str, kind: str, school: str | None):
    """The report as the signed-in user may read it (a refusal propagates as the Thai error)."""
    from scoring.reports import report_for

    with hidden_for_schools(), read_session() as s:
        return report_for(s, acting(), code, kind, school, office=current_app.config.get("DISTRICT_NAME", ""))


@contextmanager
def hidden_for_schools():
    """A school account gets the plain 404 for anything not found: the page never echoes the code it was given,
    so another school's administration or school and a missing one look the same."""
    from itembank.errors import KhlangError

    try:
        yield
    except KhlangError as e:
        if e.kind == "not_found" and acting().role == "school":
            abort(404)
        raise


def flatten(report) -> tuple[list[dict], list]:
    """The sections of a report as a flat list (number, level, title, paragraphs, tables, chart numbers) and
    every chart in reading order (the chart route serves them by number)."""
    charts: list = []
    out: list[dict] = []

    def walk(sections, prefix: str, level: int) -> None:
        for k, s in enumerate(sections, start=1):
            ids = []
            for c in s.charts:
                ids.append(len(charts))
                charts.append(c)
            out.append({"number": f"{prefix}{k}.", "level": level, "title": s.title, "paragraphs": s.paragraphs,
                        "tables": s.tables, "charts": ids, "key": s.key})
            walk(s.subsections, f"{prefix}{k}.", min(level + 1, 4))

    walk(report.sections, "", 2)
    return out, charts


@bp.get("/")
@requires("scores.read")
def index():
    """The administrations whose reports this user may read, with links to each report and its files."""
    from scoring.reports import PAGE_KINDS, reports_overview

    with read_session() as s:
        rows = reports_overview(s, acting())
    return render_template("reports/index.html", rows=rows, kinds=PAGE_KINDS, school_account=acting().role == "school")


@bp.get("/<code>/<kind>")
@requires("scores.read")
def show(code: str, kind: str):
    """One report in the page: facts, numbered sections with their tables and charts, and its downloads."""
    from scoring.reports import PAGE_KINDS

    code = _clean(code)
    if kind not in PAGE_KINDS:
        abort(404)
    school = _clean(request.args.get("school"), required=False)
    report = build(code, kind, school)
    sections, charts = flatten(report)
    return render_template("reports/show.html", report=report, sections=sections, code=code, kind=kind,
                           school=school, title_th=PAGE_KINDS[kind], formats=FORMATS)


@bp.get("/<code>/<kind>/chart-<int:number>.svg")
@requires("scores.read")
def chart(code: str, kind: str, number: int):
    """A chart of a report as an SVG image (matplotlib, as in the PDF)."""
    from exports.plots import to_svg
    from exports.supervision import bar_chart_figure
    from scoring.reports import PAGE_KINDS

    code = _clean(code)
    if kind not in PAGE_KINDS:
        abort(404)
    school = _clean(request.args.get("school"), required=False)
    _, charts = flatten(build(code, kind, school))
    if not 0 <= number < len(charts):
        abort(404)
    response = Response(to_svg(bar_chart_figure(charts[number])), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/<code>/<kind>/download/<fmt>")
@requires("scores.read")
def download(code: str, kind: str, fmt: str):
    """The report as PDF, DOCX or XLSX (recorded in the audit log)."""
    from scoring.reports import PAGE_KINDS

    code = _clean(code)
    if fmt not in FORMATS or kind not in PAGE_KINDS:
        abort(404)
    school = _clean(request.args.get("school"), required=False)
    report = build(code, kind, school)
    data = render_file(report, fmt)
    audit_download("report", f"{code}:{kind}" + (f":{school}" if school else ""), format=fmt)
    name = f"{code}_{kind}" + (f"_{school}" if school else "") + f".{fmt}"
    return attachment(data, FORMATS[fmt], name)


def render_file(report, fmt: str) -> bytes:
    from exports.render import render

    return render(report, fmt)


def report_url(code: str, kind: str, school: str | None = None) -> str:
    return url_for("reports.show", code=code, kind=kind, **({"school": school} if school else {}))


def attachment(data: bytes, mimetype: str, name: str) -> Response:
    """A file download (a plain response: the API's schema check reads its body)."""
    name = name.replace("/", "-").replace(" ", "_")
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_")
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                               f"filename*=UTF-8''{quote(name)}")
    return response
