"""`khlang admin`, `khlang students` and `khlang scores` end to end on the test database."""

from __future__ import annotations

import csv

from click.testing import CliRunner
from scoring_world import SCHOOLS, make_items, roster_csv

from itembank.authz import Actor
from itembank.schools import SchoolBase, add_schools
from testgen.forms import freeze_items, make_form_variants
from web.cli import cli

S1 = SCHOOLS[0]


def _run(db_url, tmp_path, *args):
    return CliRunner().invoke(cli, ["--instance", str(tmp_path / "instance"), *args], env={"DATABASE_URL": db_url})


def _setup(session):
    add_schools(session, Actor.system(), [SchoolBase(code=c, name_th=f"โรงเรียน {c}") for c in SCHOOLS])
    make_items(session)
    freeze_items(session, Actor.system(), "F-1", "คณิตศาสตร์ ป.6", [f"S6-{i:02d}" for i in range(8)])
    make_form_variants(session, Actor.system(), "F-1", 2, seed=11)
    session.commit()


def test_an_officer_runs_the_loop_from_the_command_line(db_url, session, tmp_path):
    _setup(session)
    r = _run(db_url, tmp_path, "admin", "create", "ADM-9", "--form", "F-1", "--year", "2568", "--grade", "ป.6",
             "--release-at", "2599-01-01 09:00")
    assert r.exit_code == 0, r.output
    assert "รอเผยแพร่" in r.output and "1 ม.ค. 2599 09:00" in r.output
    r = _run(db_url, tmp_path, "students", "import", str(roster_csv(tmp_path)), "--school", S1, "--year", "2568")
    assert r.exit_code == 0 and "นักเรียน 6 คน" in r.output, r.output
    tpl = tmp_path / "t.csv"
    r = _run(db_url, tmp_path, "scores", "template", "ADM-9", "--school", S1, "--out", str(tpl))
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(tpl.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:6] == ["เลขประจำตัว", "ชั้น", "ห้อง", "เลขที่", "ชื่อ-นามสกุล", "ชุด"] and len(rows) == 7
    for row in rows[1:]:
        row[5] = "A"
        row[6:] = ["1"] * 8  # ก on choice items, 1 point on the rubric item
    filled = tmp_path / "filled.csv"
    with open(filled, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    r = _run(db_url, tmp_path, "scores", "import", "ADM-9", str(filled), "--school", S1)
    assert r.exit_code == 1 and "ยังไม่ถึงเวลาเผยแพร่" in r.output, r.output
    assert _run(db_url, tmp_path, "admin", "release", "ADM-9").exit_code == 0
    r = _run(db_url, tmp_path, "scores", "import", "ADM-9", str(filled), "--school", S1)
    assert r.exit_code == 0 and "นักเรียน 6 คน" in r.output, r.output
    r = _run(db_url, tmp_path, "scores", "import", "ADM-9", str(filled), "--school", S1)
    assert "ไม่มีอะไรเปลี่ยน" in r.output
    show = _run(db_url, tmp_path, "admin", "show", "ADM-9").output
    assert f"{S1}" in show and "6/6" in show
    out = tmp_path / "scores.xlsx"
    r = _run(db_url, tmp_path, "scores", "export", "ADM-9", "--out", str(out), "--answers")
    assert r.exit_code == 0 and out.stat().st_size > 0, r.output
    out_csv = tmp_path / "scores.csv"
    assert _run(db_url, tmp_path, "scores", "export", "ADM-9", "--out", str(out_csv), "--school", S1).exit_code == 0
    exported = list(csv.DictReader(out_csv.read_text(encoding="utf-8-sig").splitlines()))
    assert len(exported) == 6 and {e["รหัสโรงเรียน"] for e in exported} == {S1}
    r = _run(db_url, tmp_path, "--lang", "en", "admin", "close", "ADM-9")
    assert r.exit_code == 0 and "closed" in r.output
    r = _run(db_url, tmp_path, "scores", "import", "ADM-9", str(filled), "--school", S1)
    assert r.exit_code == 1 and "ปิดรับคำตอบ" in r.output


def test_a_broken_file_lists_its_rows_in_thai(db_url, session, tmp_path):
    _setup(session)
    assert _run(db_url, tmp_path, "admin", "create", "ADM-8", "--form", "F-1", "--year", "2568",
                "--release-at", "now").exit_code == 0
    _run(db_url, tmp_path, "students", "import", str(roster_csv(tmp_path)), "--school", S1, "--year", "2568")
    bad = tmp_path / "bad.csv"
    bad.write_text("เลขประจำตัว,ชุด,1,2,3,4,5,6,7,8\n10001,A,ก,ข,ค,ง,ฉ,ก,ก,1\n77777,A,ก,ก,ก,ก,ก,ก,ก,1\n",
                   encoding="utf-8")
    r = _run(db_url, tmp_path, "scores", "import", "ADM-8", str(bad), "--school", S1)
    assert r.exit_code == 1
    assert "แถว 2" in r.output and "แถว 3" in r.output and "77777" in r.output, r.output


def test_booklets_are_rendered_once_per_school_and_downloads_recorded(db_url, session, tmp_path):
    _setup(session)
    assert _run(db_url, tmp_path, "admin", "create", "ADM-7", "--form", "F-1", "--year", "2568",
                "--release-at", "now").exit_code == 0
    r = _run(db_url, tmp_path, "admin", "booklets", "ADM-7")
    assert r.exit_code == 0 and "2 โรงเรียน" in r.output, r.output
    out = tmp_path / "b.pdf"
    r = _run(db_url, tmp_path, "admin", "download", "ADM-7", "--school", S1, "--variant", "B", "--out", str(out))
    assert r.exit_code == 0 and out.read_bytes()[:4] == b"%PDF", r.output
    r = _run(db_url, tmp_path, "admin", "booklets", "ADM-7")  # nothing left to render
    assert "0 โรงเรียน" in r.output, r.output
    show = _run(db_url, tmp_path, "admin", "show", "ADM-7").output
    assert f"{S1}          1" in show.replace("  ", "  "), show


def test_an_officer_cancels_an_item_and_scores_are_recomputed(db_url, session, tmp_path):
    _setup(session)
    assert _run(db_url, tmp_path, "admin", "create", "ADM-6", "--form", "F-1", "--year", "2568",
                "--release-at", "now").exit_code == 0
    _run(db_url, tmp_path, "students", "import", str(roster_csv(tmp_path)), "--school", S1, "--year", "2568")
    f = tmp_path / "a.csv"
    f.write_text("เลขประจำตัว,ชุด,1,2,3,4,5,6,7,8\n10001,A,,,,,,,,\n", encoding="utf-8")
    assert _run(db_url, tmp_path, "scores", "import", "ADM-6", str(f), "--school", S1).exit_code == 0
    r = _run(db_url, tmp_path, "scores", "decide", "ADM-6", "S6-00", "cancel")
    assert r.exit_code == 0 and "คำนวณคะแนนใหม่ 1 คน เฉลี่ยร้อยละ 11.1" in r.output, r.output
    r = _run(db_url, tmp_path, "scores", "decide", "ADM-6", "S6-99", "keep")
    assert r.exit_code == 1 and "ไม่อยู่ในฉบับ" in r.output


def test_the_import_job_writes_once_and_refuses_in_thai(app, session, tmp_path):
    from scoring.rosters import import_roster
    from web.jobs.tasks import import_answer_file

    _setup(session)
    from scoring.administrations import create_administration, parse_time

    create_administration(session, Actor.system(), "ADM-J", "", "F-1", year_be=2568, term=2,
                          release_at=parse_time("now"))
    import_roster(session, Actor.system(), S1, roster_csv(tmp_path), 2568)
    f = tmp_path / "a.csv"
    f.write_text("เลขประจำตัว,ชุด,1,2,3,4,5,6,7,8\n10001,A,,,,,,,,\n", encoding="utf-8")
    with app.app_context():
        first = import_answer_file(app, "ADM-J", S1, str(f))
        again = import_answer_file(app, "ADM-J", S1, str(f))
        f.write_text("เลขประจำตัว,ชุด,1,2,3,4,5,6,7,8\n99999,A,,,,,,,,\n", encoding="utf-8")
        bad = import_answer_file(app, "ADM-J", S1, str(f))
    assert first["ok"] and first["status"] == "written" and again["status"] == "unchanged"
    assert not bad.get("ok") and "99999" in str(bad)
