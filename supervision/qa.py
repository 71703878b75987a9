"""การประกันคุณภาพ: each school's SAR levels per year, the external (สมศ.) levels, and the district summary.

A SAR file (XLSX or CSV, the template of :func:`write_qa_template`) has one row per school and
standard or sub-item: รหัสโรงเรียน, ปีการศึกษา, ประเด็น (1, 1.1, 1.1(1) …), ระดับคุณภาพ (1–5 or
ยอดเยี่ยม … กำลังพัฒนา), หลักฐาน/หมายเหตุ, and optionally แหล่งข้อมูล (sar / สมศ.). The file is read by
the bank's hardened reader; every row is checked and every problem reported (Thai, with row and
column) before anything is written; importing the same file again changes nothing (unique school,
year, source, code).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.errors import Where
from itembank.models import utcnow
from itembank.schools import School
from supervision.errors import SupervisionError
from supervision.models import QaRating
from supervision.results import ResultsSource, WarehouseResults
from supervision.standards import QA_LEVELS, level_of, qa_codes

SOURCE_TH = {"sar": "รายงานการประเมินตนเอง (SAR)", "external": "ผลการประเมินภายนอก (สมศ.)"}
COLUMNS = {  # header (Thai or English, case-insensitive) → field
    "รหัสโรงเรียน": "school_code", "school_code": "school_code",
    "ปีการศึกษา": "academic_year", "academic_year": "academic_year", "year": "academic_year",
    "ประเด็น": "code", "มาตรฐาน": "code", "มาตรฐาน/ประเด็นพิจารณา": "code", "code": "code", "standard": "code",
    "ระดับคุณภาพ": "level", "ระดับ": "level", "level": "level",
    "หลักฐาน/หมายเหตุ": "evidence", "หลักฐาน": "evidence", "หมายเหตุ": "evidence", "evidence": "evidence",
    "แหล่งข้อมูล": "source", "source": "source",
}
TEMPLATE_HEADERS = ("รหัสโรงเรียน", "ปีการศึกษา", "ประเด็น", "ระดับคุณภาพ", "หลักฐาน/หมายเหตุ", "แหล่งข้อมูล")
_SOURCES = {"sar": "sar", "SAR": "sar", "ประเมินตนเอง": "sar", "external": "external", "สมศ.": "external",
            "สมศ": "external", "ภายนอก": "external"}


@dataclass(frozen=True)
class QaRow:
    school_code: str
    academic_year: int
    code: str
    level: int
    evidence: str = ""
    source: str = "sar"
    row: int | None = None  # the file's row, for messages


@dataclass(frozen=True)
class QaImportReport:
    n_rows: int
    n_created: int
    n_updated: int
    n_unchanged: int
    n_schools: int


def _problem(code: str, where: Where, th: str, en: str) -> SupervisionError:
    return SupervisionError(code, where=where, message_th=th, message_en=en)


def read_qa_file(path: str | Path, academic_year: int | None = None, source: str = "sar",
                 display_name: str | None = None) -> list[QaRow]:
    """Read and check every row of a SAR/สมศ. file; SupervisionError listing every problem (Thai, row, column)."""
    from itembank.importing.files import read_table  # the file readers (openpyxl …) load when a file comes

    table = read_table(path, display_name=display_name)
    name = table.file
    problems: list[SupervisionError] = [SupervisionError(p.code, where=p.where, message_th=p.message_th,
                                                         message_en=p.message_en) for p in table.problems]
    cols: dict[str, int] = {}
    for k, h in enumerate(table.headers):
        f = COLUMNS.get(h.strip()) or COLUMNS.get(h.strip().lower())
        if f and f not in cols:
            cols[f] = k
    need = ["school_code", "code", "level"] + ([] if academic_year else ["academic_year"])
    missing = [f for f in need if f not in cols]
    if missing:
        th = {"school_code": "รหัสโรงเรียน", "code": "ประเด็น", "level": "ระดับคุณภาพ", "academic_year": "ปีการศึกษา"}
        raise _problem("qa.missing_columns", Where(name, 1, None),
                       f"ไม่มีคอลัมน์ {', '.join(th[f] for f in missing)} (ดูแม่แบบ: khlang qa template)",
                       f"missing columns {', '.join(missing)} (see khlang qa template)")
    known = qa_codes()
    rows, seen = [], {}
    letter = {f: _letter(k) for f, k in cols.items()}

    def cell(values: list[str], f: str) -> str:
        k = cols.get(f)
        return values[k].strip() if k is not None and k < len(values) else ""

    for row_no, values in table.rows:
        school, code, raw_level = cell(values, "school_code"), cell(values, "code"), cell(values, "level")
        year_text = cell(values, "academic_year")
        src = _SOURCES.get(cell(values, "source"), source) if cell(values, "source") else source
        if not school:
            problems.append(_problem("qa.no_school", Where(name, row_no, letter["school_code"]),
                                     "ไม่มีรหัสโรงเรียน", "no school code"))
        if code not in known:
            problems.append(_problem("qa.unknown_code", Where(name, row_no, letter["code"]),
                                     f"ไม่มีประเด็น {code!r} ในมาตรฐานการศึกษาขั้นพื้นฐาน พ.ศ. 2561 (ใช้ 1, 1.1, 1.1(1) …)",
                                     f"no standard or sub-item {code!r} (use 1, 1.1, 1.1(1) …)"))
        level = level_of(raw_level)
        if level is None:
            problems.append(_problem("qa.bad_level", Where(name, row_no, letter["level"]),
                                     f"ระดับคุณภาพ {raw_level!r} ต้องเป็น 1–5 หรือ ยอดเยี่ยม ดีเลิศ ดี ปานกลาง กำลังพัฒนา",
                                     f"quality level {raw_level!r} must be 1–5 or its Thai label"))
        year = academic_year
        if year_text:
            try:
                year = int(year_text.translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))
            except ValueError:
                year = None
            if year is None or not 2400 <= year <= 2700:
                problems.append(_problem("qa.bad_year", Where(name, row_no, letter.get("academic_year")),
                                         f"ปีการศึกษา {year_text!r} ต้องเป็น พ.ศ. เช่น 2568", f"bad academic year {year_text!r}"))
                year = None
        key = (school, year, src, code)
        if key in seen:
            problems.append(_problem("qa.duplicate", Where(name, row_no, letter["code"]),
                                     f"ซ้ำกับแถว {seen[key]} (โรงเรียน {school} ประเด็น {code})",
                                     f"repeats row {seen[key]} (school {school}, {code})"))
        seen[key] = row_no
        if level is not None and year is not None and code in known and school:
            rows.append(QaRow(school, year, code, level, cell(values, "evidence"), src, row_no))
    if problems:
        raise SupervisionError("qa.invalid_file", problems=problems)
    return rows


def _letter(index: int) -> str:
    from itembank.errors import column_letter

    return column_letter(index)


def save_qa_ratings(session: Session, actor: Actor, rows: list[QaRow], *, file: str | None = None) -> QaImportReport:
    """Write SAR/สมศ. levels in one transaction: new ones added, changed ones replaced, the same ones left."""
    authorize(actor, None, "qa.write")
    schools = {s.code: s for s in session.scalars(select(School))}
    problems = []
    for k, r in enumerate(rows, start=1):
        if r.school_code not in schools:
            problems.append(_problem("qa.unknown_school", Where(file, r.row, "รหัสโรงเรียน" if r.row else None),
                                     f"ไม่พบโรงเรียนรหัส {r.school_code}", f"no school {r.school_code}"))
        elif r.code not in qa_codes() or r.level not in QA_LEVELS:
            problems.append(_problem("qa.bad_entry", Where(file, None, None),
                                     f"รายการที่ {k}: ประเด็น {r.code} ระดับ {r.level} ไม่ถูกต้อง", f"entry {k}: bad code or level"))
        else:
            authorize(actor, schools[r.school_code], "qa.write")
    if problems:
        raise SupervisionError("qa.invalid", problems=problems)
    ids = {schools[r.school_code].id for r in rows}
    years = {r.academic_year for r in rows}
    existing = {(q.school_id, q.academic_year, q.source, q.code): q for q in session.scalars(
        select(QaRating).where(QaRating.school_id.in_(ids), QaRating.academic_year.in_(years)))} if rows else {}
    created = updated = unchanged = 0
    for r in rows:
        sid = schools[r.school_code].id
        old = existing.get((sid, r.academic_year, r.source, r.code))
        if old is None:
            q = QaRating(school_id=sid, academic_year=r.academic_year, source=r.source, code=r.code, level=r.level,
                         evidence=r.evidence, entered_by_name=actor.username)
            session.add(q)
            existing[(sid, r.academic_year, r.source, r.code)] = q
            created += 1
        elif (old.level, old.evidence) == (r.level, r.evidence):
            unchanged += 1
        else:
            old.level, old.evidence, old.entered_by_name, old.updated_at = r.level, r.evidence, actor.username, utcnow()
            updated += 1
    session.commit()
    return QaImportReport(len(rows), created, updated, unchanged, len(ids))


def import_qa_file(session: Session, actor: Actor, path: str | Path, *, academic_year: int | None = None,
                   source: str = "sar", dry_run: bool = False, display_name: str | None = None) -> QaImportReport:
    """Import a SAR (or สมศ.) file: every row checked, all or nothing, the same file twice changes nothing."""
    authorize(actor, None, "qa.write")
    rows = read_qa_file(path, academic_year, source, display_name)
    if dry_run:
        return QaImportReport(len(rows), 0, 0, 0, len({r.school_code for r in rows}))
    return save_qa_ratings(session, actor, rows, file=display_name or Path(path).name)


def write_qa_template(path: str | Path, academic_year: int = 2569, school_codes: tuple[str, ...] = ()) -> Path:
    """The XLSX template: the data sheet first (one row per school and standard), then the codes and levels."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "SAR"
    ws.append(TEMPLATE_HEADERS)
    for c in ws[1]:
        c.font = Font(bold=True)
    for code in school_codes or ("1029020001",):
        for std in ("1", "2", "3"):
            ws.append((code, academic_year, std, "ดี", "", "sar"))
    for col, width in zip("ABCDEF", (14, 11, 10, 14, 50, 12), strict=True):
        ws.column_dimensions[col].width = width
    ref = wb.create_sheet("มาตรฐานและระดับ")
    ref.append(("ประเด็น", "ชื่อ"))
    for code, name in qa_codes().items():
        ref.append((code, name))
    ref.append(())
    ref.append(("ระดับคุณภาพ", "ความหมาย"))
    for level, label in QA_LEVELS.items():
        ref.append((level, label))
    ref.append(())
    ref.append(("แหล่งข้อมูล", "sar = รายงานการประเมินตนเอง, สมศ. = ผลการประเมินภายนอก"))
    path = Path(path)
    wb.save(path)
    return path


