"""Supervision and QA pages per role: a supervisor records a visit and its follow-up, a school sees only
its own visits and acknowledges them, the QA officer sees the district summary, the committee report
downloads; refusals in Thai with nothing stored."""

from __future__ import annotations

import pytest
from signin import csrf_token, make_account, sign_in

from itembank.authz import Actor
from itembank.schools import SchoolBase, add_schools
from supervision.plans import PlanEntryDraft, add_plan_entries
from web.store_ext import get_store

A, B, C = "1029020001", "1029020002", "1029020003"


@pytest.fixture
def district(app):
    """Three schools (A, B in network N1; C in N2), a supervisor assigned to N1, accounts for A and C."""
    with get_store(app).session() as s:
        ids = add_schools(s, Actor.system(), [SchoolBase(code=A, name_th="โรงเรียนบ้านหนองบัว", network="N1"),
                                              SchoolBase(code=B, name_th="โรงเรียนบ้านโคกสูง", network="N1"),
                                              SchoolBase(code=C, name_th="โรงเรียนบ้านนาคำ", network="N2")])
    sup = make_account(app, "supervisor")
    with get_store(app).session() as s:
        add_plan_entries(s, Actor.system(), 2569, [PlanEntryDraft("การอ่านออกเขียนได้", 7, network="N1",
                                                                  supervisor_id=sup.id, supervisor_name="นางรุ่งนภา")])
    return {"ids": ids, "sup": sup, "school_a": make_account(app, "school", school_id=ids[A]),
            "school_c": make_account(app, "school", school_id=ids[C])}


def _client(app, user):
    c = app.test_client()
    sign_in(c, user.username)
    return c


def _visit_form(token, school=A, **kw):
    data = {"csrf_token": token, "form_code": "classroom_visit", "school_code": school, "academic_year": "2569",
            "term": "1", "visit_no": "1", "visited_on": "2026-07-15", "teacher_name": "นางสาวสุภาพร ใจงาม",
            "supervisor_name": "นางรุ่งนภา ศรีวิไล", "indicator_codes": "ค 1.1 ป.4/2", "qa_codes": "3.4",
            "rec_text": ["จัดทำแบบประเมินระหว่างเรียน", ""], "rec_due": ["2026-08-31", ""]}
    data.update({f"r-{k}": "4" for k in range(1, 11)})
    data.update(kw)
    return data


def _record(client, **kw) -> int:
    token = csrf_token(client, "/supervision/visits/new?year=2569")
    r = client.post("/supervision/visits", data=_visit_form(token, **kw))
    assert r.status_code == 302, r.get_data(as_text=True)[-3000:]
    return int(r.headers["Location"].rsplit("/", 1)[1])


def test_a_supervisor_records_a_visit_then_a_follow_up_that_closes_its_recommendation(app, district):
    sup = _client(app, district["sup"])
    page = sup.get("/supervision/visits/new?year=2569").get_data(as_text=True)
    assert "แบบการเยี่ยมชั้นเรียน" in page and 'name="r-10"' in page and "โรงเรียนบ้านหนองบัว" in page
    assert "โรงเรียนบ้านนาคำ" not in page  # not assigned to this supervisor
    visit_id = _record(sup)
    page = sup.get(f"/supervision/visits/{visit_id}").get_data(as_text=True)
    assert "4.00" in page and "ปฏิบัติได้ระดับดี" in page and "จัดทำแบบประเมินระหว่างเรียน" in page
    assert "ยังไม่ดำเนินการ" in page and ">open<" not in page
    follow = sup.get(f"/supervision/visits/new?follow_up_of={visit_id}").get_data(as_text=True)
    assert 'name="closes"' in follow and f'name="follow_up_of" value="{visit_id}"' in follow
    rec_id = int(follow.split('name="closes" value="')[1].split('"')[0])
    follow_id = _record(sup, visited_on="2026-09-10", follow_up_of=str(visit_id), closes=[str(rec_id)],
                        rec_text=[""], rec_due=[""])
    page = sup.get(f"/supervision/visits/{follow_id}").get_data(as_text=True)
    assert "ติดตามผลการนิเทศครั้งก่อน" in page
    recs = sup.get("/supervision/recommendations?year=2569").get_data(as_text=True)
    assert "ตรวจสอบแล้ว" in recs
    index = sup.get("/supervision/?year=2569").get_data(as_text=True)
    assert "1/2" in index and "โรงเรียนบ้านโคกสูง" in index  # coverage, and the school not yet visited
    with sup.get(f"/supervision/visits/{visit_id}/record.pdf") as r:
        assert r.status_code == 200 and r.data[:4] == b"%PDF"
    with sup.get(f"/supervision/visits/{visit_id}/record.docx") as r:
        assert r.status_code == 200 and r.data[:2] == b"PK"


