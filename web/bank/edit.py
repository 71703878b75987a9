"""คลังข้อสอบ: create and edit items (a new version), passages, media, the review queue, IOC entry.

An edit never changes a stored version: saving makes the item's next version (a draft), and editing a
passage makes its next version and the next version of every item using it; frozen forms keep the
versions they were frozen with. Every page calls the bank's services (:mod:`itembank.service`,
:mod:`itembank.review`, :mod:`itembank.media`, :mod:`itembank.search`); nothing here writes a table.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from itembank import browse, service
from itembank.curriculum import AREA_LETTERS, AREA_NAMES_TH, load_curriculum
from itembank.errors import ItemBankError, KhlangError
from itembank.media import check_media, store_media
from itembank.option_order import detect_ordered
from itembank.review import DEFAULT_MIN_IOC, rate_ioc_many, review_duplicates
from itembank.schemas import ItemDraft, ItemSetDraft, OptionDraft, RubricLevel
from itembank.search import near_duplicates
from web.auth import acting, requires
from web.bank.labels import GRADES, IOC_LABELS
from web.bank.views import _forms_using
from web.i18n import page_language as _locale
from web.store_ext import read_session, write_session

bp = Blueprint("bank_edit", __name__, url_prefix="/bank")

OPTION_LABELS = ("ก", "ข", "ค", "ง", "จ")
RUBRIC_ROWS = 4
REVIEW_PAGE_SIZE = 20


def _messages(e: KhlangError) -> list[str]:
    """Every problem of an error as the page's language says it (an import-style error lists each)."""
    loc = _locale()
    return [p.text(loc) for p in e.problems] or [e.text(loc)]


# -- the curriculum picker --------------------------------------------------------------------------


def _picker(area: str | None) -> list[dict[str, Any]]:
    """The standards of a learning area with their indicators (every grade), for the picker."""
    if not area or area not in AREA_LETTERS:
        return []
    curriculum = load_curriculum()
    groups = []
    for std in curriculum.standards(area):
        indicators = [{"code": str(i.code), "text": i.text, "grade": i.grade}
                      for i in curriculum.indicators(area, standard=std.code)]
        if indicators:
            groups.append({"code": str(std.code), "text": std.text or "", "indicators": indicators})
    return groups


