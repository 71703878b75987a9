"""The committee report as a job function: rendered, or refused as an outcome (nothing raised)."""

from __future__ import annotations

from web import create_app
from web.store_ext import get_store
from web.supervision.jobs import committee_report


def test_committee_report_job_renders_and_refuses_as_an_outcome(db_url, session, tmp_path):
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test"},
                     instance_path=str(tmp_path / "instance"))
    try:
        out = committee_report(app, 2569, "docx", str(tmp_path / "r.docx"))
        assert out["ok"] and out["n_sections"] == 6 and (tmp_path / "r.docx").stat().st_size > 5000
        bad = committee_report(app, 2569, "docx", str(tmp_path / "r.docx"), without="nonsense")
        assert not bad["ok"] and "nonsense" in bad["problems"][0]
        assert not committee_report(app, 2569, "pdf", str(tmp_path / "missing" / "r.pdf"))["ok"]
    finally:
        get_store(app).dispose()
