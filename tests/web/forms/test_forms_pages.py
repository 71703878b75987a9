"""The blueprints and forms pages: build a blueprint from the curriculum, shortage report, assemble (a job),
preview, freeze, variants, downloads; refusals in Thai and nothing half-written."""

from __future__ import annotations

import re

import pytest
from signin import csrf_token, signed_in_client
from sqlalchemy import func, select

from itembank.audit import AuditLog
from testgen.models import Form, StoredBlueprint
from web.store_ext import get_store

pytestmark = pytest.mark.slow

CELLS = {"n|ค 1.1 ป.6/1|understand": "3", "n|ค 1.1 ป.6/2|apply": "4", "n|ค 2.1 ป.6/1|analyze": "3"}


def _post_blueprint(client, code="BP-W", n_forms="2", **extra):
    data = {"csrf_token": csrf_token(client, "/forms/blueprints/new?area=ค&grade=ป.6"), "area": "ค", "grade": "ป.6",
            "code": code, "name": "คณิตศาสตร์ ป.6 ปลายภาค", "n_forms": n_forms, "max_overlap": "0",
            "objective": "none", **CELLS, **extra}
    return client.post("/forms/blueprints/new", data=data)


def _count(app, model) -> int:
    with get_store(app).read_session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_officer_builds_a_blueprint_sees_the_shortage_assembles_freezes_and_downloads(app, client, bank):
    page = client.get("/forms/blueprints/")
    assert page.status_code == 200 and "ยังไม่มีผัง" in page.get_data(as_text=True)
    grid = client.get("/forms/blueprints/new?area=ค&grade=ป.6").get_data(as_text=True)
    assert "ค 1.1 ป.6/1" in grid and "คลัง 16" in grid and 'name="n|ค 1.1 ป.6/1|understand"' in grid
    assert 'for="n-ค1.1-1-understand"' in grid  # every input has its label

    r = _post_blueprint(client)
    assert r.status_code == 302 and r.headers["Location"].endswith("/forms/blueprints/BP-W")
    shown = client.get("/forms/blueprints/BP-W").get_data(as_text=True)
    assert "คลังมีข้อสอบพอสำหรับทุกแถวของผัง" in shown and 'id="shortage-table"' in shown
    assert "ค 1.1 ป.6/2 นำไปใช้" in shown
    # asking for 4 forms of 10 items from 48 → the length row is short
    short = client.get("/forms/blueprints/BP-W?n_forms=5").get_data(as_text=True)
    assert "คลังยังขาดข้อสอบ" in short and "ขาด 2 ข้อ" in short

    r = client.post("/forms/blueprints/BP-W/assemble", data={"csrf_token": csrf_token(client, "/forms/blueprints/BP-W"),
                                                             "n_forms": "2", "seed": "3"})
    assert r.status_code == 302 and "/jobs/" in r.headers["Location"]
    job_id = r.headers["Location"].rsplit("/", 1)[-1]
    job = client.get(f"/api/v1/jobs/{job_id}").get_json()
    assert job["status"] == "done", job
    assert job["outcome"]["url"] == f"/forms/assemblies/{job_id}"
    assert "/forms/assemblies/" in client.get(f"/jobs/{job_id}").get_data(as_text=True)

    draft = client.get(f"/forms/assemblies/{job_id}").get_data(as_text=True)
    assert "ฉบับที่ 1" in draft and "ฉบับที่ 2" in draft and 'id="compare-stats"' in draft
    assert draft.count('<span class="ok">ครบ</span>') >= 8 and "ไม่ตรงผัง" not in draft
    assert 'data-confirm="' in draft and 'id="freeze-form"' in draft
    for q in ("", "?form=1", "?form=2"):
        svg = client.get(f"/forms/assemblies/{job_id}/tif.svg{q}")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert client.get(f"/forms/assemblies/{job_id}/tif.svg?form=3").status_code == 404

    token = csrf_token(client, f"/forms/assemblies/{job_id}")
    r = client.post(f"/forms/assemblies/{job_id}/freeze", data={"csrf_token": token, "prefix": "P6",
                                                                "title": "สอบปลายภาค", "minutes": "50"})
    assert r.status_code == 302 and "/forms/compare?codes=P6-1,P6-2" in r.headers["Location"]
    assert _count(app, Form) == 2
    compared = client.get("/forms/compare?codes=P6-1,P6-2").get_data(as_text=True)
    assert "P6-1" in compared and "P6-2" in compared and "ครบทุกแถว" in compared
    assert client.get("/forms/compare.svg?codes=P6-1,P6-2").status_code == 200
    # freezing the same assembly twice is refused, in Thai, and writes nothing
    r = client.post(f"/forms/assemblies/{job_id}/freeze", data={"csrf_token": token, "prefix": "P7", "title": "x"},
                    follow_redirects=True)
    assert "ยืนยันแล้วเป็น P6-1, P6-2" in r.get_data(as_text=True) and _count(app, Form) == 2

    form = client.get("/forms/P6-1").get_data(as_text=True)
    assert "สอบปลายภาค" in form and 'id="fulfilment"' in form and "50 นาที" in form
    assert "เปรียบเทียบกับฉบับคู่ขนาน" in form
    assert client.get("/forms/P6-1/tif.svg").status_code == 200
    listing = client.get("/forms/").get_data(as_text=True)
    assert "P6-1" in listing and "P6-2" in listing and "BP-W" in listing

    r = client.post("/forms/P6-1/variants", data={"csrf_token": csrf_token(client, "/forms/P6-1"), "count": "2",
                                                  "seed": "5"}, follow_redirects=True)
    assert "สร้างชุด A, B แล้ว" in r.get_data(as_text=True)
    r = client.get("/forms/P6-1/booklet.pdf?variant=B", follow_redirects=True)  # not rendered yet: no render here
    assert "ไฟล์นี้ยังไม่ได้พิมพ์" in r.get_data(as_text=True) and 'id="prepare"' in r.get_data(as_text=True)
    r = client.post("/forms/P6-1/documents", data={"csrf_token": csrf_token(client, "/forms/P6-1")})
    assert r.status_code == 302 and "/jobs/" in r.headers["Location"]
    job = client.get("/api/v1/jobs/" + r.headers["Location"].rsplit("/", 1)[-1]).get_json()
    assert job["status"] == "done" and job["outcome"]["n_files"] == 7 and job["outcome"]["url"] == "/forms/P6-1#downloads"
    form = client.get("/forms/P6-1").get_data(as_text=True)
    assert "ทุกไฟล์พร้อมดาวน์โหลด" in form and 'id="prepare"' not in form
    before = _count(app, AuditLog)
    for path in ("/forms/P6-1/booklet.pdf?variant=B", "/forms/P6-1/key.pdf?variant=B", "/forms/P6-1/sheet.pdf",
                 "/forms/P6-1/booklet.pdf"):
        pdf = client.get(path)
        assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-", path
        assert "attachment" in pdf.headers["Content-Disposition"]
    assert _count(app, AuditLog) == before + 4
    assert client.get("/forms/P6-1/booklet.pdf?variant=Q").status_code == 404
    assert client.get("/forms/P6-1/poster.pdf").status_code == 404


