"""คลังข้อสอบ (bank browser): list with filters, item view with a faithful preview, instruments.

Every page acts as the signed-in user (:mod:`web.auth`) and declares the action it needs.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for

from itembank import browse, service
from itembank.authz import Actor
from itembank.curriculum import AREA_LETTERS, AREA_NAMES_TH, load_curriculum
from itembank.errors import ItemBankError
from itembank.schemas import SearchFilters
from itembank.statistics import item_record
from web.auth import acting, audit_download, requires
from web.bank.labels import GRADES, KIND_LABELS, LEVEL_LABELS, PURPOSE_LABELS, STATUS_LABELS, TYPE_LABELS
from web.store_ext import read_session

bp = Blueprint("bank", __name__, url_prefix="/bank")

FILTER_FIELDS = ("learning_area", "indicator", "trait", "competency", "grade", "cognitive_level", "type",
                 "status", "text")


def browsing_actor() -> Actor:
    """The signed-in user (every route here declares its permission with @requires)."""
    return acting()


@bp.app_context_processor
def _labels() -> dict:
    return {"TYPE_LABELS": TYPE_LABELS, "STATUS_LABELS": STATUS_LABELS, "LEVEL_LABELS": LEVEL_LABELS,
            "AREA_NAMES_TH": AREA_NAMES_TH, "PURPOSE_LABELS": PURPOSE_LABELS, "KIND_LABELS": KIND_LABELS}


def _filters_from_request() -> tuple[SearchFilters, dict[str, str]]:
    given = {k: request.args.get(k, "").strip() for k in FILTER_FIELDS}
    given = {k: v for k, v in given.items() if v}
    return SearchFilters(**given), given


@bp.get("/")
@requires("item.search")
def list_items():
    """The bank: filter by learning area, indicator, trait, grade, level, type, status and text."""
    filters, given = _filters_from_request()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    per_page = current_app.config["BANK_PAGE_SIZE"]
    curriculum = load_curriculum()
    with read_session() as session:
        result = service.search_items(session, browsing_actor(), filters, page=page, per_page=per_page)
    args = {k: v for k, v in given.items()}
    return render_template(
        "bank/list.html", result=result, given=given, areas=AREA_LETTERS, grades=GRADES,
        traits=curriculum.trait_indicators, competencies=curriculum.competencies,
        prev_url=url_for("bank.list_items", page=page - 1, **args) if page > 1 else None,
        next_url=url_for("bank.list_items", page=page + 1, **args) if page < result.n_pages else None,
    )


@bp.get("/items/<path:code>")
@requires("item.read")
def show_item(code: str):
    """One item: the chosen version as it will print, its metadata, versions, review and IOC.

    The key is in the page only for roles that may read keys (the service leaves it out otherwise)."""
    number = request.args.get("v", type=int)
    with read_session() as session:
        try:
            page = browse.item_page(session, browsing_actor(), code, number)
            record = item_record(session, browsing_actor(), code)
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise
    return render_template("bank/item.html", page=page, v=page.version, statistics=record.history,
                           record=record)


@bp.get("/instruments/")
@requires("instrument.read")
def list_instruments():
    """Rating scales, rubrics and checklists schools can download."""
    with read_session() as session:
        instruments = service.list_instruments(session, browsing_actor())
    return render_template("bank/instruments.html", instruments=instruments)


@bp.get("/instruments/<code>")
@requires("instrument.read")
def show_instrument(code: str):
    with read_session() as session:
        try:
            instrument = service.get_instrument(session, browsing_actor(), code)
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise
    return render_template("bank/instrument.html", instrument=instrument)


IOC_PAGE_LIMIT = 200  # a form for one review round; larger rounds are split by filters


@bp.get("/ioc-form")
@requires("item.search")
def ioc_form():
    """แบบประเมินความสอดคล้อง (IOC): the items under review with +1 / 0 / −1 columns, printable,
    and the same form as an XLSX that experts fill in and `khlang bank ioc-import` reads back."""
    filters, given = _filters_from_request()
    if "status" not in given:
        filters = SearchFilters(**{**given, "status": "in_review"})
        given = {**given, "status": "in_review"}
    with read_session() as session:
        result = service.search_items(session, browsing_actor(), filters, page=1, per_page=IOC_PAGE_LIMIT)
    texts = dict(browse.indicator_texts(sorted({c for v in result.items for c in v.indicator_codes})))
    return render_template("bank/ioc_form.html", result=result, given=given, texts=texts,
                           xlsx_url=url_for("bank.ioc_form_xlsx", **given), limit=IOC_PAGE_LIMIT)


@bp.get("/ioc-form.xlsx")
@requires("item.search")
def ioc_form_xlsx():
    """The IOC form as XLSX (rating cells validated to 1 / 0 / −1), for one expert."""
    import io
    import tempfile
    from pathlib import Path

    from flask import send_file

    from itembank.exporting import iter_versions
    from itembank.exporting.ioc import write_ioc_form

    filters, given = _filters_from_request()
    if "status" not in given:
        filters = SearchFilters(**{**given, "status": "in_review"})
    expert = request.args.get("expert", "").strip()[:150]
    with read_session() as session:
        versions = list(iter_versions(session, browsing_actor(), filters))
    with tempfile.TemporaryDirectory() as tmp:
        path = write_ioc_form(Path(tmp) / "ioc.xlsx", versions, expert_name=expert)
        data = path.read_bytes()
    audit_download("ioc_form", None, items=[v.item_code for v in versions][:500], expert=expert)
    return send_file(io.BytesIO(data), as_attachment=True, download_name="ioc-form.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