def _traits_and_competencies() -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The 8 desired traits with their indicators and the 5 key competencies, for the pickers."""
    curriculum = load_curriculum()
    traits = [{"number": t.number, "name": t.name_th,
               "indicators": [(str(i.code), i.text) for i in t.indicators]} for t in curriculum.traits]
    return traits, [(str(k.code), k.name_th) for k in curriculum.competencies]


def _codes(raw: str) -> tuple[str, ...]:
    """Item codes typed one per line or separated by commas or spaces, each once, in the order typed."""
    seen: dict[str, None] = {}
    for part in re.split(r"[\s,;]+", raw or ""):
        if part.strip():
            seen.setdefault(part.strip()[:64], None)
    return tuple(seen)


# -- the item form ---------------------------------------------------------------------------------


def _float(raw: str, what: str, problems: list[str], default: float | None = None) -> float | None:
    raw = (raw or "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        problems.append(_("%(what)s: “%(value)s” ไม่ใช่ตัวเลข", what=what, value=raw[:40]))
        return default


def _draft_from_form(form: Any, base: ItemDraft | None, code: str) -> tuple[ItemDraft, list[str]]:
    """The draft the form describes (fields the form lacks are kept from `base`) and the problems of
    fields the service cannot name (numbers that are not numbers)."""
    problems: list[str] = []
    item_type = form.get("type", "multiple_choice")
    options, key = [], []
    if item_type in ("multiple_choice", "matching"):
        for i, label in enumerate(OPTION_LABELS):
            text = form.get(f"option-{i}", "").strip()
            if text:
                options.append(OptionDraft(label, text, bool(form.get(f"fixed-{i}"))))
                if form.get(f"key-{i}"):
                    key.append(label)
    elif item_type == "true_false":
        key = [form.get("tf_key", "")] if form.get("tf_key") in ("true", "false") else []
    if item_type == "matching":
        key = [k.strip() for k in form.get("matching_key", "").replace(",", "\n").splitlines() if k.strip()]
    accepted = tuple(a.strip() for a in form.get("accepted_answers", "").splitlines() if a.strip()) \
        if item_type in ("short_answer", "numeric") else ()
    rubric = []
    if item_type == "constructed_response":
        for i in range(RUBRIC_ROWS):
            text = form.get(f"rubric-{i}", "").strip()
            points = _float(form.get(f"rubric-points-{i}", ""), _("คะแนนของเกณฑ์แถวที่ %(n)s", n=i + 1), problems)
            if text and points is not None:
                rubric.append(RubricLevel(points, text))
    score = _float(form.get("score_points", ""), _("คะแนนเต็ม"), problems, 1.0)
    seconds = _float(form.get("estimated_time_s", ""), _("เวลาโดยประมาณ"), problems)
    media = tuple(m for m in form.getlist("media") if len(m) == 64)
    fields = dict(
        code=code, type=item_type, stem=form.get("stem", "").strip(), options=tuple(options), key=tuple(key),
        accepted_answers=accepted, score_points=score if score is not None else 1.0, rubric=tuple(rubric),
        media=media, indicator_codes=tuple(c for c in form.getlist("indicator_codes") if c.strip()),
        cognitive_level=form.get("cognitive_level") or None, grade=form.get("grade") or None,
        learning_area=form.get("learning_area") or None,
        estimated_time_s=int(seconds) if seconds is not None else None,
        set_code=form.get("set_code", "").strip() or None,
        trait_codes=tuple(c for c in form.getlist("trait_codes") if c.strip()),
        competency_codes=tuple(c for c in form.getlist("competency_codes") if c.strip()),
        enemy_codes=tuple(c for c in _codes(form.get("enemy_codes", "")) if c != code),
    )
    position = _float(form.get("set_position", ""), _("ลำดับในบทอ่าน"), problems)
    fields["set_position"] = int(position) if position is not None and fields["set_code"] else None
    if "ordered_shown" in form:  # a page without the checkbox (an older tab) keeps what the version says
        fields["options_ordered"] = _ordered_from_form(form)
    draft = replace(base, **fields) if base is not None else ItemDraft(**fields)
    return draft, problems


def _ordered_from_form(form: Any) -> bool | None:
    """The options_ordered the author means: a ticked or cleared checkbox says so explicitly; one left as
    the page showed it keeps the version's own choice (None: decided from the options when saved, so
    numbers typed in order afterwards are still detected)."""
    ticked = bool(form.get("options_ordered"))
    if ticked != (form.get("ordered_shown") == "1") or form.get("ordered_explicit") == "1":
        return ticked
    return None


def _ordered_shown(draft: ItemDraft) -> bool:
    """What the checkbox shows: the author's choice, else what the detector suggests for the options."""
    if draft.options_ordered is not None:
        return bool(draft.options_ordered)
    return detect_ordered(str(draft.type), [o.text for o in draft.options])


def _form_values(draft: ItemDraft) -> dict[str, Any]:
    """What the form shows for a draft (the edit form starts from the latest version)."""
    options = {o.label: o for o in draft.options}
    return {
        "code": draft.code, "type": str(draft.type), "stem": draft.stem, "learning_area": draft.learning_area or "",
        "grade": draft.grade or "", "cognitive_level": str(draft.cognitive_level or ""),
        "indicator_codes": list(draft.indicator_codes), "score_points": draft.score_points,
        "estimated_time_s": draft.estimated_time_s or "", "media": list(draft.media),
        "options": [(options[lab].text if lab in options else "", lab in draft.key,
                     bool(options[lab].fixed) if lab in options else False) for lab in OPTION_LABELS],
        "tf_key": draft.key[0] if str(draft.type) == "true_false" and draft.key else "",
        "matching_key": "\n".join(draft.key) if str(draft.type) == "matching" else "",
        "accepted_answers": "\n".join(draft.accepted_answers),
        "rubric": [(r.points, r.description) for r in draft.rubric] + [("", "")] * (RUBRIC_ROWS - len(draft.rubric)),
        "set_code": draft.set_code or "", "set_position": draft.set_position or "",
        "trait_codes": list(draft.trait_codes), "competency_codes": list(draft.competency_codes),
        "enemy_codes": "\n".join(draft.enemy_codes),
        "options_ordered": _ordered_shown(draft), "ordered_explicit": draft.options_ordered is not None,
    }


