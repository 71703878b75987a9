"""`khlang analysis run` then `khlang reports school|district|class|slips|items|all` on stored answers."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from reports_world import answered_world
from scoring_world import SCHOOLS
from test_uploads import key_cells

from itembank.authz import Actor
from itembank.jobs import get_job
from web.cli import cli


@pytest.fixture
def run(session, db_url, tmp_path):
    def invoke(*args: str, lang: str | None = None):
        root = ["--lang", lang] if lang else []
        return CliRunner().invoke(cli, [*root, "--instance", str(tmp_path / "instance"), *args],
                                  env={"DATABASE_URL": db_url, "KHLANG_JOBS_BACKEND": "immediate"},
                                  catch_exceptions=False)

    return invoke


@pytest.fixture
def world(session, tmp_path):
    return answered_world(session, tmp_path, key_cells)


def test_analysis_run_then_every_report_is_written(run, world, tmp_path):
    analysed = run("analysis", "run", "ADM-1")
    assert analysed.exit_code == 0, analysed.output
    assert "ADM-1: วิเคราะห์ 8 ข้อ ผู้สอบ 80 คน" in analysed.output and "บันทึก 8 ข้อ" in analysed.output
    assert "[6/6] เสร็จแล้ว" in analysed.output                    # progress, on stderr
    assert "admin:ADM-1 n=80" in run("bank", "show", "S6-00").output
    for kind, extra in (("school", ["--school", SCHOOLS[0]]), ("district", []), ("class", ["--school", SCHOOLS[0]]),
                        ("slips", ["--school", SCHOOLS[0]]), ("items", [])):
        out = tmp_path / f"{kind}.docx"
        result = run("reports", kind, "ADM-1", *extra, "--format", "docx", "--out", str(out))
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 5000
    bulk = run("reports", "all", "ADM-1", "--format", "xlsx", "--out", str(tmp_path / "all"))
    assert bulk.exit_code == 0 and "2 โรงเรียน" in bulk.output
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [f"ADM-1_{c}.xlsx" for c in sorted(SCHOOLS)]


def test_refusals_are_thai_and_write_nothing(run, world, tmp_path):
    missing = run("reports", "school", "ADM-1", "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert missing.exit_code != 0 and "--school" in missing.output
    wrong = run("reports", "school", "ADM-1", "--school", SCHOOLS[0], "--format", "pdf", "--out", str(tmp_path / "x.docx"))
    assert wrong.exit_code != 0 and "นามสกุลไฟล์ไม่ตรงกับรูปแบบ pdf" in wrong.output
    unknown = run("reports", "school", "ADM-1", "--school", "9999999999", "--format", "pdf",
                  "--out", str(tmp_path / "x.pdf"))
    assert unknown.exit_code == 1 and "ไม่พบโรงเรียนรหัส 9999999999" in unknown.output
    items = run("reports", "items", "ADM-1", "--format", "pdf", "--out", str(tmp_path / "i.pdf"))
    assert items.exit_code == 1 and "khlang analysis run ADM-1" in items.output
    assert not list(tmp_path.glob("*.pdf"))


def test_queued_bulk_reports_and_analysis_keep_their_progress(run, session, world, tmp_path):
    queued = run("analysis", "run", "ADM-1", "--queue")
    assert queued.exit_code == 0 and "ส่งเข้าคิวแล้ว: งาน" in queued.output
    job_id = queued.output.split("งาน ")[1].split()[0]
    job = get_job(session, Actor.system(), job_id)
    assert job.status == "done" and (job.done, job.total) == (6, 6)
    session.rollback()  # the test's session ends its transaction (SQLite's write lock) before the next command
    bulk = run("reports", "all", "ADM-1", "--format", "xlsx", "--out", str(tmp_path / "q"), "--queue")
    job_id = bulk.output.split("งาน ")[1].split()[0]
    job = get_job(session, Actor.system(), job_id)
    assert job.status == "done" and (job.done, job.total) == (2, 2) and job.kind == "school_reports"
    session.rollback()
    listing = run("jobs", "list")
    assert "school_reports" in listing.output and "เสร็จแล้ว 2/2" in listing.output