def test_a_bad_blueprint_names_every_problem_and_writes_nothing(app, client, bank):
    r = _post_blueprint(client, code="BAD", **{"n|ค 1.1 ป.6/1|apply": "สาม", "n|ค 1.1 ป.6/2|apply": "4"})
    text = r.get_data(as_text=True)
    assert r.status_code == 422 and "ตัวชี้วัด ค 1.1 ป.6/1 ช่อง apply: จำนวนข้อต้องเป็นจำนวนเต็ม" in text
    assert 'value="สาม"' in text  # what was typed stays
    r = _post_blueprint(client, code="BAD", **{"n|ค 1.1 ป.6/1|apply": "500"})
    assert r.status_code == 422 and "จำนวนข้อต้องอยู่ระหว่าง 0 ถึง 100" in r.get_data(as_text=True)
    r = _post_blueprint(client, code="มี ช่องว่าง")
    assert r.status_code == 422 and "รหัสผัง" in r.get_data(as_text=True)
    r = _post_blueprint(client, code="EMPTY", **{k: "0" for k in CELLS})
    assert r.status_code == 422 and "อย่างน้อย 1 ช่อง" in r.get_data(as_text=True)
    assert _count(app, StoredBlueprint) == 0


def test_a_short_bank_is_reported_before_assembling_and_the_job_says_why(app, client, bank):
    assert _post_blueprint(client, code="BP-S", n_forms="1", **{"n|ค 1.1 ป.6/1|analyze": "2"}).status_code == 302
    shown = client.get("/forms/blueprints/BP-S").get_data(as_text=True)
    assert "คลังยังขาดข้อสอบ 1 แถว" in shown and re.search(r'<tr class="short">\s*<td>ค 1.1 ป.6/1 วิเคราะห์', shown)
    r = client.post("/forms/blueprints/BP-S/assemble", data={"csrf_token": csrf_token(client, "/forms/blueprints/BP-S")})
    job = client.get("/api/v1/jobs/" + r.headers["Location"].rsplit("/", 1)[-1]).get_json()
    assert job["status"] == "refused" and "ค 1.1 ป.6/1 วิเคราะห์" in " ".join(job["outcome"]["problems"])
    assert job["outcome"]["url"] == "/forms/blueprints/BP-S#shortage"  # the job page links back to the report
    assert client.get(f"/forms/assemblies/{job['id']}").status_code == 302  # nothing to preview: back to the job


