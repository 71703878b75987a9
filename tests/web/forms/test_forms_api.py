"""The blueprints and forms API: create a blueprint, its shortage report, assemble (a job id), the assembled
forms, freeze, list and get forms, variants, PDFs; the Thai error shape and the permissions."""

from __future__ import annotations

import pytest
from signin import csrf_token, signed_in_client

pytestmark = pytest.mark.slow

BLUEPRINT = {
    "code": "API-BP", "name": "คณิตศาสตร์ ป.6 (API)", "grade": "ป.6", "n_forms": 2,
    "cells": [{"indicator": "ค 1.1 ป.6/1", "level": "understand", "items": 3},
              {"indicator": "ค 1.1 ป.6/2", "level": "apply", "items": 4, "item_type": "multiple_choice"},
              {"indicator": "ค 2.1 ป.6/1", "level": "analyze", "items": 3}],
}


def _headers(client) -> dict[str, str]:
    return {"X-CSRFToken": csrf_token(client, "/forms/")}


def test_the_whole_path_through_the_api(app, client, bank):
    h = _headers(client)
    r = client.post("/api/v1/blueprints", json=BLUEPRINT, headers=h)
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["test_length"] == 10 and body["n_forms"] == 2 and len(body["cells"]) == 3
    assert body["rows"][1]["where"] == {"indicator": "ค 1.1 ป.6/2", "level": "apply", "type": "multiple_choice"}
    listed = client.get("/api/v1/blueprints?per_page=1").get_json()
    assert listed["total"] == 1 and listed["items"][0]["code"] == "API-BP"
    assert client.get("/api/v1/blueprints/API-BP").get_json()["objective"] == "none"

    report = client.get("/api/v1/blueprints/API-BP/shortage").get_json()
    assert report["ok"] is True and report["n_eligible"] == 48 and len(report["rows"]) == 3
    assert report["rows"][0] == {"label": "ค 1.1 ป.6/1 เข้าใจ", "per_form": 3, "needed": 6, "available": 16,
                                 "short": False, "lacking": 0}
    big = client.get("/api/v1/blueprints/API-BP/shortage?n_forms=6").get_json()
    assert big["ok"] is False and big["length"]["short"] is True and big["length"]["lacking"] == 12

    r = client.post("/api/v1/blueprints/API-BP/assemble", json={"seed": 1, "time_limit": 5}, headers=h)
    assert r.status_code == 202, r.get_json()
    job = r.get_json()
    assert client.get(job["url"]).get_json()["status"] == "done"
    assembly = client.get(job["assembly_url"]).get_json()
    assert assembly["status"] == "done" and len(assembly["forms"]) == 2 and assembly["frozen"] == []
    first = assembly["forms"][0]
    assert first["n_items"] == 10 and first["fulfilled"] is True and len(first["information"]) == 7
    assert all(row["met"] for row in first["fulfilment"]) and first["items"][0]["options"]

    r = client.post(f"/api/v1/assemblies/{job['job_id']}/freeze", json={"prefix": "AP", "title": "สอบ API"},
                    headers=h)
    assert r.status_code == 201 and r.get_json()["codes"] == ["AP-1", "AP-2"]
    again = client.post(f"/api/v1/assemblies/{job['job_id']}/freeze", json={"prefix": "AQ", "title": "x"}, headers=h)
    assert again.status_code == 409 and "ยืนยันแล้วเป็น AP-1, AP-2" in again.get_json()["error"]
    # a blueprint that frozen forms used is never overwritten
    r = client.post("/api/v1/blueprints", json=BLUEPRINT, headers=h)
    assert r.status_code == 409 and "บันทึกเป็นรหัสใหม่" in r.get_json()["error"]

    forms = client.get("/api/v1/forms?page=1&per_page=1").get_json()
    assert forms["total"] == 2 and forms["n_pages"] == 2 and forms["items"][0]["code"] == "AP-1"
    form = client.get("/api/v1/forms/AP-2").get_json()
    assert form["code"] == "AP-2" and form["blueprint_code"] == "API-BP" and form["fulfilled"] is True

    r = client.post("/api/v1/forms/AP-1/variants", json={"count": 3, "seed": 2}, headers=h)
    assert r.status_code == 200 and r.get_json()["variants"] == ["A", "B", "C"]
    r = client.get("/api/v1/forms/AP-1/booklet.pdf?variant=C")
    assert r.status_code == 409 and "ยังไม่ได้พิมพ์" in r.get_json()["error"]
    r = client.post("/api/v1/forms/AP-1/documents", headers=h)
    assert r.status_code == 202 and len(r.get_json()["files"]) == 9
    assert client.get(r.get_json()["url"]).get_json()["status"] == "done"
    for path in ("/api/v1/forms/AP-1/booklet.pdf?variant=C", "/api/v1/forms/AP-1/key.pdf",
                 "/api/v1/forms/AP-1/sheet.pdf"):
        pdf = client.get(path)
        assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-", path
    assert client.get("/api/v1/forms/AP-1/booklet.pdf?variant=Z").status_code == 404
    assert client.get("/api/v1/forms/AP-1/booklet.pdf?variant=abc").status_code == 422


