"""The analysis steps over the API (web.analysis.step_api): start a calibration, a link or a DIF analysis as a job
(202, the job and its URLs), read the result paged; the same permissions as the pages, refusals in the Thai shape."""

from __future__ import annotations

import pytest
from signin import signed_in_client

from web.api import api


def test_the_step_routes_are_documented(app):
    with app.test_request_context():
        spec = api.spec
    paths = spec["paths"]
    for step in ("calibrate", "link", "dif"):
        op = paths[f"/api/v1/analysis/administrations/{{code}}/{step}"]["post"]
        assert "202" in op["responses"] and "403" in op["responses"]
    for path in ("/api/v1/analysis/administrations/{code}/steps", "/api/v1/analysis/calibrations/{job_id}",
                 "/api/v1/analysis/links/{job_id}", "/api/v1/analysis/dif/{job_id}"):
        params = {p["name"] for p in paths[path]["get"].get("parameters", ())}
        assert {"page", "per_page"} <= params, (path, params)
    names = set(spec["components"]["schemas"])
    assert {"AnalysisCalibrateIn", "AnalysisStepJobOut", "AnalysisCalibrationOut", "AnalysisLinkOut",
            "AnalysisDifOut"} <= names


def _start(client, headers, step: str, **body) -> dict:
    r = client.post(f"/api/v1/analysis/administrations/ADM-1/{step}", json=body, headers=headers)
    assert r.status_code == 202, r.get_data(as_text=True)
    out = r.get_json()
    assert r.headers["Location"].endswith(out["url"]) and out["job"]["id"] == out["job_id"]
    return out


def test_calibrate_then_read_the_parameters_paged(app, analyst, bearer, world):
    from flask.testing import FlaskClient

    client: FlaskClient = app.test_client()
    out = _start(client, bearer, "calibrate", model="2pl", save=True)
    assert out["kind"] == "analysis_calibrate" and out["job"]["status"] == "done"
    assert client.get(out["url"], headers=bearer).get_json()["status"] == "done"
    first = client.get(out["result_url"] + "?per_page=5", headers=bearer).get_json()
    assert first["total"] == 7 and first["n_pages"] == 2 and len(first["items"]) == 5
    assert first["model"] == "2pl" and first["parameter_set"] == "district-ป.6@v1" and first["converged"] in (True, False)
    second = client.get(out["result_url"] + "?per_page=5&page=2", headers=bearer).get_json()
    assert len(second["items"]) == 2
    items = first["items"] + second["items"]
    assert all(it["a"] is not None and it["se_b"] is not None for it in items)
    # the same numbers as the page shows (3 decimals there)
    page = analyst.get(f"/analysis/results/{out['job_id']}").get_data(as_text=True)
    assert f"{items[0]['a']:.3f}" in page
    listed = client.get("/api/v1/analysis/administrations/ADM-1/steps", headers=bearer).get_json()
    assert listed["total"] == 1 and listed["items"][0]["result_url"] == out["result_url"]
    assert client.get("/api/v1/analysis/administrations/ADM-1/steps?kind=analysis_dif",
                      headers=bearer).get_json()["total"] == 0
    # a calibration is not a link: the other kinds' routes do not serve it
    assert client.get(f"/api/v1/analysis/links/{out['job_id']}", headers=bearer).status_code == 404


def test_link_gives_constants_with_ses_and_the_common_items(app, bearer, analysed):
    client = app.test_client()
    out = _start(client, bearer, "link", method="haebara", drift_limit=0.5)
    r = client.get(out["result_url"], headers=bearer).get_json()
    assert r["method"] == "haebara" and 0.6 < r["A"] < 1.6 and abs(r["B"]) < 0.6
    assert 0 < r["se_A"] < 1 and 0 < r["se_B"] < 1
    assert r["total"] == r["n_common"] >= 2
    for it in r["items"]:
        assert it["b_linked"] == pytest.approx(r["A"] * it["b_new"] + r["B"], abs=1e-3)


def test_dif_gives_ets_classes(app, bearer, world):
    client = app.test_client()
    out = _start(client, bearer, "dif", comparison="sex")
    r = client.get(out["result_url"] + "?per_page=200", headers=bearer).get_json()
    assert r["comparison"] == "sex" and r["total"] == 7 and len(r["items"]) == 7
    assert sum(r["counts"].values()) == 7 and all(it["ets_class"] in ("A", "B+", "B-", "C+", "C-") for it in r["items"])
    english = client.get(out["result_url"] + "?lang=en", headers={**bearer, "Accept-Language": "en"}).get_json()
    assert english["message"]


def test_refusals_in_the_thai_shape_and_the_pages_permissions(app, analyst, bearer, world, client, anon):
    api_client = app.test_client()
    bad = api_client.post("/api/v1/analysis/administrations/ADM-1/calibrate", json={"model": "9pl"}, headers=bearer)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["loc"] == ["model"]
    bad = api_client.post("/api/v1/analysis/administrations/ADM-1/link", json={"drift_limit": 9}, headers=bearer)
    assert bad.status_code == 422 and "drift_limit" in bad.get_json()["error"]
    missing = api_client.post("/api/v1/analysis/administrations/NOPE/dif", json={}, headers=bearer)
    assert missing.status_code == 404 and missing.get_json()["ok"] is False
    assert api_client.get("/api/v1/analysis/administrations/NOPE/steps", headers=bearer).status_code == 404
    assert api_client.get("/api/v1/analysis/calibrations/no-such-job", headers=bearer).status_code == 404
    assert anon.post("/api/v1/analysis/administrations/ADM-1/dif", json={}).status_code in (400, 401)  # no CSRF, no token
    assert anon.get("/api/v1/analysis/dif/x").status_code == 401
    # an officer may not start a step (as on the page)
    assert client.get("/api/v1/analysis/administrations/ADM-1/steps").status_code == 403
    school = signed_in_client(app, "school", school_id=world["schools"]["1040120001"])
    assert school.get("/api/v1/analysis/administrations/ADM-1/steps").status_code == 403
    # a refused step has no result: 409 with its problems; another analyst's job is 404
    size = _start(api_client, bearer, "dif", comparison="school_size")
    if size["job"]["status"] == "refused":
        r = api_client.get(size["result_url"], headers=bearer)
        assert r.status_code == 409 and r.get_json()["code"] == "analysis.step_refused"
        assert "ต้องมีทั้งสองกลุ่ม" in r.get_json()["error"]
    other = signed_in_client(app, "analyst", username="analyst.other")
    assert other.get(size["result_url"]).status_code == 404


def test_an_officer_token_may_not_start_a_step(app, client, world):
    from itembank.accounts import issue_token
    from itembank.authz import Actor
    from web.store_ext import get_store

    with get_store(app).session() as s:
        token = issue_token(s, Actor.system(), client.user.username)
    r = app.test_client().post("/api/v1/analysis/administrations/ADM-1/calibrate", json={},
                               headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403 and r.get_json()["error"]