def _render_form(values: dict[str, Any], *, mode: str, code: str | None = None, problems=(),
                 duplicates=(), latest_number: int | None = None, status: int = 200, forms=()):
    area = values.get("learning_area") or ""
    traits, competencies = _traits_and_competencies()
    enemies: list[str] = []
    if mode == "edit" and code:
        with read_session() as session:
            enemies = service.enemies_of(session, code)
    return render_template(
        "bank_edit/item_form.html", values=values, mode=mode, code=code, problems=list(problems), enemies=enemies,
        duplicates=list(duplicates), latest_number=latest_number, picker=_picker(area), areas=AREA_LETTERS,
        forms=list(forms), traits=traits, competencies=competencies,
        area_names=AREA_NAMES_TH, grades=GRADES, option_labels=OPTION_LABELS,
        action=url_for("bank_edit.new_item") if mode == "new" else url_for("bank_edit.edit_item", code=code),
    ), status


def _stored_picture(problems: list[str]) -> str | None:
    """The uploaded picture, checked (type sniffed from its bytes, SVG rebuilt) then stored; a hostile
    or broken file adds a Thai problem naming it and stores nothing."""
    upload = request.files.get("picture")
    if upload is None or not upload.filename:
        return None
    data = upload.read()
    name = upload.filename[:120]
    try:
        check_media(data, name)
        with write_session() as session:
            return store_media(session, acting(), data, name).sha256
    except ItemBankError as e:
        problems.append(_("ไฟล์ภาพ %(name)s: %(why)s", name=name, why=e.text(_locale())))
        return None


def _save(mode: str, code: str | None):
    """Shared POST of the new-item and edit forms: refresh the picker, check, warn of near duplicates,
    then write through the service (a new item, or the item's next version)."""
    actor = acting()
    form = request.form
    base = None
    latest_number = None
    if mode == "edit":
        with read_session() as session:
            try:
                base = service.version_draft(session, actor, code)
                latest_number = service.get_version(session, code).number
            except ItemBankError as e:
                if e.kind == "not_found":
                    abort(404)
                raise
    new_code = (form.get("code", "") if mode == "new" else code or "").strip()
    draft, problems = _draft_from_form(form, base, new_code)
    picture = _stored_picture(problems)
    if picture and picture not in draft.media:
        draft = replace(draft, media=(*draft.media, picture))
    values = _form_values(draft)
    if form.get("refresh"):  # the learning area or grade changed: show its indicators, save nothing
        return _render_form(values, mode=mode, code=code, problems=problems, latest_number=latest_number)
    if mode == "new" and not new_code:
        problems.append(_("ต้องระบุรหัสข้อสอบ"))
    found = service.check_drafts([draft])[1]
    problems += [p.text(_locale()) for p in found[0]]
    if problems:
        return _render_form(values, mode=mode, code=code, problems=problems, latest_number=latest_number, status=422)
    if not form.get("confirm_duplicate"):
        with read_session() as session:
            dups = near_duplicates(session, actor, draft.stem, options=draft.options, key=draft.key,
                                   learning_area=draft.learning_area,
                                   exclude_code=new_code)
        if dups:
            return _render_form(values, mode=mode, code=code, duplicates=dups, latest_number=latest_number)
    with write_session() as session:
        try:
            if mode == "new":
                version = service.create_item(session, actor, draft)
            else:
                version = service.edit_item(session, actor, code, draft)
        except ItemBankError as e:
            if e.kind == "forbidden":
                raise
            return _render_form(values, mode=mode, code=code, problems=_messages(e), latest_number=latest_number,
                                status=409 if e.kind == "conflict" else 422)
        item_code, number = version.item_code, version.number
    if latest_number is not None and number <= latest_number:
        flash(_("เนื้อหาเหมือนฉบับที่ %(n)s ที่มีอยู่แล้ว ไม่ได้สร้างฉบับใหม่", n=number), "info")
    elif mode == "edit":
        flash(_("บันทึกเป็นฉบับที่ %(n)s แล้ว ฉบับก่อนหน้าและฉบับข้อสอบที่จัดทำแล้วไม่เปลี่ยน", n=number), "info")
    else:
        flash(_("สร้างข้อสอบ %(code)s ฉบับที่ 1 (ฉบับร่าง) แล้ว", code=item_code), "info")
    return redirect(url_for("bank.show_item", code=item_code, v=number))


