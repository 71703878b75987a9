"""Frozen forms → the plain data `exports` renders (booklets, keys, answer sheets).

Lives in `web` because it reads the store (testgen, itembank) and feeds `exports`, which never
opens the database.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlmodel import Session

from exports.data import THAI_OPTION_LETTERS, AnswerKey, AnswerSheetSpec, Booklet, BookletItem, Media, Passage
from itembank.authz import Actor, authorize
from itembank.curriculum import AREA_NAMES_TH
from itembank.models import ItemSet
from itembank.models import Media as MediaRow
from testgen.errors import TestGenError
from testgen.forms import form_variants, form_versions, get_form
from testgen.models import Form, FormVariant

DEFAULT_INSTRUCTIONS = (
    "แบบทดสอบฉบับนี้เป็นแบบเลือกตอบ ให้เลือกคำตอบที่ถูกต้องที่สุดเพียงคำตอบเดียว",
    "ใช้ดินสอดำระบายวงกลมในกระดาษคำตอบให้เต็มวง ถ้าต้องการเปลี่ยนคำตอบให้ลบให้สะอาด",
    "ห้ามขีดเขียนหรือทำเครื่องหมายใด ๆ ลงในแบบทดสอบ",
)


def _variant(session: Session, form: Form, label: str | None) -> FormVariant | None:
    variants = form_variants(session, form)
    if label is None:
        return None
    for v in variants:
        if v.label == label:
            return v
    known = ", ".join(v.label for v in variants) or "ยังไม่มีชุดสลับข้อ (khlang forms variants)"
    raise TestGenError("variant.not_found", kind="not_found",
                       message_th=f"ฉบับ {form.code} ไม่มีชุด {label} (มี: {known})",
                       message_en=f"form {form.code} has no variant {label}")


def _media(session: Session, refs: list[str]) -> Media | None:
    for ref in refs:
        row = session.get(MediaRow, ref)
        if row is not None and row.mime in ("image/png", "image/jpeg", "image/svg+xml"):
            return Media(bytes(row.data), row.mime, row.filename)
    return None


def booklet_for(session: Session, actor: Actor, form_code: str, variant: str | None = None, *,
                exam_date: dt.date | None = None, district: str = "", academic_year: str = "",
                title: str | None = None, administration: str = "") -> Booklet:
    """The booklet of `variant` (None: the form's own order) of a frozen form, options in variant order."""
    form = get_form(session, actor, form_code)
    authorize(actor, form, "form.render")
    rows = form_versions(session, form)
    var = _variant(session, form, variant)
    order = list(var.order) if var else list(range(len(rows)))
    set_rows = {s.id: s for s in session.scalars(select(ItemSet).where(
        ItemSet.id.in_({v.set_id for _, v, _ in rows if v.set_id})))}
    indicators = _indicators(session, [v.id for _, v, _ in rows])
    items, passages = [], {}
    for p, q in enumerate(order):
        fi, v, code = rows[q]
        option_texts = [o.get("text", "") for o in v.options] if v.type in ("multiple_choice", "true_false") else []
        key = None
        if option_texts:
            omap = var.option_maps[p] if var else list(range(len(option_texts)))
            option_texts = [option_texts[f] for f in omap]
            keys = var.key[p] if var else [i for i, o in enumerate(v.options) if o.get("label") in v.key]
            key = (keys[0] + 1) if keys else None
        if v.type == "true_false" and not option_texts:
            option_texts, key = ["ถูก", "ผิด"], (1 if "true" in v.key else 2)
        passage_id = None
        if v.set_id and v.set_id in set_rows:
            s = set_rows[v.set_id]
            passage_id = s.code
            passages.setdefault(s.code, Passage(s.code, s.title, s.stimulus, _media(session, list(s.media))))
        stem = v.stem
        if v.type == "matching" and v.options:
            stem += "<br>" + "<br>".join(f"{o.get('label')}. {o.get('text', '')}" for o in v.options)
        items.append(BookletItem(
            item_id=code, stem=stem, options=tuple(option_texts), key=key, points=float(v.score_points),
            passage_id=passage_id, media=_media(session, list(v.media)),
            indicator=", ".join(indicators.get(v.id, ())),
            answer_lines=0 if option_texts else (8 if v.type == "constructed_response" else 2),
            rubric=tuple((float(r.get("points", 0)), str(r.get("description", ""))) for r in v.rubric)))
    area = AREA_NAMES_TH.get(form.learning_area or "", "") if form.learning_area else "หลายกลุ่มสาระ"
    return Booklet(
        form_code=form.code, variant=var.label if var else "", title=title or form.title, learning_area=area,
        grade=form.grade or "", exam_date=exam_date or dt.date.today(), minutes=form.time_minutes or 60,
        district=district, items=tuple(items), passages=tuple(passages.values()), academic_year=academic_year,
        instructions=DEFAULT_INSTRUCTIONS, administration=administration)


def _indicators(session: Session, version_ids: list[int]) -> dict[int, list[str]]:
    """Indicator codes of every version, in one query."""
    from itembank.models import ItemVersionIndicator

    out: dict[int, list[str]] = {}
    for vid, code in session.execute(select(ItemVersionIndicator.version_id, ItemVersionIndicator.code)
                                     .where(ItemVersionIndicator.version_id.in_(version_ids))
                                     .order_by(ItemVersionIndicator.code)):
        out.setdefault(vid, []).append(code)
    return out


def answer_key_for(session: Session, actor: Actor, form_code: str, variant: str | None = None) -> AnswerKey:
    return AnswerKey.from_booklet(booklet_for(session, actor, form_code, variant))


def answer_sheet_for(session: Session, actor: Actor, form_code: str, *, administration: str = "",
                     school: str = "") -> AnswerSheetSpec:
    """The answer sheet of a form: as many rows as items, the largest option count, its variants."""
    form = get_form(session, actor, form_code)
    rows = form_versions(session, form)
    n_options = max([len(v.options) for _, v, _ in rows if v.type == "multiple_choice"] + [4])
    variants = tuple(v.label for v in form_variants(session, form)) or ("A",)
    grade = form.grade or "ป.6"
    classes = tuple(f"{grade[:2]}{i}" for i in range(1, 7)) if grade.startswith(("ป.", "ม.")) else ("ป.6",)
    return AnswerSheetSpec(administration=administration or form.code, form_code=form.code, n_items=len(rows),
                           options=THAI_OPTION_LETTERS[:min(n_options, 6)], variants=variants[:6], classes=classes,
                           school=school)
