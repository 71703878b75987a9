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


def test_migration_0007_keeps_the_rows_that_refer_to_accounts_on_sqlite(tmp_path):
    """SQLite changes the CHECK constraint by copying user_account: sessions, tokens and areas keep
    their rows and their foreign keys; the downgrade turns secretaries into QA officers first."""
    import sqlite3

    from web.migrations import current, downgrade, upgrade

    path = tmp_path / "old.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url, "0006")
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA foreign_keys=ON")
        c.execute("INSERT INTO school (id, code, name_th, created_at) VALUES (1, '1029020001', 'ก', '2026-01-01')")
        c.execute("INSERT INTO user_account (id, username, display_name, role, roles, is_active, created_at) "
                  "VALUES (1, 'sup1', 'ศน.', 'supervisor', 'supervisor', 1, '2026-01-01')")
        c.execute("INSERT INTO supervisor_area (user_id, school_id) VALUES (1, 1)")
        c.execute("INSERT INTO auth_session (id, user_id, created_at, last_seen_at) VALUES ('s', 1, '2026-01-01', "
                  "'2026-01-01')")
        c.execute("INSERT INTO api_token (user_id, token_hash, scopes, label, created_at) VALUES (1, 'h', '*', '', "
                  "'2026-01-01')")
    upgrade(url, "0007")
    assert current(url) == "0007"
    with sqlite3.connect(path) as c:
        c.execute("PRAGMA foreign_keys=ON")
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []
        assert c.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert [c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("user_account", "supervisor_area", "auth_session", "api_token")] == [1, 1, 1, 1]
        assert c.execute("PRAGMA foreign_keys").fetchone() == (1,)
        c.execute("INSERT INTO user_account (id, username, display_name, role, roles, is_active, created_at) "
                  "VALUES (2, 'sec', 'เลขา', 'secretary', 'secretary', 1, '2026-01-01')")
        c.execute("UPDATE user_account SET roles = 'supervisor secretary' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError):
            c.execute("INSERT INTO user_account (username, display_name, role, roles, is_active, created_at) "
                      "VALUES ('x', 'x', 'teacher', 'teacher', 1, '2026-01-01')")
    downgrade(url, "0006")
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT role, roles, is_active FROM user_account WHERE id = 2").fetchone() == ("qa", "qa", 0)
        assert c.execute("SELECT roles, is_active FROM user_account WHERE id = 1").fetchone() == ("supervisor", 1)
    upgrade(url, "0007")
    assert current(url) == "0007"
    upgrade(url)                                                   # and on to the head


def test_users_create_takes_the_secretary_role_and_refuses_an_unknown_one_in_thai(session, db_url, tmp_path):
    from click.testing import CliRunner

    from web.cli import cli

    runner = CliRunner(env={"DATABASE_URL": db_url, "KHLANG_INSTANCE": str(tmp_path / "instance")})
    r = runner.invoke(cli, ["users", "create", "sec.wilai", "--role", "secretary", "--name", "นางวิไล ใจดี"])
    assert r.exit_code == 0 and "sec.wilai (secretary)" in r.output
    assert "sec.wilai\tsecretary\tใช้งาน" in runner.invoke(cli, ["users", "list", "--role", "secretary"]).output
    r = runner.invoke(cli, ["users", "create", "x", "--role", "teacher"])
    assert r.exit_code == 1 and "เลขานุการคณะกรรมการ ก.ต.ป.น. (secretary)" in r.output
