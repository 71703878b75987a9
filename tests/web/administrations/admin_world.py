"""The world of the administration and portal tests: two schools with accounts, a frozen form with
variants A and B, rosters, and an administration (released or not) whose booklets the release job rendered."""

from __future__ import annotations

import datetime as dt

from scoring_world import SCHOOLS, answers_csv, make_world, roster_csv
from signin import make_account, sign_in

from itembank.authz import Actor
from web.store_ext import get_store

SYSTEM = Actor.system()
__all__ = ["SCHOOLS", "answers_csv", "roster_csv", "world", "school_client", "render_booklets", "import_roster_of",
           "answer_rows"]


def world(app, *, release: bool = True, code: str = "ADM-1", booklets: bool = True) -> dict:
    with get_store(app).session() as s:
        out = make_world(s, release=release, code=code)
        s.commit()
    if release and booklets:
        render_booklets(app, code)
    return out


def render_booklets(app, code: str) -> None:
    from web.jobs.tasks import render_release_booklets

    outcome = render_release_booklets(app, code)
    assert outcome["ok"], outcome


def school_client(app, index: int = 0):
    from sqlalchemy import select

    from itembank.schools import School

    with get_store(app).session() as s:
        sid = s.scalar(select(School.id).where(School.code == SCHOOLS[index]))
    user = make_account(app, "school", school_id=sid)
    client = app.test_client()
    sign_in(client, user.username)
    client.user = user
    client.school_id = sid
    return client


def import_roster_of(app, tmp_path, index: int = 0) -> None:
    from scoring.rosters import import_roster

    with get_store(app).session() as s:
        import_roster(s, SYSTEM, SCHOOLS[index], roster_csv(tmp_path, school=index + 1, name=f"r{index}.csv"), 2568)


def answer_rows(index: int = 0, n: int = 6, cell: str = "ก"):
    return [(f"{index + 1}{k:04d}", "A", [cell] * 7 + ["1"]) for k in range(1, n + 1)]


def set_times(app, code: str, **times: dt.datetime | None) -> None:
    from sqlalchemy import select

    from scoring.models import Administration

    with get_store(app).session() as s:
        adm = s.scalar(select(Administration).where(Administration.code == code))
        for k, v in times.items():
            setattr(adm, k, v)
        s.add(adm)
        s.commit()
