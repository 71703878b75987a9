"""The bank's REST API with bearer tokens: search with the page's filters and paging, an item (the key only
for roles that may read keys), its versions, imports (dry run and commit, 422 naming row and column in
Thai), instruments; a school is refused the bank and does not see another school's instrument."""

from __future__ import annotations

import io

import pytest
from factories import make_instrument_draft
from signin import ensure_school, make_account

from itembank import service
from itembank.accounts import issue_token
from itembank.authz import Actor
from web.store_ext import get_store

HEADER = "รหัสข้อสอบ,ชนิดข้อสอบ,โจทย์,ตัวเลือก ก,ตัวเลือก ข,ตัวเลือก ค,ตัวเลือก ง,เฉลย,ตัวชี้วัด,ชั้น,ระดับพฤติกรรม\n"
ROWS = [
    "M6-201,เลือกตอบ,๗ × ๘ มีค่าเท่าใด,54,56,58,64,ข,ค 1.1 ป.6/2,ป.6,นำไปใช้\n",
    "M6-202,เลือกตอบ,๑๒ ÷ ๔ มีค่าเท่าใด,2,3,4,6,ข,ค 1.1 ป.6/2,ป.6,นำไปใช้\n",
]


def bearer(app, role="officer", **kw) -> dict[str, str]:
    if role == "school" and "school_id" not in kw:
        kw["school_id"] = ensure_school(app)
    user = make_account(app, role, **kw)
    with get_store(app).session() as s:
        return {"Authorization": f"Bearer {issue_token(s, Actor.system(), user.username)}"}


def post_file(anon, headers, data: bytes, name="items.csv", dry_run=None):
    form = {"file": (io.BytesIO(data), name)}
    if dry_run is not None:
        form["dry_run"] = "true" if dry_run else "false"
    return anon.post("/api/v1/imports", data=form, headers=headers, content_type="multipart/form-data")


def test_search_uses_the_pages_filters_and_pages(app, anon, sample_bank):
    h = bearer(app)
    r = anon.get("/api/v1/items?learning_area=ค&per_page=2", headers=h)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["total"] == 4 and body["n_pages"] == 2 and len(body["items"]) == 2
    assert [i["code"] for i in body["items"]] == ["M3-0001", "M6-0001"]
    assert body["items"][0]["key"] == ["ข"] and body["items"][0]["type_th"]
    page2 = anon.get("/api/v1/items?learning_area=ค&per_page=2&page=2", headers=h).get_json()
    assert [i["code"] for i in page2["items"]] == ["M6-0002", "M6-0003"]
    text = anon.get("/api/v1/items?text=ตลาดน้ำ", headers=h).get_json()
    assert [i["code"] for i in text["items"]] == ["T6-0001"]
    assert anon.get("/api/v1/items?grade=ป.3", headers=h).get_json()["total"] == 1


def test_an_item_and_its_versions(app, anon, sample_bank):
    h = bearer(app)
    item = anon.get("/api/v1/items/M6-0001", headers=h)
    assert item.status_code == 200 and item.get_json()["number"] == 1 and item.get_json()["key"]
    versions = anon.get("/api/v1/items/M6-0001/versions", headers=h).get_json()
    assert versions["total"] == 1 and versions["items"][0]["number"] == 1 and versions["items"][0]["status_th"]
    assert anon.get("/api/v1/items/M6-0001/versions/1", headers=h).get_json()["code"] == "M6-0001"
    assert anon.get("/api/v1/items/M6-0001/versions/9", headers=h).status_code == 404
    missing = anon.get("/api/v1/items/NOPE-1", headers=h)
    assert missing.status_code == 404 and missing.get_json()["error"]
    assert anon.get("/api/v1/items/%00x", headers=h).status_code == 404


def test_the_key_only_for_roles_that_may_read_keys(app, anon, sample_bank):
    h = bearer(app, "supervisor")
    item = anon.get("/api/v1/items/M6-0001", headers=h)
    assert item.status_code == 200 and item.get_json()["key"] is None and item.get_json()["accepted_answers"] is None
    found = anon.get("/api/v1/items?per_page=5", headers=h).get_json()
    assert found["items"] and all(i["key"] is None for i in found["items"])


def test_a_school_and_anonymous_are_refused(app, anon, sample_bank):
    school = bearer(app, "school")
    assert anon.get("/api/v1/items", headers=school).status_code == 403
    assert anon.get("/api/v1/items/M6-0001", headers=school).status_code == 403
    assert post_file(anon, school, (HEADER + ROWS[0]).encode()).status_code == 403
    assert anon.get("/api/v1/items").status_code == 401
    assert anon.post("/api/v1/imports").status_code in (400, 401)  # no token: CSRF refuses first


