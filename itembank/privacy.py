"""ข้อมูลส่วนบุคคลของนักเรียน (PDPA B.E. 2562): the register of student-level tables, a data subject's
export (s.30) and the retention purge (s.33, s.37(3)).

The centre keeps the register as data (table names, not imports: the student tables belong to
:mod:`scoring`, which the centre may not import). A test walks every model and fails when a table
that refers to a student (directly, or through another registered table) is missing here, as
Moodle's privacy provider test does.

- :func:`export_student`: everything Khlang holds about one student of one school, as JSON-ready
  data and as one table per registered table (the command line writes JSON or XLSX). For the
  students' own school or the district's officer; audited.
- :func:`purge`: student-level rows of academic years that ended more than N years ago are deleted
  (answers, scores, class enrolments), then the students left with nothing are deleted. The
  aggregates stay: the results warehouse (``result_summary``), item statistics, upload counts. One
  transaction with its audit row; ``dry_run`` counts and changes nothing. Administrators only. The
  audit log itself is append-only and never purged here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, Table, and_, delete, func, not_, select
from sqlmodel import Session

from itembank.authz import Actor, authorize
from itembank.errors import ItemBankError
from itembank.models import utcnow
from psychometrics.tables import Table as PlainTable


@dataclass(frozen=True)
class PersonalTable:
    """A table holding student-level rows: how a student's rows are found, and what it holds (Thai)."""

    name: str
    title_th: str
    key: str  # the column holding the student's id ("id" for the student table itself)
    via: str | None = None  # `key` refers to this registered table's `id` (whose rows are the student's)


#: Every table with student-level rows, parents before children. The registry test keeps it complete.
REGISTRY: tuple[PersonalTable, ...] = (
    PersonalTable("student", "ข้อมูลนักเรียน (เลขประจำตัว คำนำหน้า ชื่อ-นามสกุล เพศ)", "id"),
    PersonalTable("enrolment", "ชั้นเรียนและเลขที่ในแต่ละปีการศึกษา", "student_id"),
    PersonalTable("response_set", "คำตอบรายข้อในแต่ละการสอบ (รหัสคำตอบตามลำดับข้อของฉบับ)", "student_id"),
    PersonalTable("student_score", "คะแนนในแต่ละการสอบ", "response_set_id", via="response_set"),
)

#: Tables that hold aggregates or records about people who are not students: kept by the purge.
KEPT_TH = ("สรุปผลระดับเขต โรงเรียน และห้องเรียน (result_summary)", "ค่าสถิติของข้อสอบ",
           "จำนวนนักเรียนในไฟล์คำตอบที่นำเข้า (answer_upload)", "บันทึกการใช้งาน (audit_log)")


def _error(code: str, th: str, en: str, kind: str = "invalid", **params: Any) -> ItemBankError:
    return ItemBankError(code, kind=kind, message_th=th, message_en=en, **params)


def _tables(session: Session, names: Iterable[str]) -> dict[str, Table]:
    """The tables by name, read from the database (the centre imports no satellite model)."""
    meta = MetaData()
    conn = session.connection()
    return {n: Table(n, meta, autoload_with=conn) for n in names}


def _plain(value: Any) -> Any:
    """A JSON value: dates and times as ISO text (Asia/Bangkok is the reader's business)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


# --- the data subject's export ------------------------------------------------------------------


@dataclass(frozen=True)
class StudentExport:
    """Everything held about one student: rows by registered table, with the labels that explain them."""

    school_code: str
    school_name: str
    student_code: str
    generated_at: dt.datetime
    rows: dict[str, list[dict[str, Any]]]
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.rows.items()}

    def as_dict(self) -> dict[str, Any]:
        return {
            "khlang_export": "pdpa-subject-access",
            "generated_at": self.generated_at.isoformat(),
            "school": {"code": self.school_code, "name_th": self.school_name},
            "student_code": self.student_code,
            "tables": {t.name: {"title_th": t.title_th, "rows": self.rows.get(t.name, [])} for t in REGISTRY},
            "labels": self.labels,
            "kept_elsewhere_th": list(KEPT_TH),
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2, default=str)

    def as_tables(self) -> list[PlainTable]:
        """One plain table per registered table (a sheet each in XLSX), then the labels."""
        out = []
        for t in REGISTRY:
            rows = self.rows.get(t.name, [])
            columns = tuple(rows[0]) if rows else ("ไม่มีข้อมูล",)
            values = [tuple(_cell(r[c]) for c in columns) for r in rows]
            out.append(PlainTable(f"{t.name}", columns, values,
                                  notes=(t.title_th, f"โรงเรียน {self.school_name} ({self.school_code}) "
                                         f"นักเรียนเลขประจำตัว {self.student_code}")))
        for name, labels in self.labels.items():
            out.append(PlainTable(f"labels_{name}", ("id", "label"),
                                  [(str(k), _cell(v)) for k, v in labels.items()]))
        return out


def _cell(value: Any) -> Any:
    """A spreadsheet cell: lists and mappings as JSON text, dates as ISO text."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return _plain(value)


