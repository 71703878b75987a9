"""The demo's administrations: last year's answered by 30 schools (one twice, one late), analysed and written
back with the planted mis-key found, reports built from it, still open; this year's awaiting release."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

pytestmark = pytest.mark.slow


def test_demo_last_year_is_analysed_with_its_defects_and_this_year_awaits_release(tmp_path, db_url, session):
    from click.testing import CliRunner

    from demo.administrations import MISKEYED_POSITION
    from itembank.authz import Actor
    from itembank.review_tasks import list_review_tasks
    from itembank.statistics import ItemStatistic, statistics_history
    from scoring.administrations import get_administration, is_released
    from scoring.models import Administration, AnswerUpload
    from scoring.reports import district_report, school_report
    from web.cli import cli

    result = CliRunner().invoke(cli, ["--instance", str(tmp_path), "demo", "seed"], env={"DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    assert "ส่งคำตอบช้า: วิเคราะห์ข้อสอบใหม่" in result.output and "district-ป.6@v2" in result.output
    system = Actor.system()
    last = get_administration(session, system, "P6-MA-2568")
    assert last.status() == "open"                                               # still open for corrections
    n_stats = session.scalar(select(func.count()).select_from(ItemStatistic)
                             .where(ItemStatistic.source == "admin:P6-MA-2568"))
    assert n_stats == 30
    tasks = list_review_tasks(session, system, source="admin:P6-MA-2568")
    mis = [t for t in tasks if t.kind == "mis_key"]
    assert [t.details["position"] for t in mis] == [MISKEYED_POSITION + 1]
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
