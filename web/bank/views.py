"""คลังข้อสอบ (bank browser): list with filters, item view with a faithful preview, instruments.

Every page acts as the signed-in user (:mod:`web.auth`) and declares the action it needs.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from itembank import browse, search, service
from itembank.authz import Actor
from itembank.curriculum import AREA_LETTERS, AREA_NAMES_TH, load_curriculum
from itembank.errors import ItemBankError
from itembank.schemas import SearchFilters
from itembank.statistics import item_record
from web.auth import acting, audit_download, requires
from web.bank.labels import (
    GRADES,
    KIND_LABELS,
    LEVEL_LABELS,
    PURPOSE_LABELS,
    STATUS_LABELS,
    TASK_STATUS_LABELS,
    TYPE_LABELS,
)
from web.store_ext import read_session

bp = Blueprint("bank", __name__, url_prefix="/bank")

FILTER_FIELDS = ("learning_area", "indicator", "trait", "competency", "grade", "cognitive_level", "type",
                 "status", "text")


def browsing_actor() -> Actor:
    """The signed-in user (every route here declares its permission with @requires)."""
    return acting()


def _flag_label(kind: str) -> str:
    """A statistics flag in the page's language (too hard, low r, probable mis-key …), never its code."""
    from scoring.analysis import flag_text
    from web.i18n import page_language

    return flag_text(kind, page_language())


@bp.app_context_processor
def _labels() -> dict:
    return {"bank_flag_label": _flag_label, "TYPE_LABELS": TYPE_LABELS, "STATUS_LABELS": STATUS_LABELS, "LEVEL_LABELS": LEVEL_LABELS,
            "AREA_NAMES_TH": AREA_NAMES_TH, "PURPOSE_LABELS": PURPOSE_LABELS, "KIND_LABELS": KIND_LABELS,
            "TASK_STATUS": TASK_STATUS_LABELS}


def _filters_from_request() -> tuple[SearchFilters, dict[str, str]]:
    given = {k: request.args.get(k, "").strip() for k in FILTER_FIELDS}
    given = {k: v for k, v in given.items() if v}
    return SearchFilters(**given), given


SORT_LABELS = {"code": _l("รหัสข้อสอบ"), "newest": _l("ใหม่ล่าสุด"), "p": _l("ค่าความยาก p (มากไปน้อย)"),
               "r": _l("ค่าอำนาจจำแนก r (มากไปน้อย)"), "last_used": _l("ใช้สอบล่าสุด")}


