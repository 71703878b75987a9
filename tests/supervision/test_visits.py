"""Visits: ratings on data-driven forms, means and their Thai reading, assignment, recommendations, follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from supervision_helpers import CODES, YEAR, classroom_draft

from itembank.errors import KhlangError
from supervision.forms import list_forms, load_form, parse_form, rate, save_form
from supervision.models import Recommendation, Visit
from supervision.reference_forms import CLASSROOM_VISIT, LEARNING_MANAGEMENT
from supervision.visits import (
    acknowledge_visit,
    list_recommendations,
    list_visits,
    record_visit,
    update_recommendation,
)


def test_reference_forms_have_the_items_of_the_reference():
    classroom, lm = parse_form(CLASSROOM_VISIT), parse_form(LEARNING_MANAGEMENT)
    assert len(classroom.items) == 10 and len(lm.items) == 25
    assert [len(d.items) for d in lm.domains] == [5, 9, 5, 6] and len(lm.prompts) == 4


@pytest.mark.parametrize(("mean", "label"), [(4.51, "ปฏิบัติได้ระดับดีมาก"), (4.505, "ปฏิบัติได้ระดับดีมาก"),
                                             (4.50, "ปฏิบัติได้ระดับดี"), (3.51, "ปฏิบัติได้ระดับดี"),
                                             (2.6, "ปฏิบัติได้ระดับปานกลาง"), (1.5, "ควรปรับปรุงแก้ไข"),
                                             (1.0, "ควรปรับปรุงแก้ไข"), (5.0, "ปฏิบัติได้ระดับดีมาก")])
def test_classroom_mean_is_read_against_the_bands_at_two_decimals(mean, label):
    assert parse_form(CLASSROOM_VISIT).interpret(mean) == label


def test_domain_and_overall_means_of_learning_management():
    form = parse_form(LEARNING_MANAGEMENT)
    scores = {i.code: (5 if i.domain == "D1" else 3) for i in form.items}
    rated = rate(form, scores)
    assert rated.domain_means == {"D1": 5.0, "D2": 3.0, "D3": 3.0, "D4": 3.0}
    assert rated.overall_mean == pytest.approx((5 * 5 + 20 * 3) / 25)  # every item, not the mean of domains
    assert rated.overall_mean == 3.4 and form.interpret(rated.overall_mean) == "ปานกลาง"


def test_scores_typed_in_thai_digits_count():
    form = parse_form(CLASSROOM_VISIT)
    assert rate(form, {str(k): "๔" for k in range(1, 11)}).overall_mean == 4.0


def test_score_outside_the_scale_and_missing_items_are_refused_in_thai():
    form = parse_form(CLASSROOM_VISIT)
    with pytest.raises(KhlangError) as e:
        rate(form, {**{str(k): 4 for k in range(1, 10)}, "1": 6, "11": 3})
    text = e.value.text("th")
    assert "ข้อ 1" in text and "นอกมาตราประเมิน" in text and "ข้อ 10" in text and "ไม่มีข้อ 11" in text


def test_an_office_adds_its_own_form_without_code(session, district):
    own = {"code": "reading_check", "title_th": "แบบนิเทศการอ่าน", "kind": "reading",
           "scale": [{"score": 3, "label": "ดี"}, {"score": 2, "label": "พอใช้"}, {"score": 1, "label": "ปรับปรุง"}],
           "bands": [{"min": 2.51, "max": 3, "label": "ดี"}, {"min": 1.51, "max": 2.5, "label": "พอใช้"},
                     {"min": 1, "max": 1.5, "label": "ปรับปรุง"}],
           "domains": [{"code": "R", "title": "การอ่าน", "items": [{"code": "r1", "text": "อ่านออกเสียงถูกต้อง"},
                                                                  {"code": "r2", "text": "อ่านจับใจความได้"}]}]}
    save_form(session, district["qa"], own)
    assert [f.code for f in list_forms(session, district["sup"])][-1] == "reading_check"
    v = record_visit(session, district["sup"], classroom_draft(form_code="reading_check", ratings={"r1": 3, "r2": 2},
                                                               indicator_codes=(), recommendations=()))
    assert v.overall_mean == 2.5 and v.interpretation == "พอใช้"
    with pytest.raises(KhlangError) as e:
        save_form(session, district["qa"], {**own, "bands": own["bands"][:1]})
    assert "ครอบคลุม" in e.value.text("th")


def test_supervisor_logs_a_visit_with_means_links_and_a_recommendation(session, district):
    v = record_visit(session, district["sup"], classroom_draft())
    assert v.overall_mean == pytest.approx(4.3) and v.interpretation == "ปฏิบัติได้ระดับดี"
    assert v.domain_means == {"D1": pytest.approx(4.3)}
    stored = session.get(Visit, v.id)
    assert stored.indicator_codes == ["ค 1.1 ป.4/2"] and stored.qa_codes == ["3.4"]
    assert [r.status for r in v.recommendations] == ["open"]


def test_visit_to_a_school_not_assigned_to_the_supervisor_is_refused_and_nothing_stored(session, district):
    with pytest.raises(KhlangError) as e:
        record_visit(session, district["sup"], classroom_draft(school_code=CODES[1]))
    assert e.value.kind == "forbidden" and "ไม่อยู่ในแผนการนิเทศ" in e.value.text("th")
    assert session.scalar(select(func.count()).select_from(Visit)) == 0
    # a network in the plan assigns every school of the network
    assert record_visit(session, district["sup"], classroom_draft(school_code=CODES[3])).school_code == CODES[3]


def test_bad_links_are_refused_with_every_problem(session, district):
    with pytest.raises(KhlangError) as e:
        record_visit(session, district["sup"], classroom_draft(indicator_codes=("ค 9",), qa_codes=("4.1",),
                                                               scores=(5, 4, 4, 5, 3, 4, 5, 4, 4, 9)))
    assert len(e.value.problems) == 3 and "4.1" in e.value.text("th")
    assert session.scalar(select(func.count()).select_from(Visit)) == 0


def test_recommendation_workflow_and_follow_up_closes_it(session, district):
    first = record_visit(session, district["sup"], classroom_draft())
    rec = first.recommendations[0]
    assert update_recommendation(session, district["school_a"], rec.id, "in_progress").status == "in_progress"
    with pytest.raises(KhlangError) as e:  # a school does not verify its own work
        update_recommendation(session, district["school_a"], rec.id, "verified")
    assert e.value.kind == "forbidden"
    with pytest.raises(KhlangError):  # another school cannot touch it
        update_recommendation(session, district["school_b"], rec.id, "done")
    follow = record_visit(session, district["sup"], classroom_draft(
        visited_on=dt.date(2026, 9, 10), visit_no=2, follow_up_of=first.id, closes=(rec.id,), recommendations=()))
    assert follow.closed == (rec.id,)
    closed = session.get(Recommendation, rec.id)
    assert closed.status == "verified" and closed.closed_by_visit_id == follow.id
    with pytest.raises(KhlangError) as e:
        update_recommendation(session, district["sup"], rec.id, "open")
    assert e.value.kind == "conflict"


def test_follow_up_closing_a_recommendation_of_another_school_is_refused(session, district):
    other = record_visit(session, district["sup"], classroom_draft(school_code=CODES[2]))
    with pytest.raises(KhlangError) as e:
        record_visit(session, district["sup"], classroom_draft(closes=(other.recommendations[0].id,),
                                                               recommendations=()))
    assert "โรงเรียนอื่น" in e.value.text("th") and e.value.kind == "conflict"
    assert session.scalar(select(func.count()).select_from(Visit)) == 1
    assert session.get(Recommendation, other.recommendations[0].id).status == "open"


def test_school_sees_and_acknowledges_only_its_own_visits(session, district):
    a = record_visit(session, district["sup"], classroom_draft())
    record_visit(session, district["sup"], classroom_draft(school_code=CODES[2]))
    assert [v.school_code for v in list_visits(session, district["school_a"], academic_year=YEAR)] == [CODES[0]]
    assert len(list_recommendations(session, district["school_a"])) == 1
    assert acknowledge_visit(session, district["school_a"], a.id).acknowledged
    with pytest.raises(KhlangError):
        acknowledge_visit(session, district["school_b"], a.id)
    # the other supervisor sees neither (their plan names school B only)
    assert list_visits(session, district["sup2"]) == []
    assert len(list_visits(session, district["qa"])) == 2


def test_reading_a_form_writes_nothing_and_seeding_is_once(session, district):
    from supervision.forms import seed_reference_forms
    from supervision.models import SupervisionForm

    before = session.scalar(select(func.count()).select_from(SupervisionForm))
    assert load_form(session, "learning_management").code == "learning_management"
    load_form(session, "classroom_visit")
    session.commit()
    assert session.scalar(select(func.count()).select_from(SupervisionForm)) == before   # a read writes nothing
    seed_reference_forms(session)
    assert seed_reference_forms(session) == 0                                           # the second seed adds none
    session.commit()
    assert session.scalar(select(func.count()).select_from(SupervisionForm)) == 3


def test_a_school_reads_its_own_plan_lines_and_a_supervisor_only_assigned_visits(session, district):
    from supervision.plans import plan_entries
    from supervision.records import visit_record

    topics = {e.topic for e in plan_entries(session, district["school_a"], YEAR)}
    assert topics == {"การจัดการเรียนรู้เชิงรุก"}  # not school B's line, not network N2's
    v = record_visit(session, district["sup"], classroom_draft())
    assert visit_record(session, district["sup"], v.id).school_code == CODES[0]
    with pytest.raises(KhlangError) as e:
        visit_record(session, district["sup2"], v.id)
    assert e.value.kind == "forbidden"
