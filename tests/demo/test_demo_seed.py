"""The demo district: written through the real services, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner
from demodb import DEMO_GROUP
from sqlalchemy import func, select
from sqlmodel import Session

from itembank.accounts import User
from itembank.models import Instrument, Item, ItemVersion, ReviewEvent
from itembank.schools import School
from itembank.statistics import ItemStatistic
from itembank.store import Store
from testgen.models import Form, FormVariant

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(DEMO_GROUP)]  # one seed a database (demodb)


def test_demo_district_looks_real_went_through_review_and_seeds_once(demo):
    """`khlang demo seed` builds the district through the services; a second run changes nothing.

    The first run is the run's one seed of this database (conftest's `demo_template`, the real command):
    its output is checked here, and the command is run again on this test's copy of what it wrote."""
    from web.cli import cli

    assert "สร้างเขตตัวอย่างแล้ว" in demo.output
    store = Store(demo.url)
    try:
        before = _counts(store)
        again = CliRunner().invoke(cli, ["--instance", str(demo.instance), "demo", "seed"],
                                   env={"DATABASE_URL": demo.url})
        assert again.exit_code == 0 and "มีข้อมูลอยู่แล้ว" in again.output, again.output
        assert _counts(store) == before
        assert "DISTRICT_NAME" in (demo.instance / "khlang.cfg").read_text(encoding="utf-8")
        with Session(store.engine) as s:
            _looks_real(s)
    finally:
        store.dispose()


def _counts(store) -> tuple[int, ...]:
    with Session(store.engine) as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (School, User, ItemVersion, ReviewEvent, Form))


def _looks_real(s) -> None:
    codes = s.scalars(select(School.code)).all()
    assert len(codes) >= 30 and all(len(c) == 10 and c.isdigit() for c in codes)
    roles = Counter(s.scalars(select(User.role)).all())
    assert {"officer", "reviewer", "analyst", "supervisor", "qa", "admin", "school"} <= set(roles)
    assert roles["reviewer"] >= 3
    versions = s.scalars(select(ItemVersion)).all()
    assert len(versions) >= 1200 and s.scalar(select(func.count()).select_from(Item)) == len(versions)
    assert all(v.status == "approved" for v in versions)
    assert all(v.ioc is not None and v.ioc >= 0.5 and v.ioc_n >= 3 for v in versions)
    assert all(v.reviewer_name and v.reviewer_name != v.author_name for v in versions)
    areas = {(v.grade, v.learning_area) for v in versions}
    assert {a for _, a in areas} == set("ทควสพศงต")
    assert {"ป.3", "ป.6", "ม.3"} <= {g for g, _ in areas}
    assert s.scalar(select(func.count()).select_from(ReviewEvent)) >= 2 * len(versions)
    assert s.scalar(select(func.count()).select_from(Instrument)) >= 8
    assert any(v.type == "constructed_response" and v.rubric for v in versions)
    assert any(v.set_id is not None for v in versions)
    # the pilot's statistics were written back, and forms were assembled on them, frozen, with variants
    assert s.scalar(select(func.count()).select_from(ItemStatistic)) >= 500
    forms = s.scalars(select(Form)).all()
    assert {f.code for f in forms} >= {"P6-MA-2568-1", "P6-MA-2568-2", "P3-TH-2568"}
    assert s.scalar(select(func.count()).select_from(FormVariant)) == 4 * len(forms)
    # no frozen form holds two clones (exact or near copies, or items that differ only in their numbers)
    from itembank.duplicates import find_duplicates, item_text
    from testgen.forms import form_versions

    for form in forms:
        rows = form_versions(s, form)
        pairs = find_duplicates([item_text(v.stem, v.options or (), v.key or ()) for _, v, _ in rows])
        assert [(rows[p.first][2], rows[p.second][2], p.kind) for p in pairs] == [], form.code