def test_bad_visits_are_refused_in_thai_and_nothing_is_stored(app, district):
    sup = _client(app, district["sup"])
    token = csrf_token(sup, "/supervision/visits/new?year=2569")
    r = sup.post("/supervision/visits", data=_visit_form(token, **{"r-1": "7", "r-2": ""}))
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "นอกมาตราประเมิน" in body and "ยังไม่ได้ให้คะแนน" in body
    assert 'value="นางสาวสุภาพร ใจงาม"' in body  # what was typed is kept
    r = sup.post("/supervision/visits", data=_visit_form(token, school=C))
    assert r.status_code == 422 and "ไม่อยู่ในแผนการนิเทศ" in r.get_data(as_text=True)
    r = sup.post("/supervision/visits", data=_visit_form(token, qa_codes="9.9", rec_due=["2026-01-01", ""]))
    body = r.get_data(as_text=True)
    assert r.status_code == 422 and "ไม่มีประเด็นพิจารณา 9.9" in body and "กำหนดเสร็จก่อนวันนิเทศ" in body
    assert "ยังไม่มีการนิเทศ" in sup.get("/supervision/visits?year=2569").get_data(as_text=True)


def test_a_school_sees_only_its_own_visits_and_acknowledges_them(app, district):
    sup = _client(app, district["sup"])
    visit_a = _record(sup)
    visit_b = _record(sup, school=B)
    school = _client(app, district["school_a"])
    page = school.get("/supervision/visits?year=2569").get_data(as_text=True)
    assert f'data-visit="{visit_a}"' in page and f'data-visit="{visit_b}"' not in page
    hidden, missing = school.get(f"/supervision/visits/{visit_b}"), school.get("/supervision/visits/2147483000")
    assert hidden.status_code == missing.status_code == 404
    assert "โรงเรียนบ้านโคกสูง" not in hidden.get_data(as_text=True)
    assert hidden.get_data(as_text=True).split("request")[0] == missing.get_data(as_text=True).split("request")[0]
    assert school.get(f"/supervision/visits/{visit_b}/record.pdf").status_code == 404
    assert school.get("/supervision/visits/99999999999").status_code == 404
    assert "การนิเทศที่รอรับทราบ" in school.get("/supervision/?year=2569").get_data(as_text=True)
    token = csrf_token(school, f"/supervision/visits/{visit_a}")
    assert school.post(f"/supervision/visits/{visit_b}/acknowledge", data={"csrf_token": token}).status_code == 404
    r = school.post(f"/supervision/visits/{visit_a}/acknowledge", data={"csrf_token": token})
    assert r.status_code == 302
    assert "รับทราบแล้ว" in school.get(f"/supervision/visits/{visit_a}").get_data(as_text=True)
    # the school reports progress on its recommendation but cannot verify it
    recs = school.get("/supervision/recommendations?year=2569").get_data(as_text=True)
    rec_id = int(recs.split('data-rec="')[1].split('"')[0])
    assert 'value="verified"' not in recs.split('id="recommendations"')[1]
    r = school.post(f"/supervision/recommendations/{rec_id}", data={"csrf_token": token, "status": "verified"})
    assert r.status_code == 403
    school.post(f"/supervision/recommendations/{rec_id}", data={"csrf_token": token, "status": "done", "note": "ทำแล้ว"})
    assert "ดำเนินการแล้ว" in school.get("/supervision/recommendations?year=2569").get_data(as_text=True)
    other = _client(app, district["school_c"])
    assert other.post(f"/supervision/recommendations/{rec_id}", data={
        "csrf_token": csrf_token(other, "/supervision/"), "status": "in_progress"}).status_code == 404
    assert 'data-rec=' not in other.get("/supervision/recommendations?year=2569").get_data(as_text=True)
    assert other.get(f"/supervision/qa/schools/{A}?year=2569").status_code == 404
    # nothing of the district for a school
    for url in ("/supervision/visits/new", "/supervision/committee", "/supervision/plan?year=2569"):
        assert other.get(url).status_code in (200, 403), url
    assert other.get("/supervision/visits/new").status_code == 403
    assert other.get("/supervision/committee").status_code == 403
    # the supervisor verifies
    sup_page = sup.get("/supervision/recommendations?year=2569").get_data(as_text=True)
    assert 'value="verified"' in sup_page.split('id="recommendations"')[1]
    sup.post(f"/supervision/recommendations/{rec_id}", data={"csrf_token": csrf_token(sup, "/supervision/"),
                                                             "status": "verified"})
    assert "ตรวจสอบแล้ว" in school.get("/supervision/recommendations?year=2569").get_data(as_text=True)


