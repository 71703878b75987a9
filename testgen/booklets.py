"""แบบทดสอบ เฉลย กระดาษคำตอบ (booklets, keys, answer sheets): the data of a frozen form's documents.

Each service takes a Session and an Actor, checks ``form.render`` on the form, and returns the plain
dataclasses of :mod:`exports.data`; :func:`exports.render.render` turns them into PDF, DOCX or CSV.
Nothing here renders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlmodel import Session

from exports.data import THAI_OPTION_LETTERS, AnswerKey, AnswerSheetSpec, Booklet, BookletItem, Media, Passage
from itembank.authz import Actor, authorize
from itembank.curriculum import AREA_NAMES_TH
from itembank.media import media_by_sha256
from itembank.models import ItemSet, ItemVersion
from itembank.models import Media as MediaRow
from itembank.schools import get_school
from itembank.service import indicator_codes, sets_by_id
from testgen.errors import TestGenError
from testgen.forms import form_variants, form_versions, get_form, version_answer
from testgen.models import Form, FormVariant
from testgen.variants import variant_answer

#: None: the renderer writes the instructions from the booklet's own items (exports.booklet.cover_instructions)
DEFAULT_INSTRUCTIONS: tuple[str, ...] = ()
PRINTABLE_MIME = ("image/png", "image/jpeg", "image/svg+xml")


def build_booklet(session: Session, actor: Actor, form_code: str, variant: str | None = None, *,
                  school: str | None = None, exam_date: dt.date | None = None, district: str = "",
                  academic_year: str = "", title: str | None = None, administration: str = "") -> Booklet:
    """The booklet of `variant` (None: the form's own order) of a frozen form, options in variant order.

    `school` is the 10-digit code of the school whose copy this is; None for the district master.
    `exam_date` and `academic_year` come from the administration (or the caller's options), never from
    the clock: without them the cover leaves the date to be filled in and derives no year.
    """
    form = _form_to_render(session, actor, form_code)
    stamp = get_school(session, actor, school) if school else None
    rows = form_versions(session, form)
    var = _variant(session, form, variant)
    order = list(var.order) if var else list(range(len(rows)))
    versions = [v for _, v, _ in rows]
    sets = sets_by_id(session, [v.set_id for v in versions if v.set_id])
    pictures = _pictures(session, [*versions, *sets.values()])
    indicators = indicator_codes(session, [v.id for v in versions])
    items, passages = [], {}
    for p, q in enumerate(order):
        _, v, code = rows[q]
        passage_id = None
        if v.set_id in sets:
            s = sets[v.set_id]
            passage_id = s.code
            passages.setdefault(s.code, Passage(s.code, s.title, s.stimulus, _first_picture(pictures, s.media)))
        items.append(_booklet_item(v, code, var, p, passage_id, _first_picture(pictures, v.media),
                                   indicators.get(v.id, ())))
    area = AREA_NAMES_TH.get(form.learning_area or "", "") if form.learning_area else "หลายกลุ่มสาระ"
    return Booklet(
        form_code=form.code, variant=var.label if var else "", title=title or form.title, learning_area=area,
        grade=form.grade or "", exam_date=exam_date, minutes=form.time_minutes or 60,
        district=district, items=tuple(items), passages=tuple(passages.values()), academic_year=academic_year,
        instructions=DEFAULT_INSTRUCTIONS, administration=administration,
        school=stamp.name_th.removeprefix("โรงเรียน") if stamp else "", school_code=stamp.code if stamp else "")


def build_answer_key(session: Session, actor: Actor, form_code: str, variant: str | None = None) -> AnswerKey:
    """The key of `variant` (None: the form's own order): one entry per item, letters in variant order."""
    return AnswerKey.from_booklet(build_booklet(session, actor, form_code, variant))


def build_answer_sheet(session: Session, actor: Actor, form_code: str, *, administration: str = "",
                       school: str = "") -> AnswerSheetSpec:
    """The answer sheet of a form: as many rows as items, the largest option count, its variants."""
    form = _form_to_render(session, actor, form_code)
    rows = form_versions(session, form)
    n_options = max([len(v.options) for _, v, _ in rows if v.type == "multiple_choice"] + [4])
    stored = form_variants(session, form)
    variants = tuple(v.label for v in stored) or ("A",)
    several_form = [q for q, (_, v, _) in enumerate(rows) if (k := version_answer(v)) is not None
                    and k.kind == "several"]
    several = tuple((var.label, tuple(sorted(p + 1 for p, q in enumerate(var.order) if q in several_form)))
                    for var in stored) if stored else (("A", tuple(q + 1 for q in several_form)),)
    grade = form.grade or "ป.6"
    classes = (grade,)  # only the form's own grade: a sheet offers no class the form is not for
    return AnswerSheetSpec(administration=administration or form.code, form_code=form.code, n_items=len(rows),
                           options=THAI_OPTION_LETTERS[:min(n_options, 6)], variants=variants[:6], classes=classes,
                           school=school, several=tuple((v, ns) for v, ns in several if ns))


def _form_to_render(session: Session, actor: Actor, form_code: str) -> Form:
    form = get_form(session, actor, form_code)
    authorize(actor, form, "form.render")
    return form


def _variant(session: Session, form: Form, label: str | None) -> FormVariant | None:
    if label is None:
        return None
    variants = form_variants(session, form)
    for v in variants:
        if v.label == label:
            return v
    known = ", ".join(v.label for v in variants) or "ยังไม่มีชุดสลับข้อ (khlang forms variants)"
    raise TestGenError("variant.not_found", kind="not_found",
                       message_th=f"ฉบับ {form.code} ไม่มีชุด {label} (มี: {known})",
                       message_en=f"form {form.code} has no variant {label}")


def _booklet_item(v: ItemVersion, code: str, var: FormVariant | None, position: int, passage_id: str | None,
                  media: Media | None, indicators: Iterable[str]) -> BookletItem:
    """One item as printed at `position` of the variant: options permuted, its whole key in that order."""
    option_texts = [o.get("text", "") for o in v.options] if v.type in ("multiple_choice", "true_false") else []
    answer = version_answer(v)
    omap: list[int] = []
    if option_texts:
        omap = list(var.option_maps[position]) if var else list(range(len(option_texts)))
        option_texts = [option_texts[f] for f in omap]
    if v.type == "true_false" and not option_texts:
        option_texts = ["ถูก", "ผิด"]
        omap = list(var.option_maps[position]) if var and var.option_maps[position] else [0, 1]
    if answer is not None and omap:
        answer = variant_answer(answer, omap)
    key = answer.options[0] + 1 if answer is not None and answer.is_choice else None
    stem = v.stem
    if v.type == "matching" and v.options:
        stem += "<br>" + "<br>".join(f"{o.get('label')}. {o.get('text', '')}" for o in v.options)
    return BookletItem(
        item_id=code, stem=stem, options=tuple(option_texts), key=key, points=float(v.score_points),
        passage_id=passage_id, media=media, indicator=", ".join(indicators),
        answer_lines=0 if option_texts else (8 if v.type == "constructed_response" else 2),
        rubric=tuple((float(r.get("points", 0)), str(r.get("description", ""))) for r in v.rubric),
        answer=answer)


def _pictures(session: Session, holders: Iterable[ItemVersion | ItemSet]) -> dict[str, MediaRow]:
    """Every printable picture the versions and passages refer to, in one query."""
    found = media_by_sha256(session, [ref for h in holders for ref in h.media])
    return {sha: row for sha, row in found.items() if row.mime in PRINTABLE_MIME}


def _first_picture(pictures: dict[str, MediaRow], refs: Iterable[str]) -> Media | None:
    for ref in refs:
        row = pictures.get(ref)
        if row is not None:
            return Media(bytes(row.data), row.mime, row.filename)
    return None