def _not_found(school_code: str, student_code: str) -> ItemBankError:
    return _error("privacy.student_not_found",
                  f"ไม่พบนักเรียนเลขประจำตัว {student_code} ของโรงเรียนรหัส {school_code}",
                  f"no student {student_code} in school {school_code}", kind="not_found",
                  school=school_code, student=student_code)


def export_student(session: Session, actor: Actor, school_code: str, student_code: str) -> StudentExport:
    """What Khlang holds about one student (a data-subject access request, PDPA s.30), audited.

    The students' own school or a district officer; another school's student gets the same "not found"
    as a student who does not exist."""
    from itembank.audit import record
    from itembank.schools import School

    authorize(actor, None, "privacy.export")
    school_code, student_code = school_code.strip(), student_code.strip()
    school = session.scalar(select(School).where(School.code == school_code))
    if school is None or not actor.may("privacy.export", school):
        raise _not_found(school_code, student_code)
    t = _tables(session, [p.name for p in REGISTRY] + ["administration", "school_class", "academic_year"])
    student = session.execute(select(t["student"]).where(t["student"].c.school_id == school.id,
                                                         t["student"].c.student_code == student_code)).first()
    if student is None:
        raise _not_found(school_code, student_code)
    ids: dict[str, list[Any]] = {"student": [student.id]}
    rows: dict[str, list[dict[str, Any]]] = {}
    for p in REGISTRY:
        table = t[p.name]
        parent_ids = ids[p.via] if p.via else [student.id]
        found = [dict(r._mapping) for r in session.execute(
            select(table).where(table.c[p.key].in_(parent_ids)).order_by(*table.primary_key.columns))]
        rows[p.name] = [{k: _plain(v) for k, v in r.items()} for r in found]
        if "id" in table.c:
            ids[p.name] = [r["id"] for r in found]
    labels = _labels(session, t, rows)
    out = StudentExport(school.code, school.name_th, student_code, utcnow(), rows, labels)
    record(session, "privacy.export", actor=actor, object_type="student", object_id=f"{school.code}/{student_code}",
           detail={"school_id": school.id, "rows": out.counts()}, commit=True)
    return out


def _labels(session: Session, t: dict[str, Table], rows: dict[str, list[dict[str, Any]]]) -> dict[str, dict]:
    """Names for the ids the rows refer to: administrations, classes, academic years."""
    adm_ids = sorted({r["administration_id"] for n in ("response_set", "student_score") for r in rows.get(n, [])})
    class_ids = sorted({r["class_id"] for r in rows.get("enrolment", [])})
    year_ids = sorted({r["academic_year_id"] for r in rows.get("enrolment", [])})
    a, c, y = t["administration"], t["school_class"], t["academic_year"]
    return {
        "administration": {i: f"{code} {title}" for i, code, title in session.execute(
            select(a.c.id, a.c.code, a.c.title).where(a.c.id.in_(adm_ids)))},
        "school_class": {i: f"{grade}/{room}" if room else grade for i, grade, room in session.execute(
            select(c.c.id, c.c.grade, c.c.room).where(c.c.id.in_(class_ids)))},
        "academic_year": {i: f"ปีการศึกษา {be}" for i, be in session.execute(
            select(y.c.id, y.c.year_be).where(y.c.id.in_(year_ids)))},
    }


