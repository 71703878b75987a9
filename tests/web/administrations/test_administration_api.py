"""/api/v1/administrations: list (paged), get, create, release, completeness, booklet downloads,
answer uploads (dry run, then commit) and school results, with the embargo for schools."""

from __future__ import annotations

import datetime as dt

from admin_world import SCHOOLS, answer_rows, answers_csv, import_roster_of, school_client, set_times, world
from signin import csrf_token
from sqlalchemy import func, select

from scoring.models import AnswerUpload, Download
from web.store_ext import get_store


def _h(client, path="/"):
    return {"X-CSRFToken": csrf_token(client, path)}


def _downloads(app) -> int:
    with get_store(app).read_session() as s:
        return s.scalar(select(func.count()).select_from(Download))


def test_an_officer_lists_creates_and_releases(app, client):
    world(app, release=False)
    r = client.get("/api/v1/administrations?per_page=1")
    assert r.status_code == 200 and r.json["total"] == 1 and r.json["items"][0]["status"] == "awaiting_release"
    r = client.post("/api/v1/administrations", headers=_h(client), json={
        "code": "ADM-API", "form": "F-1", "year_be": 2569, "term": 1, "schools": [SCHOOLS[0]],
        "release_at": "2026-12-20T09:00:00"})
    assert r.status_code == 201, r.json
    assert r.json["release_at"].startswith("2026-12-20T02:00")  # office time in, UTC out
    r = client.post("/api/v1/administrations", headers=_h(client), json={"code": "ADM-API", "form": "F-1",
                                                                          "year_be": 2569, "term": 1})
    assert r.status_code == 409 and "มีการสอบรหัส ADM-API อยู่แล้ว" in r.json["error"]
    r = client.post("/api/v1/administrations", headers=_h(client), json={"code": "X", "form": "F-1", "year_be": 1,
                                                                          "term": 1})
    assert r.status_code == 422 and r.json["errors"][0]["loc"] == ["year_be"]
    r = client.get("/api/v1/administrations/ADM-API")
    assert r.status_code == 200 and [s["code"] for s in r.json["schools"]] == [SCHOOLS[0]]
    r = client.post("/api/v1/administrations/ADM-1/release", headers=_h(client), json={})
    assert r.status_code == 200 and r.json["administration"]["status"] == "open" and r.json["job_id"], r.json
    r = client.get("/api/v1/administrations/ADM-1/schools?late=download")
    assert r.status_code == 200 and r.json["total"] == 2
    assert all(s["booklets_ready"] for s in r.json["items"])  # the release job ran (immediate backend)
    assert client.get("/api/v1/administrations/NOPE").status_code == 404


def test_the_embargo_holds_in_the_api(app):
    world(app, release=False)
    school = school_client(app, 0)
    assert school.get("/api/v1/administrations").json["total"] == 0
    for url in ("/api/v1/administrations/ADM-1", "/api/v1/administrations/ADM-1/schools",
                f"/api/v1/administrations/ADM-1/schools/{SCHOOLS[0]}/booklet?variant=A",
                f"/api/v1/administrations/ADM-1/schools/{SCHOOLS[0]}/results"):
        r = school.get(url)
        assert r.status_code == 404, url
        r.close()
    assert _downloads(app) == 0


def test_after_release_a_school_downloads_its_own_booklet_only(app):
    world(app)
    school = school_client(app, 0)
    assert school.get("/api/v1/administrations").json["total"] == 1
    r = school.get("/api/v1/administrations/ADM-1")
    assert [s["code"] for s in r.json["schools"]] == [SCHOOLS[0]]
    r = school.get(f"/api/v1/administrations/ADM-1/schools/{SCHOOLS[0]}/booklet?variant=A")
    assert r.status_code == 200 and r.data[:4] == b"%PDF"
    r.close()
    assert _downloads(app) == 1
    other = school.get(f"/api/v1/administrations/ADM-1/schools/{SCHOOLS[1]}/booklet?variant=A")
    missing = school.get("/api/v1/administrations/ADM-1/schools/1999999999/booklet?variant=A")
    assert other.status_code == missing.status_code == 404
    assert other.json["error"].replace(SCHOOLS[1], "X") == missing.json["error"].replace("1999999999", "X")
    assert school.get(f"/api/v1/administrations/ADM-1/schools/{SCHOOLS[1]}/results").status_code == 404
    assert _downloads(app) == 1
    assert school.post("/api/v1/administrations", headers=_h(school), json={}).status_code == 403


def test_answers_upload_dry_run_then_commit_and_results(app, tmp_path):
    world(app)
    set_times(app, "ADM-1", results_release_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    import_roster_of(app, tmp_path, 0)
    school = school_client(app, 0)
    url = f"/api/v1/administrations/ADM-1/schools/{SCHOOLS[0]}/answers"
    bad = answers_csv(tmp_path, [("10001", "A", ["ก"] * 6 + ["X", "1"]), ("99999", "A", ["ก"] * 7 + ["1"])],
                      name="bad.csv")
    r = school.post(url, headers=_h(school), data={"file": (bad.open("rb"), "bad.csv"), "dry_run": "true"},
                    content_type="multipart/form-data")
    assert r.status_code == 422, r.json
    wheres = [e.get("where") for e in r.json["errors"]]
    assert {"file": "bad.csv", "row": 3, "column": "เลขประจำตัว"} in wheres, r.json
    good = answers_csv(tmp_path, answer_rows(0), name="good.csv")
    r = school.post(url, headers=_h(school), data={"file": (good.open("rb"), "good.csv"), "dry_run": "true"},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and r.json["dry_run"] and r.json["n_students"] == 6 and r.json["status"] == "written"
    with get_store(app).read_session() as s:
        assert s.scalar(select(func.count()).select_from(AnswerUpload)) == 0
    r = school.post(url, headers=_h(school), data={"file": (good.open("rb"), "good.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and r.json["status"] == "written" and not r.json["dry_run"], r.json
    r = school.post(url, headers=_h(school), json={"dry_run": True})
    assert r.status_code == 422
    results = f"/api/v1/administrations/ADM-1/schools/{SCHOOLS[0]}/results"
    assert school.get(results).status_code == 404  # before the results release
    set_times(app, "ADM-1", results_release_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    r = school.get(results)
    assert r.status_code == 200 and r.json["school"]["n"] == 6 and r.json["district"]["n"] == 6, r.json
