"""The school portal: only its own administrations and only after release, downloads recorded,
roster and answer uploads checked then confirmed, its own results after the results release."""

from __future__ import annotations

import datetime as dt
import re

from admin_world import SCHOOLS, answer_rows, answers_csv, roster_csv, school_client, set_times, world
from signin import csrf_token
from sqlalchemy import delete, func, select

from scoring.models import AdministrationSchool, AnswerUpload, Download, Student
from web.store_ext import get_store


def _downloads(app) -> int:
    with get_store(app).read_session() as s:
        return s.scalar(select(func.count()).select_from(Download))


def _same(body: bytes, value: str) -> str:
    text = body.decode().replace(value, "<V>")
    text = re.sub(r'name="csrf_token" value="[^"]+"', "", text)
    return re.sub(r'data-test="request-id">[0-9a-f]+<', "", text)


def _get(client, url):
    r = client.get(url)
    data = r.get_data()
    r.close()
    return r.status_code, data


def test_before_release_a_school_sees_nothing_and_gets_404(app):
    world(app, release=False)
    school = school_client(app, 0)
    page = school.get("/school/").get_data(as_text=True)
    assert "ADM-1" not in page and "ยังไม่มีการสอบที่เผยแพร่" in page
    for url in ("/school/ADM-1", "/school/ADM-1/booklet/A", "/school/ADM-1/template.csv", "/school/ADM-1/results",
                "/school/ADM-1/slips.pdf"):
        status, body = _get(school, url)
        assert status == 404, url
    assert _same(_get(school, "/school/NOPE")[1], "NOPE") == _same(_get(school, "/school/ADM-1")[1], "ADM-1")
    assert _downloads(app) == 0


def test_after_release_a_school_downloads_and_the_download_is_recorded(app):
    world(app)
    school = school_client(app, 0)
    page = school.get("/school/").get_data(as_text=True)
    assert "ADM-1" in page and "สอบปลายปี ป.6" in page
    page = school.get("/school/ADM-1").get_data(as_text=True)
    assert "ชุด A" in page and "ชุด B" in page
    status, body = _get(school, "/school/ADM-1/booklet/B")
    assert status == 200 and body[:4] == b"%PDF"
    with get_store(app).read_session() as s:
        row = s.scalars(select(Download)).one()
        assert (row.school_id, row.variant, row.document, row.user_id) == (school.school_id, "B", "booklet",
                                                                           school.user.id)
    assert _get(school, "/school/ADM-1/booklet/Z")[0] == 404
    page = school.get("/school/ADM-1").get_data(as_text=True)
    assert "ดาวน์โหลดแล้ว 1 ครั้ง" in page


def test_another_schools_administration_is_a_404(app):
    world(app)
    other = school_client(app, 1)  # school 2 is taken out of the administration
    with get_store(app).session() as s:
        s.execute(delete(AdministrationSchool).where(AdministrationSchool.school_id == other.school_id))
        s.commit()
    assert "ADM-1" not in other.get("/school/").get_data(as_text=True)
    for url in ("/school/ADM-1", "/school/ADM-1/booklet/A", "/school/ADM-1/results"):
        assert _get(other, url)[0] == 404, url
    assert _downloads(app) == 0


