"""รายงานผลการสอบ (reports from the warehouse): the data of the school report, the district report, the
class score sheet, the student result slips and the item-analysis report, as :mod:`exports.data`
dataclasses that :func:`exports.render.write` renders to PDF, DOCX and XLSX.

Contents follow what Thai offices read in NT/O-NET reports (thai-practice.md §2): mean, SD, min/max,
quality levels as counts and % with their cuts, the 8-level grade, results per indicator with its
description, score bands of 10 %, the school beside the district, last years beside this year; the
office's letterhead and signature lines. Numbers are formatted here once (2 decimals, % to 2), so the
three formats print the same digits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlmodel import Session

from exports.data import (
    BarChart,
    ReportSection,
    ResultSlip,
    ResultSlips,
    ResultsReport,
    SignatureLine,
    TableBlock,
)
from itembank.authz import Actor
from itembank.schools import School
from scoring import settings as cfg
from scoring.administrations import load
from scoring.errors import ScoringError
from scoring.warehouse import GroupResult, TrendPoint, district_results, school_results

GRADE_WORDS = {"4": "ดีเยี่ยม", "3.5": "ดีมาก", "3": "ดี", "2.5": "ค่อนข้างดี", "2": "น่าพอใจ", "1.5": "พอใช้",
               "1": "ผ่านเกณฑ์ขั้นต่ำ", "0": "ต่ำกว่าเกณฑ์"}
BAND_LABELS = tuple(f"{k}–{k + 9 if k < 90 else 100}" for k in range(0, 100, 10))


def _f(v: float | None, d: int = 2) -> str:
    return "-" if v is None or not np.isfinite(v) else f"{v:,.{d}f}"


def _share(n: int, total: int) -> str:
    return _f(100.0 * n / total if total else 0.0)


def _cut_ranges(cuts: Sequence[float]) -> list[str]:
    """'80–100', '70–79.99', …, '0–49.99' for descending cuts."""
    edges = [100.0, *cuts, 0.0]
    out = []
    for k in range(len(edges) - 1):
        high = edges[k] if k == 0 else edges[k] - 0.01
        out.append(f"{edges[k + 1]:g}–{high:g}")
    return out


def _school(session: Session, code: str) -> School:
    school = session.scalar(select(School).where(School.code == str(code).strip()))
    if school is None:
        raise ScoringError("school.not_found", kind="not_found", message_th=f"ไม่พบโรงเรียนรหัส {code}",
                           message_en=f"no school {code}")
    return school


def _signatures(*roles: tuple[str, str]) -> tuple[SignatureLine, ...]:
    return tuple(SignatureLine(role=r, position=p) for r, p in roles)


# ------------------------------------------------------------------------------------------ sections


def _overall(groups: Sequence[GroupResult], names: Sequence[str]) -> ReportSection:
    rows = [("จำนวนผู้เข้าสอบ (คน)", *[f"{g.n:,}" for g in groups]),
            ("คะแนนเต็ม", *[_f(g.max_points) for g in groups]),
            ("คะแนนเฉลี่ย", *[_f(g.mean) for g in groups]),
            ("ร้อยละของคะแนนเฉลี่ย", *[_f(g.mean_percent) for g in groups]),
            ("ส่วนเบี่ยงเบนมาตรฐาน", *[_f(g.sd) for g in groups]),
            ("คะแนนสูงสุด", *[_f(g.max) for g in groups]),
            ("คะแนนต่ำสุด", *[_f(g.min) for g in groups]),
            ("มัธยฐาน (P50)", *[_f(g.percentiles.get("P50")) for g in groups])]
    return ReportSection("overall", "ผลการสอบโดยรวม", tables=(("", TableBlock(("รายการ", *names), tuple(rows))),))


def _levels_section(groups: Sequence[GroupResult], names: Sequence[str], settings: dict[str, Any]) -> ReportSection:
    s = cfg.effective(settings)
    q_ranges = _cut_ranges(s["quality_cuts"])
    q_rows = []
    for k, level in enumerate(cfg.QUALITY_LEVELS):
        row = [cfg.level_label(level), q_ranges[k]]
        for g in groups:
            row += [f"{g.quality_counts.get(level, 0):,}", _share(g.quality_counts.get(level, 0), g.n)]
        q_rows.append(tuple(row))
    head = ["ระดับคุณภาพ", "เกณฑ์ (ร้อยละ)"]
    for name in names:
        head += [f"{name} (คน)", f"{name} (ร้อยละ)"]
    g_ranges = _cut_ranges(s["grade_cuts"])
    g_rows = []
    for k, grade in enumerate(cfg.GRADES):
        key = f"{grade:g}"
        row = [f"{key} {GRADE_WORDS.get(key, '')}", g_ranges[k]]
        for g in groups:
            row += [f"{g.grade_counts.get(key, 0):,}", _share(g.grade_counts.get(key, 0), g.n)]
        g_rows.append(tuple(row))
    chart = BarChart("ร้อยละของนักเรียนตามระดับคุณภาพ", tuple(cfg.level_label(v) for v in cfg.QUALITY_LEVELS),
                     tuple((name, tuple(100.0 * g.quality_counts.get(v, 0) / g.n if g.n else 0.0
                                        for v in cfg.QUALITY_LEVELS)) for name, g in zip(names, groups, strict=True)),
                     y_label="ร้อยละ", y_max=100)
    return ReportSection("levels", "ระดับคุณภาพและระดับผลการเรียน", tables=(
        ("จำนวนและร้อยละของนักเรียนตามระดับคุณภาพ", TableBlock(tuple(head), tuple(q_rows))),
        ("ระดับผลการเรียน 8 ระดับ", TableBlock(("ระดับ", "เกณฑ์ (ร้อยละ)", *head[2:]), tuple(g_rows)))),
        charts=(chart,))


def _indicators(groups: Sequence[GroupResult], names: Sequence[str], texts: dict[str, str]) -> ReportSection:
    codes = sorted(set().union(*[g.indicator_percent for g in groups]))
    rows = []
    for code in codes:
        row = [code, texts.get(code, "")]
        row += [_f(g.indicator_percent.get(code)) for g in groups]
        row += [_f(100 * groups[0].indicator_mastery.get(code, 0.0))]
        rows.append(tuple(row))
    head = ("ตัวชี้วัด", "สิ่งที่วัด", *[f"ร้อยละของคะแนน {n}" for n in names], f"ร้อยละผู้ผ่าน {names[0]}")
    return ReportSection("indicators", "ผลการสอบรายตัวชี้วัด", tables=(("", TableBlock(head, tuple(rows))),))


def _bands(groups: Sequence[GroupResult], names: Sequence[str]) -> ReportSection:
    rows = []
    for k, label in enumerate(BAND_LABELS[::-1]):
        j = 9 - k
        row = [label]
        for g in groups:
            row += [f"{g.bands[j]:,}", _share(g.bands[j], g.n)]
        rows.append(tuple(row))
    head = ["ช่วงคะแนนร้อยละ"]
    for n in names:
        head += [f"{n} (คน)", f"{n} (ร้อยละ)"]
    chart = BarChart("การกระจายของคะแนน (ร้อยละของนักเรียนในแต่ละช่วง)", BAND_LABELS,
                     tuple((n, tuple(100.0 * b / g.n if g.n else 0.0 for b in g.bands))
                           for n, g in zip(names, groups, strict=True)), y_label="ร้อยละ")
    return ReportSection("bands", "การกระจายของคะแนน", tables=(("", TableBlock(tuple(head), tuple(rows))),),
                         charts=(chart,))


def _trend(trend: Sequence[TrendPoint], school: bool) -> ReportSection:
    rows = tuple((str(p.year_be), p.administration, *((_f(p.mean_percent),) if school else ()),
                  _f(p.district_mean_percent), f"{p.n:,}") for p in trend)
    head = ("ปีการศึกษา", "การสอบ", *(("ร้อยละเฉลี่ย โรงเรียน",) if school else ()), "ร้อยละเฉลี่ย เขตพื้นที่",
            "จำนวนผู้เข้าสอบ")
    series = ((("โรงเรียน", tuple(p.mean_percent or 0.0 for p in trend)),) if school else ()) + (
        ("เขตพื้นที่", tuple(p.district_mean_percent or 0.0 for p in trend)),)
    paragraphs = ()
    if len(trend) >= 2 and trend[-1].mean_percent is not None and trend[-2].mean_percent is not None:
        diff = trend[-1].mean_percent - trend[-2].mean_percent
        word = "สูงขึ้น" if diff > 0 else "ลดลง" if diff < 0 else "เท่าเดิม"
        paragraphs = (f"ปีการศึกษา {trend[-1].year_be} ร้อยละของคะแนนเฉลี่ย{word}จากปีการศึกษา {trend[-2].year_be} "
                      f"{_f(abs(diff))} จุด",)
    return ReportSection("trend", "เปรียบเทียบกับปีการศึกษาที่ผ่านมา", paragraphs=paragraphs,
                         tables=(("", TableBlock(head, rows)),),
                         charts=(BarChart("ร้อยละของคะแนนเฉลี่ยรายปี", tuple(str(p.year_be) for p in trend), series,
                                          y_label="ร้อยละ", y_max=100),) if trend else ())


def _indicator_texts(codes: Sequence[str]) -> dict[str, str]:
    from itembank.browse import indicator_texts

    return dict(indicator_texts(list(codes)))


# ------------------------------------------------------------------------------------------- reports


def school_report(session: Session, actor: Actor, administration: str, school_code: str, *,
                  office: str = "") -> ResultsReport:
    """รายงานผลการสอบระดับโรงเรียน: the school beside the district, levels, indicators, bands, trend, classes."""
    school = _school(session, school_code)
    r = school_results(session, actor, administration, school.id)
    groups, names = (r.school, r.district), ("โรงเรียน", "เขตพื้นที่")
    texts = _indicator_texts(list(r.school.indicator_percent))
    classes = tuple((c.label, f"{c.n:,}", _f(c.mean), _f(c.sd), _f(c.mean_percent)) for c in r.classes)
    sections = [_overall(groups, names), _levels_section(groups, names, r.settings), _indicators(groups, names, texts),
                _bands(groups, names), _trend(r.trend, True)]
    if classes:
        sections.append(ReportSection("classes", "ผลรายห้องเรียน", tables=(
            ("", TableBlock(("ห้อง", "จำนวน (คน)", "คะแนนเฉลี่ย", "ส่วนเบี่ยงเบนมาตรฐาน", "ร้อยละ"), classes)),)))
    return ResultsReport(
        "school", office, f"รายงานผลการสอบ {r.title}", f"ภาคเรียนที่ {r.term} ปีการศึกษา {r.year_be} ชั้น {r.grade}",
        (("โรงเรียน", f"{school.name_th} ({school.code})"), ("การสอบ", f"{r.title} ({r.administration})"),
         ("จำนวนผู้เข้าสอบ", f"{r.school.n:,} คน"), ("ร้อยละของคะแนนเฉลี่ย", _f(r.school.mean_percent)),
         ("ร้อยละของคะแนนเฉลี่ยระดับเขตพื้นที่", _f(r.district.mean_percent))),
        tuple(sections), _signatures(("ผู้รายงาน", "นักวัดและประเมินผล"), ("ผู้รับรอง", "ผู้อำนวยการโรงเรียน")),
        reference=f"{r.administration} · {school.code}")


def district_report(session: Session, actor: Actor, administration: str, *, office: str = "") -> ResultsReport:
    """รายงานผลการสอบระดับเขตพื้นที่: the district, every school ranked, levels, indicators, bands, trend."""
    r = district_results(session, actor, administration)
    d = r.district
    texts = _indicator_texts(list(d.indicator_percent))
    ranked = sorted(r.schools, key=lambda g: -(g.mean_percent or 0.0))
    rows = tuple((str(k), g.school_code or "", g.label, f"{g.n:,}", _f(g.mean), _f(g.sd), _f(g.mean_percent),
                  _share(g.quality_counts.get("excellent", 0) + g.quality_counts.get("good", 0), g.n))
                 for k, g in enumerate(ranked, start=1))
    schools = ReportSection("schools", "ผลการสอบรายโรงเรียน", tables=(("", TableBlock(
        ("อันดับ", "รหัส", "โรงเรียน", "จำนวน (คน)", "คะแนนเฉลี่ย", "SD", "ร้อยละ", "ร้อยละ ดี-ดีมาก"), rows)),))
    return ResultsReport(
        "district", office, f"รายงานผลการสอบ {r.title} ระดับเขตพื้นที่",
        f"ภาคเรียนที่ {r.term} ปีการศึกษา {r.year_be} ชั้น {r.grade}",
        (("การสอบ", f"{r.title} ({r.administration})"), ("จำนวนโรงเรียน", f"{len(r.schools):,} โรง"),
         ("จำนวนผู้เข้าสอบ", f"{d.n:,} คน"), ("ร้อยละของคะแนนเฉลี่ย", _f(d.mean_percent))),
        (_overall((d,), ("เขตพื้นที่",)), _levels_section((d,), ("เขตพื้นที่",), r.settings),
         _indicators((d,), ("เขตพื้นที่",), texts), _bands((d,), ("เขตพื้นที่",)), _trend(r.trend, False), schools),
        _signatures(("ผู้รายงาน", "ศึกษานิเทศก์ กลุ่มงานวัดและประเมินผล"),
                    ("ผู้รับรอง", "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา")),
        reference=r.administration)


# ------------------------------------------------------------------- per student: class sheet and slips


def _students(session: Session, actor: Actor, administration: str, school_code: str) -> dict[str, Any]:
    """Every student of a school in one administration with their results, in class and seat order."""
    from itembank.authz import authorize
    from scoring.models import Enrolment, SchoolClass, Student, Term
    from scoring.responses import load_scored_matrix
    from scoring.scores import student_results

    school = _school(session, school_code)
    authorize(actor, school, "scores.read")
    adm = load(session, actor, administration, "scores.read", "results")
    m = load_scored_matrix(session, actor, adm.id, school_id=school.id)
    res = student_results(m.key, m.scores)
    year_id = session.get(Term, adm.term_id).academic_year_id
    ids = m.student_ids.tolist()
    rows = session.execute(
        select(Student.id, SchoolClass.grade, SchoolClass.room, Enrolment.seat, Student.prefix, Student.first_name,
               Student.last_name)
        .join(Enrolment, (Enrolment.student_id == Student.id) & (Enrolment.academic_year_id == year_id), isouter=True)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id, isouter=True).where(Student.id.in_(ids))).all()
    info = {r[0]: r[1:] for r in rows}
    names = actor.may("student.read_names", school)
    order = sorted(range(len(ids)), key=lambda i: (
        str(info.get(ids[i], ("",))[0] or ""), str(info.get(ids[i], ("", ""))[1] or ""),
        info.get(ids[i], (None, None, 10 ** 6))[2] or 10 ** 6, m.student_codes[i]))
    return {"adm": adm, "school": school, "m": m, "res": res, "info": info, "names": names, "order": order,
            "year": year_id}


def _person(st: dict[str, Any], i: int) -> tuple[str, str, str]:
    sid = int(st["m"].student_ids[i])
    grade, room, seat, prefix, first, last = st["info"].get(sid, (None,) * 6)
    class_room = f"{grade or ''}/{room}" if room else (grade or "")
    name = " ".join(x for x in (f"{prefix or ''}{first or ''}", last or "") if x) if st["names"] else ""
    return class_room, "" if seat is None else str(seat), name


def class_sheet(session: Session, actor: Actor, administration: str, school_code: str, *,
                office: str = "") -> ResultsReport:
    """บัญชีคะแนน (class score sheet): every student of the school by class and seat, with %, grade, level."""
    st = _students(session, actor, administration, school_code)
    res, m, adm, school = st["res"], st["m"], st["adm"], st["school"]
    codes = list(res.indicator_points)
    by_class: dict[str, list[tuple[str, ...]]] = {}
    for i in st["order"]:
        class_room, seat, name = _person(st, i)
        ind = [_f(100 * pts[i] / top if top else 0.0, 0) for pts, top in res.indicator_points.values()]
        by_class.setdefault(class_room or "-", []).append((
            seat, m.student_codes[i], name, _f(res.raw[i]), _f(res.percent[i]), f"{res.grade[i]:g}",
            cfg.level_label(res.quality[i]), *ind))
    head = ("เลขที่", "เลขประจำตัว", "ชื่อ-นามสกุล", "คะแนน", "ร้อยละ", "ระดับ", "ระดับคุณภาพ", *codes)
    sections = tuple(ReportSection(f"class-{k}", f"ชั้น {label} ({len(rows)} คน)",
                                   tables=(("", TableBlock(head, tuple(rows))),))
                     for k, (label, rows) in enumerate(sorted(by_class.items())))
    return ResultsReport(
        "class", office, f"บัญชีคะแนน {adm.title}", f"{_school_title(school.name_th)} ({school.code}) · {adm.code}",
        (("คะแนนเต็ม", _f(res.max_points)), ("จำนวนผู้เข้าสอบ", f"{len(st['order']):,} คน")), sections,
        _signatures(("ครูผู้สอน", ""), ("ผู้อำนวยการโรงเรียน", "")), landscape=len(codes) > 3,
        reference=f"{adm.code} · {school.code}")


def result_slips(session: Session, actor: Actor, administration: str, school_code: str, *,
                 office: str = "") -> ResultSlips:
    """ใบแจ้งผลการสอบ of every student of a school: score, %, grade and level with their meaning, indicators."""
    from scoring.models import AcademicYear, Term

    st = _students(session, actor, administration, school_code)
    res, m, adm, school = st["res"], st["m"], st["adm"], st["school"]
    term = session.get(Term, adm.term_id)
    year = session.get(AcademicYear, term.academic_year_id)
    s = cfg.effective(adm.settings)
    texts = _indicator_texts(list(res.indicator_points))
    cut = float(s["mastery_cut"])
    meanings = dict(zip(cfg.QUALITY_LEVELS, (f"ร้อยละ {c:g} ขึ้นไป" for c in s["quality_cuts"]), strict=False))
    meanings[cfg.QUALITY_LEVELS[-1]] = f"ต่ำกว่าร้อยละ {s['quality_cuts'][-1]:g} ควรได้รับการพัฒนา"
    slips = []
    for i in st["order"]:
        class_room, seat, name = _person(st, i)
        grade = f"{res.grade[i]:g}"
        ind = tuple((code, texts.get(code, ""), 100 * pts[i] / top if top else 0.0,
                     "ผ่าน" if top and pts[i] / top >= cut - 1e-9 else "ไม่ผ่าน")
                    for code, (pts, top) in res.indicator_points.items())
        slips.append(ResultSlip(m.student_codes[i], class_room, seat, name, float(res.raw[i]), res.max_points,
                                float(res.percent[i]), grade, GRADE_WORDS.get(grade, ""),
                                cfg.level_label(res.quality[i]), meanings.get(res.quality[i], ""), ind))
    return ResultSlips(office, school.name_th, f"ใบแจ้งผลการสอบ {adm.title}", year.year_be, term.number,
                       tuple(slips), _signatures(("ครูประจำชั้น", ""), ("ผู้อำนวยการโรงเรียน", "")),
                       reference=f"{adm.code} · {school.code}")


def report_schools(session: Session, actor: Actor, administration: str) -> list[str]:
    """The codes of the schools that have results in an administration (for "every school's report")."""
    return [g.school_code for g in district_results(session, actor, administration).schools if g.school_code]


# ------------------------------------------------------------------------------- item-analysis report


def item_report(session: Session, actor: Actor, administration: str, *, office: str = "") -> ResultsReport:
    """รายงานการวิเคราะห์ข้อสอบ: per booklet item number its bank code, stem, p, r with Thai verdicts,
    distractors, a, b, fit, DIF and the decision; the whole test's KR-20. Needs `khlang analysis run` first."""
    from itembank.models import ItemVersion
    from itembank.statistics import ItemStatistic
    from scoring.keying import form_key
    from testgen.models import Form

    adm = load(session, actor, administration, "scores.read", "results")
    if actor.role == "school":
        raise ScoringError("results.items_forbidden", kind="forbidden",
                           message_th="บัญชีโรงเรียนดูรายงานการวิเคราะห์ข้อสอบของเขตไม่ได้",
                           message_en="a school account cannot read the item analysis")
    key = form_key(session, session.get(Form, adm.form_id), adm.settings or {})
    vids = [it.item_version_id for it in key.items]
    stats = {s.version_id: s for s in session.scalars(select(ItemStatistic).where(
        ItemStatistic.source == f"admin:{adm.code}", ItemStatistic.version_id.in_(vids)))}
    if not stats:
        raise ScoringError("analysis.not_run", kind="conflict",
                           message_th=f"การสอบ {adm.code} ยังไม่ได้วิเคราะห์ข้อสอบ: สั่ง khlang analysis run {adm.code} ก่อน",
                           message_en=f"administration {adm.code} is not analysed yet: run khlang analysis run first")
    stems = dict(session.execute(select(ItemVersion.id, ItemVersion.stem).where(ItemVersion.id.in_(vids))).all())
    rows, dist_rows, flagged = [], [], []
    decisions = {"good": "ข้อสอบที่ใช้ได้", "revise": "ข้อสอบที่ควรปรับปรุง", "drop": "ข้อสอบที่ควรตัดทิ้ง"}
    first = None
    for it in key.items:
        s = stats.get(it.item_version_id)
        if s is None:
            continue
        first = first or s
        e = s.extra or {}
        fit = e.get("fit") or {}
        rows.append((str(it.position + 1), it.item_code, _short(_plain(stems.get(it.item_version_id, ""))), _f(s.p),
                     e.get("verdict_p") or "", _f(s.discrimination_index), e.get("verdict_r") or "", _f(s.a), _f(s.b),
                     _f(fit.get("infit")), e.get("dif_class") or "-", decisions.get(e.get("decision"), "")))
        if e.get("flags"):
            flagged.append(f"ข้อ {it.position + 1} ({it.item_code}): " + ", ".join(_FLAG_WORDS.get(f, f) for f in e["flags"]))
        for label, o in (e.get("distractors") or {}).items():
            dist_rows.append((str(it.position + 1), label, "เฉลย" if o.get("key") else "", _f(100 * o.get("share", 0.0)),
                              str(o.get("upper", "")), str(o.get("lower", "")), _f(o.get("r")),
                              "ไม่มีคนเลือก" if o.get("dead") else ("คนเก่งเลือกมากกว่า" if o.get("upper_over_lower")
                                                                     and not o.get("key") else "")))
    e0 = first.extra or {}
    sections = [ReportSection("items", "ผลการวิเคราะห์รายข้อ", paragraphs=(
        "เกณฑ์: ข้อสอบที่ใช้ได้มีค่าความยาก (p) 0.20–0.80 และค่าอำนาจจำแนก (r) ตั้งแต่ 0.20 ขึ้นไป "
        "(กลุ่มสูง-กลุ่มต่ำร้อยละ 27) ค่า r ติดลบให้ตรวจเฉลย",), tables=(("", TableBlock(
            ("ข้อ", "รหัสข้อสอบ", "คำถาม", "p", "ความยาก", "r", "อำนาจจำแนก", "a", "b", "infit", "DIF", "สรุป"),
            tuple(rows), as_written=(2,))),))]  # the stem: its codes, formulas and numbers as the bank wrote them
    if flagged:
        sections.append(ReportSection("flags", "ข้อที่ต้องตรวจสอบ (เปิดงานตรวจทานในคลังข้อสอบแล้ว)",
                                      paragraphs=tuple(flagged)))
    if dist_rows:
        sections.append(ReportSection("distractors", "การวิเคราะห์ตัวเลือก (ตัวลวง)", tables=(("", TableBlock(
            ("ข้อ", "ตัวเลือก", "", "ร้อยละผู้เลือก", "กลุ่มสูง", "กลุ่มต่ำ", "r", "ข้อสังเกต"), tuple(dist_rows))),)))
    linking = e0.get("linking") or {}
    return ResultsReport(
        "items", office, f"รายงานการวิเคราะห์ข้อสอบ {adm.title}", f"การสอบ {adm.code} ชั้น {adm.grade}",
        (("จำนวนข้อที่วิเคราะห์", f"{len(rows)} ข้อ"), ("จำนวนผู้เข้าสอบ", f"{first.n:,} คน"),
         ("ค่าความเชื่อมั่น (KR-20)" if e0.get("kr20") is not None else "ค่าความเชื่อมั่น (α)",
          _f(e0.get("kr20") if e0.get("kr20") is not None else e0.get("alpha"))),
         ("โมเดล IRT / สเกล", f"{(first.irt_model or '-').upper()} / {first.scale or '-'}"),
         ("การเชื่อมโยงสเกล", _linking_text(linking))),
        tuple(sections), _signatures(("ผู้วิเคราะห์", "นักวัดและประเมินผล"), ("ผู้ตรวจสอบ", "ศึกษานิเทศก์")),
        landscape=True, reference=adm.code)