def test_the_qa_officer_imports_sar_levels_and_reads_the_summary(app, district, tmp_path):
    import io

    qa = _client(app, make_account(app, "qa"))
    with qa.get("/supervision/qa/template.xlsx?year=2569") as r:
        assert r.status_code == 200 and r.data[:2] == b"PK"
    csv = "รหัสโรงเรียน,ปีการศึกษา,ประเด็น,ระดับคุณภาพ\n" + "".join(
        f"{code},2569,{std},{lv}\n" for code in (A, B, C) for std, lv in (("1", "ดี"), ("2", "4"), ("3", "2")))
    token = csrf_token(qa, "/supervision/qa?year=2569")
    r = qa.post("/supervision/qa/import?year=2569", data={"csrf_token": token, "file": (io.BytesIO(csv.encode()), "sar.csv"),
                                                          "source": "sar"}, content_type="multipart/form-data")
    assert r.status_code == 302
    page = qa.get("/supervision/qa?year=2569").get_data(as_text=True)
    assert "เพิ่ม 9 ปรับปรุง 0 ไม่เปลี่ยนแปลง 0" in page and "3/3" in page and "ต่ำกว่าเป้าหมาย" in page
    assert "โรงเรียนบ้านนาคำ: มาตรฐานที่ 3 ระดับปานกลาง" in page
    bad = "รหัสโรงเรียน,ปีการศึกษา,ประเด็น,ระดับคุณภาพ\n9999999999,2569,1,ดี\n"
    qa.post("/supervision/qa/import?year=2569", data={"csrf_token": token, "file": (io.BytesIO(bad.encode()), "bad.csv")},
            content_type="multipart/form-data")
    assert "ไม่พบโรงเรียนรหัส 9999999999" in qa.get("/supervision/qa?year=2569").get_data(as_text=True)
    school = _client(app, district["school_a"])
    r = school.get("/supervision/qa?year=2569")
    assert r.status_code == 302 and f"/supervision/qa/schools/{A}" in r.headers["Location"]
    assert "ระดับคุณภาพ" in school.get(r.headers["Location"]).get_data(as_text=True)
    secretary = _client(app, make_account(app, "secretary"))      # the committee's secretary reads the district
    page = secretary.get("/supervision/qa?year=2569").get_data(as_text=True)
    assert "โรงเรียนบ้านนาคำ: มาตรฐานที่ 3 ระดับปานกลาง" in page and "/supervision/qa/import" not in page
    assert secretary.post("/supervision/qa/import", data={"csrf_token": csrf_token(secretary, "/supervision/")}
                          ).status_code == 403
    sup = _client(app, district["sup"])
    assert sup.post("/supervision/qa/import", data={"csrf_token": csrf_token(sup, "/supervision/")}).status_code == 403


def test_the_committee_report_downloads_and_its_notes_are_saved(app, district):
    sup = _client(app, district["sup"])
    _record(sup)
    qa = _client(app, make_account(app, "qa"))
    token = csrf_token(qa, "/supervision/committee?year=2569")
    r = qa.post("/supervision/committee?year=2569", data={
        "csrf_token": token, "academic_year": "2569", "recommendations": "เร่งพัฒนาการอ่าน\nส่งเสริมการนิเทศภายใน",
        "gp_school": ["โรงเรียนบ้านหนองบัว"], "gp_title": ["ห้องเรียนคุณภาพ"], "gp_text": ["ชุมชนการเรียนรู้"],
        "off": ["results"], "meeting_on": "2027-03-20"})
    assert r.status_code == 302
    page = qa.get("/supervision/committee?year=2569").get_data(as_text=True)
    assert "เร่งพัฒนาการอ่าน" in page and "ห้องเรียนคุณภาพ" in page and "(ปิดไว้)" in page
    with qa.get("/supervision/committee/2569.docx") as r:
        assert r.status_code == 200 and r.data[:2] == b"PK"
    with sup.get("/supervision/committee/2569.pdf") as r:
        assert r.status_code == 200 and r.data[:4] == b"%PDF"
    assert sup.post("/supervision/committee", data={"csrf_token": csrf_token(sup, "/supervision/")}).status_code == 403


@pytest.mark.parametrize("role", ["officer", "analyst", "admin"])
def test_district_roles_read_and_anonymous_is_sent_to_sign_in(app, district, anon, role):
    client = _client(app, make_account(app, role))
    for url in ("/supervision/", "/supervision/visits", "/supervision/recommendations", "/supervision/plan",
                "/supervision/qa", "/supervision/committee"):
        assert client.get(url).status_code == 200, url
    assert anon.get("/supervision/").status_code == 302


