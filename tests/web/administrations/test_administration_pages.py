"""The district's administration pages: list, create, schedule (office time, shown in พ.ศ.), release
with its booklet job, completeness per school and the late schools to copy or export."""

from __future__ import annotations

import csv
import datetime as dt
import io

from admin_world import SCHOOLS, school_client, world
from signin import csrf_token

from web.store_ext import get_store


def _token(client, path="/administrations/"):
    return csrf_token(client, path)


def test_the_list_and_one_administration_show_every_school(app, client):
    world(app)
    page = client.get("/administrations/").get_data(as_text=True)
    assert "ADM-1" in page and "สอบปลายปี ป.6" in page and "เผยแพร่แล้ว" in page
    page = client.get("/administrations/ADM-1").get_data(as_text=True)
    assert 'id="completeness"' in page
    for code in SCHOOLS:
        assert code in page
    assert "ยังไม่ดาวน์โหลด" in page and "ยังไม่ส่ง" in page
    assert page.count(">พร้อม<") == 2  # both schools' booklets were rendered at release
    assert client.get("/administrations/NOPE").status_code == 404
    for url in ("/administrations/", "/administrations/new", "/administrations/ADM-1", "/administrations/ADM-1/release"):
        assert client.get(url + "?lang=en").status_code == 200, url  # the English side renders too


def test_an_officer_creates_an_administration_of_a_frozen_form(app, client):
    world(app)
    page = client.get("/administrations/new").get_data(as_text=True)
    assert "F-1" in page and SCHOOLS[1] in page
    token = _token(client, "/administrations/new")
    r = client.post("/administrations/new", data={
        "csrf_token": token, "code": "ADM-NEW", "title": "", "form": "F-1", "grade": "", "term": "1",
        "year_be": "2569", "schools": [SCHOOLS[1]], "release_at": "2026-12-20T09:00"})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    page = client.get("/administrations/ADM-NEW").get_data(as_text=True)
    assert "20 ธ.ค. 2569 09:00" in page  # typed in Bangkok time, shown back in พ.ศ.
    assert SCHOOLS[1] in page and SCHOOLS[0] not in page
    assert 'value="2026-12-20T09:00"' in page
    r = client.post("/administrations/new", data={"csrf_token": token, "code": "ADM-NEW", "form": "F-1",
                                                  "term": "1", "year_be": "2569", "all_schools": "1"})
    assert r.status_code == 422 and "มีการสอบรหัส ADM-NEW อยู่แล้ว" in r.get_data(as_text=True)
    r = client.post("/administrations/new", data={"csrf_token": token, "code": "ADM-X", "form": "F-1",
                                                  "term": "1", "year_be": "2569"})
    assert r.status_code == 422 and "เลือกโรงเรียน" in r.get_data(as_text=True)


def test_schedule_and_release_now_queue_the_booklets(app, client):
    world(app, release=False)
    token = _token(client)
    r = client.post("/administrations/ADM-1/schedule", data={
        "csrf_token": token, "release_at": "2569-12-10T08:30", "key_release_at": "2026-12-09T08:30",
        "results_release_at": ""})
    assert r.status_code == 302
    page = client.get("/administrations/ADM-1").get_data(as_text=True)
    assert "ต้องไม่ก่อนเวลาเผยแพร่" in page  # refused: nothing changed
    client.post("/administrations/ADM-1/schedule", data={
        "csrf_token": token, "release_at": "2026-12-10T08:30", "key_release_at": "2026-12-11T08:30",
        "results_release_at": "2026-12-30T09:00"})
    page = client.get("/administrations/ADM-1").get_data(as_text=True)
    assert "10 ธ.ค. 2569 08:30" in page and "30 ธ.ค. 2569 09:00" in page
    assert "ยืนยัน" in client.get("/administrations/ADM-1/release").get_data(as_text=True)
    r = client.post("/administrations/ADM-1/release", data={"csrf_token": token})
    assert r.status_code == 302 and "/release" in r.headers["Location"]  # not confirmed
    r = client.post("/administrations/ADM-1/release", data={"csrf_token": token, "confirm": "yes"})
    assert r.status_code == 302 and "/jobs/" in r.headers["Location"]
    job = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "เสร็จแล้ว" in job, job
    from itembank.authz import Actor
    from scoring.administrations import school_copies

    with get_store(app).read_session() as s:
        assert set(school_copies(s, Actor.system(), "ADM-1", SCHOOLS[0])) == {"A", "B"}


def test_the_late_schools_are_listed_to_copy_and_export(app, client):
    world(app)
    school = school_client(app, 0)
    r = school.get("/school/ADM-1/booklet/A")
    assert r.status_code == 200
    r.close()
    page = client.get("/administrations/ADM-1").get_data(as_text=True)
    late = page.split('id="late-download"')[1].split("</div>")[0]
    assert SCHOOLS[1] in late and SCHOOLS[0] not in late
    r = client.get("/administrations/ADM-1/late/download.csv")
    rows = list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "รหัสโรงเรียน" and [row[0] for row in rows[1:]] == [SCHOOLS[1]]
    r = client.get("/administrations/ADM-1/late/upload.xlsx")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    assert client.get("/administrations/ADM-1/late/nothing.csv").status_code == 404


def test_schools_and_analysts_cannot_use_the_district_pages(app):
    from signin import signed_in_client

    world(app)
    school = school_client(app, 0)
    assert school.get("/administrations/").headers["Location"].endswith("/school/")
    assert school.get("/administrations/ADM-1").status_code == 404
    analyst = signed_in_client(app, "analyst")
    assert analyst.get("/administrations/ADM-1").status_code == 200
    assert analyst.get("/administrations/new").status_code == 403
    token = csrf_token(analyst, "/administrations/")
    assert analyst.post("/administrations/ADM-1/release", data={"csrf_token": token, "confirm": "yes"}).status_code == 403
    _ = dt