@bp.route("/new", methods=["GET", "POST"])
@requires("item.create")
def new_item():
    """เขียนข้อสอบใหม่: the form with the curriculum picker; saving makes version 1 (a draft)."""
    if request.method == "POST":
        return _save("new", None)
    area = request.args.get("learning_area", "")
    draft = ItemDraft(code="", type=request.args.get("type", "multiple_choice"), stem="",
                      learning_area=area if area in AREA_LETTERS else None,
                      grade=request.args.get("grade") if request.args.get("grade") in GRADES else None)
    return _render_form(_form_values(draft), mode="new")


@bp.route("/edit/<path:code>", methods=["GET", "POST"])
@requires("item.edit")
def edit_item(code: str):
    """แก้ไขข้อสอบ: the latest version in the form; saving makes the next version, never changes one."""
    if request.method == "POST":
        return _save("edit", code)
    with read_session() as session:
        try:
            draft = service.version_draft(session, acting(), code)
            number = service.get_version(session, code).number
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise
        forms = _forms_using(session, acting(), {v.id for v in service.versions_of(session, code)})
        enemies = service.enemies_of(session, code)
    values = _form_values(replace(draft, enemy_codes=tuple(enemies)))
    if request.args.get("learning_area") in AREA_LETTERS:
        values["learning_area"] = request.args["learning_area"]
    return _render_form(values, mode="edit", code=draft.code, latest_number=number, forms=forms)


@bp.route("/enemy-remove/<path:code>", methods=["GET", "POST"])
@requires("item.edit")
def remove_enemy(code: str):
    """นำข้อสอบคู่ห้ามออก: asks first (GET), then takes the pair off (POST with the box ticked); frozen
    forms keep what they hold, only later assemblies may put the two items together."""
    enemy = (request.values.get("enemy") or "").strip()
    back = "item" if request.values.get("back") == "item" else "edit"
    with read_session() as session:
        try:
            service.get_item(session, code)
            linked = enemy in service.enemies_of(session, code)
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise
    if not linked:
        abort(404)
    target = url_for("bank.show_item", code=code) if back == "item" else url_for("bank_edit.edit_item", code=code)
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            flash(_("ยังไม่ได้นำ %(enemy)s ออก: ต้องทำเครื่องหมายยืนยันก่อน", enemy=enemy), "error")
            return redirect(url_for("bank_edit.remove_enemy", code=code, enemy=enemy, back=back))
        with write_session() as session:
            service.remove_enemy(session, acting(), code, enemy)
        flash(_("นำ %(enemy)s ออกจากข้อสอบคู่ห้ามของ %(code)s แล้ว ฉบับข้อสอบที่จัดทำแล้วไม่เปลี่ยน",
                enemy=enemy, code=code), "info")
        return redirect(target)
    return render_template("bank_edit/enemy_remove.html", code=code, enemy=enemy, back=back, cancel=target)