def test_who_may_do_what(app, client, bank):
    assert _post_blueprint(client).status_code == 302
    edit = client.get("/forms/blueprints/new?from=BP-W").get_data(as_text=True)  # edit: the table filled in again
    assert 'value="BP-W"' in edit and 'name="n|ค 1.1 ป.6/1|understand" value="3"' in edit
    anon = app.test_client()
    assert anon.get("/forms/").status_code == 302 and "/login" in anon.get("/forms/").headers["Location"]
    analyst = signed_in_client(app, "analyst")
    assert analyst.get("/forms/").status_code == 200
    assert analyst.get("/forms/blueprints/BP-W").status_code == 200
    page = analyst.get("/forms/blueprints/BP-W").get_data(as_text=True)
    assert 'id="assemble-form"' not in page
    assert analyst.get("/forms/blueprints/").status_code == 403
    assert analyst.post("/forms/blueprints/BP-W/assemble", data={
        "csrf_token": csrf_token(analyst, "/forms/")}).status_code == 403
    school = signed_in_client(app, "school")
    assert school.get("/forms/").status_code == 403
    # another officer's assembly is not theirs to see
    r = client.post("/forms/blueprints/BP-W/assemble", data={"csrf_token": csrf_token(client, "/forms/blueprints/BP-W")})
    job_id = r.headers["Location"].rsplit("/", 1)[-1]
    other = signed_in_client(app, "officer")
    assert other.get(f"/forms/assemblies/{job_id}").status_code == 404
    assert client.get("/forms/NO-SUCH").status_code == 404
    assert client.get("/forms/blueprints/NO-SUCH").status_code == 404
    assert client.get("/forms/assemblies/nope").status_code == 404