def test_import_dry_run_then_commit_then_again_is_unchanged(app, anon):
    h = bearer(app)
    data = (HEADER + "".join(ROWS)).encode()
    dry = post_file(anon, h, data, dry_run=True)
    assert dry.status_code == 200, dry.get_json()
    assert dry.get_json()["dry_run"] is True and dry.get_json()["n_created"] == 2
    assert anon.get("/api/v1/items", headers=h).get_json()["total"] == 0
    done = post_file(anon, h, data)
    assert done.status_code == 200 and done.get_json()["n_created"] == 2 and done.get_json()["dry_run"] is False
    assert anon.get("/api/v1/items", headers=h).get_json()["total"] == 2
    again = post_file(anon, h, data, dry_run=False).get_json()
    assert (again["n_created"], again["n_unchanged"]) == (0, 2)


def test_a_bad_file_is_a_422_naming_row_and_column_in_thai(app, anon):
    h = bearer(app)
    bad = (HEADER + ROWS[0] + ROWS[1].replace(",ข,ค 1.1", ",จ,ค 1.1")).encode()
    r = post_file(anon, h, bad, dry_run=True)
    assert r.status_code == 422
    body = r.get_json()
    assert body["code"] == "import.invalid"
    where = [e["where"] for e in body["errors"]]
    assert {"file": "items.csv", "row": 3, "column": "เฉลย"} in where
    assert "items.csv แถว 3 คอลัมน์ เฉลย: เฉลย จ ไม่อยู่ในตัวเลือก (ก ข ค ง)" in body["error"]
    assert anon.get("/api/v1/items", headers=h).get_json()["total"] == 0


@pytest.mark.parametrize("data,name,expected", [
    (b"x", "items.txt", "รับเฉพาะไฟล์ .xlsx หรือ .csv"),
    (b"", "items.csv", "ไฟล์ว่างเปล่า"),
    (b"PK\x03\x04 broken" * 20, "items.xlsx", "items.xlsx"),
])
def test_wrong_or_hostile_files_are_422_in_thai(app, anon, data, name, expected):
    r = post_file(anon, bearer(app), data, name, dry_run=True)
    assert r.status_code == 422 and expected in r.get_json()["error"]


def test_no_file_is_422_in_thai(app, anon):
    h = bearer(app)
    r = anon.post("/api/v1/imports", json={"dry_run": True}, headers=h)
    assert r.status_code == 422 and "ต้องแนบไฟล์" in r.get_json()["error"]
    r = anon.post("/api/v1/imports", data={"dry_run": "true"}, headers=h, content_type="multipart/form-data")
    assert r.status_code == 422


def test_instruments_list_and_one_for_a_school(app, anon):
    other = ensure_school(app, "1000000009", "โรงเรียนอื่น")
    with get_store(app).session() as s:
        service.save_instrument(s, Actor.system(), make_instrument_draft())
        service.save_instrument(s, Actor.system(), make_instrument_draft(code="CHK-OTHER", kind="checklist",
                                                                         school_id=other))
    officer = bearer(app)
    listed = anon.get("/api/v1/instruments", headers=officer).get_json()
    assert [i["code"] for i in listed["items"]] == ["CHK-OTHER", "TRAIT-1"] and listed["total"] == 2
    school = bearer(app, "school")
    mine = anon.get("/api/v1/instruments", headers=school).get_json()
    assert [i["code"] for i in mine["items"]] == ["TRAIT-1"]
    one = anon.get("/api/v1/instruments/TRAIT-1", headers=school)
    assert one.status_code == 200
    body = one.get_json()
    assert body["kind_th"] and body["levels"][0]["score"] == 3 and body["pdf_url"].endswith("/TRAIT-1/pdf")
    assert anon.get(body["pdf_url"], headers=school).status_code == 200
    assert anon.get("/api/v1/instruments/CHK-OTHER", headers=school).status_code == 404


def test_the_document_lists_the_bank_routes_with_prefixed_models(anon):
    spec = anon.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/items", "/api/v1/items/{code}", "/api/v1/items/{code}/versions",
                 "/api/v1/items/{code}/versions/{number}", "/api/v1/imports", "/api/v1/instruments",
                 "/api/v1/instruments/{code}"):
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    assert {"BankItemOut", "BankItemPage", "BankImportOut", "BankInstrumentOut"} <= set(schemas)
    form = spec["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in form