@bp.post("/submit/<path:code>")
@requires("item.submit")
def submit_item(code: str):
    """ส่งพิจารณา: the latest version (a draft) goes to the review queue."""
    with write_session() as session:
        try:
            version = service.review_item(session, acting(), code, "submit", comment=request.form.get("comment", ""))
            number = version.number
        except ItemBankError as e:
            if e.kind in ("not_found",):
                abort(404)
            if e.kind == "forbidden":
                raise
            flash(e.text(_locale()), "error")
            return redirect(url_for("bank.show_item", code=code))
    flash(_("ส่งฉบับที่ %(n)s เข้าพิจารณาแล้ว", n=number), "info")
    return redirect(url_for("bank.show_item", code=code))


# -- passages ---------------------------------------------------------------------------------------


@bp.route("/passage-new", methods=["GET", "POST"])
@requires("itemset.write")
def new_passage():
    """บทอ่านใหม่: a passage (version 1); items join it by its code in their form."""
    problems: list[str] = []
    code, title, stimulus = (request.form.get(k, "").strip() for k in ("code", "title", "stimulus"))
    if request.method == "POST":
        picture = _stored_picture(problems)
        if not title:
            problems.append(_("ต้องระบุชื่อบทอ่าน"))
        if not stimulus:
            problems.append(_("ต้องมีเนื้อความของบทอ่าน"))
        if not problems:
            with write_session() as session:
                try:
                    row = service.create_item_set(session, acting(), ItemSetDraft(
                        code, title, stimulus, (picture,) if picture else ()))
                    new_code = row.code
                except ItemBankError as e:
                    if e.kind == "forbidden":
                        raise
                    problems += _messages(e)
            if not problems:
                flash(_("สร้างบทอ่าน %(code)s แล้ว ใส่รหัสนี้ในช่องบทอ่านของข้อสอบเพื่อใช้บทอ่านนี้", code=new_code), "info")
                return redirect(url_for("bank_edit.edit_passage", code=new_code))
    return render_template("bank_edit/passage_new.html", code=code, title=title, stimulus=stimulus,
                           problems=problems), 422 if problems else 200


@bp.route("/passages/<path:code>", methods=["GET", "POST"])
@requires("itemset.write")
def edit_passage(code: str):
    """แก้ไขบทอ่าน: saving makes the passage's next version and the next version of each item using it."""
    actor = acting()
    problems: list[str] = []
    title = request.form.get("title", "")
    stimulus = request.form.get("stimulus", "")
    media = [m for m in request.form.getlist("media") if len(m) == 64]
    if request.method == "POST":
        picture = _stored_picture(problems)
        if picture:
            media.append(picture)
        if not title.strip():
            problems.append(_("ต้องระบุชื่อบทอ่าน"))
        if not stimulus.strip():
            problems.append(_("ต้องมีเนื้อความของบทอ่าน"))
        if not problems:
            with write_session() as session:
                try:
                    row, codes = service.edit_item_set(session, actor, code, title, stimulus, media)
                    new_code = row.code
                except ItemBankError as e:
                    if e.kind == "not_found":
                        abort(404)
                    if e.kind == "forbidden":
                        raise
                    problems += _messages(e)
            if not problems:
                if codes:
                    flash(_("บันทึกบทอ่านฉบับใหม่ (%(code)s) และสร้างฉบับใหม่ของข้อสอบ %(n)s ข้อแล้ว ฉบับข้อสอบที่จัดทำแล้วไม่เปลี่ยน",
                            code=new_code, n=len(codes)), "info")
                else:
                    flash(_("บทอ่านไม่เปลี่ยน"), "info")
                return redirect(url_for("bank_edit.edit_passage", code=new_code))
    with read_session() as session:
        try:
            page = browse.passage_page(session, actor, code)
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            raise
    if request.method == "GET":
        title, stimulus, media = page.latest.title, page.latest.stimulus, list(page.latest.media)
    return render_template("bank_edit/passage.html", page=page, title=title, stimulus=stimulus, media=media,
                           problems=problems), 422 if problems else 200


