"""/api/v1 of supervision and QA per role: plans, visits (record, read, acknowledge), recommendations, the QA summary."""

from __future__ import annotations

import pytest
from signin import csrf_token, make_account, sign_in

from itembank.authz import Actor
from itembank.schools import SchoolBase, add_schools
from supervision.plans import PlanEntryDraft, add_plan_entries
from web.store_ext import get_store

A, B = "1029020001", "1029020002"


@pytest.fixture
def setup(app):
    with get_store(app).session() as s:
        ids = add_schools(s, Actor.system(), [SchoolBase(code=A, name_th="โรงเรียนบ้านหนองบัว", network="N1"),
                                              SchoolBase(code=B, name_th="โรงเรียนบ้านโคกสูง", network="N2")])
    sup = make_account(app, "supervisor")
    with get_store(app).session() as s:
        add_plan_entries(s, Actor.system(), 2569, [PlanEntryDraft("การอ่าน", 7, school_code=A, supervisor_id=sup.id,
                                                                  supervisor_name="นางรุ่งนภา")])
    return ids, sup


def _client(app, user):
    c = app.test_client()
    sign_in(c, user.username)
    c.token = csrf_token(c, "/account/password")
    return c


def _post(c, url, json):
    return c.post(url, json=json, headers={"X-CSRFToken": c.token})


VISIT = {"school_code": A, "academic_year": 2569, "form_code": "classroom_visit", "visited_on": "2026-07-15",
         "ratings": {str(k): 5 for k in range(1, 11)}, "teacher_name": "นางสาวสุภาพร ใจงาม",
         "recommendations": [{"text": "จัดทำแบบประเมินระหว่างเรียน", "due_on": "2027-08-31"}]}


def test_a_supervisor_records_a_visit_and_the_school_acknowledges_it(app, setup):
    ids, sup_user = setup
    sup = _client(app, sup_user)
    r = _post(sup, "/api/v1/supervision/visits", VISIT)
    assert r.status_code == 201, r.get_json()
    v = r.get_json()
    assert v["overall_mean"] == 5.0 and v["interpretation"] == "ปฏิบัติได้ระดับดีมาก" and not v["acknowledged"]
    assert v["recommendations"][0]["status"] == "open" and v["recommendations"][0]["status_th"] == "ยังไม่ดำเนินการ"
    r = _post(sup, "/api/v1/supervision/visits", {**VISIT, "ratings": {"1": 9}})
    assert r.status_code == 422 and "นอกมาตราประเมิน" in r.get_json()["error"]
    r = _post(sup, "/api/v1/supervision/visits", {**VISIT, "school_code": B})
    assert r.status_code == 403 and "ไม่อยู่ในแผนการนิเทศ" in r.get_json()["error"]
    page = sup.get("/api/v1/supervision/visits?year=2569").get_json()
    assert page["total"] == 1 and page["items"][0]["id"] == v["id"]

    school = _client(app, make_account(app, "school", school_id=ids[A]))
    other = _client(app, make_account(app, "school", school_id=ids[B]))
    assert school.get(f"/api/v1/supervision/visits/{v['id']}").status_code == 200
    assert other.get(f"/api/v1/supervision/visits/{v['id']}").status_code == 404
    assert other.get("/api/v1/supervision/visits?year=2569").get_json()["total"] == 0
    assert other.get("/api/v1/supervision/recommendations?year=2569").get_json()["total"] == 0
    assert _post(other, f"/api/v1/supervision/visits/{v['id']}/acknowledge", {}).status_code == 404
    r = _post(school, f"/api/v1/supervision/visits/{v['id']}/acknowledge", {})
    assert r.status_code == 200 and r.get_json()["acknowledged"]
    rec = v["recommendations"][0]["id"]
    assert _post(school, f"/api/v1/supervision/recommendations/{rec}", {"status": "verified"}).status_code == 403
    r = _post(school, f"/api/v1/supervision/recommendations/{rec}", {"status": "done", "note": "ทำแล้ว"})
    assert r.status_code == 200 and r.get_json()["status"] == "done"
    r = _post(school, f"/api/v1/supervision/recommendations/{rec}", {"status": "open"})
    assert r.status_code == 409 and "เปลี่ยนเป็น open ไม่ได้" in r.get_json()["error"]
    r = _post(sup, f"/api/v1/supervision/recommendations/{rec}", {"status": "verified"})
    assert r.status_code == 200 and r.get_json()["status_th"] == "ตรวจสอบแล้ว"
    assert school.get("/api/v1/supervision/recommendations?status=verified&year=2569").get_json()["total"] == 1
    assert school.get("/api/v1/supervision/visits/99999999999").status_code == 404
    r = school.post(f"/api/v1/supervision/recommendations/{rec}", data={"status": "done"},
                    headers={"X-CSRFToken": school.token})
    assert r.status_code == 422 and "ต้องส่งข้อมูลเป็น JSON" in r.get_json()["error"]
    r = sup.post("/api/v1/supervision/visits", data="x", headers={"X-CSRFToken": sup.token})
    assert r.status_code == 422


def test_plans_and_the_qa_summary_are_paged_and_kept_by_role(app, setup):
    ids, sup_user = setup
    sup = _client(app, sup_user)
    plans = sup.get("/api/v1/supervision/plans?year=2569&per_page=1").get_json()
    assert plans["total"] == 1 and plans["n_planned"] == 1 and plans["items"][0]["school_code"] == A
    assert plans["items"][0]["mode_th"] == "โรงเรียนเป็นฐาน"
    qa = _client(app, make_account(app, "qa"))
    summary = qa.get("/api/v1/qa/summary?year=2569&per_page=1").get_json()
    assert summary["n_schools"] == 2 and summary["n_pages"] == 2 and len(summary["items"]) == 1
    assert [s["code"] for s in summary["standards"]] == ["1", "2", "3"]
    school = _client(app, make_account(app, "school", school_id=ids[A]))
    assert school.get("/api/v1/qa/summary").status_code == 403
    assert school.get("/api/v1/supervision/plans?year=2569").get_json()["total"] == 1
    officer = _client(app, make_account(app, "officer"))
    assert _post(officer, "/api/v1/supervision/visits", VISIT).status_code == 403
    assert officer.get("/api/v1/supervision/plans?year=1999").status_code == 422
    assert app.test_client().get("/api/v1/supervision/visits").status_code == 401


def test_the_routes_are_in_the_openapi_document(anon):
    paths = anon.get("/api/v1/openapi.json").get_json()["paths"]
    for p in ("/api/v1/supervision/plans", "/api/v1/supervision/visits", "/api/v1/supervision/visits/{visit_id}",
              "/api/v1/supervision/recommendations", "/api/v1/qa/summary"):
        assert p in paths, p
