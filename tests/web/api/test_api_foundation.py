"""The API's shape: an OpenAPI 3.1 document of /api/v1 only, bearer tokens, Thai errors, paging."""

from __future__ import annotations

from signin import make_account

from itembank.accounts import issue_token
from itembank.authz import Actor
from web.store_ext import get_store


def _token(app, role="officer"):
    user = make_account(app, role)
    with get_store(app).session() as s:
        return issue_token(s, Actor.system(), user.username)


def test_the_document_is_openapi_3_1_of_the_api_alone(anon):
    doc = anon.get("/api/v1/openapi.json")
    assert doc.status_code == 200
    spec = doc.get_json()
    assert spec["openapi"].startswith("3.1")
    assert spec["paths"] and all(p.startswith("/api/v1/") for p in spec["paths"])
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    jobs = spec["paths"]["/api/v1/jobs"]["get"]
    assert {"200", "401", "403", "422"} <= set(jobs["responses"])


def test_anonymous_gets_401_in_thai_json(anon):
    r = anon.get("/api/v1/jobs")
    assert r.status_code == 401
    assert r.get_json()["error"] == "กรุณาลงชื่อเข้าใช้ก่อน"
    assert r.get_json()["request_id"]


def test_a_bearer_token_reads_a_page_and_a_bad_parameter_is_named_in_thai(app, anon):
    token = _token(app)
    headers = {"Authorization": f"Bearer {token}"}
    ok = anon.get("/api/v1/jobs?per_page=10", headers=headers)
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json() == {"items": [], "total": 0, "page": 1, "per_page": 10, "n_pages": 1}
    bad = anon.get("/api/v1/jobs?page=x&per_page=999", headers=headers)
    assert bad.status_code == 422
    body = bad.get_json()
    assert body["code"] == "request.invalid"
    assert "page: ต้องเป็นจำนวนเต็ม" in body["error"] and "per_page: มากเกินไป (200)" in body["error"]
    assert {tuple(p["loc"]) for p in body["errors"]} == {("page",), ("per_page",)}


def test_a_job_of_another_person_is_not_found(app, anon):
    token = _token(app)
    r = anon.get("/api/v1/jobs/nope", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 404 and r.get_json()["code"] == "not_found"
