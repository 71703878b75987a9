"""Authorization: one role × action table, checked on the object."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from factories import make_actor, make_instrument_draft

from itembank import service
from itembank.authz import ACTION_TH, PERMISSIONS, ROLES, Actor, authorize
from itembank.errors import ItemBankError


@dataclass
class _Obj:
    school_id: int | None = None
    author_id: int | None = None
    author_name: str | None = None


def test_every_role_has_a_row_and_every_action_a_thai_name():
    assert set(PERMISSIONS) == set(ROLES)
    for actions in PERMISSIONS.values():
        assert actions <= set(ACTION_TH)


def test_the_table_snapshot():
    """A change of who may do what must be deliberate: update this snapshot in the same commit.

    Every room registers its actions when it is imported, so the whole table is the one the rooms
    make together: import them all first (the web app does).
    """
    import scoring  # noqa: F401
    import supervision  # noqa: F401
    import testgen  # noqa: F401

    # the centre's: a school reads instruments, its own school's row and its own jobs, uses its own account;
    # scoring's: its own roster, its administrations (after release), its uploads and scores;
    # supervision's: its own visits and plan lines, acknowledged by the school
    school = sorted(PERMISSIONS["school"])
    assert school == sorted(["account.self", "instrument.download", "instrument.read", "job.read", "school.read",
                             "roster.read", "roster.import", "student.read_names", "administration.read",
                             "administration.download", "answers.upload", "scores.read", "scores.export",
                             "visit.read", "visit.acknowledge", "recommendation.update", "qa.read",
                             "supervision.plan_read", "privacy.export"])
    assert not [a for a in school if a.startswith(("item.", "form.", "blueprint.", "user.", "audit.", "backup."))]
    assert "item.approve" in PERMISSIONS["reviewer"] and "item.approve" not in PERMISSIONS["officer"]
    assert "item.read_key" not in PERMISSIONS["supervisor"] and "item.read_key" not in PERMISSIONS["qa"]
    assert "item.import" in PERMISSIONS["officer"] and "item.import" not in PERMISSIONS["reviewer"]
    assert PERMISSIONS["admin"] == PERMISSIONS["system"] == frozenset(ACTION_TH)
    # the committee secretary (เลขานุการ ก.ต.ป.น.): committee reports and records, results summaries, nothing else
    assert sorted(PERMISSIONS["secretary"]) == sorted([
        "account.self", "school.read", "job.read", "committee.read", "committee.write", "qa.read", "qa.summary",
        "supervision.plan_read", "administration.read", "scores.read"])
    # PDPA: a student's data on request by the school or the district's officer; the purge by administrators
    assert [r for r in ROLES if "privacy.export" in PERMISSIONS[r]] == ["officer", "admin", "school", "system"]
    assert [r for r in ROLES if "privacy.purge" in PERMISSIONS[r]] == ["admin", "system"]
    assert [r for r in ROLES if "privacy.scan" in PERMISSIONS[r]] == ["admin", "system"]


def test_a_school_account_reads_its_own_school_only():
    from itembank.schools import School

    actor = make_actor("school", school_id=7)
    authorize(actor, School(id=7, code="1000000007", name_th="ก"), "school.read")
    with pytest.raises(ItemBankError) as e:
        authorize(actor, School(id=8, code="1000000008", name_th="ข"), "school.read")
    assert e.value.code == "authz.other_school"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ACTION_TH))
def test_role_action_table_decides_without_an_object(role, action):
    actor = make_actor(role)
    if action in PERMISSIONS[role]:
        authorize(actor, None, action)
    else:
        with pytest.raises(ItemBankError) as e:
            authorize(actor, None, action)
        assert e.value.kind == "forbidden" and "ไม่มีสิทธิ์" in e.value.text("th")


def test_unknown_action_fails_closed():
    with pytest.raises(ItemBankError) as e:
        authorize(Actor.system(), None, "item.delete_everything")
    assert e.value.code == "authz.unknown_action"


def test_school_acts_only_on_its_own_objects():
    school = make_actor("school", school_id=7)
    authorize(school, _Obj(school_id=7), "instrument.download")
    authorize(school, _Obj(school_id=None), "instrument.download")  # district-wide
    with pytest.raises(ItemBankError) as e:
        authorize(school, _Obj(school_id=8), "instrument.download")
    assert e.value.code == "authz.other_school" and "โรงเรียนอื่น" in e.value.text()


def test_author_is_never_the_approver_by_id_or_by_name():
    reviewer = make_actor("reviewer", "somsri", user_id=5)
    with pytest.raises(ItemBankError):
        authorize(reviewer, _Obj(author_id=5, author_name="other"), "item.approve")
    with pytest.raises(ItemBankError):
        authorize(Actor(None, "somsri", "reviewer"), _Obj(author_name="somsri"), "item.approve")
    authorize(reviewer, _Obj(author_id=6, author_name="somchai"), "item.approve")
    assert not reviewer.may("item.approve", _Obj(author_id=5))


def test_actor_validates_its_role_and_school():
    with pytest.raises(ItemBankError):
        Actor(1, "x", "teacher")
    with pytest.raises(ItemBankError):
        Actor(1, "x", "school")
    assert Actor.system().is_system


def test_school_downloads_district_and_own_instruments_only(session):
    admin = make_actor("admin")
    service.save_instrument(session, admin, make_instrument_draft(code="ALL"))
    service.save_instrument(session, admin, make_instrument_draft(code="OWN", school_id=1))
    service.save_instrument(session, admin, make_instrument_draft(code="OTHER", school_id=2))
    school = make_actor("school", school_id=1)
    assert [i.code for i in service.list_instruments(session, school)] == ["ALL", "OWN"]
    assert service.get_instrument(session, school, "OWN").code == "OWN"
    with pytest.raises(ItemBankError) as e:
        service.get_instrument(session, school, "OTHER")
    assert e.value.kind == "not_found"  # no existence oracle for another school's instrument
    assert len(service.list_instruments(session, make_actor("supervisor"))) == 3


def test_a_school_cannot_write_instruments(session):
    with pytest.raises(ItemBankError) as e:
        service.save_instrument(session, make_actor("school"), make_instrument_draft())
    assert e.value.kind == "forbidden"


def test_read_version_shows_the_key_only_to_roles_that_may_read_it(session):
    from factories import make_item_draft

    service.create_item(session, make_actor("officer"), make_item_draft(code="K-1"))
    assert service.read_version(session, make_actor("analyst"), "K-1").key == ["ข"]
    for_supervisor = service.read_version(session, make_actor("supervisor"), "K-1")
    assert not hasattr(for_supervisor, "key") and not hasattr(for_supervisor, "author_name")
    with pytest.raises(ItemBankError) as e:
        service.read_version(session, make_actor("school"), "K-1")
    assert e.value.kind == "forbidden"


def test_the_centre_names_no_satellite_action_and_testgen_registers_its_own():
    """itembank.authz alone knows the bank's actions; importing testgen adds testgen's."""
    import subprocess
    import sys

    code = (
        "import itembank.authz as a\n"
        "assert 'form.assemble' not in a.ACTION_TH and 'blueprint.write' not in a.ACTION_TH\n"
        "assert 'item.flag_compromised' not in a.PERMISSIONS['officer']\n"
        "import testgen.forms\n"
        "from testgen.authz import ACTIONS\n"
        "assert set(ACTIONS) <= set(a.ACTION_TH) and set(ACTIONS) <= a.PERMISSIONS['officer']\n"
        "assert a.PERMISSIONS['admin'] == a.PERMISSIONS['system'] == frozenset(a.ACTION_TH)\n"
        "assert 'form.read' in a.PERMISSIONS['analyst'] and 'form.assemble' not in a.PERMISSIONS['analyst']\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_registering_actions_fills_the_table_and_refuses_mistakes():
    from itembank.authz import register_actions

    with pytest.raises(ValueError):
        register_actions({"item.read": "อย่างอื่น"}, {})
    with pytest.raises(ValueError):
        register_actions({}, {"teacher": {"item.read"}})
    with pytest.raises(ValueError):
        register_actions({}, {"officer": {"nothing.registered"}})
    register_actions({"item.read": "ดูข้อสอบ"}, {})  # the same again changes nothing
    assert PERMISSIONS["admin"] == frozenset(ACTION_TH)


def test_user_actions_belong_to_admin_and_system_only():
    for role in ROLES:
        assert ("user.write" in PERMISSIONS[role]) == (role in ("admin", "system"))
