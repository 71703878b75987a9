"""The committee secretary (เลขานุการคณะกรรมการ ก.ต.ป.น.): reads the committee report and the results
summaries, writes the committee's records, and nothing else (issue 11, part 1)."""

from __future__ import annotations

import datetime as dt

import pytest

import scoring.authz  # noqa: F401  (registers the rooms' actions, as the app does)
import supervision.authz  # noqa: F401
from itembank.accounts import create_user, list_users
from itembank.authz import PERMISSIONS, ROLE_TH, Actor
from itembank.errors import KhlangError

YEAR = 2569


def test_a_secretary_account_is_stored_and_acts_with_its_role(session):
    """The CHECK constraint of user_account (migration 0007) accepts the role, on SQLite and PostgreSQL."""
    user = create_user(session, Actor.system(), "sec.wilai", "นางวิไล ใจดี", "secretary",
                       position="เลขานุการคณะกรรมการ ก.ต.ป.น.")
    assert user.roles == ("secretary",) and not user.needs_totp
    assert [u.username for u in list_users(session, Actor.system(), role="secretary")] == ["sec.wilai"]
    assert ROLE_TH["secretary"] == "เลขานุการคณะกรรมการ ก.ต.ป.น."


def test_the_secretary_keeps_the_committee_record_and_reads_its_report(session):
    from supervision.committee import committee_report, save_committee_notes
    from supervision.results import StaticResults

    sec = create_user(session, Actor.system(), "sec.wilai", "นางวิไล ใจดี", "secretary").actor()
    save_committee_notes(session, sec, YEAR, recommendations=["เร่งพัฒนาการอ่านออกเขียนได้ในชั้น ป.1"],
                         meeting_on=dt.date(2027, 4, 20))
    report = committee_report(session, sec, YEAR, results=StaticResults({}), today=dt.date(2027, 4, 1))
    recs = next(s for s in report.sections if s.key == "recommendations")
    assert "เร่งพัฒนาการอ่านออกเขียนได้ในชั้น ป.1" in " ".join(recs.paragraphs)


@pytest.mark.parametrize("action", ["item.read", "item.read_key", "form.read", "scores.export", "roster.read",
                                    "student.read_names", "visit.write", "qa.write", "user.read", "audit.read",
                                    "privacy.export", "administration.download", "answers.upload"])
def test_the_secretary_may_do_nothing_else(action):
    sec = Actor(user_id=9, username="sec.wilai", role="secretary")
    with pytest.raises(KhlangError) as e:
        from itembank.authz import authorize

        authorize(sec, None, action)
    assert e.value.kind == "forbidden"
    assert "เลขานุการคณะกรรมการ ก.ต.ป.น." in e.value.text("th") and "ไม่มีสิทธิ์" in e.value.text("th")
    assert action not in PERMISSIONS["secretary"]
