"""The demo district: written through the real services, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from itembank.models import Instrument, Item, ItemVersion, ReviewEvent
from scoring.models import School
from web.demo import seed_demo
from web.models import User
from web.store_ext import get_store

pytestmark = pytest.mark.slow


def test_demo_district_looks_real_and_went_through_review(app):
    store = get_store(app)
    report = seed_demo(store)
    assert report.n_schools >= 30 and report.n_items >= 1200 and report.n_approved == report.n_items
    with store.read_session() as s:
        codes = s.scalars(select(School.code)).all()
        assert len(codes) >= 30 and all(len(c) == 10 and c.isdigit() for c in codes)
        roles = Counter(s.scalars(select(User.role)).all())
        assert {"officer", "reviewer", "analyst", "supervisor", "qa", "admin", "school"} <= set(roles)
        assert roles["reviewer"] >= 3
        versions = s.scalars(select(ItemVersion)).all()
        assert len(versions) == report.n_items
        assert all(v.status == "approved" for v in versions)
        assert all(v.ioc is not None and v.ioc >= 0.5 and v.ioc_n >= 3 for v in versions)
        assert all(v.reviewer_name and v.reviewer_name != v.author_name for v in versions)
        areas = {(v.grade, v.learning_area) for v in versions}
        assert {a for _, a in areas} == set("ทควสพศงต")
        assert {"ป.3", "ป.6", "ม.3"} <= {g for g, _ in areas}
        assert s.scalar(select(func.count()).select_from(ReviewEvent)) >= 2 * report.n_items
        assert s.scalar(select(func.count()).select_from(Instrument)) >= 8
        assert any(v.type == "constructed_response" and v.rubric for v in versions)
        assert any(v.set_id is not None for v in versions)


def test_demo_seed_command_is_safe_to_run_twice(tmp_path, db_url, session):
    from web.cli import cli

    runner = CliRunner()
    env = {"DATABASE_URL": db_url}
    first = runner.invoke(cli, ["--instance", str(tmp_path), "demo", "seed"], env=env)
    assert first.exit_code == 0, first.output
    assert "สร้างเขตตัวอย่างแล้ว" in first.output
    again = runner.invoke(cli, ["--instance", str(tmp_path), "demo", "seed"], env=env)
    assert again.exit_code == 0 and "มีข้อมูลอยู่แล้ว" in again.output
    with session.bind.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Item)).scalar() >= 1200