# --- the retention purge --------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    """What the purge removed (or would remove, on a dry run): rows per registered table."""

    older_than_years: int
    cutoff: dt.date  # academic years that ended before this day
    years_be: tuple[int, ...]  # the academic years past retention
    counts: dict[str, int]
    dry_run: bool

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def message(self, lang: str = "th") -> str:
        years = ", ".join(map(str, self.years_be)) or ("ไม่มี" if lang == "th" else "none")
        if lang == "en":
            parts = ", ".join(f"{n} {k}" for k, n in self.counts.items())
            verb = "would remove" if self.dry_run else "removed"
            return (f"academic years ended before {self.cutoff.isoformat()} ({years}): {verb} {parts}; "
                    "result summaries and item statistics kept")
        words = {"student": "นักเรียน", "enrolment": "การลงทะเบียนชั้นเรียน", "response_set": "ชุดคำตอบ",
                 "student_score": "คะแนนรายคน"}
        parts = " ".join(f"{words.get(k, k)} {n:,} แถว" for k, n in self.counts.items())
        verb = "จะลบ (ทดลอง ไม่มีการเปลี่ยนแปลง)" if self.dry_run else "ลบแล้ว"
        cutoff = f"{self.cutoff.day} {_MONTHS_TH[self.cutoff.month - 1]} {self.cutoff.year + 543}"
        if not self.years_be:
            return (f"ไม่มีปีการศึกษาใดสิ้นสุดก่อน {cutoff} (เก็บรักษา {self.older_than_years} ปี): "
                    "ไม่มีข้อมูลรายนักเรียนที่ต้องลบ")
        return (f"ปีการศึกษาที่สิ้นสุดก่อน {cutoff} (ปีการศึกษา {years}): {verb} {parts}; "
                "เก็บสรุปผลระดับเขต โรงเรียน ห้องเรียน และค่าสถิติของข้อสอบไว้")


_MONTHS_TH = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")


def year_end(year_be: int, ends_on: dt.date | None) -> dt.date:
    """The last day of a Thai academic year: its recorded end, else 31 March of the next Christian year."""
    return ends_on or dt.date(year_be - 543 + 1, 3, 31)


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def purge(session: Session, actor: Actor, older_than_years: int, *, today: dt.date | None = None,
          dry_run: bool = False) -> PurgeResult:
    """Delete the student-level rows of academic years that ended more than `older_than_years` ago.

    Answers and scores of those years' administrations, class enrolments of those years, then every
    student left with no answers and no enrolment who was added before the cutoff. One transaction with
    its audit row (``privacy.purge``); a dry run counts, rolls back and audits the count. Running it
    again removes nothing more. Administrators only."""
    from itembank.audit import record

    authorize(actor, None, "privacy.purge")
    if isinstance(older_than_years, bool) or not isinstance(older_than_years, int) or older_than_years < 1:
        raise _error("privacy.bad_retention",
                     f"ระยะเวลาเก็บรักษาต้องเป็นจำนวนปีเต็มตั้งแต่ 1 ปีขึ้นไป (ได้รับ {older_than_years!r})",
                     f"the retention period must be a whole number of years, at least 1 (got {older_than_years!r})",
                     value=older_than_years)
    today = today or dt.datetime.now(dt.UTC).date()
    cutoff = _years_ago(today, older_than_years)
    t = _tables(session, ["student", "enrolment", "response_set", "student_score", "administration", "term",
                          "academic_year"])
    y, term, adm = t["academic_year"], t["term"], t["administration"]
    expired = [(i, be) for i, be, ends in session.execute(select(y.c.id, y.c.year_be, y.c.ends_on))
               if year_end(be, ends) < cutoff]
    year_ids = [i for i, _ in expired]
    adm_ids = select(adm.c.id).join(term, term.c.id == adm.c.term_id).where(term.c.academic_year_id.in_(year_ids))
    rs, sc, en, st = t["response_set"], t["student_score"], t["enrolment"], t["student"]
    old_sets = select(rs.c.id).where(rs.c.administration_id.in_(adm_ids))
    affected = set(session.scalars(select(rs.c.student_id).where(rs.c.administration_id.in_(adm_ids))))
    affected |= set(session.scalars(select(en.c.student_id).where(en.c.academic_year_id.in_(year_ids))))
    counts: dict[str, int] = {}
    counts["student_score"] = session.execute(
        delete(sc).where(sc.c.response_set_id.in_(old_sets))).rowcount or 0
    counts["response_set"] = session.execute(delete(rs).where(rs.c.administration_id.in_(adm_ids))).rowcount or 0
    counts["enrolment"] = session.execute(delete(en).where(en.c.academic_year_id.in_(year_ids))).rowcount or 0
    # the students left with nothing: those whose rows went now, and any older than the cutoff with none
    cutoff_at = dt.datetime.combine(cutoff, dt.time(), tzinfo=dt.UTC)
    left_alone = and_(not_(select(rs.c.id).where(rs.c.student_id == st.c.id).exists()),
                      not_(select(en.c.id).where(en.c.student_id == st.c.id).exists()))
    n = session.execute(delete(st).where(left_alone, st.c.created_at < cutoff_at)).rowcount or 0
    ids = sorted(affected)
    for k in range(0, len(ids), 5000):
        n += session.execute(delete(st).where(left_alone, st.c.id.in_(ids[k:k + 5000]))).rowcount or 0
    counts["student"] = n
    counts = {k: counts[k] for k in ("student", "enrolment", "response_set", "student_score")}
    result = PurgeResult(older_than_years, cutoff, tuple(sorted(be for _, be in expired)), counts, dry_run)
    detail = {"older_than_years": older_than_years, "cutoff": cutoff.isoformat(), "years_be": list(result.years_be),
              "rows": counts, "dry_run": dry_run}
    if dry_run:
        session.rollback()
        record(session, "privacy.purge_dry_run", actor=actor, object_type="retention", detail=detail)
    else:
        record(session, "privacy.purge", actor=actor, object_type="retention", detail=detail, commit=False)
        session.commit()
    return result