# ------------------------------------------------------------------------------------------ summaries


@dataclass(frozen=True)
class SchoolQa:
    school_id: int
    school_code: str
    school: str
    levels: dict[str, int]  # code → SAR level this year
    previous: dict[str, int]  # code → SAR level last year
    external: dict[str, int]  # code → สมศ. level
    result_percent: float | None = None
    in_bottom_quartile: bool = False

    def change(self, code: str) -> int | None:
        if code in self.levels and code in self.previous:
            return self.levels[code] - self.previous[code]
        return None


@dataclass(frozen=True)
class Mismatch:
    """A school whose self-rating on student quality is far above where its exam results stand."""

    school_code: str
    school: str
    code: str
    self_level: int
    result_percent: float
    reason_th: str


@dataclass(frozen=True)
class QaSummary:
    """สรุปการประกันคุณภาพระดับเขตพื้นที่ for a year."""

    academic_year: int
    target_level: int
    distribution: dict[str, dict[int, int]]  # standard "1".."3" → level → number of schools
    schools: tuple[SchoolQa, ...]
    below_target: tuple[tuple[str, str, str, int], ...]  # (school code, school, standard, level)
    mismatches: tuple[Mismatch, ...]
    n_schools: int
    n_with_sar: int
    results_skipped: tuple[str, ...] = ()

    def mean_change(self, code: str) -> float | None:
        changes = [c for s in self.schools if (c := s.change(code)) is not None]
        return sum(changes) / len(changes) if changes else None


