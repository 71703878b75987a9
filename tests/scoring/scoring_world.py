"""A small world for the scoring tests: two schools, a bank of 8 items (6 single-answer, one
multiple-answer ก+ค, one 2-point constructed response), a frozen form with variants A and B, an
administration of it released an hour ago, and rosters."""

from __future__ import annotations

import datetime as dt

from factories import make_item_draft, make_rubric_draft

from itembank import service
from itembank.authz import Actor
from itembank.schemas import OptionDraft
from itembank.schools import SchoolBase, add_schools
from scoring.administrations import create_administration
from testgen.forms import freeze_items, make_form_variants

SYSTEM = Actor.system()
SCHOOLS = ("1040120001", "1040120002")
OPTIONS = (OptionDraft("ก", "1"), OptionDraft("ข", "2"), OptionDraft("ค", "3"), OptionDraft("ง", "4"))
ITEM_CODES = tuple(f"S6-{i:02d}" for i in range(8))


def make_items(session) -> None:
    drafts = [make_item_draft(code=ITEM_CODES[i], options=OPTIONS, key=("กขคง"[i % 4],), status="approved",
                              indicator_codes=(("ค 1.1 ป.6/1", "ค 1.1 ป.6/2")[i % 2],)) for i in range(6)]
    drafts.append(make_item_draft(code=ITEM_CODES[6], options=OPTIONS, key=("ก", "ค"), status="approved"))
    drafts.append(make_rubric_draft(code=ITEM_CODES[7], status="approved"))
    service.upsert_items(session, SYSTEM, drafts)
    session.commit()


def make_world(session, *, release: bool = True, variants: int = 2, code: str = "ADM-1") -> dict:
    ids = add_schools(session, SYSTEM, [SchoolBase(code=c, name_th=f"โรงเรียนทดสอบ {k}")
                                        for k, c in enumerate(SCHOOLS, start=1)])
    make_items(session)
    freeze_items(session, SYSTEM, "F-1", "คณิตศาสตร์ ป.6", ITEM_CODES)
    if variants:
        make_form_variants(session, SYSTEM, "F-1", variants, seed=11)
    now = dt.datetime.now(dt.UTC)
    create_administration(session, SYSTEM, code, "สอบปลายปี ป.6", "F-1", year_be=2568, term=2, grade="ป.6",
                          release_at=now - dt.timedelta(hours=1) if release else now + dt.timedelta(days=1),
                          results_release_at=now - dt.timedelta(minutes=30) if release else None)
    return {"schools": ids, "admin": code}


ROSTER_HEADER = "ชั้น,ห้อง,เลขที่,เลขประจำตัว,คำนำหน้า,ชื่อ,นามสกุล,เพศ\n"


def roster_csv(tmp_path, n: int = 6, school: int = 1, name: str = "roster.csv", start: int = 1):
    """A roster of `n` students of ป.6 in two rooms, ids S<school><k>."""
    lines = [f"ป.6,{1 + k % 2},{k // 2 + 1},{school}{k:04d},{'ด.ช.' if k % 2 else 'ด.ญ.'},ชื่อ{k},สกุล{k},"
             f"{'ชาย' if k % 2 else 'หญิง'}" for k in range(start, start + n)]
    path = tmp_path / name
    path.write_text(ROSTER_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def answers_csv(tmp_path, rows, n_items: int = 8, name: str = "answers.csv", header=None):
    """An answer file: rows of (student id, variant, [cells])."""
    head = header or ["เลขประจำตัว", "ชุด", *map(str, range(1, n_items + 1))]
    import csv

    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(head)
        w.writerows([sid, var, *cells] for sid, var, cells in rows)
    return path