def _linking_text(linking: dict[str, Any]) -> str:
    method = linking.get("method")
    if not method:
        return "ไม่มีค่าพารามิเตอร์เดิมในคลัง: ประมาณค่าบนสเกลของการสอบนี้"
    name = {"fixed_anchor": "ตรึงค่าข้อยึด", "stocking_lord": "Stocking–Lord"}.get(method, method)
    source = f" จาก {linking['anchors_from']}" if linking.get("anchors_from") else ""
    return (f"{name}{source} ข้อร่วม {linking.get('n_common', 0)} ข้อ A = {_f(linking.get('A'), 3)} "
            f"B = {_f(linking.get('B'), 3)}")


_FLAG_WORDS = {"mis_key": "เฉลยอาจผิด (r ติดลบ)", "dead_distractor": "ตัวลวงไม่มีคนเลือก",
               "dif_c": "DIF ระดับ C", "drift": "ค่า b เปลี่ยนเกินเกณฑ์", "misfit": "ไม่สอดคล้องกับโมเดล"}


_SUP = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUB = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")


def _plain(html: str) -> str:
    """A stem as one line of text, as written: tags out (a block's as a space, an inline one's as nothing),
    entities decoded (``x &lt; 5`` → ``x < 5``), a superscript or subscript number as its Unicode character
    (``x<sup>2</sup>`` → ``x²``, not ``x 2``)."""
    import re
    from html import unescape

    def script(m: re.Match[str]) -> str:
        inner, table = m[2].strip(), _SUP if m[1].lower() == "sup" else _SUB
        return inner.translate(table) if inner and set(map(ord, inner)) <= table.keys() else inner

    text = re.sub(r"<(sup|sub)\b[^>]*>([^<]*)</\1>", script, html or "", flags=re.I)
    text = re.sub(r"<(?:br|/?p|/?div|/?li|/?ul|/?ol|/?tr|/?td|/?table|/?h\d)\b[^>]*>", " ", text, flags=re.I)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", text))).strip()


