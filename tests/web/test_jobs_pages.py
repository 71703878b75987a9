"""The job page: who started it by name, its progress, and a refused job's problems, page and JSON alike."""

from __future__ import annotations

from signin import make_account, sign_in

from itembank.jobs import finish_job, record_job, start_job
from web.store_ext import get_store


def test_a_refused_job_lists_its_problems_and_its_starter_by_name(app):
    user = make_account(app, "officer")
    with get_store(app).session() as s:
        record_job(s, user.actor(), "job-1", "assemble", {"blueprint": "BP-1"})
        start_job(s, "job-1", "assemble")
        finish_job(s, "job-1", "assemble", {"ok": False, "message_th": "ไม่ดำเนินการ: พบปัญหา 1 รายการ",
                                             "problems": ["ผัง BP-1 แถว 3: คลังมีข้อสอบ 2 ข้อ ต้องการ 5 ข้อ"]})
        s.commit()
    client = app.test_client()
    sign_in(client, user.username)
    page = client.get("/jobs/job-1").get_data(as_text=True)
    assert "ประกอบฉบับข้อสอบ" in page and user.display_name in page
    assert "ผัง BP-1 แถว 3: คลังมีข้อสอบ 2 ข้อ ต้องการ 5 ข้อ" in page
    body = client.get("/api/v1/jobs/job-1", headers={"Accept": "application/json"}).get_json()
    assert body["status"] == "refused" and body["problems"] and body["created_by"] == user.display_name
    other = make_account(app, "officer")
    stranger = app.test_client()
    sign_in(stranger, other.username)
    assert stranger.get("/jobs/job-1").status_code == 404


def test_the_job_page_names_kind_and_status_in_the_page_language(app):
    user = make_account(app, "analyst")
    with get_store(app).session() as s:
        record_job(s, user.actor(), "job-2", "analysis_dif", {"administration": "X"})
        s.commit()
    client = app.test_client()
    sign_in(client, user.username)
    thai = client.get("/jobs/job-2?lang=th").get_data(as_text=True)
    assert "วิเคราะห์ DIF" in thai and "รอคิว" in thai
    english = client.get("/jobs/job-2?lang=en").get_data(as_text=True)
    assert "DIF analysis" in english and "Queued" in english
    assert "วิเคราะห์ DIF" not in english and "รอคิว" not in english
    body = client.get("/api/v1/jobs/job-2?lang=en", headers={"Accept": "application/json"}).get_json()
    assert body["kind_th"] == "วิเคราะห์ DIF" and body["kind_label"] == "DIF analysis"
