"""The demo district's year of supervision: written through the services, reads like a real year."""

from __future__ import annotations

import datetime as dt

from demo import demo_schools, demo_users
from demo.seed import _school, _user
from demo.supervision import YEAR, seed_demo_supervision
from exports.supervision import committee_report_pdf, visit_record_pdf
from itembank.accounts import create_users
from itembank.authz import Actor
from itembank.schools import add_schools
from supervision.committee import committee_report
from supervision.plans import plan_coverage
from supervision.qa import qa_summary
from supervision.records import visit_record
from supervision.visits import list_recommendations, list_visits


def test_demo_year_of_supervision(store, session, tmp_path):
    with store.session() as s:
        ids = add_schools(s, Actor.system(), [_school(x) for x in demo_schools()])
        accounts = {u.username: u.actor() for u in create_users(s, Actor.system(), [_user(u, ids) for u in demo_users()])}
    n = seed_demo_supervision(store, accounts)
    with store.session() as s:
        system = Actor.system()
        cov = plan_coverage(s, system, YEAR)
        assert cov.n_planned == 30 and 20 <= cov.n_visited < 30 and n > cov.n_visited
        statuses = {r.status for r in list_recommendations(s, system, academic_year=YEAR)}
        assert {"open", "in_progress", "verified"} <= statuses
        assert qa_summary(s, system, YEAR).n_with_sar == 30
        visit = list_visits(s, system, academic_year=YEAR)[1]
        (tmp_path / "visit.pdf").write_bytes(visit_record_pdf(visit_record(s, system, visit.id, "สพป.นครชัยบุรี เขต 2")))
        report = committee_report(s, accounts["qa.jintana"], YEAR, district="สพป.นครชัยบุรี เขต 2",
                                  today=dt.date(2026, 5, 1))
        (tmp_path / "report.pdf").write_bytes(committee_report_pdf(report))
    assert (tmp_path / "report.pdf").stat().st_size > 20_000
