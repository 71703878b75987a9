"""The analysis pages: administrations with their status, the analysis as a job, the item statistics with
Thai flags and review tasks, an item's history with its ICC and options plots, parameter sets."""

from __future__ import annotations

import re

from signin import signed_in_client


def test_an_analyst_runs_the_analysis_as_a_job_and_reads_the_statistics(app, analyst, world):
    page = analyst.get("/analysis/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "สอบปลายปี ป.6" in html and "ยังไม่ได้วิเคราะห์" in html
    stats = analyst.get("/analysis/ADM-1/").get_data(as_text=True)
    assert "ยังไม่ได้วิเคราะห์ข้อสอบ" in stats and 'name="csrf_token"' in stats
    assert analyst.get("/analysis/plots/dd.svg?administration=ADM-1").status_code == 404
    token = re.search(r'name="csrf_token" value="([^"]+)"', stats).group(1)
    started = analyst.post("/analysis/ADM-1/run", data={"csrf_token": token, "model": "2pl", "anchor_mode": "fixed",
                                                         "drift_limit": "0.5"})
    assert started.status_code == 302 and "/jobs/" in started.headers["Location"]
    job = analyst.get(started.headers["Location"]).get_data(as_text=True)
    assert "เสร็จแล้ว" in job and "/analysis/ADM-1/" in job
    stats = analyst.get("/analysis/ADM-1/").get_data(as_text=True)
    assert "ค่าความเชื่อมั่น" in stats and "S6-00" in stats
    assert 'id="item-statistics"' in stats and "tif.svg" in stats
    assert "ข้อสอบ 8 ข้อ ใช้ได้" in stats                    # the conclusion first, in plain words
    overview = analyst.get("/analysis/").get_data(as_text=True)
    assert "วิเคราะห์แล้ว" in overview
    from sqlalchemy import select

    from itembank.audit import AuditLog
    from web.store_ext import get_store

    with get_store(app).session() as s:   # PDPA: the analysis read every student's answers for this analyst
        row = s.scalar(select(AuditLog).where(AuditLog.event == "student.read",
                                              AuditLog.object_type == "answers.analysis"))
    assert row is not None and row.object_id == "ADM-1"


def test_flags_are_thai_words_with_their_review_tasks(app, analyst, analysed):
    html = analyst.get("/analysis/ADM-1/").get_data(as_text=True)
    for raw in ("mis_key", "dead_distractor", "too_easy", "low_r", ">2pl<"):
        assert raw not in html
    assert re.search(r"ง่ายเกินไป|ยากเกินไป|อำนาจจำแนกต่ำ|เฉลยอาจผิด|ตัวลวง", html)
    flagged = analyst.get("/analysis/ADM-1/?flagged=1").get_data(as_text=True)
    assert flagged.count('class="flagged"') == html.count('class="flagged"')
    if analysed["n_flags"]:
        assert "รอตรวจทาน" in html          # the review tasks the flags opened


def test_item_history_with_icc_and_options_plots(app, analyst, analysed):
    html = analyst.get("/analysis/items/S6-01").get_data(as_text=True)
    assert "ประวัติค่าสถิติ" in html and "ADM-1" in html and 'id="icc"' in html
    icc = analyst.get("/analysis/plots/icc.svg?item=S6-01")
    assert icc.status_code == 200 and icc.mimetype == "image/svg+xml" and b"<svg" in icc.data
    assert 'id="options"' in html          # a single-choice item of a mixed form has its distractor table
    options = analyst.get("/analysis/plots/options.svg?item=S6-01")
    assert options.status_code == 200 and b"<svg" in options.data
    assert analyst.get("/analysis/plots/options.svg?item=S6-07").status_code == 404   # a rubric item: none
    tif = analyst.get("/analysis/plots/tif.svg?administration=ADM-1")
    assert tif.status_code == 200 and b"<svg" in tif.data
    dd = analyst.get("/analysis/plots/dd.svg?administration=ADM-1")            # difficulty and discrimination
    assert dd.status_code == 200 and b"<svg" in dd.data
    assert 'id="dd"' in analyst.get("/analysis/ADM-1/").get_data(as_text=True)
    assert analyst.get("/analysis/items/NOPE-1").status_code == 404
    assert analyst.get("/analysis/plots/icc.svg?item=%00x").status_code == 404


def test_parameter_sets_page(app, analyst, analysed):
    html = analyst.get("/analysis/parameter-sets").get_data(as_text=True)
    assert "district-ป.6 · v1" in html and "ADM-1" in html


def test_officers_read_but_cannot_run_and_schools_are_refused(app, analysed, client):
    html = client.get("/analysis/ADM-1/").get_data(as_text=True)
    assert "ค่าความเชื่อมั่น" in html and 'data-test="run-analysis"' not in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/analysis/").get_data(as_text=True))
    assert token is None or client.post("/analysis/ADM-1/run", data={"csrf_token": token.group(1)}).status_code == 403
    from sqlalchemy import select

    from itembank.schools import School
    from web.store_ext import get_store

    with get_store(app).session() as s:
        school_id = s.scalar(select(School.id).where(School.code == "1040120001"))
    school = signed_in_client(app, "school", school_id=school_id)
    assert school.get("/analysis/ADM-1/").status_code in (403, 404)
    assert school.get("/analysis/items/S6-01").status_code in (403, 404)


def test_bad_run_settings_are_named_in_thai(app, analyst, world):
    stats = analyst.get("/analysis/ADM-1/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', stats).group(1)
    bad = analyst.post("/analysis/ADM-1/run", data={"csrf_token": token, "model": "9pl", "drift_limit": "x"},
                       follow_redirects=True)
    html = bad.get_data(as_text=True)
    assert "โมเดล: เลือกจากรายการ" in html and "เกณฑ์ค่า b เปลี่ยน" in html
    assert analyst.post("/analysis/NOPE/run", data={"csrf_token": token, "model": "2pl"}).status_code == 404
