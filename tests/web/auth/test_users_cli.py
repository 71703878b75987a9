"""`khlang users …`: accounts from the command line, refusals in Thai, --as checked against the accounts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from web.cli import cli


@pytest.fixture
def run(session, db_url, tmp_path):
    runner = CliRunner(env={"DATABASE_URL": db_url, "KHLANG_INSTANCE": str(tmp_path / "instance")})

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def school(session):
    from itembank.schools import School

    session.add_all([School(code="1029020001", name_th="โรงเรียนอนุบาลโนนสะอาด"),
                     School(code="1029020002", name_th="โรงเรียนบ้านโนนสะอาด")])
    session.commit()


def test_create_list_roles_disable_and_reset(run, school, session):
    from itembank.accounts import check_password_sign_in

    r = run("users", "create", "somchai", "--role", "officer", "--role", "reviewer", "--name", "นายสมชาย",
            "--password-stdin", input="แมวส้มนอนบนหลังคา\n")
    assert r.exit_code == 0 and "somchai" in r.output
    r = run("users", "create", "nongbua", "--role", "school", "--school", "1029020001")
    assert r.exit_code == 0
    r = run("users", "create", "niten", "--role", "supervisor", "--area", "1029020001", "--area", "1029020002")
    assert r.exit_code == 0
    listing = run("users", "list").output
    assert "somchai\tofficer reviewer\tใช้งาน" in listing and "area=" in listing
    assert check_password_sign_in(session, "somchai", "แมวส้มนอนบนหลังคา").roles == ("officer", "reviewer")
    r = run("users", "roles", "somchai", "--role", "analyst")
    assert r.exit_code == 0 and "analyst" in r.output
    new_password = run("users", "reset-password", "somchai").output.strip()
    assert len(new_password) >= 12
    assert check_password_sign_in(session, "somchai", new_password).username == "somchai"
    assert run("users", "disable", "somchai").exit_code == 0
    assert "ปิดแล้ว" in run("users", "list").output
    token = run("users", "token", "nongbua", "--scope", "instrument.read").output.strip()
    assert token.startswith("khl_")
    assert "1" in run("users", "token", "nongbua", "--revoke").output
    assert run("users", "totp", "nongbua").output.startswith("otpauth://totp/")


def test_refusals_are_thai_and_exit_1(run, school):
    r = run("users", "create", "x", "--role", "school")
    assert r.exit_code == 1 and "โรงเรียน" in r.output
    r = run("users", "create", "x", "--role", "officer", "--password-stdin", input="1234567890\n")
    assert r.exit_code == 1 and "เดาง่าย" in r.output
    r = run("users", "create", "x", "--role", "wizard")
    assert r.exit_code == 1 and "บทบาท" in r.output
    r = run("users", "disable", "nobody")
    assert r.exit_code == 1 and "ไม่พบผู้ใช้" in r.output


def test_as_names_a_real_account_whose_roles_are_checked(run, school):
    run("users", "create", "admin1", "--role", "admin")
    run("users", "create", "officer1", "--role", "officer")
    assert run("users", "create", "y", "--role", "officer", "--as", "admin1").exit_code == 0
    r = run("users", "create", "z", "--role", "officer", "--as", "officer1")
    assert r.exit_code == 1 and "ไม่มีสิทธิ์" in r.output
    r = run("users", "list", "--as", "ghost")
    assert r.exit_code == 1 and "ไม่พบผู้ใช้ ghost" in r.output
    run("users", "disable", "admin1")
    r = run("users", "list", "--as", "admin1")
    assert r.exit_code == 1 and "ปิดใช้งาน" in r.output