#: The longest stem the item-analysis table prints; a longer one ends in "…".
STEM_CHARS = 90


def _short(text: str) -> str:
    return text if len(text) <= STEM_CHARS else text[:STEM_CHARS - 1].rstrip() + "…"


def today() -> dt.date:
    return dt.date.today()


# ------------------------------------------------------------------------- what the pages and the API read

#: The reports shown in pages (the class sheet and the slips are the school portal's).
PAGE_KINDS = {"district": "รายงานผลระดับเขตพื้นที่", "school": "รายงานผลระดับโรงเรียน",
              "items": "รายงานการวิเคราะห์ข้อสอบ"}


def own_school_code(session: Session, actor: Actor) -> str | None:
    """The code of a school account's own school (None for district staff)."""
    if actor.role != "school" or actor.school_id is None:
        return None
    school = session.get(School, actor.school_id)
    return school.code if school is not None else None


def report_for(session: Session, actor: Actor, administration: str, kind: str, school_code: str | None = None, *,
               office: str = "") -> ResultsReport:
    """The report a page shows or a download renders, as `actor`: a school reads only its own school's report
    (beside the district), after results release; the district and item reports are the district's."""
    if kind not in PAGE_KINDS:
        raise ScoringError("reports.unknown_kind", kind="not_found", message_th=f"ไม่มีรายงานชนิด {kind}",
                           message_en=f"no report of kind {kind}")
    own = own_school_code(session, actor)
    if actor.role == "school":
        if kind != "school":
            raise ScoringError("results.district_forbidden", kind="forbidden",
                               message_th="บัญชีโรงเรียนดูได้เฉพาะรายงานผลของโรงเรียนตนเอง",
                               message_en="a school account reads its own school's report only")
        if school_code and school_code != own:
            raise ScoringError("school.not_found", kind="not_found", message_th=f"ไม่พบโรงเรียนรหัส {school_code}",
                               message_en=f"no school {school_code}")
        school_code = own
    from dataclasses import replace

    if kind == "district":
        report = district_report(session, actor, administration, office=office)
    elif kind == "items":
        report = item_report(session, actor, administration, office=office)
    elif not school_code:
        raise ScoringError("reports.school_missing", message_th="ระบุโรงเรียน (รหัส 10 หลัก) ของรายงานระดับโรงเรียน",
                           message_en="name the school (10-digit code) of a school report")
    else:
        report = school_report(session, actor, administration, school_code, office=office)
    return replace(report, created_on=local_today())


