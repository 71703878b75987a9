"""A probable mis-key holds its item until an officer decides; the decision (the analysis page, `khlang analysis
decide`, `khlang scores decide`) goes through one service that rescores from the stored answers; nothing is
recomputed once the privacy purge deleted the answers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner
from scoring_world import ITEM_CODES, SCHOOLS, SYSTEM, answers_csv, make_world, roster_csv
from sqlalchemy import func, select
from test_scoring import _form_cells

from itembank.authz import Actor
from itembank.privacy import purge
from itembank.review_tasks import ReviewFlag, ReviewTask, open_review_tasks
from itembank.service import get_version
from scoring.errors import ScoringError
from scoring.exports import export_scores
from scoring.models import Administration, ResultSummary, StudentScore
from scoring.rescoring import hold_flagged, recompute_scores
from scoring.rosters import import_roster
from scoring.uploads import import_answers
from web.cli import cli

FIRST = ITEM_CODES[0]  # key ก; student 10002 answered ข


@pytest.fixture
def world(session, tmp_path):
    w = make_world(session)
    import_roster(session, SYSTEM, SCHOOLS[0], roster_csv(tmp_path), 2568)
    right = ["ก", "ข", "ค", "ง", "ก", "ข", "กค", "2"]
    wrong0 = ["ข", "ข", "ค", "ง", "ก", "ข", "ก", "1"]
    rows = [("10001", "A", _form_cells(session, "A", right)), ("10002", "B", _form_cells(session, "B", wrong0))]
    import_answers(session, SYSTEM, "ADM-1", SCHOOLS[0], answers_csv(tmp_path, rows))
    return w


@pytest.fixture
def held(session, world):
    """The analysis found a probable mis-key on the first item: its task is open and the item is held."""
    open_review_tasks(session, SYSTEM, "admin:ADM-1", [ReviewFlag(get_version(session, FIRST).id, "mis_key",
                                                                  {"position": 1, "r": -0.3})])
    rescored = hold_flagged(session, SYSTEM, "ADM-1")
    assert rescored is not None and rescored.n_students == 2
    assert hold_flagged(session, SYSTEM, "ADM-1") is None  # held already: nothing more to do
    task_id = session.scalar(select(ReviewTask.id))
    session.commit()  # the test's session holds no lock while the page or a command writes
    return task_id


def _read(session, fn):
    """Read with the test's session and end its transaction (a page or a command writes next)."""
    session.expire_all()
    try:
        return fn()
    finally:
        session.rollback()


def _stored(session) -> dict[str, float]:
    return _read(session, lambda: {row[1]: row[6] for row in export_scores(session, SYSTEM, "ADM-1").rows})


def _stored_raw(session) -> list[float]:
    return _read(session, lambda: sorted(session.scalars(select(StudentScore.raw)).all()))


def _district(session) -> dict:
    return _read(session, lambda: session.scalar(select(ResultSummary.data).where(ResultSummary.scope == "district")))


def _settings(session) -> dict:
    return _read(session, lambda: session.scalar(select(Administration.settings).where(Administration.code == "ADM-1")))


def _cli(db_url, tmp_path, *args):
    return CliRunner().invoke(cli, ["--instance", str(tmp_path / "instance"), *args], env={"DATABASE_URL": db_url})


def test_a_probable_miskey_holds_the_item_out_of_every_total(session, held):
    assert _settings(session)["held"] == [FIRST]
    assert _stored(session) == {"10001": 8.0, "10002": 6.0}
    assert _stored_raw(session) == [6.0, 8.0]
    d = _district(session)
    assert d["max_points"] == 8.0 and d["n"] == 2


def test_rekeying_on_the_analysis_page_rescores_scores_warehouse_and_exports(session, held, db_url, tmp_path):
    from signin import signed_in_client

    from web import create_app
    from web.store_ext import get_store

    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "SECRET_KEY": "test", "JOBS_BACKEND": "immediate"},
                     instance_path=str(tmp_path / "instance"))
    try:
        officer = signed_in_client(app, "officer")
        session.rollback()
        page = officer.get("/analysis/ADM-1/").get_data(as_text=True)
        assert f"/analysis/ADM-1/tasks/{held}/decide" in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        missing = officer.post(f"/analysis/ADM-1/tasks/{held}/decide", data={"csrf_token": token,
                                                                              "decision": "rekeyed"})
        assert missing.status_code == 302
        assert "ต้องระบุเฉลยใหม่" in officer.get("/analysis/ADM-1/").get_data(as_text=True)
        assert _settings(session)["held"] == [FIRST]              # refused: nothing changed
        done = officer.post(f"/analysis/ADM-1/tasks/{held}/decide",
                            data={"csrf_token": token, "decision": "rekeyed", "key": "ข", "comment": "เฉลยคือ ข"})
        assert done.status_code == 302
        assert "คำนวณคะแนนใหม่ 2 คน" in officer.get("/analysis/ADM-1/").get_data(as_text=True)
        analyst = signed_in_client(app, "analyst")
        refused = analyst.post(f"/analysis/ADM-1/tasks/{held}/decide", data={"csrf_token": token, "decision": "kept"})
        assert refused.status_code in (400, 403)
    finally:
        get_store(app).dispose()
    settings = _settings(session)
    assert settings["held"] == [] and settings["rekey"] == {FIRST: {"key": ["ข"], "any_of": False}}
    assert _stored(session) == {"10001": 8.0, "10002": 7.0}    # the export, from the stored answers
    assert _stored_raw(session) == [7.0, 8.0]                   # the stored scores
    d = _district(session)
    assert d["max_points"] == 9.0 and d["n"] == 2 and d["sum"] == pytest.approx(15.0)
    task = _read(session, lambda: session.get(ReviewTask, held))
    assert task.status == "rekeyed" and task.comment == "เฉลยคือ ข" and task.decided_by_name