# -- the review queue and IOC entry -----------------------------------------------------------------


@bp.get("/review")
@requires("item.return")
def review_queue():
    """ตรวจทานข้อสอบ: the versions waiting for review; experts rate +1 / 0 / −1 here, reviewers
    approve or return with a comment."""
    actor = acting()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    area = request.args.get("learning_area", "")
    with read_session() as session:
        queue = browse.review_queue(session, actor, page=page, per_page=REVIEW_PAGE_SIZE,
                                    learning_area=area if area in AREA_LETTERS else None)
        names = browse.display_names(session, [n for e in queue.entries for n, _r in e.ioc.ratings]
                                     + [e.version.author_name or "" for e in queue.entries])
        duplicates = review_duplicates(session, actor, [e.version.id for e in queue.entries])
    return render_template(
        "bank_edit/review.html", queue=queue, names=names, duplicates=duplicates, ioc_labels=IOC_LABELS, area=area,
        areas=AREA_LETTERS,
        area_names=AREA_NAMES_TH, min_ioc=DEFAULT_MIN_IOC,
        may_rate=actor.may("item.rate_ioc"), may_approve=actor.may("item.approve"), may_return=actor.may("item.return"),
        me=actor.username)


@bp.post("/review/ioc")
@requires("item.rate_ioc")
def save_ioc():
    """Store the expert's ratings of every item on the page at once (the same store as the XLSX form)."""
    ratings: dict[int, tuple[int, str]] = {}
    for name, value in request.form.items():
        if not name.startswith("rating-") or value == "":
            continue
        try:
            version_id, rating = int(name.removeprefix("rating-")), int(value)
        except ValueError:
            flash(_("ค่าความสอดคล้องต้องเป็น +1, 0 หรือ −1"), "error")
            return redirect(url_for("bank_edit.review_queue"))
        ratings[version_id] = (rating, request.form.get(f"comment-{version_id}", "").strip()[:1000])
    if not ratings:
        flash(_("ยังไม่ได้เลือกคะแนนความสอดคล้องของข้อใด"), "error")
        return redirect(url_for("bank_edit.review_queue"))
    with write_session() as session:
        try:
            rate_ioc_many(session, acting(), ratings)
        except ItemBankError as e:
            if e.kind == "forbidden":
                raise
            for m in _messages(e):
                flash(m, "error")
            return redirect(url_for("bank_edit.review_queue"))
    flash(_("บันทึกคะแนนความสอดคล้อง (IOC) %(n)s ข้อแล้ว", n=len(ratings)), "info")
    return redirect(url_for("bank_edit.review_queue", page=request.form.get("page", 1, type=int)))


@bp.post("/review/decide")
@requires("item.return")
def decide():
    """อนุมัติ or ส่งกลับไปแก้ไข one version (approving needs item.approve and enough IOC)."""
    code = request.form.get("code", "").strip()
    number = request.form.get("number", type=int)
    step = request.form.get("step", "")
    if step not in ("approve", "return") or not code or number is None:
        abort(400)
    with write_session() as session:
        try:
            service.review_item(session, acting(), code, step, number=number,
                                comment=request.form.get("comment", "").strip()[:2000])
        except ItemBankError as e:
            if e.kind == "not_found":
                abort(404)
            if e.kind == "forbidden":
                raise
            flash(e.text(_locale()), "error")
            return redirect(url_for("bank_edit.review_queue"))
    flash(_("อนุมัติ %(code)s ฉบับที่ %(n)s แล้ว", code=code, n=number) if step == "approve"
          else _("ส่ง %(code)s ฉบับที่ %(n)s กลับไปแก้ไขแล้ว", code=code, n=number), "info")
    return redirect(url_for("bank_edit.review_queue"))