def local_today(tz: str = "Asia/Bangkok") -> dt.date:
    """Today in Thailand (a report made at 01:00 in Bangkok is dated that day, not the UTC day before)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(tz)).date()


def reports_overview(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The administrations whose reports the actor may read: for a school its own, once results are released;
    for district staff every administration, with the schools that have results and whether it was analysed."""
    from itembank.statistics import ItemStatistic
    from scoring.administrations import is_released, list_administrations
    from scoring.models import Administration, ResultSummary

    own = own_school_code(session, actor)
    out = []
    for a in list_administrations(session, actor):
        adm = session.get(Administration, a.id)
        released = is_released(adm, "results")
        if actor.role == "school" and not released:
            continue
        n_results = session.scalar(select(func.count(ResultSummary.id)).where(
            ResultSummary.administration_id == a.id, ResultSummary.level == "school")) or 0
        analysed = bool(session.scalar(select(func.count(ItemStatistic.id)).where(
            ItemStatistic.source == f"admin:{a.code}")))
        schools: list[tuple[str, str]] = []
        if actor.role != "school":
            schools = [(c, n) for c, n in session.execute(
                select(School.code, School.name_th).join(ResultSummary, ResultSummary.school_id == School.id)
                .where(ResultSummary.administration_id == a.id, ResultSummary.level == "school")
                .order_by(School.code)).all()]
        out.append({"info": a, "results_released": released, "n_schools": int(n_results), "analysed": analysed,
                    "schools": schools, "own_school": own})
    return out


def _school_title(name: str) -> str:
    """โรงเรียน + the name, once (most schools' names already begin with it)."""
    return name if name.startswith("โรงเรียน") else f"โรงเรียน{name}"
