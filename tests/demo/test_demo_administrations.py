"""The demo's administrations: last year's answered by 30 schools (one twice, one late), analysed and written
back with the planted mis-key found, reports built from it, still open, and downloadable by its schools
(their stamped booklets, the answer sheet and the keys, rendered by the seed with the release job's and
the forms' job's own services: scoring.booklet_release, testgen.documents); this year's awaiting release.
The run's one seed per database (conftest's `demo`: a copy of it, with its instance folder) serves every check."""

from __future__ import annotations

import re
import subprocess

import pytest
from demodb import DEMO_GROUP
from sqlalchemy import func, select
from sqlmodel import Session

from itembank.store import Store

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(DEMO_GROUP)]  # one seed a database (demodb)


def test_demo_last_year_is_analysed_with_its_defects_and_this_year_awaits_release(demo):
    assert "ส่งคำตอบช้า: วิเคราะห์ข้อสอบใหม่" in demo.output and "district-ป.6@v2" in demo.output
    store = Store(demo.url)
    try:
        with Session(store.engine) as session:
            _last_year_and_this_year(session, demo.output)
    finally:
        store.dispose()
    _a_school_downloads_its_copies(demo.instance, demo.url, demo.output)


def _last_year_and_this_year(session, output: str) -> None:
    from itembank.authz import Actor
    from itembank.review_tasks import list_review_tasks
    from itembank.statistics import ItemStatistic, statistics_history
    from scoring.administrations import get_administration, is_released
    from scoring.models import Administration, AnswerUpload
    from scoring.reports import district_report, school_report

    system = Actor.system()
    last = get_administration(session, system, "P6-MA-2568")
    assert last.status() == "open"                                               # still open for corrections
    n_stats = session.scalar(select(func.count()).select_from(ItemStatistic)
                             .where(ItemStatistic.source == "admin:P6-MA-2568"))
    assert n_stats == 30
    tasks = list_review_tasks(session, system, source="admin:P6-MA-2568")
    mis = [t for t in tasks if t.kind == "mis_key"]
    planted = re.search(r"เฉลยในคลังของข้อ (\d+) ผิดโดยเจตนา", output)
    assert planted, output
    assert [t.details["position"] for t in mis] == [int(planted.group(1))], (
        [(t.kind, t.item_code, t.details) for t in tasks], output)
    history = statistics_history(session, system, mis[0].item_code)
    assert [h.source.split("-")[0] for h in history] == ["pilot", "admin:P6"] and history[-1].r < 0
    # the late school's re-run held the scale by the first run's parameter set, and says so
    assert history[-1].extra["linking"]["anchors_from"] == "district-ป.6@v1"
    uploads = session.scalar(select(func.count()).select_from(AnswerUpload))
    assert uploads >= 31                                                           # one school uploaded twice
    school = school_report(session, system, "P6-MA-2568", "1029020001")
    district = district_report(session, system, "P6-MA-2568")
    assert school.facts[0][1].endswith("(1029020001)") and len(district.sections[-1].tables[0][1].rows) == 30
    this_year = session.scalar(select(Administration).where(Administration.code == "P6-MA-2569"))
    assert this_year is not None and not is_released(this_year)


def _a_school_downloads_its_copies(instance, db_url: str, output: str) -> None:
    from signin import sign_in

    from web import create_app
    from web.store_ext import get_store

    seconds = re.search(r"พิมพ์แบบทดสอบการสอบ P6-MA-2568: 30 โรงเรียน ชุด A, B, C, D \(([\d.]+) วินาที\)", output)
    assert seconds, output
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "DEMO_MODE": True,
                      "LOGIN_FAILURE_DELAY": 0}, instance_path=str(instance))
    try:
        client = app.test_client()
        sign_in(client, "school.1029020001", app.config["DEMO_PASSWORD"])
        page = client.get("/school/P6-MA-2568").get_data(as_text=True)
        listed = re.findall(r'data-variant="([^"]+)"', page[page.index('id="booklets"'):])
        assert listed[:4] == ["A", "B", "C", "D"]
        response = client.get("/school/P6-MA-2568/booklet/B")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        pdf = instance / "b.pdf"
        pdf.write_bytes(response.data)
        response.close()                                           # the file it streamed from
        text = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "1029020001" in text                                # this school's copy, stamped on its cover
        assert len(list((instance / "booklets" / "P6-MA-2568" / "B").glob("*.pdf"))) == 30
        sheet = client.get("/school/P6-MA-2568/sheet")
        assert sheet.status_code == 200 and sheet.data[:5] == b"%PDF-"
        sheet.close()
        key = client.get("/school/P6-MA-2568/key/B")                # after the key release
        assert key.status_code == 200 and key.mimetype == "application/pdf"
        (instance / "k.pdf").write_bytes(key.data)
        key.close()
        key_text = subprocess.run(["pdftotext", str(instance / "k.pdf"), "-"], capture_output=True, text=True,
                                  check=True).stdout
        assert "เฉลย" in key_text and "ชุด" in key_text
        assert client.get("/school/P6-MA-2569").status_code in (403, 404)   # this year's: not released
    finally:
        get_store(app).dispose()
