"""The demo's administrations: last year's ป.6 mathematics test, answered, analysed and written back,
still open for corrected uploads; and this year's, awaiting its release.

Everything goes through the services a district uses: ป.6 rosters per school
(:func:`scoring.rosters.import_roster` of a CSV in the common Thai layout), one answer file per school
(:func:`scoring.uploads.import_answers`, answers written in each student's booklet variant with Thai
letters), then :func:`scoring.analysis.run_analysis`. Answers are simulated from the items' banked 2PL
parameters (the pilot), with the defects a real year has:

- one mis-keyed item: the bank's key of one of the form's items is not the option able students choose,
  so its r comes out negative and the analysis opens a "probable mis-key" review task. The item is the
  most discriminating one of middle difficulty (:func:`planted_position`): the form is assembled anew at
  each seed within a time limit, so which item sits where can change with the machine's load, and a
  weak or extreme item would hide the defect the demo is there to show;
- one school that uploaded twice: a first file with a few wrong cells, then the corrected file, which
  replaces the first in one transaction;
- one late school: its file arrives after the analysis, so the analysis is run again (the statistics
  of the administration are replaced and the parameter set gets its next version).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from itembank.authz import Actor
from itembank.statistics import latest_statistics
from scoring.administrations import create_administration
from scoring.analysis import run_analysis
from scoring.rosters import import_roster
from scoring.uploads import import_answers
from testgen.forms import form_variants, get_form

LAST_YEAR = ("P6-MA-2568", "P6-MA-2568-1", 2568)
THIS_YEAR = ("P6-MA-2569", "P6-MA-2568-2", 2569)
LETTERS = "กขคงจฉ"
GRADES_PER_SCHOOL = {"อ.1-ป.6": 8, "อ.1-ม.3": 11, "ป.1-ป.6": 6}


def _n_p6(school) -> int:
    return max(6, round(school.n_students / GRADES_PER_SCHOOL.get(school.grades, 8)))


def _roster(path: Path, school_no: int, n: int, rng) -> list[str]:
    ids = [f"{school_no:02d}{k:03d}" for k in range(1, n + 1)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ชั้น", "ห้อง", "เลขที่", "เลขประจำตัว", "คำนำหน้า", "ชื่อ", "นามสกุล", "เพศ"])
        for k, sid in enumerate(ids):
            boy = rng.random() < 0.5
            room = 1 + k // 35
            w.writerow(["ป.6", room, k % 35 + 1, sid, "ด.ช." if boy else "ด.ญ.", f"นักเรียน{k + 1}",
                        f"โรงเรียน{school_no}", "ชาย" if boy else "หญิง"])
    return ids


def planted_position(a: np.ndarray, b: np.ndarray) -> int:
    """Where (0-based, form order) the demo's mis-key goes: the item with the largest banked a among those
    with |b| ≤ 1 (all items if none), so its negative r is plain in any assembled form."""
    mid = np.flatnonzero(np.abs(b) <= 1.0)
    candidates = mid if mid.size else np.arange(b.size)
    return int(candidates[np.argmax(a[candidates])])


def _answers(path: Path, ids: list[str], theta: np.ndarray, a: np.ndarray, b: np.ndarray, variants, rng,
             miskeyed: int, typos: int = 0) -> None:
    """One school's answer file: each student in a variant, right answers from the 2PL model."""
    p = 1 / (1 + np.exp(-a * (theta[:, None] - b)))
    right = rng.random(p.shape) < p
    omit = rng.random(p.shape) < 0.015
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["เลขประจำตัว", "ชุด", *map(str, range(1, len(a) + 1))])
        for i, sid in enumerate(ids):
            v = variants[i % len(variants)]
            cells = []
            for pos, q in enumerate(v.order):
                n_opt = len(v.option_maps[pos]) or 4
                k = v.key[pos][0]
                true = (k + 1) % n_opt if q == miskeyed else k   # the bank's key is wrong here
                if omit[i, q]:
                    cells.append("")
                elif right[i, q]:
                    cells.append(LETTERS[true])
                else:
                    cells.append(LETTERS[(true + 1 + rng.integers(0, n_opt - 1)) % n_opt])
            if typos and i < typos:
                cells[0] = ""  # the first file of the school that uploads twice misses some answers
            w.writerow([sid, v.label, *cells])