def qa_summary(session: Session, actor: Actor, academic_year: int, *, target_level: int = 3,
               self_rating_at_least: int = 5, results: ResultsSource | None = None) -> QaSummary:
    """The district summary: levels per standard, schools below target, change from last year, and
    self-ratings of student quality (standard 1, 1.1) at `self_rating_at_least` or above from schools
    whose exam results are in the district's bottom quartile (flagged for a supervision visit)."""
    authorize(actor, None, "qa.summary")
    schools = {s.id: s for s in session.scalars(select(School).order_by(School.code))}
    ratings = session.scalars(select(QaRating).where(QaRating.academic_year.in_([academic_year, academic_year - 1]))).all()
    now: dict[int, dict[str, int]] = defaultdict(dict)
    before: dict[int, dict[str, int]] = defaultdict(dict)
    ext: dict[int, dict[str, int]] = defaultdict(dict)
    for q in ratings:
        if q.source == "external":
            if q.academic_year == academic_year:
                ext[q.school_id][q.code] = q.level
        elif q.academic_year == academic_year:
            now[q.school_id][q.code] = q.level
        else:
            before[q.school_id][q.code] = q.level
    year_results = (results or WarehouseResults()).year_results(session, actor, academic_year)
    means, bottom = year_results.school_means(), year_results.bottom_quartile()
    rows = tuple(SchoolQa(sid, s.code, s.name_th, now.get(sid, {}), before.get(sid, {}), ext.get(sid, {}),
                          means.get(sid), sid in bottom) for sid, s in schools.items())
    distribution = {std: dict(Counter(r.levels[std] for r in rows if std in r.levels)) for std in ("1", "2", "3")}
    below = tuple((r.school_code, r.school, std, r.levels[std]) for r in rows for std in ("1", "2", "3")
                  if std in r.levels and r.levels[std] < target_level)
    mismatches = []
    for r in rows:
        code = next((c for c in ("1.1", "1") if r.levels.get(c, 0) >= self_rating_at_least), None)
        if code and r.in_bottom_quartile and r.result_percent is not None:
            mismatches.append(Mismatch(
                r.school_code, r.school, code, r.levels[code], r.result_percent,
                f"ประเมินตนเองมาตรฐาน {code} ระดับ{QA_LEVELS[r.levels[code]]} แต่ผลการทดสอบของเขตพื้นที่"
                f" (ร้อยละ {r.result_percent:.2f}) อยู่ในกลุ่มต่ำสุดร้อยละ 25: ควรนิเทศติดตาม"))
    return QaSummary(academic_year, target_level, distribution, rows, below, tuple(mismatches), len(schools),
                     sum(1 for r in rows if r.levels), year_results.skipped)


def school_qa(session: Session, actor: Actor, school_code: str, academic_year: int) -> list[QaRating]:
    """One school's SAR and สมศ. levels for a year (a school account: its own only)."""
    authorize(actor, None, "qa.read")
    school = session.scalar(select(School).where(School.code == school_code))
    if school is None:
        raise SupervisionError("school.not_found", kind="not_found", message_th=f"ไม่พบโรงเรียนรหัส {school_code}",
                               message_en=f"no school {school_code}")
    authorize(actor, school, "qa.read")
    return list(session.scalars(select(QaRating).where(QaRating.school_id == school.id,
                                                       QaRating.academic_year == academic_year)
                                .order_by(QaRating.source, QaRating.code)))