def student_row_count(session: Session) -> dict[str, int]:
    """Rows per registered table (for reports and tests)."""
    t = _tables(session, [p.name for p in REGISTRY])
    return {p.name: session.scalar(select(func.count()).select_from(t[p.name])) or 0 for p in REGISTRY}




# --- minimisation: no national id numbers ----------------------------------------------------------


#: 13 digits standing alone (not inside a longer number, a hash or a code), or written 1-2345-67890-12-3
_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d)[- ]?(\d{4})[- ]?(\d{5})[- ]?(\d{2})[- ]?(\d)(?![0-9A-Za-z])")


def is_national_id(digits: str) -> bool:
    """True for a 13-digit Thai national id number with a valid check digit."""
    if len(digits) != 13 or not digits.isdigit() or digits[0] == "0":
        return False
    total = sum(int(d) * (13 - k) for k, d in enumerate(digits[:12]))
    return (11 - total % 11) % 10 == int(digits[12])


def national_ids_in(text: str) -> list[str]:
    """The valid national id numbers written in `text` (13 digits, with or without dashes or spaces)."""
    return [d for m in _ID_PATTERN.finditer(text) if is_national_id(d := "".join(m.groups()))]


def masked(digits: str) -> str:
    """A national id shown without its middle: 1-2345-xxxxx-xx-3."""
    return f"{digits[0]}-{digits[1:5]}-xxxxx-xx-{digits[12]}"


@dataclass(frozen=True)
class IdFinding:
    """A national id number found where Khlang should hold none: where, and the number masked."""

    where: str  # table.column#row (database) or a file name
    masked_id: str


def scan_database(session: Session, actor: Actor) -> list[IdFinding]:
    """Every valid national id number in any text or JSON value of any table (PDPA s.22, minimisation:
    Khlang keeps a school's own student number, never the national id). Administrators only; audited."""
    from sqlalchemy import JSON, String, Text, inspect

    from itembank.audit import record

    authorize(actor, None, "privacy.scan")
    conn = session.connection()
    names = sorted(inspect(conn).get_table_names())
    meta = MetaData()
    found: list[IdFinding] = []
    for name in names:
        table = Table(name, meta, autoload_with=conn)
        cols = [c for c in table.c if isinstance(c.type, String | Text | JSON)]
        if not cols:
            continue
        key = list(table.primary_key.columns)
        for row in session.execute(select(*key, *cols)).yield_per(2000):
            ident = ",".join(str(row[k]) for k in range(len(key)))
            for c, value in zip(cols, row[len(key):], strict=True):
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                found += [IdFinding(f"{name}.{c.name}#{ident}", masked(d)) for d in national_ids_in(text)]
    record(session, "privacy.scan", actor=actor, object_type="database", outcome="ok",
           detail={"tables": len(names), "found": len(found)}, commit=True)
    return found


def scan_files(paths: Iterable[Any]) -> list[IdFinding]:
    """Valid national id numbers in files (exports, logs, backups' text): each file read as UTF-8 text,
    XLSX workbooks cell by cell."""
    from pathlib import Path

    found: list[IdFinding] = []
    for p in map(Path, paths):
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for f in files:
            if f.suffix.lower() == ".xlsx":
                from openpyxl import load_workbook

                wb = load_workbook(f, read_only=True, data_only=True)
                text = "\n".join(str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)
                                 for v in r if v is not None)
                wb.close()
            else:
                text = f.read_bytes().decode("utf-8", errors="replace")
            found += [IdFinding(str(f), masked(d)) for d in national_ids_in(text)]
    return found


__all__ = ["REGISTRY", "PersonalTable", "StudentExport", "PurgeResult", "IdFinding", "export_student", "purge",
           "student_row_count", "year_end", "is_national_id", "national_ids_in", "scan_database", "scan_files"]