def test_refusals_are_thai_and_name_the_field(app, client, bank):
    h = _headers(client)
    bad = {**BLUEPRINT, "cells": [{"indicator": "ค 9.9 ป.6/1", "level": "apply", "items": 2}]}
    r = client.post("/api/v1/blueprints", json=bad, headers=h)
    assert r.status_code == 422 and "ตัวชี้วัด ค 9.9 ป.6/1" in r.get_json()["error"]
    r = client.post("/api/v1/blueprints", json={**BLUEPRINT, "cells": [{"indicator": "ค 1.1 ป.6/1", "level": "x",
                                                                         "items": 1}]}, headers=h)
    assert r.status_code == 422 and r.get_json()["errors"][0]["loc"][:3] == ["cells", 0, "level"]
    r = client.post("/api/v1/blueprints", json={**BLUEPRINT, "code": "a b"}, headers=h)
    assert r.status_code == 422
    for path in ("/api/v1/blueprints/NOPE", "/api/v1/blueprints/NOPE/shortage", "/api/v1/forms/NOPE",
                 "/api/v1/assemblies/nope", "/api/v1/forms/%00x"):
        r = client.get(path)
        assert r.status_code == 404 and r.get_json()["ok"] is False, path
    r = client.post("/api/v1/blueprints/NOPE/assemble", json={}, headers=h)
    assert r.status_code == 404


def test_permissions(app, client, bank):
    h = _headers(client)
    assert client.post("/api/v1/blueprints", json=BLUEPRINT, headers=h).status_code == 201
    anon = app.test_client()
    assert anon.get("/api/v1/forms").status_code == 401
    analyst = signed_in_client(app, "analyst")
    assert analyst.get("/api/v1/blueprints").status_code == 200
    assert analyst.get("/api/v1/blueprints/API-BP/shortage").status_code == 200
    ah = _headers(analyst)
    assert analyst.post("/api/v1/blueprints", json=BLUEPRINT, headers=ah).status_code == 403
    assert analyst.post("/api/v1/blueprints/API-BP/assemble", json={}, headers=ah).status_code == 403
    school = signed_in_client(app, "school")
    assert school.get("/api/v1/forms").status_code == 403
    job = client.post("/api/v1/blueprints/API-BP/assemble", json={"time_limit": 5}, headers=h).get_json()
    other = signed_in_client(app, "officer")
    assert other.get(job["assembly_url"]).status_code == 404
    assert other.post(f"/api/v1/assemblies/{job['job_id']}/freeze", json={"prefix": "X", "title": "x"},
                      headers=_headers(other)).status_code == 404
