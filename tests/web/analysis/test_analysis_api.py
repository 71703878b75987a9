"""The analysis API: administrations with status, item statistics (paged, flags, tasks), start the analysis
(a job id), an item's history, parameter sets; refusals in the Thai error shape."""

from __future__ import annotations

from signin import signed_in_client

from web.api import api


def test_the_analysis_routes_are_documented_with_prefixed_models(app):
    with app.test_request_context():
        spec = api.spec
    paths = spec["paths"]
    for path in ("/api/v1/analysis/administrations", "/api/v1/analysis/administrations/{code}/items",
                 "/api/v1/analysis/administrations/{code}/run", "/api/v1/analysis/parameter-sets"):
        assert path in paths, sorted(paths)
    names = set(spec["components"]["schemas"])
    assert {"AnalysisItemPage", "AnalysisRunIn", "AnalysisJobOut", "AnalysisHistoryOut"} <= names


def test_start_the_analysis_and_read_the_statistics(app, analyst, bearer, world):
    listing = analyst.get("/api/v1/analysis/administrations").get_json()
    assert listing["total"] == 1 and listing["items"][0]["status"] == "not_analysed"
    before = analyst.get("/api/v1/analysis/administrations/ADM-1/items").get_json()
    assert before["analysed"] is False and before["total"] == 8 and before["items"][0]["p"] is None
    started = analyst.post("/api/v1/analysis/administrations/ADM-1/run", json={"model": "2pl"}, headers=bearer)
    assert started.status_code == 202, started.get_data(as_text=True)
    job = analyst.get(started.get_json()["url"]).get_json()
    assert job["status"] == "done" and job["kind"] == "analyse"
    page = analyst.get("/api/v1/analysis/administrations/ADM-1/items?per_page=3&page=2").get_json()
    assert page["analysed"] is True and page["total"] == 8 and page["n_pages"] == 3 and len(page["items"]) == 3
    assert page["items"][0]["position"] == 4 and page["items"][0]["p"] is not None
    flagged = analyst.get("/api/v1/analysis/administrations/ADM-1/items?flagged=true&per_page=200").get_json()
    assert flagged["total"] == flagged["n_flagged"]
    for it in flagged["items"]:
        assert it["flags"] and all(f["label"] and f["severity"] in ("bad", "warn") for f in it["flags"])
    history = analyst.get("/api/v1/analysis/items/S6-01/history").get_json()
    assert history["n_administrations"] == 1 and history["history"][0]["source"] == "admin:ADM-1"
    assert history["icc_url"].startswith("/analysis/plots/icc.svg")
    sets = analyst.get("/api/v1/analysis/parameter-sets").get_json()
    assert sets["total"] == 1 and sets["items"][0]["ref"].startswith("district-ป.6")


def test_refusals(app, analyst, bearer, world, client, anon):
    bad = analyst.post("/api/v1/analysis/administrations/ADM-1/run", json={"model": "9pl", "drift_limit": 0},
                       headers=bearer)
    assert bad.status_code == 422 and {tuple(p["loc"]) for p in bad.get_json()["errors"]} >= {("model",),
                                                                                               ("drift_limit",)}
    assert analyst.post("/api/v1/analysis/administrations/NOPE/run", json={}, headers=bearer).status_code == 404
    assert analyst.get("/api/v1/analysis/administrations/NOPE/items").status_code == 404
    assert analyst.get("/api/v1/analysis/items/NOPE/history").get_json()["code"] == "item.not_found"
    assert analyst.get("/api/v1/analysis/items/%00/history").status_code == 404
    assert client.post("/api/v1/analysis/administrations/ADM-1/run", json={}).status_code in (400, 403)
    assert anon.get("/api/v1/analysis/administrations").status_code == 401
    school = signed_in_client(app, "school", school_id=world["schools"]["1040120001"])
    assert school.get("/api/v1/analysis/administrations").status_code == 403
    assert school.get("/api/v1/analysis/administrations/ADM-1/items").status_code == 403