def test_roster_then_answers_checked_then_confirmed(app, tmp_path):
    world(app)
    school = school_client(app, 0)
    token = csrf_token(school, "/school/ADM-1")
    roster = roster_csv(tmp_path, school=1)
    r = school.post("/school/ADM-1/roster", data={"csrf_token": token, "file": (roster.open("rb"), "roster.csv")},
                    content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "ยืนยันและบันทึก" in page, page[:3000]
    with get_store(app).read_session() as s:
        assert s.scalar(select(func.count()).select_from(Student)) == 0  # nothing stored before the confirmation
    action = page.split('action="')[2].split('"')[0]
    r = school.post(action, data={"csrf_token": token, "action": "confirm"})
    assert r.status_code == 302
    with get_store(app).read_session() as s:
        assert s.scalar(select(func.count()).select_from(Student)) == 6
    status, body = _get(school, "/school/ADM-1/template.csv")
    assert status == 200 and "เลขประจำตัว" in body.decode("utf-8-sig")
    bad = answers_csv(tmp_path, [("10001", "A", ["ก", "ข", "ค", "ง", "ฉ", "ก", "ก", "1"]),
                                 ("77777", "A", ["ก"] * 7 + ["1"])], name="bad.csv")
    r = school.post("/school/ADM-1/answers", data={"csrf_token": token, "file": (bad.open("rb"), "bad.csv")},
                    content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="problems"' in page
    assert "77777" in page and "ฉ" in page and "bad.csv" in page
    good = answers_csv(tmp_path, answer_rows(0), name="good.csv")
    r = school.post("/school/ADM-1/answers", data={"csrf_token": token, "file": (good.open("rb"), "good.csv")},
                    content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "นักเรียน 6 จาก 6 คน" in page, page[:3000]
    action = page.split('action="')[2].split('"')[0]
    other = school_client(app, 1)  # the file waits for the school that sent it only
    assert other.post(action, data={"csrf_token": csrf_token(other, "/school/"),
                                                              "action": "confirm"}).status_code == 404
    with get_store(app).read_session() as s:
        assert s.scalar(select(func.count()).select_from(AnswerUpload)) == 0
    r = school.post(action, data={"csrf_token": token, "action": "confirm"})
    assert r.status_code == 302
    page = school.get("/school/ADM-1").get_data(as_text=True)
    assert "นำเข้าแล้ว" in page and "นักเรียน 6 จาก 6 คน" in page
    assert school.post(action, data={"csrf_token": token, "action": "confirm"}).status_code == 404  # used once


def test_results_only_after_the_results_release(app, tmp_path):
    world(app)
    set_times(app, "ADM-1", results_release_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=3))
    from itembank.authz import Actor
    from scoring.rosters import import_roster
    from scoring.uploads import import_answers

    with get_store(app).session() as s:
        import_roster(s, Actor.system(), SCHOOLS[0], roster_csv(tmp_path, school=1), 2568)
        import_answers(s, Actor.system(), "ADM-1", SCHOOLS[0], answers_csv(tmp_path, answer_rows(0)))
    school = school_client(app, 0)
    assert _get(school, "/school/ADM-1/results")[0] == 404
    assert "ดูผลการสอบ" not in school.get("/school/ADM-1").get_data(as_text=True)
    set_times(app, "ADM-1", results_release_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    page = school.get("/school/ADM-1/results").get_data(as_text=True)
    assert 'id="compare"' in page and "เขตพื้นที่" in page and "ด.ช.ชื่อ1" in page.replace(" ", "")
    status, body = _get(school, "/school/ADM-1/slips.pdf")
    assert status == 200 and body[:4] == b"%PDF"
    for url in ("/school/", "/school/ADM-1", "/school/ADM-1/results"):
        assert school.get(url + "?lang=en").status_code == 200, url


def test_the_answer_sheet_after_release_and_the_key_only_after_the_key_release(app):
    from web.forms.jobs import render_form_documents

    world(app)
    assert render_form_documents(app, "F-1")["ok"]
    school = school_client(app, 0)
    page = school.get("/school/ADM-1").get_data(as_text=True)
    assert 'id="answer-sheet"' in page and "data-key=" not in page
    status, body = _get(school, "/school/ADM-1/sheet")
    assert status == 200 and body[:4] == b"%PDF"
    assert _get(school, "/school/ADM-1/key/A")[0] == 404
    set_times(app, "ADM-1", key_release_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    assert 'data-key="A"' in school.get("/school/ADM-1").get_data(as_text=True)
    status, body = _get(school, "/school/ADM-1/key/A")
    assert status == 200 and body[:4] == b"%PDF"
    with get_store(app).read_session() as s:
        assert sorted((d.document, d.variant) for d in s.scalars(select(Download))) == [("answer_sheet", ""),
                                                                                        ("key", "A")]