def test_a_cell_takes_a_range_and_the_form_takes_counts_per_level_and_type_with_the_supply(app, client, bank):
    grid = client.get("/forms/blueprints/new?area=ค&grade=ป.6").get_data(as_text=True)
    assert 'id="level-limits"' in grid and 'id="type-limits"' in grid and 'name="test_length"' in grid
    assert re.search(r'data-test="supply-level-understand">คลัง 16<', grid)
    assert re.search(r'data-test="supply-type-multiple_choice">คลัง 48<', grid)
    ranged = {"n|ค 1.1 ป.6/1|understand": "2-4", "test_length": "9"}
    # a range needs the length; the length lies between the cells' minima and maxima; a range goes up
    r = _post_blueprint(client, code="BP-R", n_forms="1", **{"n|ค 1.1 ป.6/1|understand": "2-4"})
    assert r.status_code == 422 and "ต้องระบุเมื่อมีช่องที่เป็นช่วง (9 ถึง 11 ข้อ)" in r.get_data(as_text=True)
    assert 'value="2-4"' in r.get_data(as_text=True)                    # what was typed stays
    r = _post_blueprint(client, code="BP-R", n_forms="1", **{**ranged, "test_length": "12"})
    assert r.status_code == 422 and "ต้องอยู่ระหว่างผลรวมขั้นต่ำ 9 และขั้นสูง 11" in r.get_data(as_text=True)
    # the totals are ranges, not the sum of the minima (shown before the page's script runs too)
    assert 'id="grand-total">9–11<' in r.get_data(as_text=True)
    assert re.search(r'data-indicator="ค 1.1 ป.6/1">(?:(?!</tr>).)*data-row-total>2–4<', r.get_data(as_text=True), re.S)
    r = _post_blueprint(client, code="BP-R", n_forms="1", **{**ranged, "n|ค 1.1 ป.6/1|understand": "4-2"})
    assert r.status_code == 422 and "ช่วงจำนวนข้อต้องเขียนจากน้อยไปมาก" in r.get_data(as_text=True)
    r = _post_blueprint(client, code="BP-R", n_forms="1", **{**ranged, "lv|apply": "6", "lv|analyze": "x"})
    text = r.get_data(as_text=True)
    assert r.status_code == 422 and "จำนวนข้อทั้งฉบับของ" in text and "(ได้ x)" in text
    r = _post_blueprint(client, code="BP-R", n_forms="1", **{**ranged, "lv|apply": "6", "lv|analyze": "4"})
    assert r.status_code == 422 and "รวม 10 ข้อ เกินความยาวแบบทดสอบ 9 ข้อ" in r.get_data(as_text=True)
    assert _count(app, StoredBlueprint) == 0
    # saved: understand 2–4 of 9, analyze exactly 3 over the form, every item a multiple-choice one
    r = _post_blueprint(client, code="BP-R", n_forms="1", **{**ranged, "lv|analyze": "3", "ty|multiple_choice": "9",
                                                            "lv|create": "0"})
    assert r.status_code == 302, r.get_data(as_text=True)[:1500]
    shown = client.get("/forms/blueprints/BP-R").get_data(as_text=True)
    assert "ค 1.1 ป.6/1 เข้าใจ 2–4 ข้อ" in shown and "ทั้งฉบับ: ตัวชี้วัดในผัง" in shown
    again = client.get("/forms/blueprints/new?from=BP-R").get_data(as_text=True)
    assert 'value="2-4"' in again and 'name="test_length" type="number" min="1" max="200" value="9"' in again
    assert 'name="lv|analyze" value="3"' in again and 'name="lv|create" value="0"' in again
    r = client.post("/forms/blueprints/BP-R/assemble", data={"csrf_token": csrf_token(client, "/forms/blueprints/BP-R"),
                                                             "n_forms": "1", "seed": "2"})
    job = client.get("/api/v1/jobs/" + r.headers["Location"].rsplit("/", 1)[-1]).get_json()
    assert job["status"] == "done", job
    (form,) = job["outcome"]["draft"]["forms"]
    assert len(form) == 9
    from itembank.models import ItemVersion
    from itembank.service import indicator_codes
    with get_store(app).read_session() as s:
        tags = indicator_codes(s, form)
        levels = [s.get(ItemVersion, v).cognitive_level for v in form]
    n_first = sum("ค 1.1 ป.6/1" in tags[v] for v in form)
    assert 2 <= n_first <= 4 and levels.count("analyze") == 3 and levels.count("apply") == 4
