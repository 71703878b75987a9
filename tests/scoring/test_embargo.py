"""The release embargo in the services: before its time a school sees nothing of an administration."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from factories import make_actor
from scoring_world import SCHOOLS, SYSTEM, answers_csv, make_world, roster_csv

from itembank.errors import KhlangError
from scoring.administrations import (
    get_administration,
    list_administrations,
    record_download,
    release_administration,
)
from scoring.exports import export_scores
from scoring.responses import load_scored_matrix
from scoring.rosters import import_roster
from scoring.uploads import answer_template, import_answers
from scoring.warehouse import district_results, school_results

S1, S2 = SCHOOLS


def _school(world, code=S1):
    return make_actor("school", school_id=world["schools"][code])


def test_before_release_a_school_gets_not_found_from_every_service(session, tmp_path):
    world = make_world(session, release=False)
    me = _school(world)
    assert list_administrations(session, me) == []
    calls = [lambda: get_administration(session, me, "ADM-1"),
             lambda: answer_template(session, me, "ADM-1", S1),
             lambda: record_download(session, me, "ADM-1", S1, "booklet", "A"),
             lambda: load_scored_matrix(session, me, "ADM-1"),
             lambda: school_results(session, me, "ADM-1", world["schools"][S1]),
             lambda: export_scores(session, me, "ADM-1")]
    for call in calls:
        with pytest.raises(KhlangError) as e:
            call()
        assert e.value.kind == "not_found", e.value
    assert get_administration(session, SYSTEM, "ADM-1").status() == "awaiting_release"


def test_after_release_a_school_sees_its_own_row_and_downloads_are_recorded(session, tmp_path):
    world = make_world(session, release=False)
    release_administration(session, SYSTEM, "ADM-1", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    me = _school(world)
    record_download(session, me, "ADM-1", S1, "booklet", "A")
    info = get_administration(session, me, "ADM-1")
    assert [p.code for p in info.schools] == [S1] and info.schools[0].n_downloads == 1
    with pytest.raises(KhlangError) as e:
        record_download(session, me, "ADM-1", S2, "booklet", "A")
    assert e.value.kind == "forbidden"
    with pytest.raises(KhlangError) as e:
        record_download(session, me, "ADM-1", S1, "key", "A")  # the key has its own, later time
    assert e.value.kind == "not_found"
    office = get_administration(session, SYSTEM, "ADM-1")
    assert {p.code: p.n_downloads for p in office.schools} == {S1: 1, S2: 0}


def test_results_wait_for_their_own_time_and_schools_see_only_themselves(session, tmp_path):
    world = make_world(session)
    import_roster(session, SYSTEM, S1, roster_csv(tmp_path), 2568)
    import_roster(session, SYSTEM, S2, roster_csv(tmp_path, school=2, name="r2.csv"), 2568)
    import_answers(session, SYSTEM, "ADM-1", S1, answers_csv(tmp_path, [("10001", "A", [""] * 8)]))
    import_answers(session, SYSTEM, "ADM-1", S2, answers_csv(tmp_path, [("20001", "A", [""] * 8)], name="b.csv"))
    me = _school(world)
    assert load_scored_matrix(session, me, "ADM-1").student_codes == ["10001"]
    assert [r[1] for r in export_scores(session, me, "ADM-1").rows] == ["10001"]
    with pytest.raises(KhlangError):
        school_results(session, me, "ADM-1", world["schools"][S2])
    with pytest.raises(KhlangError) as e:
        district_results(session, me, "ADM-1")
    assert e.value.kind == "forbidden"
    assert school_results(session, me, "ADM-1", world["schools"][S1]).district.n == 2


def test_two_identical_uploads_at_once_count_once(store, session, tmp_path):
    make_world(session)
    import_roster(session, SYSTEM, S1, roster_csv(tmp_path), 2568)
    path = answers_csv(tmp_path, [("10001", "A", ["1"] * 8), ("10002", "B", ["2"] * 8)])
    outcomes, errors = [], []

    def upload():
        try:
            with store.session() as s:
                outcomes.append(import_answers(s, SYSTEM, "ADM-1", S1, path).status)
        except Exception as e:  # noqa: BLE001 - every failure is a finding here
            errors.append(e)

    threads = [threading.Thread(target=upload) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(e, KhlangError) and e.kind == "conflict" for e in errors), errors
    assert outcomes.count("written") == 1
    m = load_scored_matrix(session, SYSTEM, "ADM-1")
    assert m.n_persons == 2
    assert district_results(session, SYSTEM, "ADM-1").district.n == 2
