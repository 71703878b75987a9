"""The printable visit record: a stored visit turned into :class:`exports.data.VisitRecord`.

Laid out like the reference forms (supervision.md §2, §3): ตอนที่ 1 ข้อมูลทั่วไป, ตอนที่ 2 the rating
table with each domain's mean and รวมเฉลี่ยทุกด้าน, ตอนที่ 3 the narrative and suggestions, then the
signature lines of the supervisee and the supervisor. The web command hands it to exports.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from exports.data import RatedDomain, RatedItem, SignatureLine, VisitRecord
from itembank.authz import Actor
from itembank.curriculum.codes import IndicatorCode
from itembank.errors import ItemBankError
from itembank.schools import School
from supervision.forms import load_form
from supervision.models import Recommendation
from supervision.standards import qa_codes
from supervision.visits import STATUS_TH, get_visit


def _indicator_name(code: str) -> str:
    try:
        from itembank.curriculum.curriculum import (
            load_curriculum,  # the shipped curriculum, if it knows the code
        )

        return load_curriculum().indicator(IndicatorCode.parse(code)).text
    except (ImportError, ItemBankError, AttributeError, KeyError, TypeError):
        return ""


def visit_record(session: Session, actor: Actor, visit_id: int, district: str = "") -> VisitRecord:
    """The record of one visit as printed (PDF/DOCX), for whoever may read the visit."""
    v = get_visit(session, actor, visit_id)
    form = load_form(session, v.form_code)
    school = session.get(School, v.school_id)
    facts = [
        (f"{form.supervisee_label} (ชื่อ-นามสกุล)", v.teacher_name),
        ("ตำแหน่ง", v.teacher_position),
        ("กลุ่มสาระการเรียนรู้/วิชา", " / ".join(x for x in (v.learning_area, v.subject) if x)),
        ("เรื่องที่สอน", v.topic),
        ("ระดับชั้น", v.grade),
        ("นิเทศครั้งที่", str(v.visit_no)),
        ("วันที่", v.visited_on),
        ("คาบที่/เวลา", v.period),
        (f"{form.visitor_label} (ชื่อ-นามสกุล)", v.supervisor_name),
    ]
    domains = tuple(
        RatedDomain(d.title, tuple(RatedItem(i.code, i.text, v.ratings.get(i.code)) for i in d.items),
                    v.domain_means.get(d.code), form.interpret(v.domain_means.get(d.code)))
        for d in form.domains
    )
    names = qa_codes()
    links = tuple((c, _indicator_name(c)) for c in v.indicator_codes) + tuple(
        (f"มาตรฐาน {c}", names.get(c, "")) for c in v.qa_codes)
    recs = session.scalars(select(Recommendation).where(Recommendation.visit_id == v.id).order_by(Recommendation.id))
    return VisitRecord(
        title=form.title_th, district=district, school=school.name_th, school_code=school.code,
        term_line=f"ภาคเรียนที่ {v.term} ปีการศึกษา {v.academic_year}",
        facts=tuple((k, val) for k, val in facts if val), scale=form.scale, domains=domains,
        overall_mean=v.overall_mean, interpretation=form.interpret(v.overall_mean),
        bands=tuple((b.min, b.max, b.label) for b in form.bands),
        narrative=tuple((text, v.narrative.get(code, "")) for code, text in form.prompts),
        suggestions_label=form.suggestions_label, suggestions=v.suggestions, links=links,
        recommendations=tuple((r.text, r.due_on, STATUS_TH[r.status])
                              for r in recs),
        signatures=(SignatureLine(form.supervisee_label, v.teacher_name, v.teacher_position),
                    SignatureLine(form.visitor_label, v.supervisor_name, v.supervisor_position, v.visited_on)),
        visited_on=v.visited_on, reference=f"{school.code}-{v.academic_year}-{v.id}",
    )
