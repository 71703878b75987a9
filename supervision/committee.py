"""รายงาน ก.ต.ป.น.: one document for a year, built from the plan, the visits, the warehouse and QA.

Sections (each can be switched off by its key): ``plan`` (the plan and its coverage, visits,
recommendations open/closed), ``results`` (student quality from the score warehouse: district means
and quality-level shares per administration, trends over years, the least-mastered indicators,
the item bank's growth and quality), ``qa`` (SAR levels per standard, change from last year),
``support`` (schools needing support: below target, result/self-rating mismatches, overdue
recommendations), ``practices`` (good practices) and ``recommendations`` (the committee's, as entered).
The numbers are computed here; :mod:`exports.supervision` only lays them out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence

from sqlalchemy import func, select
from sqlmodel import Session

from exports.data import BarChart, CommitteeReport, ReportSection, SignatureLine, TableBlock
from itembank.authz import Actor, authorize
from itembank.models import ItemVersion, utcnow
from itembank.schools import School
from supervision.errors import SupervisionError
from supervision.models import CommitteeNotes, Recommendation, SupervisionForm, Visit
from supervision.plans import MODE_TH, plan_coverage, plan_entries
from supervision.qa import qa_summary
from supervision.reference_forms import REFERENCE_FORMS
from supervision.results import OnceResults, ResultsSource, WarehouseResults, YearResults
from supervision.standards import QA_LEVELS, qa_codes
from supervision.visits import STATUS_TH

SECTIONS = {
    "plan": "แผนการนิเทศ ติดตาม และความครอบคลุม",
    "results": "คุณภาพผู้เรียนจากผลการทดสอบของเขตพื้นที่",
    "qa": "ผลการประกันคุณภาพภายในของสถานศึกษา",
    "support": "สถานศึกษาที่ควรได้รับการช่วยเหลือและนิเทศติดตาม",
    "practices": "แนวปฏิบัติที่ดี",
    "recommendations": "ข้อเสนอแนะของคณะกรรมการ ก.ต.ป.น.",
}
QUALITY_TH = {"excellent": "ดีมาก", "good": "ดี", "fair": "พอใช้", "improve": "ปรับปรุง"}
AREA_TH = {"ท": "ภาษาไทย", "ค": "คณิตศาสตร์", "ว": "วิทยาศาสตร์ฯ", "ส": "สังคมศึกษาฯ", "พ": "สุขศึกษาฯ", "ศ": "ศิลปะ",
           "ง": "การงานอาชีพ", "ต": "ภาษาต่างประเทศ"}
_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


GRADES = ("4", "3.5", "3", "2.5", "2", "1.5", "1", "0")


def _grade_share(shares: dict[str, float], grade: str) -> float | None:
    """The share of a grade whether the warehouse keys it "4", "4.0" or "4.00"."""
    by_value = {float(k): v for k, v in shares.items() if k.replace(".", "", 1).isdigit()}
    return by_value.get(float(grade), 0.0 if by_value else None)


def _n(v: float | None, fmt: str = ".2f") -> str:
    return "-" if v is None else format(v, fmt)


def committee_notes(session: Session, actor: Actor, academic_year: int) -> CommitteeNotes | None:
    """What the secretariat entered for the year (None before anything was entered)."""
    authorize(actor, None, "committee.read")
    return session.scalar(select(CommitteeNotes).where(CommitteeNotes.academic_year == academic_year))


def save_committee_notes(session: Session, actor: Actor, academic_year: int, *, recommendations: Sequence[str] = (),
                         good_practices: Sequence[dict] = (), sections_off: Sequence[str] = (),
                         meeting_on: dt.date | None = None) -> CommitteeNotes:
    """What the secretariat enters for the year (replaces what was entered before)."""
    authorize(actor, None, "committee.write")
    unknown = [s for s in sections_off if s not in SECTIONS]
    if unknown:
        raise SupervisionError("committee.unknown_section", message_th=f"ไม่มีหัวข้อ {', '.join(unknown)} "
                               f"(มี: {', '.join(SECTIONS)})", message_en=f"unknown sections {unknown}")
    notes = session.scalar(select(CommitteeNotes).where(CommitteeNotes.academic_year == academic_year))
    if notes is None:
        notes = CommitteeNotes(academic_year=academic_year)
        session.add(notes)
    notes.recommendations = [r.strip() for r in recommendations if r.strip()]
    notes.good_practices = [dict(g) for g in good_practices]
    notes.sections_off, notes.meeting_on = list(sections_off), meeting_on
    notes.updated_by_name, notes.updated_at = actor.username, utcnow()
    session.commit()
    return notes


def _plan_section(session: Session, actor: Actor, year: int) -> ReportSection:
    cov = plan_coverage(session, actor, year)
    entries = plan_entries(session, actor, year)
    by_month = Counter(e.month for e in entries)
    visits = session.scalars(select(Visit).where(Visit.academic_year == year)).all()
    recs = session.execute(select(Recommendation.status, func.count()).join(Visit, Visit.id == Recommendation.visit_id)
                           .where(Visit.academic_year == year).group_by(Recommendation.status)).all()
    rec_n = dict(recs)
    n_recs = sum(rec_n.values())
    closed = rec_n.get("done", 0) + rec_n.get("verified", 0)
    modes = Counter(MODE_TH[e.mode] for e in entries)
    kinds = Counter(v.form_code for v in visits)
    means = [v.overall_mean for v in visits if v.overall_mean is not None]
    paragraphs = (
        f"ปีการศึกษา {year} กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษาวางแผนการนิเทศ {len(entries)} รายการ "
        f"({', '.join(f'{k} {v} รายการ' for k, v in modes.items()) or '-'}) ครอบคลุมสถานศึกษา {cov.n_planned} แห่ง "
        f"ได้นิเทศแล้ว {cov.n_visited} แห่ง คิดเป็นร้อยละ {cov.percent:.2f} ของสถานศึกษาตามแผน "
        f"จำนวนการนิเทศทั้งสิ้น {len(visits)} ครั้ง" + (f" (นอกแผน {cov.n_unplanned_visits} ครั้ง)" if cov.n_unplanned_visits else "")
        + (f" ค่าเฉลี่ยผลการนิเทศทุกครั้งเท่ากับ {sum(means) / len(means):.2f}" if means else ""),
        f"ข้อเสนอแนะจากการนิเทศทั้งหมด {n_recs} ข้อ ดำเนินการแล้ว {closed} ข้อ "
        f"(ตรวจสอบแล้ว {rec_n.get('verified', 0)} ข้อ) ยังไม่แล้วเสร็จ {n_recs - closed} ข้อ",
    )
    nets: dict[str, list] = {}
    for r in cov.rows:
        nets.setdefault(r.network or "-", []).append(r)
    net_rows = tuple((n, str(len(rs)), str(sum(r.is_visited for r in rs)),
                      f"{100 * sum(r.is_visited for r in rs) / len(rs):.2f}", str(sum(r.n_visits for r in rs)),
                      ", ".join(dict.fromkeys(x for r in rs for x in r.supervisors)))
                     for n, rs in sorted(nets.items()))
    not_visited = tuple((r.school_code, r.school, r.network, ", ".join(_MONTHS[m - 1] for m in r.planned_months))
                        for r in cov.rows if not r.is_visited)
    titles = {d["code"]: d["title_th"] for d in REFERENCE_FORMS}  # read from the code until a write stores them
    titles.update(session.execute(select(SupervisionForm.code, SupervisionForm.title_th)).all())
    kind_rows = tuple((titles.get(k, k), str(n)) for k, n in sorted(kinds.items()))
    rec_rows = tuple((STATUS_TH[st], str(rec_n.get(st, 0))) for st in STATUS_TH)
    visit_months = Counter(v.visited_on.month for v in visits)
    order = sorted(set(by_month) | set(visit_months), key=lambda m: (m - 5) % 12)  # the school year starts in May
    chart = BarChart("การนิเทศตามแผนและที่ดำเนินการจริงรายเดือน", tuple(_MONTHS[m - 1] for m in order),
                     (("รายการตามแผน", tuple(float(by_month.get(m, 0)) for m in order)),
                      ("ครั้งที่นิเทศ", tuple(float(visit_months.get(m, 0)) for m in order))), "จำนวน")
    tables = [("ตารางที่ 1 ความครอบคลุมของการนิเทศตามแผน รายกลุ่มเครือข่าย", TableBlock(
        ("กลุ่มเครือข่าย", "โรงเรียนตามแผน", "นิเทศแล้ว", "ร้อยละ", "ครั้ง", "ผู้นิเทศ"), net_rows, (46, 22, 20, 18, 14, 62)))]
    if not_visited:
        tables.append(("ตารางที่ 1.1 โรงเรียนตามแผนที่ยังไม่ได้รับการนิเทศ", TableBlock(
            ("รหัส", "โรงเรียน", "กลุ่มเครือข่าย", "เดือนตามแผน"), not_visited, (30, 62, 46, 44))))
    tables += [("ตารางที่ 2 จำนวนการนิเทศตามแบบบันทึก", TableBlock(("แบบบันทึก", "จำนวนครั้ง"), kind_rows, (130, 52))),
               ("ตารางที่ 3 สถานะข้อเสนอแนะจากการนิเทศ", TableBlock(("สถานะ", "จำนวนข้อ"), rec_rows, (130, 52)))]
    return ReportSection("plan", SECTIONS["plan"], paragraphs, tuple(tables), (chart,) if order else ())


def _results_section(session: Session, years: dict[int, YearResults], year: int) -> ReportSection:
    now = years[year]
    if not now.administrations:
        text = (f"ยังไม่มีผลการทดสอบของปีการศึกษา {year} ในคลังผลการสอบ"
                + (f" (ยังไม่เผยแพร่ผล: {', '.join(now.skipped)})" if now.skipped else ""))
        body: tuple[str, ...] = (text,)
        tables: tuple = ()
        charts: tuple = ()
    else:
        rows = tuple((a.title, a.grade, str(a.n), _n(a.mean_percent),
                      *(_n(a.quality_shares.get(q), ".1f") for q in QUALITY_TH)) for a in now.administrations)
        best = max(now.administrations, key=lambda a: a.mean_percent or 0)
        worst = min(now.administrations, key=lambda a: a.mean_percent or 0)
        body = (f"ผลการทดสอบของเขตพื้นที่ปีการศึกษา {year} จำนวน {len(now.administrations)} รายการ นักเรียนเข้าสอบ "
                f"{sum(a.n for a in now.administrations):,} คน ผลสูงสุดคือ {best.title} ร้อยละ {_n(best.mean_percent)} "
                f"และต่ำสุดคือ {worst.title} ร้อยละ {_n(worst.mean_percent)}",)
        trend_years = sorted({y for a in now.administrations for y, _ in a.trend})
        trend_rows = tuple((a.title, *(_n(dict(a.trend).get(y)) for y in trend_years)) for a in now.administrations)
        mastery = sorted(((c, m) for a in now.administrations for c, m in a.indicator_mastery.items()), key=lambda x: x[1])
        tables = (
            ("ตารางที่ 4 ผลการทดสอบระดับเขตพื้นที่ และร้อยละของนักเรียนตามระดับคุณภาพ",
             TableBlock(("การทดสอบ", "ชั้น", "นักเรียน", "ร้อยละเฉลี่ย", *QUALITY_TH.values()), rows,
                        (54, 14, 18, 20, 19, 19, 19, 19))),
            ("ตารางที่ 4.1 ร้อยละของนักเรียนตามระดับผลการเรียน (8 ระดับ)", TableBlock(
                ("การทดสอบ", *GRADES), tuple((a.title, *(_n(_grade_share(a.grade_shares, g), ".1f") for g in GRADES))
                                          for a in now.administrations), (46, *[17] * len(GRADES)))),
            ("ตารางที่ 5 แนวโน้มคะแนนเฉลี่ยร้อยละย้อนหลัง", TableBlock(("การทดสอบ", *[str(y) for y in trend_years]),
                                                                    trend_rows, None)),
            ("ตารางที่ 6 ตัวชี้วัดที่นักเรียนผ่านเกณฑ์น้อยที่สุด", TableBlock(("ตัวชี้วัด", "ร้อยละที่ผ่านเกณฑ์"), tuple(
                (c, f"{100 * m:.1f}") for c, m in mastery[:8]), (100, 60))),
        )
        labels = tuple(a.title[:18] for a in now.administrations)
        charts = (BarChart("คะแนนเฉลี่ยร้อยละระดับเขตพื้นที่", labels,
                           ((str(year), tuple(a.mean_percent or 0.0 for a in now.administrations)),), "ร้อยละ", 100.0),)
        if len(trend_years) > 1:  # the trend ends with this year: one chart says both
            charts = (BarChart("แนวโน้มคะแนนเฉลี่ยร้อยละของเขตพื้นที่ย้อนหลัง", labels, tuple(
                (str(y), tuple(dict(a.trend).get(y) or 0.0 for a in now.administrations)) for y in trend_years),
                "ร้อยละ", 100.0),)
    bank = _bank_section(session, year)
    return ReportSection("results", SECTIONS["results"], body, tables, charts, (bank,))


def _bank_section(session: Session, year: int) -> ReportSection:
    """The item bank by learning area: items, approved ones, added during the academic year, mean IOC."""
    start = dt.datetime(year - 543, 5, 16, tzinfo=dt.UTC)  # a Thai school year runs from mid-May
    end = dt.datetime(year - 542, 5, 16, tzinfo=dt.UTC)
    rows = session.execute(select(ItemVersion.learning_area, ItemVersion.status, func.count(),
                                  func.avg(ItemVersion.ioc)).where(ItemVersion.is_latest)
                           .group_by(ItemVersion.learning_area, ItemVersion.status)).all()
    added = dict(session.execute(select(ItemVersion.learning_area, func.count()).where(
        ItemVersion.is_latest, ItemVersion.created_at >= start, ItemVersion.created_at < end)
        .group_by(ItemVersion.learning_area)).all())
    by_area: dict[str, dict[str, int]] = {}
    ioc: dict[str, list[float]] = {}
    for area, status, n, mean_ioc in rows:
        by_area.setdefault(area or "-", {})[status] = n
        if mean_ioc is not None and status == "approved":
            ioc.setdefault(area or "-", []).append(float(mean_ioc))
    table = tuple((AREA_TH.get(a, a), str(sum(s.values())), str(s.get("approved", 0)), str(added.get(a, 0)),
                   _n(sum(ioc[a]) / len(ioc[a]) if a in ioc else None)) for a, s in sorted(by_area.items()))
    total = sum(sum(s.values()) for s in by_area.values())
    approved = sum(s.get("approved", 0) for s in by_area.values())
    return ReportSection("bank", "คลังข้อสอบของเขตพื้นที่", (
        f"คลังข้อสอบมีข้อสอบ {total:,} ข้อ ผ่านการพิจารณาแล้ว {approved:,} ข้อ เพิ่มขึ้นในปีการศึกษา {year} "
        f"{sum(added.values()):,} ข้อ (ค่าดัชนีความสอดคล้อง IOC เฉลี่ยตามกลุ่มสาระในตาราง)",),
        (("ข้อสอบในคลังตามกลุ่มสาระการเรียนรู้", TableBlock(("กลุ่มสาระ", "ข้อสอบทั้งหมด", "ผ่านการพิจารณา",
                                                            f"เพิ่มในปี {year}", "IOC เฉลี่ย"), table,
                                                           (50, 34, 34, 34, 30))),) if table else ())


def _qa_section(summary) -> ReportSection:
    names = qa_codes()
    rows = tuple((f"มาตรฐานที่ {std} {names[std]}", *(str(summary.distribution[std].get(lv, 0)) for lv in QA_LEVELS),
                  _n(summary.mean_change(std), "+.2f")) for std in ("1", "2", "3"))
    chart = BarChart("จำนวนสถานศึกษาตามระดับคุณภาพ (รายงานการประเมินตนเอง)", tuple(QA_LEVELS.values()),
                     tuple((f"มาตรฐานที่ {std}", tuple(float(summary.distribution[std].get(lv, 0)) for lv in QA_LEVELS))
                           for std in ("1", "2", "3")), "จำนวนโรงเรียน")
    return ReportSection("qa", SECTIONS["qa"], (
        f"สถานศึกษา {summary.n_with_sar} แห่งจาก {summary.n_schools} แห่งส่งรายงานการประเมินตนเอง (SAR) "
        f"ปีการศึกษา {summary.academic_year} ระดับคุณภาพตามมาตรฐานการศึกษาขั้นพื้นฐาน พ.ศ. 2561 แสดงในตารางและแผนภูมิต่อไปนี้ "
        f"สถานศึกษาที่มีมาตรฐานต่ำกว่าระดับ{QA_LEVELS[summary.target_level]} มี {len({b[0] for b in summary.below_target})} แห่ง",),
        (("ตารางที่ 8 จำนวนสถานศึกษาตามระดับคุณภาพรายมาตรฐาน", TableBlock(
            ("มาตรฐาน", *QA_LEVELS.values(), "เปลี่ยนแปลงจากปีก่อน"), rows, (64, 18, 18, 18, 18, 22, 24))),),
        (chart,))


def _support_section(session: Session, summary, year: int, today: dt.date) -> ReportSection:
    overdue = session.execute(select(Recommendation, School).join(School, School.id == Recommendation.school_id)
                              .join(Visit, Visit.id == Recommendation.visit_id)
                              .where(Visit.academic_year == year, Recommendation.status.in_(["open", "in_progress"]),
                                     Recommendation.due_on < today)).all()
    rows: list[tuple[str, ...]] = [(m.school_code, m.school, m.reason_th) for m in summary.mismatches]
    rows += [(code, name, f"มาตรฐานที่ {std} อยู่ในระดับ{QA_LEVELS[lv]} ต่ำกว่าเป้าหมาย")
             for code, name, std, lv in summary.below_target]
    late: dict[str, list] = {}
    for _, s in overdue:
        late.setdefault(s.code, [s.name_th, 0])[1] += 1
    rows += [(code, name, f"ข้อเสนอแนะจากการนิเทศเกินกำหนดยังไม่แล้วเสร็จ {n} ข้อ") for code, (name, n) in sorted(late.items())]
    text = (f"จากการวิเคราะห์ผลการทดสอบ ผลการประเมินตนเอง และการติดตามข้อเสนอแนะ พบสถานศึกษาที่ควรได้รับการช่วยเหลือ "
            f"{len({r[0] for r in rows})} แห่ง โดยมีสถานศึกษาที่ประเมินตนเองด้านคุณภาพผู้เรียนสูงแต่ผลการทดสอบอยู่ในกลุ่มต่ำ "
            f"{len(summary.mismatches)} แห่ง ซึ่งควรจัดให้มีการนิเทศติดตามเป็นลำดับแรก")
    return ReportSection("support", SECTIONS["support"], (text,), (
        ("ตารางที่ 9 สถานศึกษาที่ควรได้รับการช่วยเหลือ", TableBlock(("รหัส", "โรงเรียน", "เหตุผล"), tuple(rows),
                                                                 (30, 56, 96))),) if rows else ())


def committee_report(session: Session, actor: Actor, academic_year: int, *, district: str = "",
                     without: Sequence[str] = (), results: ResultsSource | None = None, today: dt.date | None = None,
                     progress: Callable[[float, str], None] = lambda f, m: None) -> CommitteeReport:
    """The year's committee report as data (render it with exports.supervision)."""
    authorize(actor, None, "committee.read")
    notes = session.scalar(select(CommitteeNotes).where(CommitteeNotes.academic_year == academic_year))
    off = set(without) | set(notes.sections_off if notes else ())
    unknown = off - set(SECTIONS)
    if unknown:
        raise SupervisionError("committee.unknown_section", message_th=f"ไม่มีหัวข้อ {', '.join(sorted(unknown))} "
                               f"(มี: {', '.join(SECTIONS)})", message_en=f"unknown sections {sorted(unknown)}")
    source = OnceResults(results or WarehouseResults())
    today = today or dt.date.today()
    sections = []
    if "plan" not in off:
        sections.append(_plan_section(session, actor, academic_year))
    progress(0.2, "แผนและการนิเทศ")
    summary = qa_summary(session, actor, academic_year, results=source)
    progress(0.4, "การประกันคุณภาพ")
    if "results" not in off:
        years = {y: source.year_results(session, actor, y) for y in (academic_year,)}
        sections.append(_results_section(session, years, academic_year))
    progress(0.8, "ผลการทดสอบ")
    if "qa" not in off:
        sections.append(_qa_section(summary))
    if "support" not in off:
        sections.append(_support_section(session, summary, academic_year, today))
    if "practices" not in off:
        practices = notes.good_practices if notes else []
        sections.append(ReportSection("practices", SECTIONS["practices"], tuple(
            f"{p.get('school', '')}: {p.get('title', '')} — {p.get('text', '')}" for p in practices)
            or ("ยังไม่ได้บันทึกแนวปฏิบัติที่ดี",)))
    if "recommendations" not in off:
        recs = notes.recommendations if notes else []
        sections.append(ReportSection("recommendations", SECTIONS["recommendations"], tuple(
            f"({k}) {r}" for k, r in enumerate(recs, start=1)) or ("ยังไม่ได้บันทึกข้อเสนอแนะของคณะกรรมการ",)))
    progress(1.0, "เสร็จ")
    return CommitteeReport(
        district=district, academic_year=academic_year,
        title="รายงานผลการติดตาม ตรวจสอบ ประเมินผล และนิเทศการศึกษา", sections=tuple(sections), created_on=today,
        meeting_on=notes.meeting_on if notes else None,
        signatures=(SignatureLine("เลขานุการคณะกรรมการ ก.ต.ป.น."), SignatureLine("ประธานคณะกรรมการ ก.ต.ป.น.")))