def seed_demo_administrations(store, schools, accounts: dict[str, Actor],
                              progress: Callable[[str], None] = lambda _: None, *, booklets_dir: Path | None = None,
                              documents_dir: Path | None = None, district: str = "") -> dict[str, object]:
    """Last year's administration answered by the 30 schools and analysed; this year's awaiting release.

    With `booklets_dir`, last year's (released) administration gets its per-school booklets there, by
    the release job's own service (:func:`release_booklets`), so each school can download its copy; with
    `documents_dir`, its form's answer sheet and keys as the forms' job renders them (:func:`form_files`).
    """
    officer = next((a for a in accounts.values() if a.role == "officer"), Actor.system())
    analyst = next((a for a in accounts.values() if a.role == "analyst"), Actor.system())
    now = dt.datetime.now(dt.UTC)
    rng = np.random.default_rng(2568)
    code, form_code, year = LAST_YEAR
    with store.session() as s:
        create_administration(s, officer, code, "สอบวัดผลสัมฤทธิ์ คณิตศาสตร์ ป.6 ปลายปี 2568", form_code, year_be=year,
                              term=2, grade="ป.6", release_at=now - dt.timedelta(days=300),
                              key_release_at=now - dt.timedelta(days=290),
                              results_release_at=now - dt.timedelta(days=250),
                              settings={"scale_name": "district-ป.6"})
        variants = form_variants(s, get_form(s, officer, form_code))
    a, b = _banked(store, officer, form_code)
    miskeyed = planted_position(a, b)
    late = schools[-1]
    twice = schools[1]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {}
        for no, school in enumerate(schools, start=1):
            roster = folder / f"roster-{school.code}.csv"
            ids = _roster(roster, no, _n_p6(school), rng)
            with store.session() as s:
                import_roster(s, officer, school.code, roster, year)
            shift = {"large": 0.25, "medium": 0.0, "small": -0.35}.get(school.size, 0.0)
            theta = rng.normal(shift, 1.0, len(ids))
            path = folder / f"answers-{school.code}.csv"
            _answers(path, ids, theta, a, b, variants, rng, miskeyed)
            files[school.code] = path
            if school is twice:
                first = folder / f"answers-{school.code}-first.csv"
                _answers(first, ids, theta, a, b, variants, np.random.default_rng(no), miskeyed, typos=5)
                with store.session() as s:
                    import_answers(s, officer, code, school.code, first)
        for school in schools:
            if school is not late:
                with store.session() as s:
                    import_answers(s, officer, code, school.code, files[school.code])
        progress(f"การสอบ {code}: {len(schools) - 1} โรงเรียนส่งคำตอบ ({twice.name_th} ส่งไฟล์แก้ไขซ้ำ); "
                 f"เฉลยในคลังของข้อ {miskeyed + 1} ผิดโดยเจตนา")
        with store.session() as s:
            first_run = run_analysis(s, analyst, code)
        with store.session() as s:
            import_answers(s, officer, code, late.code, files[late.code])
        with store.session() as s:
            final = run_analysis(s, analyst, code)
    progress(f"{late.name_th} ส่งคำตอบช้า: วิเคราะห์ข้อสอบใหม่ ผู้สอบ {final['n_persons']} คน "
             f"งานตรวจทาน {final['n_flags']} รายการ ชุดพารามิเตอร์ {final['parameter_set']}")
    code2, form2, year2 = THIS_YEAR
    with store.session() as s:
        create_administration(s, officer, code2, "สอบวัดผลสัมฤทธิ์ คณิตศาสตร์ ป.6 ปลายปี 2569", form2, year_be=year2,
                              term=2, grade="ป.6", release_at=now + dt.timedelta(days=30),
                              key_release_at=now + dt.timedelta(days=31), results_release_at=now + dt.timedelta(days=60),
                              settings={"scale_name": "district-ป.6"})
    progress(f"การสอบ {code2}: รอเผยแพร่")
    if booklets_dir is not None:
        release_booklets(store, officer, code, booklets_dir / code, district, progress)
    if documents_dir is not None:
        form_files(store, officer, form_code, documents_dir, progress)
    return {"last_year": code, "this_year": code2, "first_run": first_run["parameter_set"],
            "parameter_set": final["parameter_set"], "n_persons": final["n_persons"], "n_flags": final["n_flags"],
            "miskeyed_position": miskeyed + 1}


def release_booklets(store, actor: Actor, code: str, folder: Path, district: str = "",
                     progress: Callable[[str], None] = lambda _: None) -> float:
    """The booklets of a released administration, rendered and stamped per school as the release job does
    (:func:`scoring.booklet_release.render_release_booklets` with :func:`exports.stamp.render_school_copies`);
    returns the seconds it took."""
    from exports.stamp import render_school_copies
    from scoring.booklet_release import render_release_booklets

    t0 = time.perf_counter()
    out = render_release_booklets(store, actor, code, render_school_copies, folder=folder, district=district)
    seconds = time.perf_counter() - t0
    progress(f"{out.message('th')} ({seconds:.1f} วินาที)")
    return seconds


def form_files(store, actor: Actor, form_code: str, folder: Path,
               progress: Callable[[str], None] = lambda _: None) -> float:
    """The answer sheet and every key of frozen form `form_code` (not the form's own-order booklets: schools
    download the stamped ones), rendered as the forms' job does (:func:`testgen.documents.render_document`
    with :func:`exports.render.render`) into `folder`; returns the seconds it took."""
    from exports.render import render
    from testgen.documents import form_documents, render_document

    t0 = time.perf_counter()
    with store.read_session() as s:
        docs = [d for d in form_documents(s, actor, folder, form_code) if d.kind != "booklet" and not d.ready]
        for d in docs:
            render_document(s, actor, d, render)
    seconds = time.perf_counter() - t0
    progress(f"พิมพ์กระดาษคำตอบและเฉลยของฉบับ {form_code} แล้ว {len(docs)} ไฟล์ ({seconds:.1f} วินาที)")
    return seconds


def _banked(store, actor: Actor, form_code: str) -> tuple[np.ndarray, np.ndarray]:
    """The 2PL a and b of the form's items in form order, from the bank's latest statistics (the pilot)."""
    from scoring.keying import form_key

    with store.read_session() as s:
        form = get_form(s, actor, form_code)
        key = form_key(s, form, {})
        stats = latest_statistics(s, [it.item_version_id for it in key.items])
    a = np.array([stats[it.item_version_id].a if it.item_version_id in stats and stats[it.item_version_id].a
                  else 1.0 for it in key.items])
    b = np.array([stats[it.item_version_id].b if it.item_version_id in stats and stats[it.item_version_id].b
                  is not None else 0.0 for it in key.items])
    return a, b