def test_keep_from_the_command_line_lifts_the_hold_and_decides_the_task(session, held, db_url, tmp_path):
    out = _cli(db_url, tmp_path, "scores", "decide", "ADM-1", FIRST, "keep")
    assert out.exit_code == 0, out.output
    assert "คำนวณคะแนนใหม่ 2 คน" in out.output
    assert _settings(session)["held"] == []
    assert _stored(session) == {"10001": 9.0, "10002": 6.0} and _stored_raw(session) == [6.0, 9.0]
    assert _district(session)["max_points"] == 9.0
    assert _read(session, lambda: session.get(ReviewTask, held).status) == "kept"
    assert hold_flagged(session, SYSTEM, "ADM-1") is None       # a decided task holds nothing again


def test_cancel_from_the_analysis_command_goes_through_the_same_service(session, held, db_url, tmp_path):
    out = _cli(db_url, tmp_path, "analysis", "decide", str(held), "cancelled")
    assert out.exit_code == 0, out.output
    assert "cancelled" in out.output and "คำนวณคะแนนใหม่" in out.output
    assert _settings(session)["cancelled"] == {FIRST: "credit"}
    assert _stored(session) == {"10001": 9.0, "10002": 7.0}


def test_recompute_after_the_privacy_purge_refuses_in_thai(session, world, db_url, tmp_path):
    before = _district(session)
    removed = purge(session, Actor.system(), 1, today=dt.date(2028, 6, 1))
    assert removed.counts["response_set"] == 2
    with pytest.raises(ScoringError) as e:
        recompute_scores(session, SYSTEM, "ADM-1")
    assert e.value.code == "scores.responses_gone" and e.value.kind == "conflict"
    assert "ถูกลบไปแล้ว (เหลือ 0 จาก 2 คน)" in e.value.text("th")
    session.rollback()
    out = _cli(db_url, tmp_path, "scores", "recompute", "ADM-1")
    assert out.exit_code == 1 and "คำตอบรายข้อของนักเรียนถูกลบไปแล้ว" in out.output
    out = _cli(db_url, tmp_path, "scores", "decide", "ADM-1", FIRST, "cancel")
    assert out.exit_code == 1 and "privacy purge" in out.output
    assert _district(session) == before                         # the warehouse keeps what it had
    assert session.scalar(select(func.count()).select_from(ResultSummary)) >= 3


def test_the_analysis_holds_a_probable_miskey_and_rescores(session, tmp_path):
    import numpy as np
    from test_uploads import key_cells

    from scoring.analysis import run_analysis

    make_world(session)
    import_roster(session, SYSTEM, SCHOOLS[0], roster_csv(tmp_path, 60), 2568)
    key, rng, rows = key_cells(session, "A"), np.random.default_rng(5), []
    for k in range(1, 61):
        theta, cells = rng.normal(), []
        for j, right in enumerate(key):
            p = 1 / (1 + np.exp(-1.5 * (theta - (j - 3.5) / 3)))
            other = next(o for o in "กขคง" if o not in right)
            if right.isdigit():
                cells.append(str(int(rng.random() < p) + int(rng.random() < p)))
            elif j == 2:  # printed item 3: the able choose another option, as when the key is wrong
                cells.append(other if rng.random() < p else right)
            else:
                cells.append(right if rng.random() < p else other)
        rows.append((f"1{k:04d}", "A", cells))
    import_answers(session, SYSTEM, "ADM-1", SCHOOLS[0], answers_csv(tmp_path, rows))
    before = _district(session)["max_points"]
    out = run_analysis(session, SYSTEM, "ADM-1")
    session.rollback()
    tasks = _read(session, lambda: session.execute(select(ReviewTask.version_id, ReviewTask.status)
                                                   .where(ReviewTask.kind == "mis_key")).all())
    assert len(tasks) == 1 and tasks[0][1] == "open"
    held = _settings(session)["held"]
    assert len(held) == 1 and get_version(session, held[0]).id == tasks[0][0]
    session.rollback()
    assert out["n_rescored"] == 60 and _district(session)["max_points"] == before - 1