def page_numbers(page: int, n_pages: int, around: int = 2) -> list[int | None]:
    """The page numbers a pager shows: the first, the last and `around` either side of `page`;
    None where numbers are left out (shown as …)."""
    shown = sorted({1, n_pages, *range(max(1, page - around), min(n_pages, page + around) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and out[-1] is not None and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


@bp.get("/")
@requires("item.search")
def list_items():
    """The bank: filter by learning area, indicator, trait, grade, level, type, status and text;
    sort by code, newest, p, r or last used; numbered pages that keep the filters."""
    filters, given = _filters_from_request()
    sort = request.args.get("sort", "code")
    if sort not in search.SORTS:
        sort = "code"
    page = max(1, request.args.get("page", 1, type=int) or 1)
    per_page = current_app.config["BANK_PAGE_SIZE"]
    curriculum = load_curriculum()
    with read_session() as session:
        result = service.search_items(session, browsing_actor(), filters, page=page, per_page=per_page,
                                      sort=sort, with_usage=True)
    args = dict(given)
    if sort != "code":
        args["sort"] = sort

    def page_url(n: int) -> str:
        return url_for("bank.list_items", page=n, **args) if n > 1 else url_for("bank.list_items", **args)

    return render_template(
        "bank/list.html", result=result, given=given, areas=AREA_LETTERS, grades=GRADES,
        traits=curriculum.trait_indicators, competencies=curriculum.competencies,
        may_create=browsing_actor().may("item.create"), sort=sort, sorts=SORT_LABELS, pages=page_numbers(result.page, result.n_pages), page_url=page_url,
        prev_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if page < result.n_pages else None,
    )


def _forms_using(session, actor: Actor, version_ids: set[int]) -> list[tuple[str, str, int, object]]:
    """(form code, title, version number, frozen at) of the frozen forms holding a version of the item."""
    from testgen.forms import forms_using

    if not actor.may("form.read"):
        return []
    return [(f.code, f.title, v.number, f.frozen_at) for f, v in forms_using(session, actor, version_ids)]


@bp.get("/items/<path:code>")
@requires("item.read")
def show_item(code: str):
    """One item: the chosen version as it will print, its metadata, versions, review and IOC, its
    statistics across administrations with small ICC and option plots, exposure and the forms using it.

    The key is in the page only for roles that may read keys (the service leaves it out otherwise)."""
    number = request.args.get("v", type=int)
    actor = browsing_actor()
    with read_session() as session:
        try:
            page = browse.item_page(session, actor, code, number)
            record = item_record(session, actor, code)
            plots = browse.item_plots(session, actor, page.version.item_code, page.version.number)
            ids = {v.id for v in service.versions_of(session, code)}
            forms = _forms_using(session, actor, ids)
            enemies = service.enemies_of(session, code)
            names = browse.display_names(session, [h.actor_name for h in page.history]
                                         + [n for n, _ in page.ioc.ratings]
                                         + [getattr(page.version, "author_name", None) or "",
                                            getattr(page.version, "reviewer_name", None) or ""])
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise
    v = page.version
    plot_args = {"code": v.item_code, "v": v.number}
    try:
        edition = load_curriculum(v.curriculum_edition).title_th
    except Exception:  # noqa: BLE001 - an edition the package does not ship: say so rather than fail
        edition = _l("หลักสูตรฉบับอื่น")
    return render_template(
        "bank/item.html", page=page, v=v, statistics=record.history, edition=edition, record=record, forms=forms, names=names,
        enemies=enemies,
        icc_url=url_for("bank.item_icc", **plot_args) if plots.b is not None else None,
        options_url=url_for("bank.item_options", **plot_args) if plots.options else None, plots=plots,
        may_edit=actor.may("item.edit"), may_set=actor.may("itemset.write"), may_submit=actor.may("item.submit"))


def _svg(data: bytes) -> Response:
    response = Response(data, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _plots_or_404(code: str):
    with read_session() as session:
        try:
            return browse.item_plots(session, browsing_actor(), code, request.args.get("v", type=int))
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise


@bp.get("/plots/icc/<path:code>.svg")
@requires("item.read")
def item_icc(code: str):
    """โค้งลักษณะข้อสอบ: the item's ICC from its newest IRT parameters (SVG, matplotlib)."""
    from exports.data import ItemCurve
    from exports.plots import icc_figure, to_svg

    plots = _plots_or_404(code)
    if plots.b is None:
        abort(404)
    curve = ItemCurve(code, plots.a if plots.a is not None else 1.0, plots.b, plots.c or 0.0)
    fig = icc_figure([curve], highlight=[code])
    fig.set_size_inches(110 / 25.4, 65 / 25.4)
    return _svg(to_svg(fig))


@bp.get("/plots/options/<path:code>.svg")
@requires("item.read")
def item_options(code: str):
    """การเลือกตัวเลือก: how the upper and lower groups chose each option, newest administration (SVG)."""
    from exports.data import OptionChoices
    from exports.plots import options_figure, to_svg

    plots = _plots_or_404(code)
    if not plots.options:
        abort(404)
    labels = tuple(o[0] for o in plots.options)
    choice = OptionChoices(code, labels, tuple(i + 1 for i, o in enumerate(plots.options) if o[1]),
                           tuple(o[2] for o in plots.options), tuple(o[3] for o in plots.options), plots.group_size)
    fig = options_figure([choice], columns=1)
    fig.set_size_inches(110 / 25.4, 65 / 25.4)
    return _svg(to_svg(fig))


@bp.get("/media/<sha256>")
@requires("media.read")
def media(sha256: str):
    """A picture of an item or passage, by its sha256 (sanitised when stored)."""
    from itembank.media import get_media

    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        abort(404)
    with read_session() as session:
        try:
            row = get_media(session, browsing_actor(), sha256)
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise
        data, mime = row.data, row.mime
    response = Response(data, mimetype=mime)
    response.headers["Cache-Control"] = "private, max-age=86400, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


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