def test_the_committee_report_renders_as_a_job_and_is_listed_for_download(db_url, session, tmp_path):
    from web import create_app

    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "JOBS_BACKEND": "immediate"},
                     instance_path=str(tmp_path / "instance"))
    try:
        qa = _client(app, make_account(app, "qa"))
        token = csrf_token(qa, "/supervision/committee?year=2569")
        r = qa.post("/supervision/committee/2569/render", data={"csrf_token": token, "fmt": "docx"})
        assert r.status_code == 302 and "/jobs/" in r.headers["Location"]
        assert "เสร็จแล้ว" in qa.get(r.headers["Location"]).get_data(as_text=True)
        page = qa.get("/supervision/committee?year=2569").get_data(as_text=True)
        name = page.split("/supervision/committee/files/")[1].split('"')[0]
        with qa.get(f"/supervision/committee/files/{name}") as r:
            assert r.status_code == 200 and r.data[:2] == b"PK"
        for bad in ("..%2Fsecret_key", "committee-2569-x.pdf", "secret_key"):
            assert qa.get(f"/supervision/committee/files/{bad}").status_code == 404
        school = _client(app, make_account(app, "school"))
        assert school.get(f"/supervision/committee/files/{name}").status_code == 403
        assert school.post("/supervision/committee/2569/render", data={
            "csrf_token": csrf_token(school, "/supervision/"), "fmt": "pdf"}).status_code == 403
    finally:
        get_store(app).dispose()


def test_plan_lines_and_an_offices_own_form_are_added_from_files(app, district):
    import io
    import json

    sup = _client(app, district["sup"])
    token = csrf_token(sup, "/supervision/plan?year=2569")
    r = sup.post("/supervision/plan?year=2569", data={"csrf_token": token, "academic_year": "2569", "school_code": C,
                                                      "topic": "การนิเทศภายใน", "month": "9", "mode": "project_based"})
    assert r.status_code == 302
    page = sup.get("/supervision/plan?year=2569").get_data(as_text=True)
    assert "การนิเทศภายใน" in page and "โครงการเป็นฐาน" in page and "กันยายน" in page
    csv = f"รหัสโรงเรียน,กลุ่มเครือข่าย,ประเด็นการนิเทศ,เดือน,รูปแบบ,ผู้นิเทศ\n{B},,สื่อการสอน,8,โรงเรียนเป็นฐาน,\n"
    sup.post("/supervision/plan/import?year=2569", data={"csrf_token": token, "file": (io.BytesIO(csv.encode()), "plan.csv")},
             content_type="multipart/form-data")
    assert "เพิ่มแผนการนิเทศ 1 รายการ" in sup.get("/supervision/plan?year=2569").get_data(as_text=True)
    bad = "รหัสโรงเรียน,ประเด็นการนิเทศ,เดือน\n9999999999,x,13\n"
    sup.post("/supervision/plan/import?year=2569", data={"csrf_token": token, "file": (io.BytesIO(bad.encode()), "bad.csv")},
             content_type="multipart/form-data")
    page = sup.get("/supervision/plan?year=2569").get_data(as_text=True)
    assert "ไม่พบโรงเรียนรหัส 9999999999" in page, page.split("<main")[1][:1500]
    assert page.count("สื่อการสอน") == 2  # the plan line and its coverage row, once
    from supervision.reference_forms import CLASSROOM_VISIT

    own = {**CLASSROOM_VISIT, "code": "office_visit", "title_th": "แบบเยี่ยมชั้นเรียนของเขต"}
    sup.post("/supervision/forms", data={"csrf_token": token, "file": (io.BytesIO(json.dumps(own).encode()), "f.json")},
             content_type="multipart/form-data")
    page = sup.get("/supervision/forms").get_data(as_text=True)
    assert "เพิ่มแบบบันทึก แบบเยี่ยมชั้นเรียนของเขต (10 ข้อ) แล้ว" in page
    sup.post("/supervision/forms", data={"csrf_token": token, "file": (io.BytesIO(b"{nope"), "f.json")},
             content_type="multipart/form-data")
    assert "อ่าน JSON ไม่ได้" in sup.get("/supervision/forms").get_data(as_text=True)
    assert "แบบเยี่ยมชั้นเรียนของเขต" in sup.get("/supervision/visits/new?form=office_visit").get_data(as_text=True)
    school = _client(app, district["school_a"])
    assert school.post("/supervision/forms", data={"csrf_token": csrf_token(school, "/supervision/")}).status_code == 403
